"""Page forms: they parse input into the types the services take; the services judge it (InvalidInput.field
names the form field the message belongs to)."""

import uuid

from django import forms
from django.utils import timezone

from attachments.forms import documents_field, photos_field
from core.errors import InvalidInput
from dispatch.catalog.selectors import current_version
from dispatch.choices import RequestType, Tier
from dispatch.models import CatalogItem
from dispatch.selectors import districts, likely_whistle_units, street_named

from .choices import CONTENT_MAX_LENGTH, Channel, FeedbackMethod, Satisfaction, Urgency
from .services import intake
from .unit_fields import UnitPickerField, unit_picker

YES_NO = [("yes", "是"), ("no", "否")]
# a date-time the picker script (static/js/pickers.js) opens a Chinese calendar for; typed as 2026-11-22 08:00
LOCAL_DT = {"data-picker": "datetime", "autocomplete": "off", "placeholder": "如 2026-11-22 08:00"}
DT_FORMAT = "%Y-%m-%d %H:%M"


def needed(field):
    """Mark a field of an action form the service requires: the page's star beside its label and aria-required,
    without the browser's one-at-a-time check (the service names every missing field at once)."""
    field.needed = True
    field.widget.attrs["aria-required"] = "true"
    return field


def _now_to_the_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


def _yes_no(label):
    return forms.TypedChoiceField(label=label, choices=YES_NO, widget=forms.RadioSelect, required=False,
                                  coerce=lambda v: v == "yes", empty_value=None)


def mark_required(form, messages):
    """Required in the browser too: ``required`` and the message the page script shows beside the field (the
    server says the same, all fields at once: intake.intake_errors)."""
    for name, message in messages.items():
        form.fields[name].widget.attrs.update({"required": True, "data-required-message": message})


INTAKE_REQUIRED = {"caller_phone": "诉求人电话不能为空", "channel": "请选择受理渠道",
                   "district": "请选择事发地所在的区", "address": "事发地址不能为空", "content": "诉求内容不能为空",
                   "request_type": "请选择诉求类型",
                   "urgency": "请选择紧急程度", "catalog_item": "请选择当前版本派单目录的三级条目"}
INTAKE_CHECKED = ("channel", "caller_phone", "address", "district", "street", "content", "request_type",
                  "catalog_item", "tier", "tier_reason", "urgency")


class IntakeForm(forms.Form):
    caller_phone = forms.CharField(label="诉求人电话", max_length=20, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off",
                                                                 "pattern": r"1\d{10}|0\d{2,3}-?\d{7,8}|\d{7,8}",
                                                                 "data-pattern-message":
                                                                 "诉求人电话格式不正确（手机号11位或固定电话）"}))
    caller_name = forms.CharField(label="诉求人姓名（可不填）", max_length=50, required=False)
    channel = forms.ChoiceField(label="渠道", choices=Channel.choices, initial=Channel.PHONE)
    district = forms.ModelChoiceField(label="区", queryset=districts(), required=False, empty_label="请选择区")
    street = forms.CharField(label="街乡镇", max_length=100, required=False,
                             widget=unit_picker("street", name_only=True, placeholder="输入街乡镇名称，如 望京"))
    address = forms.CharField(label="事发地址", max_length=200, required=False)
    content = forms.CharField(label="诉求内容", required=False, max_length=CONTENT_MAX_LENGTH,
                              error_messages={"max_length": f"诉求内容不能超过{CONTENT_MAX_LENGTH}字"
                                                            "（现有%(show_value)d字）"},
                              widget=forms.Textarea(attrs={"rows": 4, "aria-describedby": "content-counter"}))
    request_type = forms.ChoiceField(label="诉求类型", choices=[("", "请选择诉求类型")] + RequestType.choices,
                                     required=False)
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL)
    catalog_item = forms.ModelChoiceField(
        label="派单目录（三级）", queryset=CatalogItem.objects.none(), required=False, widget=forms.HiddenInput,
    )
    tier = forms.ChoiceField(label="响应级别", choices=[("", "按建议")] + Tier.choices, required=False)
    tier_reason = forms.CharField(label="调整响应级别理由（降低级别时必填）", max_length=200, required=False)
    lead_unit = UnitPickerField(label="主办单位（默认按目录和地址，可改）",
                                placeholder="留空按目录建议；输入名称或代码")
    lead_reason = forms.CharField(label="改变主办单位理由（主办单位不是目录建议的单位时必填）", max_length=200,
                                  required=False)
    assist_units = UnitPickerField(label="协办单位（可多个，可不填）", multiple=True,
                                   placeholder="输入名称或代码，可选多个")
    answer = forms.CharField(label="答复内容（直接答复时填写）", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    # set by the knowledge panel's 采用此答复 (knowledge_intake.js): the published version answered from
    cited_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    kb_search = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    photos = photos_field("诉求人提供的照片（网络渠道，可不传）", capture=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = current_version()
        self.fields["catalog_item"].queryset = CatalogItem.objects.filter(version=version, level=3).select_related(
            "parent__parent")
        self.fields["catalog_item"].error_messages["invalid_choice"] = "请选择当前版本派单目录的三级条目"
        mark_required(self, INTAKE_REQUIRED)
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex

    def clean(self):
        """Every field's problem at once: the fields' own, the street's, then the intake service's checks."""
        data = super().clean()
        try:
            street = street_named(data.get("street"), data.get("district"))
        except InvalidInput as error:
            street = None
            if not self.has_error("street"):
                self.add_error(error.field, error.message)  # drops the field from cleaned_data
        data["street"] = street
        if street is not None:
            data["district"] = data.get("district") or street.parent
        checked = {name: data.get(name) for name in INTAKE_CHECKED}
        checked["content"] = self.data.get("content", "") if self.has_error("content") else checked["content"]
        errors = intake.intake_errors(**checked)
        if self.dispatching and data.get("catalog_item") and not any(f == "catalog_item" for f, _ in errors):
            suggested = intake.suggested_lead(data["catalog_item"], street, data.get("district"))
            errors.append(intake.lead_override_error(suggested, data.get("lead_unit"), data.get("lead_reason")))
        for field, message in filter(None, errors):
            if field == "district" and self.has_error("street"):
                continue  # the district comes from the street the page must correct first
            if field in self.fields and not self.has_error(field):
                self.add_error(field, message)
        return data

    @property
    def dispatching(self):
        """Dispatched after intake (not answered directly, not linked as a repeat)."""
        return self.data.get("submit") != "answer" and not self.data.get("repeat_of", "").strip()

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        for name in ("answer", "lead_unit", "lead_reason", "assist_units", "cited_version", "kb_search"):
            data.pop(name)
        data["tier"] = data["tier"] or None
        return data


class EmptyForm(forms.Form):
    """An action that is only a button (签收)."""


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ContactForm(forms.Form):
    note = needed(forms.CharField(label="联系情况", required=False, widget=forms.Textarea(attrs={"rows": 2})))
    photos = photos_field("现场照片（可不传）")
    documents = documents_field()


class UploadForm(forms.Form):
    """上传现场照片 while handling: before-photos, progress, documents."""

    photos = photos_field()
    documents = documents_field()
    note = forms.CharField(label="说明（可不填）", required=False, max_length=200)


class AnswerForm(forms.Form):
    answer = needed(forms.CharField(label="答复内容", required=False, widget=forms.Textarea(attrs={"rows": 3})))
    cited_version = forms.CharField(label="依据的知识库版本编号（可不填）", required=False, max_length=20)


class DispatchForm(forms.Form):
    lead_unit = UnitPickerField(label="主办单位（留空按目录和地址直派）")
    assist_units = UnitPickerField(label="协办单位（可多个）", multiple=True, placeholder="输入名称或代码，可选多个")
    note = forms.CharField(label="派单说明", required=False)


class TicketIdsField(forms.Field):
    """The ticked rows of a list (checkboxes named like the field), as distinct ticket ids."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"required": "请勾选要派单的工单", "invalid": "工单编号须为数字"}

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        try:
            return list(dict.fromkeys(int(v) for v in values if str(v).strip()))
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class BatchDispatchForm(forms.Form):
    """批量派单 from the dispatcher's queue: the ticked orders, one lead unit, one note."""

    ticket_ids = TicketIdsField(label="勾选的工单")
    lead_unit = UnitPickerField(label="派至（主办单位）", required=True, error_messages={"required": "请选择承办单位"},
                                placeholder="输入名称或代码，如 望京街道")
    note = forms.CharField(label="派单说明（可不填）", max_length=500, required=False)


class RedispatchForm(DispatchForm):
    lead_unit = UnitPickerField(label="改派至")


class RulingForm(forms.Form):
    ruling = forms.CharField(label="裁定意见（退单不成立，原单位继续办理）", required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    reason = needed(forms.CharField(label="退单理由", required=False, widget=forms.Textarea(attrs={"rows": 2})))
    suggested_unit = UnitPickerField(label="建议承办单位（可不填）")


class CompleteForm(forms.Form):
    """办结 (双反馈): 告知时间 proposes now; the lead's four fields are marked required (an assisting unit reports
    only its result)."""

    takes_ticket = True
    caller_feedback_method = forms.ChoiceField(label="告知诉求人方式", required=False,
                                               choices=[("", "请选择")] + FeedbackMethod.choices)
    caller_told_at = forms.DateTimeField(label="告知时间", required=False, initial=_now_to_the_minute,
                                         widget=forms.DateTimeInput(attrs=LOCAL_DT, format=DT_FORMAT))
    caller_feedback = forms.CharField(label="告知诉求人的内容", required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    result = needed(forms.CharField(label="办理结果（书面反馈热线）", required=False,
                                    widget=forms.Textarea(attrs={"rows": 3})))
    photos = photos_field("办结现场照片")
    documents = documents_field()

    def __init__(self, *args, ticket=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if ticket is not None and user is not None and ticket.lead_unit_id == user.unit_id:
            for name in ("caller_feedback_method", "caller_told_at", "caller_feedback"):
                needed(self.fields[name])


class ExtensionForm(forms.Form):
    requested_due_at = forms.DateTimeField(label="申请延至", required=False,
                                           widget=forms.DateTimeInput(attrs=LOCAL_DT, format=DT_FORMAT))
    reason = forms.CharField(label="延期理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WhistleForm(forms.Form):
    """吹哨: the units typed into the picker, and a tick for each the order's catalog names (``ticket`` given: the
    page's form); the service judges the choice either way."""

    takes_ticket = True
    likely = forms.MultipleChoiceField(label="本单派单目录对应的单位（勾选即可）", required=False,
                                       widget=forms.CheckboxSelectMultiple)
    units = UnitPickerField(label="被吹哨单位（部门、企业或其他街乡镇，可多个）", scope="whistle", multiple=True,
                            placeholder="输入名称或代码，如 城管、热力")
    reason = forms.CharField(label="吹哨事由", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    extension_due_at = forms.DateTimeField(label="同时申请延期至（可选）", required=False,
                                           widget=forms.DateTimeInput(attrs=LOCAL_DT, format=DT_FORMAT))
    extension_reason = forms.CharField(label="延期理由（申请延期时必填）", required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, ticket=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        needed(self.fields["reason"])
        self.likely_units = {str(u.pk): u for u in likely_whistle_units(ticket.catalog_item)} if ticket else {}
        if self.likely_units:  # a tick is one of these, checked against them without another query
            self.fields["likely"].choices = [(pk, u.name) for pk, u in self.likely_units.items()]
        else:  # nothing to suggest: no empty group on the page
            del self.fields["likely"]

    def clean(self):
        data = super().clean()
        ticked = [self.likely_units[pk] for pk in data.pop("likely", None) or []]
        data["units"] = list(dict.fromkeys(ticked + list(data.get("units") or [])))
        return data


class DecisionForm(forms.Form):
    note = forms.CharField(label="审批意见（不批准时必填）", required=False)


class ReportInForm(forms.Form):
    note = forms.CharField(label="报到说明", required=False)


class WhistleActionForm(forms.Form):
    action_note = needed(forms.CharField(label="处置情况", required=False,
                                         widget=forms.Textarea(attrs={"rows": 2})))


class RateForm(forms.Form):
    stars = forms.TypedChoiceField(label="评价星级", choices=[(i, f"{i}星") for i in range(1, 6)], coerce=int,
                                   widget=forms.RadioSelect, required=False, empty_value=None)
    note = forms.CharField(label="评价意见", required=False)


class CallbackForm(forms.Form):
    reached = _yes_no("是否联系上诉求人")
    contacted = _yes_no("承办单位是否联系过您")
    resolved = _yes_no("问题是否解决")
    satisfaction = forms.ChoiceField(label="满意度", choices=Satisfaction.choices, widget=forms.RadioSelect,
                                     required=False)
    note = forms.CharField(label="回访记录", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reached(self):
        reached = self.cleaned_data["reached"]
        if reached is None:
            raise forms.ValidationError("请选择是否联系上诉求人")
        return reached


class RehandleForm(forms.Form):
    reason = forms.CharField(label="重办理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MergeRepeatForm(forms.Form):
    original_id = forms.CharField(label="原工单编号（如 20261122-1234）", required=False, max_length=40)
    reason = forms.CharField(label="并入理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class UnmergeRepeatForm(forms.Form):
    reason = forms.CharField(label="撤销理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))
