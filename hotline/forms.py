"""Page forms: they parse input into the types the services take; the services judge it (InvalidInput.field
names the form field the message belongs to)."""

import uuid

from django import forms

from core.errors import InvalidInput
from dispatch.catalog.selectors import current_version
from dispatch.choices import RequestType, Tier
from dispatch.models import CatalogItem, Unit
from dispatch.selectors import districts, handling_units, street_named

from .choices import Channel, FeedbackMethod, Satisfaction, Urgency

YES_NO = [("yes", "是"), ("no", "否")]
LOCAL_DT = {"type": "datetime-local"}


def _yes_no(label):
    return forms.TypedChoiceField(label=label, choices=YES_NO, widget=forms.RadioSelect, required=False,
                                  coerce=lambda v: v == "yes", empty_value=None)


class IntakeForm(forms.Form):
    caller_phone = forms.CharField(label="诉求人电话", max_length=20, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    caller_name = forms.CharField(label="诉求人姓名（可不填）", max_length=50, required=False)
    channel = forms.ChoiceField(label="渠道", choices=Channel.choices, initial=Channel.PHONE)
    district = forms.ModelChoiceField(label="区", queryset=districts(), required=False, empty_label="请选择区")
    street = forms.CharField(label="街乡镇", max_length=100, required=False,
                             widget=forms.TextInput(attrs={"list": "street-list", "autocomplete": "off",
                                                           "placeholder": "输入街乡镇名称，如 望京"}))
    address = forms.CharField(label="事发地址", max_length=200, required=False)
    content = forms.CharField(label="诉求内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    request_type = forms.ChoiceField(label="诉求类型", choices=RequestType.choices)
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL)
    catalog_item = forms.ModelChoiceField(
        label="派单目录（三级）", queryset=CatalogItem.objects.none(), required=False, widget=forms.HiddenInput,
    )
    tier = forms.ChoiceField(label="响应级别", choices=[("", "按建议")] + Tier.choices, required=False)
    tier_reason = forms.CharField(label="调整响应级别理由（降低级别时必填）", max_length=200, required=False)
    answer = forms.CharField(label="答复内容（直接答复时填写）", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = current_version()
        self.fields["catalog_item"].queryset = CatalogItem.objects.filter(version=version, level=3).select_related(
            "parent__parent")
        self.fields["catalog_item"].error_messages["invalid_choice"] = "请选择当前版本派单目录的三级条目"
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex

    def clean(self):
        data = super().clean()
        try:
            street = street_named(data.get("street"), data.get("district"))
        except InvalidInput as error:
            street = None
            self.add_error(error.field, error.message)  # drops the field from cleaned_data
        data["street"] = street
        if street is not None:
            data["district"] = data.get("district") or street.parent
        return data

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data.pop("answer")
        data["tier"] = data["tier"] or None
        return data


class EmptyForm(forms.Form):
    """An action that is only a button (签收)."""


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ContactForm(forms.Form):
    note = forms.CharField(label="联系情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DispatchForm(forms.Form):
    lead_unit = forms.CharField(label="主办单位代码（留空按目录和地址直派）", required=False,
                                widget=forms.TextInput(attrs={"list": "unit-list", "autocomplete": "off"}))
    assist_units = forms.CharField(label="协办单位代码（多个用空格分隔）", required=False)
    note = forms.CharField(label="派单说明", required=False)

    def assist_codes(self):
        return self.cleaned_data["assist_units"].replace("，", " ").replace(",", " ").split()


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
    lead_unit = forms.CharField(label="派至（主办单位代码）", max_length=20,
                                error_messages={"required": "请选择承办单位"},
                                widget=forms.TextInput(attrs={"list": "unit-list", "autocomplete": "off",
                                                              "placeholder": "输入名称选择，如 望京街道"}))
    note = forms.CharField(label="派单说明（可不填）", max_length=500, required=False)


class RedispatchForm(DispatchForm):
    lead_unit = forms.CharField(label="改派至（单位代码）", required=False,
                                widget=forms.TextInput(attrs={"list": "unit-list", "autocomplete": "off"}))


class RulingForm(forms.Form):
    ruling = forms.CharField(label="裁定意见（退单不成立，原单位继续办理）", required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退单理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    suggested_unit = forms.CharField(label="建议承办单位代码（可不填）", required=False,
                                     widget=forms.TextInput(attrs={"list": "unit-list", "autocomplete": "off"}))


class CompleteForm(forms.Form):
    caller_feedback_method = forms.ChoiceField(label="告知诉求人方式", required=False,
                                               choices=[("", "请选择")] + FeedbackMethod.choices)
    caller_told_at = forms.DateTimeField(label="告知时间", required=False,
                                         widget=forms.DateTimeInput(attrs=LOCAL_DT, format="%Y-%m-%dT%H:%M"))
    caller_feedback = forms.CharField(label="告知诉求人的内容", required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    result = forms.CharField(label="办理结果（书面反馈热线）", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionForm(forms.Form):
    requested_due_at = forms.DateTimeField(label="申请延至", required=False,
                                           widget=forms.DateTimeInput(attrs=LOCAL_DT, format="%Y-%m-%dT%H:%M"))
    reason = forms.CharField(label="延期理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class UnitsField(forms.ModelMultipleChoiceField):
    """Several units by id; an id that is no 64-bit integer is refused before the lookup (SQLite cannot even
    compare such a number, and Django checks the range for single lookups only)."""

    def clean(self, value):
        for pk in value or ():
            if not str(pk).isdigit() or int(pk) >= 2**63:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk})
        return super().clean(value)


class WhistleForm(forms.Form):
    units = UnitsField(label="被吹哨部门（可多选，按住 Ctrl）", queryset=Unit.objects.none(), required=False,
                       widget=forms.SelectMultiple(attrs={"size": 8}))
    reason = forms.CharField(label="吹哨事由", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    extension_due_at = forms.DateTimeField(label="同时申请延期至（可选）", required=False,
                                           widget=forms.DateTimeInput(attrs=LOCAL_DT, format="%Y-%m-%dT%H:%M"))
    extension_reason = forms.CharField(label="延期理由（申请延期时必填）", required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = handling_units()


class DecisionForm(forms.Form):
    note = forms.CharField(label="审批意见（不批准时必填）", required=False)


class ReportInForm(forms.Form):
    note = forms.CharField(label="报到说明", required=False)


class WhistleActionForm(forms.Form):
    action_note = forms.CharField(label="处置情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))


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
