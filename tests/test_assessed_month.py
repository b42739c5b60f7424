"""Which months assess an order, one definition: scorecards.assessed_months (Python, used by appeals) and
ASSESSED_IN_MONTH_SQL (the scorecards and their drill-down) agree on a set of orders.
Done in time → each month with a deciding callback; overdue → the month its limit fell; repeats → never."""

import datetime as dt

import pytest

from assessment.monthly import appeals, scorecards, selectors
from assessment.monthly.rules import rule_for
from core.errors import InvalidInput
from hotline.models import Callback

from .assessment_helpers import BJ, NOV, OCT, at, make_order

SEP, DEC = dt.date(2026, 9, 1), dt.date(2026, 12, 1)
NOW = at(15, month=12)
NOV_FIRST_JUST_AFTER_MIDNIGHT = dt.datetime(2026, 11, 1, 0, 30, tzinfo=BJ)  # still October 31 in UTC


@pytest.fixture
def orders(demo_users, directory, catalog):
    """name → (order, the months that should assess it)."""
    users, wangjing, item = demo_users, directory["110105026"], catalog["sanitation"]

    def order(**kwargs):
        return make_order(users, wangjing, item, **kwargs)

    def callback(ticket, when):
        Callback.objects.create(ticket=ticket, agent=users["callback"], reached=True, contacted=True, resolved=True,
                                satisfaction="satisfied", created_at=when)
        return ticket

    plain = order()
    return {
        "in time, called back in October": (plain, [OCT]),
        "in time with a limit": (order(due=at(31), completed=at(7)), [OCT]),
        "done in October, called back in November": (
            callback(order(day=27, due=at(31), completed=at(29), called_back=False), at(2, month=11)), [NOV]),
        "re-handled, called back in October and November": (callback(order(), at(3, month=11)), [OCT, NOV]),
        "open past its October limit, never called back": (
            order(due=at(20), completed=False, called_back=False), [OCT]),
        "completed after its October limit, called back in November": (
            callback(order(day=25, due=at(30), completed=at(2, month=11), called_back=False), at(4, month=11)),
            [OCT]),
        "overdue, called back in its limit's month and the next": (
            callback(order(due=at(10), completed=at(12), callback_day=15), at(5, month=11)), [OCT]),
        "open, limit not yet reached": (order(day=10, month=12, due=at(20, month=12), completed=False,
                                              called_back=False), []),
        "done in time, not yet called back": (order(day=10, month=12, due=at(20, month=12), called_back=False), []),
        "repeat of another order": (order(repeat_of=plain), []),
        "called back just after midnight on November 1 (Beijing)": (
            callback(order(day=28, called_back=False), NOV_FIRST_JUST_AFTER_MIDNIGHT), [NOV]),
        "limit just after midnight on November 1 (Beijing), left open": (
            order(day=28, due=NOV_FIRST_JUST_AFTER_MIDNIGHT, completed=False, called_back=False), [NOV]),
    }


def scorecard_orders(unit, month):
    """The orders the month's scorecards count for the unit: the drill-down's 'all' after the month's pairs are
    stored, which must agree with the counts stored and with the counts computed live."""
    stored = scorecards.store_month_pairs(month, now=NOW, rule=rule_for(month)).get(unit.pk)
    rows, has_next = selectors.orders_behind(unit, month, "all")
    assert not has_next
    counts = scorecards.unit_counts(month, now=NOW, rule=rule_for(month)).get(unit.pk)
    assert counts == stored
    assert (counts.assessed if counts else 0) == len(rows)
    return {t.pk for t in rows}


def test_python_and_sql_agree_on_which_months_assess_each_order(orders, directory):
    wangjing = directory["110105026"]
    for name, (ticket, expected) in orders.items():
        assert scorecards.assessed_months(ticket, NOW) == expected, name
    for month in (SEP, OCT, NOV, DEC):
        in_python = {t.pk for t, _ in orders.values() if month in scorecards.assessed_months(t, NOW)}
        assert scorecard_orders(wangjing, month) == in_python, month
    assert len(scorecard_orders(wangjing, OCT)) == 6 and len(scorecard_orders(wangjing, NOV)) == 4


def test_an_appeal_is_about_a_month_the_scorecards_count_the_order_in(orders, demo_users, directory):
    wangjing_staff, wangjing = demo_users["wangjing"], directory["110105026"]
    counted_in = {month: scorecard_orders(wangjing, month) for month in (SEP, OCT, NOV, DEC)}
    for name, (ticket, expected) in orders.items():
        if not expected:
            with pytest.raises(InvalidInput) as error:
                appeals.file_appeal(wangjing_staff, ticket.pk, reason="申诉", now=NOW)
            assert error.value.field == "ticket", name
            continue
        wrong = next(month for month in (SEP, OCT, NOV, DEC) if month not in expected)
        with pytest.raises(InvalidInput) as error:
            appeals.file_appeal(wangjing_staff, ticket.pk, reason="申诉", month=f"{wrong:%Y-%m}", now=NOW)
        assert error.value.field == "month", name
        appeal = appeals.file_appeal(wangjing_staff, ticket.pk, reason="申诉", now=NOW)
        assert appeal.month == expected[-1], name  # by default the latest month that assesses it
        assert ticket.pk in counted_in[appeal.month], name


def test_a_re_handled_order_may_be_appealed_for_either_month_it_counts_in(orders, demo_users):
    ticket, _ = orders["re-handled, called back in October and November"]
    appeal = appeals.file_appeal(demo_users["wangjing"], ticket.pk, reason="首次办理期间诉求人拒绝入户",
                                 month="2026-10", now=NOW)
    assert appeal.month == OCT
