"""The ticket page's actions: for each, the form that parses the POST and the service call that does it.

Each runner takes (user, ticket, obj_id, data) and returns the success message; obj_id is the whistle,
whistle target or extension the action is about (None for ticket-level actions).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms

from assessment.clock.urging import urge
from attachments import services as attachments
from core.errors import InvalidInput
from dispatch.models import WhistleTarget

from .. import forms, selectors
from ..services import center, handling, intake, repeats, whistles


def _dispatch(user, ticket, _, d):
    ticket = intake.dispatch_ticket(user, ticket.pk, lead_unit=d["lead_unit"], assist_units=d["assist_units"],
                                    note=d["note"])
    return f"已派至{ticket.lead_unit.name}"


def _redispatch(user, ticket, _, d):
    ticket = center.redispatch(user, ticket.pk, lead_unit=d["lead_unit"], assist_units=d["assist_units"],
                               note=d["note"])
    return f"已改派至{ticket.lead_unit.name}"


def _target(target_id):
    target = WhistleTarget.objects.select_related("unit").filter(pk=target_id).first()
    if target is None:
        raise InvalidInput("吹哨报到记录不存在", field="unit")
    return target


def _rate(user, ticket, target_id, d):
    target = _target(target_id)
    whistles.rate_department(user, target.whistle_id, unit=target.unit, stars=d["stars"], note=d["note"])
    return f"已评价{target.unit.name}{d['stars']}星"


def _decide_whistle(user, ticket, whistle_id, d):
    whistle = whistles.decide_whistle(user, whistle_id, approve=d["approve"], note=d["note"])
    return "已批准吹哨，被吹哨部门开始计时报到" if whistle.status == "approved" else "已不批准该吹哨"


def _decide_extension(user, ticket, extension_id, d):
    extension = center.decide_extension(user, extension_id, approve=d["approve"], note=d["note"])
    return "已批准延期" if extension.status == "approved" else "已不批准延期"


def _callback(user, ticket, _, d):
    center.record_callback(user, ticket.pk, **d)
    return "回访已记录" if d["reached"] else "已记录未联系上诉求人，可稍后再回访"


def _simple(service, message, *fields):
    """A runner that calls service(user, ticket_id, **the named fields) and reports `message`."""
    def run(user, ticket, _, data):
        service(user, ticket.pk, **{name: data[name] for name in fields})
        return message
    return run


def _answer(user, ticket, _, d):
    intake.answer_directly(user, ticket.pk, d["answer"], cited_version=d.get("cited_version") or None)
    return "已直接答复"


def _upload(user, ticket, _, d):
    rows = attachments.upload(user, ticket.pk, photos=d["photos"], documents=d["documents"], note=d["note"])
    return f"已上传{attachments.describe(rows)}"


def _return(user, ticket, _, d):
    handling.return_order(user, ticket.pk, d["reason"], suggested_unit=d["suggested_unit"])
    return "已退单，待中心裁定"


def _raise_whistle(user, ticket, _, d):
    whistle = whistles.raise_whistle(user, ticket.pk, units=list(d["units"]), reason=d["reason"],
                                     extension_reason=d.get("extension_reason", ""),
                                     extension_due_at=d.get("extension_due_at"))
    message = "已吹哨，待街乡镇领导审批"
    if whistle.extension:
        message += "；延期申请已提交，待中心审批"
    elif whistle.limits.warning:
        message += "。" + whistle.limits.warning
    return message


def _report_in(user, ticket, target_id, d):
    whistles.report_in(user, _target(target_id).whistle_id, note=d["note"])
    return "已报到"


def _whistle_action(user, ticket, target_id, d):
    whistles.record_whistle_action(user, _target(target_id).whistle_id, action_note=d["action_note"])
    return "处置情况已记录"


class UrgeForm(django_forms.Form):
    note = django_forms.CharField(label="督办意见", required=False, widget=django_forms.Textarea(attrs={"rows": 2}))


def _urge(user, ticket, _, d):
    urge(user, ticket.pk, d["note"])
    return f"已督办，{ticket.lead_unit.name}将收到站内通知和短信"


def _merge_repeat(user, ticket, _, d):
    original_id = selectors.ticket_id_for_number(user, d["original_id"])
    if original_id is None:
        raise InvalidInput("请填写存在的原工单编号（如 20261122-1234）", field="original_id")
    ticket = repeats.merge_repeat(user, ticket.pk, original_id, d["reason"])
    return f"已并入工单 {ticket.repeat_of.number}，本单承办任务已撤回、计时已停止"


def _unmerge_repeat(user, ticket, _, d):
    ticket = repeats.unmerge_repeat(user, ticket.pk, d["reason"])
    return f"已撤销并入，恢复为「{ticket.get_status_display()}」"


@dataclass(frozen=True)
class Action:
    label: str
    form: type
    run: Callable


FILES = ("photos", "documents")
COMPLETE_FIELDS = ("result", "caller_feedback_method", "caller_told_at", "caller_feedback", *FILES)
ACTIONS = {
    "dispatch": Action("派单", forms.DispatchForm, _dispatch),
    "answer_directly": Action("直接答复", forms.AnswerForm, _answer),
    "redispatch": Action("改派", forms.RedispatchForm, _redispatch),
    "rule_return": Action("退单裁定", forms.RulingForm,
                          _simple(center.rule_return, "已裁定退单不成立，原单位继续办理", "ruling")),
    "sign": Action("签收", forms.EmptyForm, _simple(handling.sign, "已签收")),
    "return": Action("退单", forms.ReturnForm, _return),
    "contact": Action("联系诉求人", forms.ContactForm,
                      _simple(handling.contact_caller, "已记录联系诉求人", "note", *FILES)),
    "upload": Action("上传现场照片", forms.UploadForm, _upload),
    "complete": Action("办结", forms.CompleteForm, _simple(handling.complete, "已办结", *COMPLETE_FIELDS)),
    "request_extension": Action("申请延期", forms.ExtensionForm, _simple(
        handling.request_extension, "延期申请已提交，待中心审批", "reason", "requested_due_at")),
    "raise_whistle": Action("吹哨", forms.WhistleForm, _raise_whistle),
    "decide_whistle": Action("审批吹哨", forms.DecisionForm, _decide_whistle),
    "report_in": Action("报到", forms.ReportInForm, _report_in),
    "whistle_action": Action("填写处置情况", forms.WhistleActionForm, _whistle_action),
    "rate": Action("评价部门", forms.RateForm, _rate),
    "decide_extension": Action("延期审批", forms.DecisionForm, _decide_extension),
    "callback": Action("回访", forms.CallbackForm, _callback),
    "close": Action("结案", forms.NoteForm, _simple(center.close, "已结案", "note")),
    "rehandle": Action("退回重办", forms.RehandleForm, _simple(center.rehandle, "已退回原承办单位重办", "reason")),
    "urge": Action("督办", UrgeForm, _urge),
    "merge_repeat": Action("并入原工单", forms.MergeRepeatForm, _merge_repeat),
    "unmerge_repeat": Action("撤销并入", forms.UnmergeRepeatForm, _unmerge_repeat),
}


def form_context(spec, ticket, user):
    """The keyword arguments the action's form takes beyond the POST: the ticket and the user, for a form shaped by
    them (吹哨: a tick for the catalog's unit; 办结: the lead's fields marked required)."""
    return {"ticket": ticket, "user": user} if getattr(spec.form, "takes_ticket", False) and ticket else {}


def form_auto_id(action, obj_id=None):
    """Element ids unique on a page that carries many small forms with the same field names."""
    return f"id_{action}{obj_id or ''}_%s"


def form_data(form, request):
    """The cleaned data in the shape the runner expects (approve/refuse buttons)."""
    data = dict(form.cleaned_data)
    if isinstance(form, forms.DecisionForm):
        data["approve"] = request.POST.get("decision") == "approve"
    return data
