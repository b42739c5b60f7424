"""新工作提醒: the notice each work-giving step leaves in the inbox of the unit (and role) that must act next.

Every function runs inside the service's transaction, right after the transition (assessment/clock/notifications.py
notify_work writes the row), so a rolled-back step leaves no notice and a notice always has its work."""

from assessment.clock.notifications import center_id, local, notify_work
from assessment.models import NotificationKind as Kind
from dispatch.choices import Role


def dispatched(ticket, lead_unit, assist_units, now, *, again=False):
    """派单 / 改派: the lead is told it leads, each new assisting unit that it assists."""
    kind, verb = (Kind.REDISPATCH, "改派至本单位") if again else (Kind.DISPATCH, "派至本单位")
    notify_work(ticket, lead_unit, kind, f"工单{ticket.number}{verb}主办，请及时签收", now)
    for unit in assist_units:
        notify_work(ticket, unit, Kind.ASSIST, f"工单{ticket.number}请本单位协办（主办：{lead_unit.name}），请及时签收",
                    now)


def returned_to(ticket, unit, ruling, now):
    """退单不成立: the order goes back to the unit that returned it."""
    notify_work(ticket, unit, Kind.REDISPATCH, f"退单不成立，工单{ticket.number}由本单位继续办理：{ruling}", now)


def whistle_requested(ticket, whistle, units, now):
    """吹哨申请: the street's leaders alone approve it."""
    names = "、".join(u.name for u in units)
    notify_work(ticket, whistle.street, Kind.WHISTLE_REQUEST,
                f"工单{ticket.number}拟向{names}吹哨，待您审批：{whistle.reason}", now, role=Role.STREET_LEADER)


def whistle_called(ticket, whistle, now):
    """吹哨报到: each whistled unit, with its report-in limit."""
    for target in whistle.targets.select_related("unit"):
        due = f"，请于{local(target.report_in_due_at)}前报到" if target.report_in_due_at else "，请及时报到"
        notify_work(ticket, target.unit, Kind.WHISTLE_CALL,
                    f"{whistle.street.name}就工单{ticket.number}向本单位吹哨{due}：{whistle.reason}", now)


def extension_decided(ticket, extension, label, now):
    """延期审批结果: the unit that asked."""
    note = f"：{extension.decision_note}" if extension.decision_note else ""
    notify_work(ticket, extension.unit, Kind.EXTENSION_DECIDED, f"工单{ticket.number}延期申请{label}{note}", now)


def rehandle(ticket, reason, now):
    """退回重办: the lead unit does it again."""
    notify_work(ticket, ticket.lead_unit, Kind.REHANDLE, f"工单{ticket.number}退回重办：{reason}", now)


def callback_due(ticket, how, now):
    """待回访: the center's callback staff alone (办结 or 直接答复 both end in a callback)."""
    center = center_id()
    if center is not None:
        notify_work(ticket, center, Kind.CALLBACK_DUE, f"工单{ticket.number}已{how}，请回访诉求人", now,
                    role=Role.CALLBACK_AGENT)

