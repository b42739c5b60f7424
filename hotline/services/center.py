"""What the hotline center does: batch dispatch, re-dispatch, rule on returns, decide extensions, callback, close,
re-handle."""

from dataclasses import dataclass

from assessment.clock import clocks
from core.errors import DomainError, InvalidInput
from core.permissions import require_role
from dispatch.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    ExtensionRequest,
    ExtensionStatus,
    ReturnStatus,
)

from ..choices import Satisfaction
from ..models import Callback, Ticket, ticket_number
from . import alerts
from .checks import (
    Facts,
    check_can_callback,
    check_can_close,
    check_can_decide_extension,
    check_can_redispatch,
    check_can_rehandle,
    check_can_rule_return,
)
from .common import apply_transition, locked_ticket, now_or, record_event, require_text
from .intake import check_dispatch_units, create_assignments, dispatch_note, dispatch_ticket, start_clocks

BATCH_LIMIT = 100  # a queue page's rows
NOT_FOUND = "工单不存在"


@dataclass(frozen=True)
class BatchOutcome:
    """One order of a batch dispatch: dispatched, or why not (the Chinese message of the check that refused it)."""

    ticket_id: int
    number: str
    dispatched: bool
    reason: str = ""


def batch_dispatch(actor, ticket_ids, lead_unit, *, note="", now=None):
    """批量派单: every selected order to one lead unit, each its own single dispatch (dispatch_ticket: its own
    transaction, row lock, check_can_dispatch, audit event and clocks), so one that fails (already dispatched,
    returned, merged) is reported with its reason and the others are dispatched all the same. Returns one
    BatchOutcome per distinct id, in the order given. Bad input as a whole (no order, too many, no or a wrong unit)
    is an InvalidInput naming its field, before any order is touched."""
    require_role(actor, "batch_dispatch")
    ids = list(dict.fromkeys(ticket_ids or ()))
    if not ids:
        raise InvalidInput("请勾选要派单的工单", field="ticket_ids")
    if len(ids) > BATCH_LIMIT:
        raise InvalidInput(f"一次最多派{BATCH_LIMIT}件工单", field="ticket_ids")
    if lead_unit is None:
        raise InvalidInput("请选择承办单位", field="lead_unit")
    check_dispatch_units(lead_unit, ())
    received = dict(Ticket.objects.filter(pk__in=ids).values_list("pk", "received_at"))
    outcomes = []
    for pk in ids:
        if pk not in received:
            outcomes.append(BatchOutcome(pk, str(pk), False, NOT_FOUND))
            continue
        number = ticket_number(received[pk], pk)
        try:
            dispatch_ticket(actor, pk, lead_unit=lead_unit, note=note, now=now)
        except DomainError as error:
            outcomes.append(BatchOutcome(pk, number, False, error.message))
        else:
            outcomes.append(BatchOutcome(pk, number, True))
    return outcomes


def redispatch(actor, ticket_id, *, lead_unit, assist_units=(), note="", now=None):
    """改派: the return was right; the order goes to another unit. The clock restarts at the new dispatch."""
    require_role(actor, "redispatch")
    now = now_or(now)
    with locked_ticket(ticket_id) as ticket:
        request = check_can_redispatch(actor, ticket, Facts(ticket, now))
        if lead_unit is None:
            raise InvalidInput("请选择改派的承办单位", field="lead_unit")
        if lead_unit.pk == request.unit_id:
            raise InvalidInput("改派单位与退单单位相同；如认定原单位负责，请做退单裁定", field="lead_unit")
        check_dispatch_units(lead_unit, assist_units)
        apply_transition(ticket, "redispatch", "redispatch", actor=actor, now=now, lead_unit=lead_unit,
                         note=note or dispatch_note(ticket, lead_unit, assist_units))
        assists = create_assignments(ticket, lead_unit, assist_units, now)
        request.status, request.ruled_by, request.ruled_at = ReturnStatus.UPHELD, actor, now
        request.ruling = note or f"退单成立，改派{lead_unit.name}"
        request.save(update_fields=["status", "ruled_by", "ruled_at", "ruling"])
        start_clocks(ticket, now)
        alerts.dispatched(ticket, lead_unit, assists, now, again=True)
    return ticket


def rule_return(actor, ticket_id, *, ruling, now=None):
    """派单争议裁定: the center finds the returning unit responsible; the order goes back to it."""
    require_role(actor, "rule_return")
    ruling = require_text(ruling, "ruling", "裁定意见")
    now = now_or(now)
    with locked_ticket(ticket_id) as ticket:
        request = check_can_rule_return(actor, ticket, Facts(ticket, now))
        apply_transition(ticket, "redispatch", "rule_return", actor=actor, now=now, lead_unit=request.unit,
                         note=f"退单不成立，由{request.unit.name}继续办理：{ruling}")
        Assignment.objects.create(ticket=ticket, unit=request.unit, role=AssignmentRole.LEAD, dispatched_at=now)
        request.status, request.ruled_by, request.ruled_at, request.ruling = ReturnStatus.REJECTED, actor, now, ruling
        request.save(update_fields=["status", "ruled_by", "ruled_at", "ruling"])
        clocks.resume(ticket, now)
        alerts.returned_to(ticket, request.unit, ruling, now)
    return ticket


def decide_extension(actor, extension_id, *, approve, note="", now=None):
    """The center approves (the completion deadline moves) or refuses an extension request."""
    require_role(actor, "decide_extension")
    now = now_or(now)
    extension = ExtensionRequest.objects.filter(pk=extension_id).first()
    if extension is None:
        raise InvalidInput("延期申请不存在", field="extension")
    with locked_ticket(extension.ticket_id) as ticket:
        extension = ExtensionRequest.objects.select_for_update().get(pk=extension_id)
        check_can_decide_extension(actor, extension)
        if not approve and not note.strip():
            raise InvalidInput("不批准延期时请填写理由", field="note")
        extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        extension.decided_by, extension.decided_at, extension.decision_note = actor, now, note.strip()
        extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        data = {"extension": extension.pk, "approved": approve}
        if approve:
            data["old_due_at"] = ticket.due_at.isoformat() if ticket.due_at else None
            clocks.move_complete(ticket, extension.requested_due_at, now)
        label = f"批准延期至{extension.requested_due_at:%Y-%m-%d %H:%M}" if approve else "不批准延期"
        record_event(ticket, "decide_extension", actor=actor, now=now, note=f"{label}。{note}".strip("。"),
                     data=data)
        alerts.extension_decided(ticket, extension, label, now)
    return extension


def record_callback(actor, ticket_id, *, reached, contacted=None, resolved=None, satisfaction="", note="",
                    now=None):
    """回访: were you contacted? is it solved? are you satisfied? An unreached caller is recorded too."""
    require_role(actor, "callback")
    now = now_or(now)
    if reached:
        for field, value in (("contacted", contacted), ("resolved", resolved)):
            if value is None:
                raise InvalidInput("请选择回访结果", field=field)
        if satisfaction not in Satisfaction.values:
            raise InvalidInput("请选择满意度", field="satisfaction")
    with locked_ticket(ticket_id) as ticket:
        check_can_callback(actor, ticket)
        callback = Callback.objects.create(
            ticket=ticket, agent=actor, reached=reached, contacted=contacted if reached else None,
            resolved=resolved if reached else None, satisfaction=satisfaction if reached else "",
            note=note.strip(), created_at=now,
        )
        if not reached:
            record_event(ticket, "callback", actor=actor, now=now, note=f"未联系上诉求人。{note}".strip())
            return callback
        summary = "；".join([
            "承办单位已联系" if contacted else "承办单位未联系",
            "问题已解决" if resolved else "问题未解决",
            Satisfaction(satisfaction).label,
        ])
        apply_transition(ticket, "record_callback", "callback", actor=actor, now=now,
                         note=f"{summary}。{note}".strip("。"), data={"callback": callback.pk})
    return callback


def close(actor, ticket_id, note="", now=None):
    require_role(actor, "close")
    with locked_ticket(ticket_id) as ticket:
        check_can_close(actor, ticket)
        apply_transition(ticket, "close", "close", actor=actor, now=now, note=note or "回访完成，结案")
    return ticket


def rehandle(actor, ticket_id, reason, now=None):
    """退回重办: an unresolved order goes back to the same lead unit, with a fresh clock."""
    require_role(actor, "rehandle")
    reason = require_text(reason, "reason", "重办理由")
    now = now_or(now)
    with locked_ticket(ticket_id) as ticket:
        check_can_rehandle(actor, ticket)
        apply_transition(ticket, "rehandle", "rehandle", actor=actor, now=now, note=reason)
        lead = ticket.assignments.filter(role=AssignmentRole.LEAD, status=AssignmentStatus.COMPLETED).first()
        if lead:
            lead.status, lead.ended_at = AssignmentStatus.WITHDRAWN, now
            lead.save(update_fields=["status", "ended_at"])
        Assignment.objects.create(ticket=ticket, unit=ticket.lead_unit, role=AssignmentRole.LEAD, dispatched_at=now)
        start_clocks(ticket, now)
        alerts.rehandle(ticket, reason, now)
    return ticket
