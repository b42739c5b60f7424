"""Clock lifecycle: the ticket services call these inside their transaction, after the transition.

Which transition does what to the stored deadlines (assessment.Clock rows):
- intake: the center's dispatch clock (dispatch:<level>, the level from dispatch/tiers.py dispatch_level: the
  stricter of the urgency and the leaf's dispatch class); met by dispatch or answer_directly.
- dispatch, redispatch, rehandle: every open clock of the order stops, and fresh clocks start at this moment:
  sign for each dispatched unit (lead and assisting), response (contact) and complete for the lead.
  Redispatch is a RESTART: the return was right, the new unit gets the full limits from the redispatch, and the
  order is no longer flagged overdue.
- sign / contact: meet the unit's sign clock / the lead's response clock. Complete by the lead meets every open
  clock of the order (whistle clocks excepted: the order cannot complete while a whistle is open).
- return: every open clock of the order is PAUSED (the sweep ignores it) while the center rules.
- rule_return (the return was wrong, the same unit continues): RESUME. The paused clocks move later by the time
  spent waiting for the ruling; the time before the return still counts against the unit.
- extension approved: the lead's complete clock moves to the granted time; the warning keeps its lead time before
  the deadline and is re-armed (and a breach is cleared) if it now lies in the future.
- whistle approved: report-in and completion clocks per department (assessment.clock.whistle_limits: on 2 h / 24 h
  orders they end no later than the order's deadline); report_in and the recorded action meet them.
- merge (a later request joins its original, 重复诉求并单): every open clock of the later order STOPS (withdraw);
  unmerge REOPENS those same clocks (reinstate), later by the time the order was merged: the units had no part
  then, and the time before the merge still counts against them (no fresh limits: a merge and unmerge cannot
  reset a late order). A clock paused by a return stays paused; its ruling's resume covers the merged time.
Ticket.contact_due_at and Ticket.due_at always mirror the lead's response and complete clocks.
"""

from django.db.models import Q

from assessment.clock.choices import LimitKey, complete_key, dispatch_key, response_key
from assessment.clock.sla import compute_clock, current_policy
from assessment.clock.whistle_limits import whistle_limits
from assessment.models import Clock
from dispatch.choices import UnitKind
from dispatch.models import AssignmentRole, AssignmentStatus, Unit
from dispatch.tiers import dispatch_level

RESPONSE = Q(key__startswith="response:")
COMPLETE = Q(key__startswith="complete:")


def _open_ticket_clocks(ticket):
    return Clock.objects.filter(ticket=ticket, whistle_target__isnull=True, stopped_at__isnull=True)


def _row(ticket, unit_id, key, now, policy, whistle_target=None):
    return _stored(ticket, unit_id, compute_clock(now, key, policy), whistle_target)


def _stored(ticket, unit_id, clock, whistle_target=None):
    """The Clock row of a computed sla.Clock."""
    return Clock(
        ticket=ticket, whistle_target=whistle_target, key=clock.key, unit_id=unit_id, started_at=clock.start,
        due_at=clock.due_at, warn_at=clock.warn_at, policy_number=clock.policy_number,
    )


def start_dispatch_clock(ticket, unit_id, now):
    """The center must dispatch within the limit of the order's dispatch level (leaf and urgency, see
    dispatch/tiers.py); ``unit_id`` is the receiving unit (the center)."""
    unit_id = unit_id or Unit.objects.filter(kind=UnitKind.CENTER).values_list("id", flat=True).first()
    if unit_id is None:
        return None
    key = dispatch_key(dispatch_level(ticket.catalog_item, ticket.urgency))
    return Clock.objects.create(**_fields(_row(ticket, unit_id, key, now, current_policy())))


def _fields(clock):
    return {f.attname: getattr(clock, f.attname) for f in Clock._meta.concrete_fields if f.attname != "id"}


def start_ticket_clocks(ticket, now):
    """(Re)start the unit clocks at a dispatch; stops whatever was open. Sets and saves the ticket's due times."""
    _open_ticket_clocks(ticket).update(stopped_at=now)
    policy = current_policy()
    rows = []
    assignments = ticket.assignments.filter(status=AssignmentStatus.DISPATCHED).values_list("unit_id", "role")
    for unit_id, role in assignments:
        rows.append(_row(ticket, unit_id, LimitKey.SIGN, now, policy))
        if role == AssignmentRole.LEAD:
            response = _row(ticket, unit_id, response_key(ticket.tier), now, policy)
            complete = _row(ticket, unit_id, complete_key(ticket.tier), now, policy)
            rows += [response, complete]
            ticket.contact_due_at, ticket.due_at = response.due_at, complete.due_at
    Clock.objects.bulk_create(rows)
    ticket.save(update_fields=["contact_due_at", "due_at"])  # a breach of the old clocks stays on the audit trail
    return rows


def meet_sign(ticket, unit_id, now):
    return _open_ticket_clocks(ticket).filter(key=LimitKey.SIGN, unit_id=unit_id).update(stopped_at=now)


def meet_response(ticket, now):
    return _open_ticket_clocks(ticket).filter(RESPONSE, unit_id=ticket.lead_unit_id).update(stopped_at=now)


def meet_dispatch(ticket, now):
    return _open_ticket_clocks(ticket).filter(key__startswith="dispatch:").update(stopped_at=now)


def meet_all(ticket, now):
    """The lead completed the order: every open clock of it stops."""
    return _open_ticket_clocks(ticket).update(stopped_at=now)


def pause(ticket, now):
    return _open_ticket_clocks(ticket).filter(paused_at__isnull=True).update(paused_at=now)


def resume(ticket, now):
    """Continue the paused clocks, later by the time the order waited; the ticket's due times follow."""
    resumed = list(_open_ticket_clocks(ticket).filter(paused_at__isnull=False))
    for clock in resumed:
        waited = now - clock.paused_at
        clock.due_at, clock.warn_at, clock.paused_at = clock.due_at + waited, clock.warn_at + waited, None
        if clock.key.startswith("response:") and clock.unit_id == ticket.lead_unit_id:
            ticket.contact_due_at = clock.due_at
        elif clock.key.startswith("complete:") and clock.unit_id == ticket.lead_unit_id:
            ticket.due_at = clock.due_at
    Clock.objects.bulk_update(resumed, ["due_at", "warn_at", "paused_at"])
    ticket.save(update_fields=["contact_due_at", "due_at"])
    return resumed


def withdraw(ticket, now):
    """The order was merged into another: every open clock of it stops. Returns their ids, for reinstate."""
    ids = list(_open_ticket_clocks(ticket).values_list("id", flat=True))
    Clock.objects.filter(pk__in=ids).update(stopped_at=now)
    return ids


def reinstate(ticket, clock_ids, since, now):
    """An unmerge: the clocks withdraw stopped at ``since`` run again, later by the time the order was merged;
    the ticket's due times follow. Warned and breached marks stay (the sweep does not send them twice)."""
    waited = now - since
    clocks = list(Clock.objects.filter(pk__in=clock_ids, ticket=ticket, stopped_at=since))
    for clock in clocks:
        clock.stopped_at = None
        if clock.paused_at is None:
            clock.due_at, clock.warn_at = clock.due_at + waited, clock.warn_at + waited
        if clock.unit_id == ticket.lead_unit_id and clock.key.startswith("response:"):
            ticket.contact_due_at = clock.due_at
        elif clock.unit_id == ticket.lead_unit_id and clock.key.startswith("complete:"):
            ticket.due_at = clock.due_at
    Clock.objects.bulk_update(clocks, ["stopped_at", "due_at", "warn_at"])
    ticket.save(update_fields=["contact_due_at", "due_at"])
    return clocks


def move_complete(ticket, new_due, now):
    """An approved extension: the lead's complete clock now ends at ``new_due``."""
    clock = _open_ticket_clocks(ticket).filter(COMPLETE, unit_id=ticket.lead_unit_id).first()
    if clock is None:
        return None
    lead_time = clock.due_at - clock.warn_at
    clock.due_at, clock.warn_at = new_due, max(new_due - lead_time, clock.started_at)
    if clock.warn_at > now:
        clock.warned_at = None
    if clock.due_at > now:
        clock.breached_at = None
    clock.save(update_fields=["due_at", "warn_at", "warned_at", "breached_at"])
    ticket.due_at = new_due
    ticket.save(update_fields=["due_at"])
    return clock


def start_whistle_clocks(whistle, now, ticket=None):
    """Report-in and completion clocks for each department of an approved whistle, mirrored on the targets; the
    limits (capped at the order's deadline where the policy says so) are whistle_limits' and are returned."""
    ticket = ticket or whistle.ticket
    limits = whistle_limits(ticket, now)
    rows = []
    for target in whistle.targets.all():
        rows += [_stored(ticket, target.unit_id, limits.report_in, target),
                 _stored(ticket, target.unit_id, limits.action, target)]
    Clock.objects.bulk_create(rows)
    whistle.targets.update(report_in_due_at=limits.report_in.due_at, action_due_at=limits.action.due_at)
    return limits


def meet_whistle(target, key, now):
    return Clock.objects.filter(whistle_target=target, key=key, stopped_at__isnull=True).update(stopped_at=now)
