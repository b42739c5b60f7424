"""A month's nightly computation refreshes only the orders touched since the last one (assessment.monthly.refresh):
after callbacks, an unreasonable-request ruling and limits falling with time, it stores the same pairs and
scorecards as a computation of the whole month at the same moment."""

import datetime as dt

import pytest
from django.db import connection  # noqa: F401 (the skip condition reads it)
from django.db.models import F

from assessment.models import AssessedOrder, MonthClose, Scorecard
from assessment.monthly import appeals
from assessment.monthly.month_close import close_month
from demodata.generator import generate
from hotline.choices import OPEN_STATUSES, Status
from hotline.models import Ticket
from hotline.services.center import record_callback

OCT = dt.date(2026, 10, 1)
GENERATED = dt.datetime(2026, 10, 24, 4, tzinfo=dt.UTC)  # the month as it stood at noon on the 24th (Beijing)
FIRST = GENERATED + dt.timedelta(hours=1)
CHANGES = FIRST + dt.timedelta(days=1)
SECOND = FIRST + dt.timedelta(days=3)


def stored_pairs():
    return sorted(AssessedOrder.objects.filter(month=OCT).values_list(
        "unit_id", "ticket_id", "received_at", "reached", "resolved", "satisfaction", "overdue", "in_time",
        "caller_denied", "excluded"))


def scorecards():
    return list(Scorecard.objects.filter(month=OCT).order_by("unit_id").values(
        "unit_id", "assessed", "contacted_in_time", "answered", "resolved", "satisfied", "excluded", "score", "rank"))


@pytest.fixture
def generated_october(demo_users, catalog):
    generate(1200, "2026-10", seed=11, now=GENERATED, engine="python")
    return demo_users


def test_a_refresh_after_a_day_of_changes_equals_a_whole_recomputation(generated_october):
    users = generated_october
    close_month(OCT, now=FIRST)
    assert MonthClose.objects.get(month=OCT).summary["touched"] is None  # the first time: the whole month
    before = stored_pairs()

    awaiting = list(Ticket.objects.filter(status=Status.COMPLETED).values_list("pk", flat=True)[:6])
    for pk in awaiting[:3]:
        record_callback(users["callback"], pk, reached=True, contacted=False, resolved=False,
                        satisfaction="unsatisfied", now=CHANGES)
    for pk in awaiting[3:]:
        record_callback(users["callback"], pk, reached=False, now=CHANGES)
    called_back = Ticket.objects.filter(callbacks__isnull=False, status=Status.CLOSED).values_list("pk", flat=True)
    appeals.review_unreasonable(users["dispatcher"], called_back[0], unreasonable=True, reason="诉求明显不合理",
                                now=CHANGES)
    falling = Ticket.objects.filter(status__in=OPEN_STATUSES, due_at__gt=FIRST, due_at__lt=SECOND)
    assert len(awaiting) == 6 and falling.exists()  # each kind of change is exercised

    close_month(OCT, now=SECOND)
    touched = MonthClose.objects.get(month=OCT).summary["touched"]
    refreshed, refreshed_cards = stored_pairs(), scorecards()
    assert refreshed != before
    assert 7 + falling.count() <= touched < Ticket.objects.count() / 4

    close_month(OCT, now=SECOND, full=True)
    assert MonthClose.objects.get(month=OCT).summary["touched"] is None
    assert stored_pairs() == refreshed and scorecards() == refreshed_cards


def test_a_changed_rule_recomputes_the_whole_month(generated_october):
    from assessment.models import AssessmentRule

    close_month(OCT, now=FIRST)
    AssessmentRule.objects.create(effective_from=OCT, caller_denial_voids_contact=False)
    close_month(OCT, now=SECOND)
    assert MonthClose.objects.get(month=OCT).summary["touched"] is None


@pytest.mark.skipif("connection.vendor != 'postgresql'",
                    reason="the split is PostgreSQL's; elsewhere the month is stored by the one statement")
def test_a_whole_month_counts_older_orders_called_back_in_it(demo_users, catalog):
    """PostgreSQL computes a whole month in parts (the orders of the month and the one before, then the older ones
    by id, then the late ones without a callback: scorecards.MONTH_PAIRS_PARTS); the pairs are those of the one
    statement over all orders."""

    from assessment.monthly import scorecards
    from assessment.monthly.rules import rule_for
    from hotline.models import Callback

    generate(300, "2026-07", seed=12, now=GENERATED, engine="python")  # older orders: lower ids
    generate(600, "2026-10", seed=11, now=GENERATED, engine="python")
    july = list(Ticket.objects.filter(  # originals done in time: their callbacks decide the months that assess them
        received_at__month=7, lead_unit__isnull=False, repeat_of__isnull=True, completed_at__lte=F("due_at"),
    ).order_by("pk").values_list("pk", flat=True)[:5])
    assert len(july) == 5
    for pk in july:  # re-handled and called back again in October
        Callback.objects.create(ticket_id=pk, agent=demo_users["callback"], reached=True, resolved=False,
                                satisfaction="unsatisfied", created_at=FIRST - dt.timedelta(days=3))
    close_month(OCT, now=FIRST, full=True)
    params, one_statement = scorecards._pairs(OCT, FIRST, rule_for(OCT))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(scorecards.PAIR_COLUMNS)} FROM ({one_statement}) p", params)
        expected = sorted(cursor.fetchall())
    stored = sorted(AssessedOrder.objects.filter(month=OCT).values_list(*scorecards.PAIR_COLUMNS))
    assert stored == expected
    assert set(july) <= {row[1] for row in stored}  # the July orders count in October
    assert min(july) < params_recent_from(OCT)  # and were the older part's


def params_recent_from(month):

    from assessment.monthly import scorecards

    with connection.cursor() as cursor:
        cursor.execute(scorecards.RECENT_FROM_SQL, scorecards.month_params(month))
        return cursor.fetchone()[0]
