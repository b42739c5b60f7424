"""Repeat requests (重复诉求): the one home of the rules that tie a later request to its original.

- link_repeat (at intake, before dispatch): the new ticket is answered as a repeat in one step (received →
  answered, through answer_directly, audit action 'link_repeat'), with repeat_of set and an answer telling the
  caller which order handles the matter. It is never dispatched, and the callback agent still calls the caller
  back as for any answered request.
- merge_repeat (the center, at any stage before close): the later order goes to 'merged' with repeat_of set; its
  live parts (assignments) are withdrawn and its open clocks stop, so no unit sees it in a worklist or is
  assessed on it. The pair is assessed once, through the original. A pending extension request of it is refused
  (moot; the unit may ask again after an unmerge); an order with an open whistle cannot be merged (as it cannot
  complete: the called departments are still on the clock).
- unmerge_repeat (the center): the merge is undone. The order returns to the stage it was merged from, with the
  parts the merge withdrew (same units, same statuses) and its clocks reopened, later by the merged time. A real
  center undoes a mistaken merge so that the units carry on where they stopped; sending the order back to the
  dispatch queue instead would hand out fresh limits, so a merge and unmerge could wipe out a late order.
Every step writes a TicketEvent on both tickets (who, why); both rows are locked in id order.
"""

from contextlib import contextmanager

from django.db import transaction

from assessment.clock import clocks
from core.errors import InvalidInput, InvalidTransition, NotFoundInScope
from core.permissions import require_role
from dispatch.models import LIVE_ASSIGNMENT_STATUSES, Assignment, AssignmentStatus, ExtensionStatus

from ..choices import Status
from ..models import Ticket
from .checks import Facts, check_can_merge_repeat
from .common import apply_transition, locked_ticket, now_or, record_event, require_text

NOT_REPEATABLE = [Status.CLOSED]  # an original must still be open


def link_repeat(actor, ticket_id, original_id, now=None):
    """Answer ticket `ticket_id` as a repeat of `original_id` (see the module doc). Returns the ticket."""
    require_role(actor, "link_repeat")
    now = now_or(now)
    with locked_ticket(ticket_id) as ticket:
        original = Ticket.objects.select_related("repeat_of").filter(pk=original_id).first()
        if original is None:
            raise NotFoundInScope("原工单不存在", field="original_id")
        original = original.repeat_of or original  # always link to the first order of the matter
        _check_link(ticket, original)
        if ticket.status != Status.RECEIVED:
            raise InvalidTransition(f"工单当前状态为「{ticket.get_status_display()}」，不能再关联为重复诉求；"
                                    "已派出的工单请由派单员在工单页「并入原工单」")
        ticket.repeat_of = original
        ticket.save(update_fields=["repeat_of"])
        answer = f"您反映的问题已在工单{original.number}中办理，本次来电作为重复诉求并入该工单，办理结果将一并反馈。"
        apply_transition(ticket, "answer_directly", "link_repeat", actor=actor, now=now, answer=answer,
                         note=f"关联为工单{original.number}的重复诉求", data={"original": original.pk})
        clocks.meet_dispatch(ticket, now)  # answered: the center's dispatch clock stops, as for answer_directly
        record_event(original, "link_repeat", actor=actor, now=now, note=f"收到重复诉求：工单{ticket.number}",
                     data={"repeat": ticket.pk})
    return ticket


def _check_link(ticket, original):
    if original.pk == ticket.pk:
        raise InvalidInput("不能把工单关联为自身的重复诉求", field="original_id")
    if ticket.repeat_of_id:
        raise InvalidInput(f"该工单已关联为工单{ticket.repeat_of.number}的重复诉求", field="original_id")
    if ticket.repeats.exists():
        raise InvalidInput("该工单已有重复诉求关联到它，不能再关联到其他工单", field="original_id")
    if original.status in NOT_REPEATABLE:
        raise InvalidInput(f"工单{original.number}已结案，请作为新诉求派单", field="original_id")
    if original.received_at > ticket.received_at:
        raise InvalidInput("只能关联到更早受理的工单", field="original_id")


# --- merge after dispatch (并单) ------------------------------------------------------------------------------


def merge_repeat(actor, ticket_id, original_id, reason, now=None):
    """并单: the later order `ticket_id` joins its original `original_id` at any stage before close (module doc)."""
    require_role(actor, "merge_repeat")
    reason = require_text(reason, "reason", "并入理由")
    if ticket_id == original_id:
        raise InvalidInput("不能把工单并入自身", field="original_id")
    now = now_or(now)
    with _locked_pair(ticket_id, original_id) as (ticket, original):
        _check_merge(actor, ticket, original, now)
        parts = list(ticket.assignments.filter(status__in=LIVE_ASSIGNMENT_STATUSES).values_list("id", "status"))
        Assignment.objects.filter(pk__in=[pk for pk, _ in parts]).update(status=AssignmentStatus.WITHDRAWN,
                                                                          ended_at=now)
        stopped = clocks.withdraw(ticket, now)
        refused = _settle_pending_extensions(ticket, original, actor, now)
        data = {"original": original.pk, "parts": dict(parts), "clocks": stopped, "extensions": refused}
        apply_transition(ticket, "merge_into", "merge_repeat", actor=actor, now=now, original=original, data=data,
                         note=f"并入工单{original.number}（重复诉求）。理由：{reason}")
        record_event(original, "merge_repeat", actor=actor, now=now, data={"repeat": ticket.pk},
                     note=f"并入的重复诉求：工单{ticket.number}。理由：{reason}")
    return ticket


def _check_merge(actor, ticket, original, now):
    check_can_merge_repeat(actor, ticket, Facts(ticket, now))
    if original.status in NOT_REPEATABLE:
        raise InvalidTransition(f"工单{original.number}已结案，不能再并入；请将本单作为新诉求办理")
    if original.repeat_of_id:
        root = Ticket.objects.get(pk=original.repeat_of_id)
        raise InvalidTransition(f"工单{original.number}本身已并入工单{root.number}，请并入工单{root.number}")
    if original.received_at > ticket.received_at or (original.received_at == ticket.received_at
                                                     and original.pk > ticket.pk):
        raise InvalidInput(f"工单{original.number}受理晚于本单，只能把后来的诉求并入更早的工单", field="original_id")


def _settle_pending_extensions(ticket, original, actor, now):
    """A pending extension request of the merged order is moot: refused, saying why."""
    pending = list(ticket.extensions.filter(status=ExtensionStatus.PENDING).values_list("id", flat=True))
    ticket.extensions.filter(pk__in=pending).update(
        status=ExtensionStatus.REFUSED, decided_by=actor, decided_at=now,
        decision_note=f"工单已并入工单{original.number}，延期申请不再审批")
    return pending


def unmerge_repeat(actor, ticket_id, reason, now=None):
    """撤销并单: the merged order returns to its stage with its parts and clocks (module doc)."""
    require_role(actor, "unmerge_repeat")
    reason = require_text(reason, "reason", "撤销理由")
    now = now_or(now)
    ticket = Ticket.objects.filter(pk=ticket_id).only("id", "repeat_of_id").first()
    if ticket is None:
        raise NotFoundInScope("工单不存在或不在您的权限范围内")
    if ticket.repeat_of_id is None:
        raise InvalidTransition("该工单没有并入其他工单，无需撤销")
    with _locked_pair(ticket_id, ticket.repeat_of_id) as (ticket, original):
        merge = ticket.events.filter(action="merge_repeat").order_by("-created_at", "-id").first()
        if ticket.status != Status.MERGED or merge is None:
            raise InvalidTransition(f"工单当前状态为「{ticket.get_status_display()}」，不是并入的工单，不能撤销并入")
        for pk, status in merge.data.get("parts", {}).items():
            Assignment.objects.filter(pk=int(pk), ticket=ticket).update(status=status, ended_at=None)
        apply_transition(ticket, "unmerge", "unmerge_repeat", actor=actor, now=now,
                         restore_status=merge.from_status, data={"original": original.pk},
                         note=f"撤销并入工单{original.number}，恢复为「{Status(merge.from_status).label}」。理由：{reason}")
        clocks.reinstate(ticket, merge.data.get("clocks", []), merge.created_at, now)
        record_event(original, "unmerge_repeat", actor=actor, now=now, data={"repeat": ticket.pk},
                     note=f"工单{ticket.number}撤销并入，不再作为本单的重复诉求。理由：{reason}")
    return ticket


@contextmanager
def _locked_pair(first_id, second_id):
    """One transaction with both ticket rows locked, lower id first (two merges of one pair never deadlock)."""
    with transaction.atomic():
        rows = {}
        for pk in sorted({first_id, second_id}):
            rows[pk] = Ticket.objects.select_for_update().filter(pk=pk).first()
        if rows[first_id] is None:
            raise NotFoundInScope("工单不存在或不在您的权限范围内")
        if rows[second_id] is None:
            raise NotFoundInScope("原工单不存在", field="original_id")
        yield rows[first_id], rows[second_id]
