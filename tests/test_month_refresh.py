"""A month's nightly computation refreshes only the orders touched since the last one (assessment.monthly.refresh):
after callbacks, an unreasonable-request ruling and limits falling with time, it stores the same pairs and
scorecards as a computation of the whole month at the same moment."""

import datetime as dt

import pytest

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
