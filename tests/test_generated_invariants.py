"""Generated data obeys the lifecycle's own invariants, as if every order had gone through the services."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import OuterRef, Subquery

from assessment.clock.overdue import overdue_q
from assessment.models import Clock
from demodata.generator import generate
from dispatch.models import ACTIVE_ASSIGNMENT_STATUSES, LIVE_ASSIGNMENT_STATUSES, AssignmentRole
from hotline.choices import AWAITING_CALLBACK_STATUSES, OPEN_STATUSES, UNCONTACTED_STATUSES, UNSIGNED_STATUSES, Status
from hotline.models import Ticket, TicketEvent

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


@pytest.fixture(params=["sql", "python"])
def generated(request, demo_users, catalog):
    if request.param == "sql" and connection.vendor != "postgresql":
        pytest.skip("SQL 生成方式仅用于 PostgreSQL")
    generate(1200, "2026-02", seed=11, now=NOW, batch_size=500, engine=request.param)
    return request.param


def test_each_order_is_in_the_state_its_last_event_left_it(generated):
    last = TicketEvent.objects.filter(ticket=OuterRef("pk")).order_by("-created_at", "-id")
    tickets = Ticket.objects.annotate(last_to=Subquery(last.values("to_status")[:1]))
    assert tickets.count() == 1200
    wrong = [(t.pk, t.status, t.last_to) for t in tickets if t.status != t.last_to]
    assert not wrong, wrong[:5]


def test_every_running_order_has_its_clocks(generated):
    running = Clock.objects.filter(stopped_at__isnull=True, whistle_target__isnull=True)
    for ticket in Ticket.objects.filter(status__in=[Status.RECEIVED, *OPEN_STATUSES]):
        keys = {key.split(":")[0] for key in running.filter(ticket=ticket).values_list("key", flat=True)}
        expected = {"dispatch"} if ticket.status == Status.RECEIVED else {"complete"}
        if ticket.status in UNSIGNED_STATUSES:
            expected.add("sign")
        if ticket.status in UNCONTACTED_STATUSES:
            expected.add("response")
        assert expected <= keys, (ticket.pk, ticket.status, keys)
    finished = Ticket.objects.exclude(status__in=[Status.RECEIVED, *OPEN_STATUSES])
    assert not running.filter(ticket__in=finished).exists()  # nothing ticks on a finished order


def test_every_order_with_a_unit_has_exactly_one_lead_part(generated):
    for ticket in Ticket.objects.filter(lead_unit__isnull=False).prefetch_related("assignments"):
        leads = [a for a in ticket.assignments.all() if a.role == AssignmentRole.LEAD
                 and a.status in (ACTIVE_ASSIGNMENT_STATUSES if ticket.status in OPEN_STATUSES
                                  else LIVE_ASSIGNMENT_STATUSES)]
        if ticket.status == Status.RETURNED:  # the returned part waits for the center's ruling
            assert not leads, ticket.pk
            continue
        assert [a.unit_id for a in leads] == [ticket.lead_unit_id], (ticket.pk, ticket.status)


@pytest.mark.parametrize("engine", ["sql", "python"])
def test_a_month_that_is_over_is_closed_but_for_a_small_tail_and_the_running_month_has_a_backlog(
        engine, demo_users, catalog):
    if engine == "sql" and connection.vendor != "postgresql":
        pytest.skip("SQL 生成方式仅用于 PostgreSQL")
    generate(3000, "2026-01", seed=13, now=NOW, engine=engine)  # a month over for four weeks and more
    january = Ticket.objects.all()
    still_open = january.exclude(status=Status.CLOSED)
    assert 0 < still_open.count() < 0.01 * 3000
    assert january.filter(status__in=AWAITING_CALLBACK_STATUSES).count() < 0.01 * 3000
    assert still_open.filter(status__in=OPEN_STATUSES).filter(overdue_q(NOW)).exists()  # the tail is overdue
    assert not january.filter(status=Status.RETURNED).exists()  # every return was ruled long ago

    generate(3000, "2026-02", seed=14, now=NOW - dt.timedelta(days=10), engine=engine)  # the running month
    february = Ticket.objects.filter(received_at__gte=dt.datetime(2026, 1, 31, 16, tzinfo=dt.UTC))
    backlog = february.filter(status__in=[Status.RECEIVED, *OPEN_STATUSES, *AWAITING_CALLBACK_STATUSES]).count()
    assert backlog > 0.1 * 3000, backlog
    assert february.filter(status=Status.RETURNED).exists()
