"""The print sheet of one order (工单打印): what the ticket page shows the user, laid out for one A4 page.

A read only, like the ticket page (which records nothing on view). The caller is masked as on the ticket page (the
full number is never printed: it comes only through the recorded 查看完整号码 action), the address as the user may
see it, and a unit whose part ended reads only its own records (privacy.record_for). A long timeline prints its
latest PRINT_EVENTS events (notes cut to two lines on paper) with a note saying how many there are.
"""

from dataclasses import dataclass

from django.utils import timezone

from assessment.clock import countdown
from assessment.clock.overdue import is_past
from assessment.clock.selectors import ticket_deadlines

from . import privacy, selectors

PRINT_EVENTS = 10  # with each event's note at most two lines, the sheet stays one A4 page


@dataclass(frozen=True)
class Deadline:
    """One printed deadline: what it measures, whose it is, when it falls due and where it stands."""

    label: str
    unit: str
    due_at: object
    state: str


def deadline_state(clock, now):
    """已停止于 … (超时 when after the due time), 暂停, or 计时中 with 临期 / 已超期."""
    if clock.stopped_at:
        late = "（超时）" if is_past(clock.due_at, clock.stopped_at) else ""
        return f"已停止于 {timezone.localtime(clock.stopped_at):%m-%d %H:%M}{late}"
    if clock.paused_at:
        return "暂停（退单待裁定）"
    return {countdown.OVERDUE: "计时中，已超期", countdown.WARN: "计时中，临期",
            countdown.RUNNING: "计时中"}[countdown.state(clock.due_at, clock.warn_at, now)]


def print_sheet(user, ticket, now=None):
    """The template context of the order's print page for this user."""
    now = now or timezone.now()
    assignments = list(ticket.assignments.select_related("unit").order_by("dispatched_at", "id"))
    record = privacy.record_for(user, ticket, assignments=assignments, events=list(selectors.timeline(ticket)),
                                clocks=ticket_deadlines(ticket))
    events = record["events"]
    return {
        "ticket": ticket, "record": record, "address": privacy.shown_address(user, ticket),
        "assignments": record["assignments"],
        "deadlines": [Deadline(clock.get_key_display(), clock.unit.name, clock.due_at, deadline_state(clock, now))
                      for clock in record["clocks"]],
        "events": events[-PRINT_EVENTS:], "events_total": len(events), "events_cut": len(events) > PRINT_EVENTS,
        "printed_at": now,
    }
