"""What the handling unit does: sign, return, contact the caller, complete with double feedback, extensions."""

import datetime as dt

from assessment.clock import clocks
from attachments import services as attachments
from attachments.models import Kind, Stage
from attachments.validation import check_uploads
from core.errors import InvalidInput, every_input
from core.permissions import require_role
from dispatch.models import AssignmentRole, AssignmentStatus, ExtensionRequest, ReturnRequest

from ..choices import FeedbackMethod
from ..models import CallerFeedback
from . import alerts
from .checks import (
    Facts,
    check_can_complete,
    check_can_contact,
    check_can_request_extension,
    check_can_return,
    check_can_sign,
    check_completion_photo,
)
from .common import apply_transition, locked_ticket, now_or, record_event, require_text


def sign(actor, ticket_id, now=None):
    """签收. The lead's signature moves the ticket; an assisting unit signs its own part."""
    require_role(actor, "sign")
    now = now_or(now)
    with locked_ticket(ticket_id, actor) as ticket:
        assignment = check_can_sign(actor, ticket, Facts(ticket, now))
        if assignment.role == AssignmentRole.LEAD:
            apply_transition(ticket, "sign", "sign", actor=actor, now=now, note=f"{actor.unit.name}签收")
        else:
            record_event(ticket, "assist_sign", actor=actor, now=now, note=f"{actor.unit.name}签收（协办）")
        assignment.status, assignment.signed_at = AssignmentStatus.SIGNED, now
        assignment.save(update_fields=["status", "signed_at"])
        clocks.meet_sign(ticket, actor.unit_id, now)
    return ticket


def return_order(actor, ticket_id, reason, suggested_unit=None, now=None):
    """退单: the lead unit says the order is not its responsibility; the center re-dispatches or rules."""
    require_role(actor, "return")
    reason = require_text(reason, "reason", "退单理由")
    now = now_or(now)
    with locked_ticket(ticket_id, actor) as ticket:
        assignment = check_can_return(actor, ticket, Facts(ticket, now))
        apply_transition(ticket, "return_order", "return", actor=actor, now=now, note=reason,
                         data={"suggested_unit": suggested_unit.code if suggested_unit else None})
        assignment.status, assignment.ended_at = AssignmentStatus.RETURNED, now
        assignment.save(update_fields=["status", "ended_at"])
        ReturnRequest.objects.create(ticket=ticket, unit=actor.unit, reason=reason, suggested_unit=suggested_unit,
                                     requested_by=actor, requested_at=now)
        clocks.pause(ticket, now)
    return ticket


def contact_caller(actor, ticket_id, note, now=None, *, photos=(), documents=()):
    """响应: the lead unit has reached the caller; counts for the response rate. Photos taken on site and
    documents come with it, all or nothing."""
    require_role(actor, "contact")
    note = require_text(note, "note", "联系情况")
    checked = check_uploads(photos, documents)
    now = now_or(now)
    with attachments.discarded_on_failure() as stored, locked_ticket(ticket_id, actor) as ticket:
        check_can_contact(actor, ticket, Facts(ticket, now))
        event = apply_transition(ticket, "contact", "contact", actor=actor, note=note, now=now)
        clocks.meet_response(ticket, now)
        attachments.attach(actor, ticket, checked, stage=Stage.CONTACT, event=event, now=now, stored=stored)
    return ticket


def complete(actor, ticket_id, *, result, caller_feedback_method, caller_told_at, caller_feedback, now=None,
             photos=(), documents=()):
    """办结 with 双反馈: what the caller was told (how, when) and the written result to the hotline; the
    after-photos and documents come with it, all or nothing.

    The lead's completion moves the ticket (a leaf that asks for an on-site photo needs one by now); an assisting
    unit reports its own part. Every missing or wrong input is named at once (the lead's feedback fields and the
    photo with the result).
    """
    require_role(actor, "complete")
    checked = check_uploads(photos, documents)
    now = now_or(now)
    with attachments.discarded_on_failure() as stored, locked_ticket(ticket_id, actor) as ticket:
        facts = Facts(ticket, now)
        assignment = check_can_complete(actor, ticket, facts)
        if assignment.role == AssignmentRole.LEAD:
            result, feedback, _ = every_input(
                lambda: require_text(result, "result", "办理结果"),
                lambda: _caller_feedback(caller_feedback_method, caller_told_at, caller_feedback, now),
                lambda: check_completion_photo(ticket, facts, sum(1 for c in checked if c.kind == Kind.PHOTO)))
            event = apply_transition(ticket, "complete", "complete", actor=actor, now=now, note=result,
                                     result=result,
                                     data={"caller_feedback": feedback["summary"], "method": feedback["method"]})
            CallerFeedback.objects.create(ticket=ticket, unit=actor.unit, recorded_by=actor, **feedback)
            clocks.meet_all(ticket, now)
            alerts.callback_due(ticket, "办结", now)
        else:
            result = require_text(result, "result", "办理结果")
            event = record_event(ticket, "assist_complete", actor=actor, now=now, note=result)
        assignment.status, assignment.completed_at, assignment.result = AssignmentStatus.COMPLETED, now, result
        assignment.save(update_fields=["status", "completed_at", "result"])
        attachments.attach(actor, ticket, checked, stage=Stage.COMPLETE, event=event, now=now, stored=stored)
    return ticket


# 告知时间 may run this far ahead of the server's clock (a handler's phone a few minutes fast, a time typed for "now"
# rounded up); it is recorded as now, since the caller cannot have been told later than the completion. Anything
# further ahead is a mistake.
TOLD_AT_TOLERANCE = dt.timedelta(minutes=10)


def _caller_feedback(method, told_at, summary, now):
    def checked_method():
        if method not in FeedbackMethod.values:
            raise InvalidInput("请选择告知诉求人的方式", field="caller_feedback_method")
        return method

    def checked_time():
        if told_at is None:
            raise InvalidInput("请填写告知诉求人的时间", field="caller_told_at")
        if told_at > now + TOLD_AT_TOLERANCE:
            raise InvalidInput("告知诉求人的时间不能晚于当前时间（最多允许快10分钟）", field="caller_told_at")
        return min(told_at, now)

    method, told_at, summary = every_input(
        checked_method, checked_time, lambda: require_text(summary, "caller_feedback", "告知诉求人的内容"))
    return {"method": method, "told_at": told_at, "summary": summary}


def request_extension(actor, ticket_id, *, reason, requested_due_at, now=None):
    """延期申请: before the deadline, the lead unit asks for more time."""
    require_role(actor, "request_extension")
    reason = require_text(reason, "reason", "延期理由")
    now = now_or(now)
    with locked_ticket(ticket_id, actor) as ticket:
        check_can_request_extension(actor, ticket, Facts(ticket, now))
        if requested_due_at is None or requested_due_at <= ticket.due_at:
            raise InvalidInput("申请延至的时间必须晚于当前办结时限", field="requested_due_at")
        extension = ExtensionRequest.objects.create(
            ticket=ticket, unit=actor.unit, reason=reason, requested_due_at=requested_due_at,
            requested_by=actor, requested_at=now,
        )
        record_event(ticket, "request_extension", actor=actor, now=now, note=reason,
                     data={"extension": extension.pk, "requested_due_at": requested_due_at.isoformat()})
    return extension

