"""督办: dispatchers and district supervisors push a unit on an order near or past its deadline."""

import datetime as dt

import pytest

from assessment.clock.selectors import deadlines_to_urge, unread_notifications
from assessment.clock.urging import urge
from assessment.models import Outbox
from core.errors import InvalidInput, InvalidTransition, NotFoundInScope, NotPermitted

from .clock_helpers import H, S, drop_work_notices, events
from .lifecycle_helpers import T0, intake, take_call, walk_to_completed


@pytest.fixture
def orders(users, directory, catalog):
    street = take_call(users, directory, catalog["sanitation"])  # 望京街道, 朝阳区
    heating = take_call(users, directory, catalog["heating"])  # 热力集团, a city enterprise, at a 朝阳 address
    haidian = take_call(users, directory, catalog["heating"], street="110108001")  # 热力集团 at 海淀 万寿路街道
    for ticket in (street, heating, haidian):
        intake.dispatch_ticket(users["agent"], ticket.pk, now=T0)
    drop_work_notices()
    return {"street": street, "heating": heating, "haidian": haidian}


def test_dispatcher_urges_and_the_unit_sees_it(users, orders):
    event = urge(users["dispatcher"], orders["heating"].pk, "请今日内联系诉求人", now=T0 + 20 * H)
    assert (event.action, event.actor, event.note) == ("urge", users["dispatcher"], "请今日内联系诉求人")
    inbox = unread_notifications(users["heating"])
    assert [(n.kind, n.ticket_id) for n in inbox] == [("urge", orders["heating"].pk)]
    assert "督办工单" in inbox[0].text and "请今日内联系诉求人" in inbox[0].text
    assert Outbox.objects.get().unit == users["heating"].unit
    assert not unread_notifications(users["wangjing"]).exists()


def test_district_supervisor_urges_only_orders_of_the_district(users, orders):
    urge(users["chaoyang"], orders["street"].pk, "居民反映强烈，请加快处理", now=T0 + H)
    assert [e.actor for e in events(orders["street"], "urge")] == [users["chaoyang"]]
    assert unread_notifications(users["wangjing"]).count() == 1
    urge(users["chaoyang"], orders["heating"].pk, "请今日恢复供暖", now=T0 + H)  # an enterprise, at a 朝阳 address
    assert [(n.kind, n.ticket_id) for n in unread_notifications(users["heating"])] == [("urge", orders["heating"].pk)]
    with pytest.raises(NotFoundInScope):  # the same enterprise at a 海淀 address is not the district's
        urge(users["chaoyang"], orders["haidian"].pk, "请处理")
    assert not events(orders["haidian"], "urge")


@pytest.mark.parametrize("username", ["agent", "wangjing", "heating", "callback", "leader"])
def test_other_roles_may_not_urge(users, orders, username):
    with pytest.raises(NotPermitted):
        urge(users[username], orders["street"].pk, "请处理")
    assert not events(orders["street"], "urge")


def test_urge_needs_a_note_and_an_open_order(users, orders):
    with pytest.raises(InvalidInput) as error:
        urge(users["dispatcher"], orders["street"].pk, "  ")
    assert error.value.field == "note"
    walk_to_completed(users, orders["street"])
    with pytest.raises(InvalidTransition):
        urge(users["dispatcher"], orders["street"].pk, "请处理")
    assert not events(orders["street"], "urge") and not Outbox.objects.exists()


def test_deadlines_to_urge_lists_what_is_due_within_a_day_or_past_in_scope(users, orders):
    def listed(user, now):
        return [(c.ticket_id, c.key) for c in deadlines_to_urge(user, now=now)]

    street, heating, haidian = orders["street"].pk, orders["heating"].pk, orders["haidian"].pk
    # at dispatch, the 24 h limits fall due exactly 24 h later: listed; the 7 d completion is not
    assert listed(users["dispatcher"], T0) == [
        (street, "sign"), (heating, "sign"), (haidian, "sign"), (street, "response:7d"), (heating, "response:24h"),
        (heating, "complete:24h"), (haidian, "response:24h"), (haidian, "complete:24h"),
    ]
    # the district's deadlines: its street's order and the enterprise's order at a 朝阳 address, not 海淀's
    assert listed(users["chaoyang"], T0) == [
        (street, "sign"), (heating, "sign"), (street, "response:7d"), (heating, "response:24h"),
        (heating, "complete:24h"),
    ]
    near_completion = T0 + 6 * 24 * H
    assert (street, "complete:7d") not in listed(users["chaoyang"], near_completion - S)
    assert (street, "complete:7d") in listed(users["chaoyang"], near_completion)
    assert listed(users["wangjing"], T0 + dt.timedelta(days=30))[-1] == (street, "complete:7d")
