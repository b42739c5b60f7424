"""吹哨报到: a street calls departments; a leader approves; each department reports in and acts; the street rates.

The ticket stays with the street while whistles are open (its status does not change); every step is an
event on the ticket's audit trail.
"""

from assessment.clock import clocks
from assessment.clock.choices import LimitKey
from assessment.clock.overdue import is_past
from assessment.clock.whistle_limits import whistle_limits
from core.errors import InvalidInput
from core.permissions import require_role
from dispatch.choices import UnitKind
from dispatch.models import Whistle, WhistleStatus, WhistleTarget

from . import alerts, handling
from .checks import (
    Facts,
    check_can_decide_whistle,
    check_can_raise_whistle,
    check_can_rate,
    check_can_record_action,
    check_can_report_in,
)
from .common import locked_ticket, now_or, record_event, require_text

WHISTLE_UNIT_KINDS = {UnitKind.DEPARTMENT, UnitKind.ENTERPRISE, UnitKind.STREET}


def raise_whistle(actor, ticket_id, *, units, reason, extension_reason="", extension_due_at=None, now=None):
    """吹哨. The result carries ``limits`` (assessment.clock.whistle_limits: the department's limits and the warning
    when they end after the order's deadline) and ``extension``: the extension asked in the same step, or None."""
    require_role(actor, "raise_whistle")
    reason = require_text(reason, "reason", "吹哨事由")
    if not units:
        raise InvalidInput("请至少选择一个被吹哨的部门", field="units")
    if any(u.kind not in WHISTLE_UNIT_KINDS or u.pk == actor.unit_id for u in units):
        raise InvalidInput("只能向其他街乡镇、市级部门或企业吹哨", field="units")
    now = now_or(now)
    with locked_ticket(ticket_id, actor) as ticket:
        check_can_raise_whistle(actor, ticket, Facts(ticket, now))
        whistle = Whistle.objects.create(ticket=ticket, street=actor.unit, reason=reason, raised_by=actor,
                                         raised_at=now)
        WhistleTarget.objects.bulk_create([WhistleTarget(whistle=whistle, unit=u) for u in units])
        cross = [u.name for u in units if _district_of(u) not in (None, _district_of(actor.unit))]
        note = f"向{'、'.join(u.name for u in units)}吹哨：{reason}"
        whistle.limits = whistle_limits(ticket, now)
        record_event(ticket, "raise_whistle", actor=actor, now=now, note=note,
                     data={"whistle": whistle.pk, "cross_district": cross, "limits": whistle.limits.as_data()})
        whistle.extension = _ask_extension(actor, ticket, extension_reason, extension_due_at, now)
        alerts.whistle_requested(ticket, whistle, units, now)
    return whistle


EXTENSION_FIELDS = {"reason": "extension_reason", "requested_due_at": "extension_due_at"}


def _ask_extension(actor, ticket, reason, requested_due_at, now):
    """The extension asked with the whistle: the extension rule itself, inside the whistle's transaction."""
    if not (reason or "").strip() and requested_due_at is None:
        return None
    try:
        return handling.request_extension(actor, ticket.pk, reason=reason, requested_due_at=requested_due_at, now=now)
    except InvalidInput as error:  # name the whistle form's field, not the extension form's
        raise InvalidInput(error.message, field=EXTENSION_FIELDS.get(error.field, error.field)) from error


def _district_of(unit):
    return unit.parent_id if unit.kind == UnitKind.STREET else None


def decide_whistle(actor, whistle_id, *, approve, note="", now=None):
    """A street leader approves (the report-in clock starts for each department) or refuses."""
    require_role(actor, "approve_whistle")
    now = now_or(now)
    whistle = _whistle(whistle_id)
    with locked_ticket(whistle.ticket_id, actor) as ticket:
        whistle = Whistle.objects.select_for_update().get(pk=whistle_id)
        check_can_decide_whistle(actor, whistle)
        if not approve and not note.strip():
            raise InvalidInput("不批准时请填写理由", field="note")
        whistle.status = WhistleStatus.APPROVED if approve else WhistleStatus.REFUSED
        whistle.decided_by, whistle.decided_at, whistle.decision_note = actor, now, note.strip()
        whistle.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        data = {"whistle": whistle.pk}
        if approve:  # report-in and completion clocks per department, mirrored on the targets
            data["limits"] = clocks.start_whistle_clocks(whistle, now, ticket).as_data()
            alerts.whistle_called(ticket, whistle, now)
        action = "approve_whistle" if approve else "refuse_whistle"
        record_event(ticket, action, actor=actor, now=now, note=note.strip(), data=data)
    return whistle


def _whistle(whistle_id):
    whistle = Whistle.objects.filter(pk=whistle_id).first()
    if whistle is None:
        raise InvalidInput("吹哨记录不存在", field="whistle")
    return whistle


def _target(whistle, unit_id):
    return WhistleTarget.objects.select_for_update().filter(whistle=whistle, unit_id=unit_id).first()


def report_in(actor, whistle_id, *, note="", now=None):
    """报到: the department acknowledges the whistle."""
    require_role(actor, "report_in")
    now = now_or(now)
    whistle = _whistle(whistle_id)
    with locked_ticket(whistle.ticket_id, actor) as ticket:
        target = _target(whistle, actor.unit_id)
        check_can_report_in(actor, whistle, target)
        target.reported_in_at = now
        target.save(update_fields=["reported_in_at"])
        clocks.meet_whistle(target, LimitKey.WHISTLE_REPORT_IN, now)
        late = "（超时报到）" if is_past(target.report_in_due_at, now) else ""
        record_event(ticket, "report_in", actor=actor, now=now, note=f"{actor.unit.name}报到{late}。{note}".strip("。"),
                     data={"whistle": whistle.pk, "on_time": not late})
    return target


def record_whistle_action(actor, whistle_id, *, action_note, now=None):
    """The department records what it did on site."""
    require_role(actor, "report_in")
    action_note = require_text(action_note, "action_note", "处置情况")
    now = now_or(now)
    whistle = _whistle(whistle_id)
    with locked_ticket(whistle.ticket_id, actor) as ticket:
        target = _target(whistle, actor.unit_id)
        check_can_record_action(actor, whistle, target)
        target.acted_at, target.action_note = now, action_note
        target.save(update_fields=["acted_at", "action_note"])
        clocks.meet_whistle(target, LimitKey.WHISTLE_COMPLETE, now)
        record_event(ticket, "whistle_action", actor=actor, now=now, note=f"{actor.unit.name}：{action_note}",
                     data={"whistle": whistle.pk})
    return target


def rate_department(actor, whistle_id, *, unit, stars, note="", now=None):
    """The street rates a whistled department (1–5 stars); the whistle closes once every department is rated."""
    require_role(actor, "rate_department")
    if stars not in (1, 2, 3, 4, 5):
        raise InvalidInput("评价星级须为1至5星", field="stars")
    now = now_or(now)
    whistle = _whistle(whistle_id)
    with locked_ticket(whistle.ticket_id, actor) as ticket:
        target = _target(whistle, unit.pk)
        check_can_rate(actor, whistle, target)
        target.stars, target.rating_note, target.rated_at = stars, note.strip(), now
        target.save(update_fields=["stars", "rating_note", "rated_at"])
        on_time = {True: "按时", False: "超时"}
        flags = f"报到{on_time[target.reported_in_on_time]}，处置{on_time[target.acted_on_time]}"
        record_event(ticket, "rate_department", actor=actor, now=now,
                     note=f"评价{unit.name}{stars}星（{flags}）。{note}".strip("。"),
                     data={"whistle": whistle.pk, "unit": unit.code, "stars": stars})
        if not whistle.targets.filter(rated_at__isnull=True).exists():
            whistle.status = WhistleStatus.CLOSED
            whistle.save(update_fields=["status"])
    return target
