"""An order left undone cannot stay out of the assessment: overdue orders count in the month their limit fell."""

from decimal import Decimal

import pytest

from assessment.models import Scorecard
from assessment.monthly import appeals, selectors
from assessment.monthly.month_close import close_month
from core.errors import InvalidInput
from hotline.models import Callback

from .assessment_helpers import NOV, OCT, at, make_order

D = Decimal


@pytest.fixture
def street(demo_users, directory, catalog):
    return {"users": demo_users, "unit": directory["110105026"], "item": catalog["sanitation"]}


def card(unit, month=OCT):
    return Scorecard.objects.get(unit=unit, month=month)


def test_an_order_left_open_past_its_limit_counts_in_the_month_of_the_limit(street):
    users, wangjing, item = street["users"], street["unit"], street["item"]
    make_order(users, wangjing, item)  # done in time, called back in October: solved, satisfied
    left_open = make_order(users, wangjing, item, in_time=False, due=at(20), completed=False, called_back=False)
    close_month(OCT)
    w = card(wangjing)
    assert (w.assessed, w.contacted_in_time, w.answered, w.resolved, w.satisfied) == (2, 1, 1, 1, 1)
    assert (w.response_rate, w.resolution_rate, w.score) == (D("50.00"), D("100.00"), D("85.00"))
    rows, _ = selectors.orders_behind(wangjing, OCT, "overdue")
    assert [t.pk for t in rows] == [left_open.pk]
    everything, _ = selectors.orders_behind(wangjing, OCT, "all")
    assert len(everything) == w.assessed  # the drill-down lists exactly the orders behind the rates


def test_a_late_completion_called_back_next_month_counts_once_in_the_month_of_its_limit(street):
    users, wangjing, item = street["users"], street["unit"], street["item"]
    late = make_order(users, wangjing, item, day=25, due=at(30), completed=at(2, month=11), called_back=False)
    Callback.objects.create(ticket=late, agent=users["callback"], reached=True, contacted=True, resolved=True,
                            satisfaction="satisfied", created_at=at(4, month=11))
    close_month(OCT)
    close_month(NOV)
    october = card(wangjing)
    assert (october.assessed, october.answered) == (1, 0)  # October's close had no callback to count
    assert not Scorecard.objects.filter(unit=wangjing, month=NOV).exists()  # not a second time in November


def test_an_open_order_before_its_limit_is_not_yet_assessed(street):
    users, wangjing, item = street["users"], street["unit"], street["item"]
    make_order(users, wangjing, item, day=10, month=11, due=at(25, month=11), completed=False, called_back=False)
    close_month(NOV, now=at(20, month=11))
    assert not Scorecard.objects.filter(unit=wangjing, month=NOV).exists()
    close_month(NOV, now=at(26, month=11))
    assert (card(wangjing, NOV).assessed, card(wangjing, NOV).contacted_in_time) == (1, 1)


def test_an_order_done_within_its_limit_counts_in_the_month_of_its_callback(street):
    users, wangjing, item = street["users"], street["unit"], street["item"]
    done = make_order(users, wangjing, item, day=27, due=at(31), completed=at(29), called_back=False)
    Callback.objects.create(ticket=done, agent=users["callback"], reached=True, contacted=True, resolved=False,
                            satisfaction="basic", created_at=at(2, month=11))
    close_month(OCT)
    close_month(NOV)
    assert not Scorecard.objects.filter(unit=wangjing, month=OCT).exists()
    assert (card(wangjing, NOV).assessed, card(wangjing, NOV).answered, card(wangjing, NOV).basic) == (1, 1, 1)


def test_an_appeal_on_an_overdue_order_is_about_the_month_of_its_limit(street):
    users, wangjing, item = street["users"], street["unit"], street["item"]
    order = make_order(users, wangjing, item, due=at(20), completed=False, called_back=False)
    with pytest.raises(InvalidInput) as error:
        appeals.file_appeal(users["wangjing"], order.pk, reason="诉求人失联，无法办结", month="2026-11")
    assert error.value.field == "month" and "10月" in str(error.value)
    appeal = appeals.file_appeal(users["wangjing"], order.pk, reason="诉求人失联，无法办结")
    assert appeal.month == OCT
