"""The dispatcher's queue, earliest dispatch deadline first, and 批量派单: several ticked orders to one unit, each its
own dispatch (its transaction, row lock, check and audit event), with a report of which failed and why."""

import datetime as dt

import pytest

from core.errors import InvalidInput, NotPermitted
from dispatch.directory import CENTER_CODE
from dispatch.models import Assignment, AssignmentRole
from hotline.models import Ticket
from hotline.services import center, handling, intake

from .api_helpers import client_for
from .clock_helpers import events
from .lifecycle_helpers import take_call
from .page_helpers import login

pytestmark = pytest.mark.django_db

QUEUE, BATCH, API = "/center/queue/", "/center/queue/batch-dispatch/", "/api/tickets/batch-dispatch/"
WANGJING, TAIYANGGONG = "110105026", "110105024"
ALREADY = "工单当前状态为「已派单」，不能派单"


@pytest.fixture
def waiting(users, directory, catalog, now):
    """Four sanitation orders at 望京 awaiting dispatch (oldest first), a fifth already dispatched."""
    orders = [take_call(users, directory, catalog["sanitation"], content=f"楼道堆物第{i}处",
                        now=now - dt.timedelta(hours=4 - i)) for i in range(4)]
    done = take_call(users, directory, catalog["sanitation"], content="楼道堆物已派", now=now, then=intake.DISPATCH)
    return orders, done


def dispatch_events(ticket):
    return [(e.actor.username, e.data.get("lead")) for e in events(ticket, "dispatch")]


def test_batch_dispatch_dispatches_each_and_reports_the_one_already_dispatched(users, directory, waiting):
    orders, done = waiting
    unit = directory[TAIYANGGONG]
    ids = [orders[0].pk, done.pk, orders[1].pk, orders[2].pk, orders[0].pk, 999999]
    outcomes = center.batch_dispatch(users["dispatcher"], ids, unit, note="同一小区集中处理")
    assert [(o.ticket_id, o.dispatched, o.reason) for o in outcomes] == [
        (orders[0].pk, True, ""), (done.pk, False, ALREADY), (orders[1].pk, True, ""), (orders[2].pk, True, ""),
        (999999, False, "工单不存在"),
    ]
    assert outcomes[1].number == done.number
    for ticket in orders[:3]:
        ticket.refresh_from_db()
        assert (ticket.status, ticket.lead_unit) == ("dispatched", unit) and ticket.due_at is not None
        assert dispatch_events(ticket) == [("dispatcher", TAIYANGGONG)]  # one audit event per order
        assert events(ticket, "dispatch")[0].note == "同一小区集中处理"
        assert Assignment.objects.get(ticket=ticket, role=AssignmentRole.LEAD).unit == unit
    done.refresh_from_db()
    assert done.lead_unit.code == WANGJING and dispatch_events(done) == [("agent", WANGJING)]  # left as it was
    orders[3].refresh_from_db()
    assert orders[3].status == "received" and not events(orders[3], "dispatch")


def test_a_returned_order_in_the_batch_is_refused_by_the_dispatch_check(users, directory, waiting):
    orders, done = waiting
    handling.return_order(users["wangjing"], done.pk, "非本街道辖区")
    outcomes = center.batch_dispatch(users["dispatcher"], [done.pk, orders[0].pk], directory[TAIYANGGONG])
    assert [(o.dispatched, o.reason) for o in outcomes] == [
        (False, "工单当前状态为「已退单待裁定」，不能派单"), (True, "")]


def test_bad_batch_input_names_its_field_and_touches_no_order(users, directory, waiting):
    orders, _ = waiting
    dispatcher, ids = users["dispatcher"], [orders[0].pk]
    cases = [([], directory[TAIYANGGONG], "ticket_ids"), (list(range(1, 102)), directory[TAIYANGGONG], "ticket_ids"),
             (ids, None, "lead_unit"), (ids, directory[CENTER_CODE], "lead_unit")]  # the center leads nothing
    for ticket_ids, unit, field in cases:
        with pytest.raises(InvalidInput) as error:
            center.batch_dispatch(dispatcher, ticket_ids, unit)
        assert error.value.field == field
    with pytest.raises(NotPermitted):  # an agent dispatches one order at intake; batches are the dispatcher's
        center.batch_dispatch(users["agent"], ids, directory[TAIYANGGONG])
    assert not Ticket.objects.filter(pk=orders[0].pk).exclude(status="received").exists()


def test_the_queue_puts_the_earliest_dispatch_deadline_first(client, users, directory, catalog, now, waiting):
    orders, _ = waiting
    heating = take_call(users, directory, catalog["heating"], content="暖气不热", now=now)  # within 2 h
    login(client, users["dispatcher"])
    queue = [t.pk for t in client.get(QUEUE).context["tickets"]]
    assert queue == [heating.pk, *[t.pk for t in orders]]  # a later call with a 2 h limit before 24 h ones
    by_received = [t.pk for t in client.get(QUEUE, {"sort": "received"}).context["tickets"]]
    assert by_received == [*[t.pk for t in orders], heating.pk]
    assert [t.pk for t in client.get(QUEUE, {"catalog": "0102"}).context["tickets"]] == [t.pk for t in orders]


def test_the_dispatcher_ticks_orders_and_the_queue_shows_the_report(client, users, directory, waiting):
    orders, done = waiting
    handling.return_order(users["wangjing"], done.pk, "非本街道辖区")
    login(client, users["dispatcher"])
    html = client.get(QUEUE).content.decode()
    assert html.count('name="ticket_ids"') == 4  # every received order; not the returned one (it is re-dispatched)
    assert f'aria-label="选择 {orders[0].number}"' in html and f'aria-label="选择 {done.number}"' not in html
    assert 'id="batch-dispatch"' in html and 'name="lead_unit" data-unit-picker="dispatch"' in html
    back = f"{QUEUE}?unit=%E6%9C%9B%E4%BA%AC"  # 望京
    response = client.post(BATCH, {"ticket_ids": [orders[0].pk, orders[1].pk, done.pk], "lead_unit": TAIYANGGONG,
                                   "note": "", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    report = client.get(back).content.decode()
    assert "批量派单结果" in report and "已派单 2 件，未派单 1 件" in report
    assert f"{done.number}</a>：工单当前状态为「已退单待裁定」，不能派单" in report
    assert "批量派单结果" not in client.get(QUEUE).content.decode()  # shown once
    assert Ticket.objects.filter(lead_unit=directory[TAIYANGGONG]).count() == 2


def test_bad_batch_input_on_the_page_is_shown_beside_its_field(client, users, directory, waiting):
    orders, _ = waiting
    login(client, users["dispatcher"])
    nothing = client.post(BATCH, {"lead_unit": TAIYANGGONG})
    assert nothing.status_code == 400 and 'id="batch_ticket_ids_error"' in nothing.content.decode()
    assert "请勾选要派单的工单" in nothing.content.decode()
    no_unit = client.post(BATCH, {"ticket_ids": [orders[0].pk, orders[1].pk]}).content.decode()
    assert 'id="batch_lead_unit_error"' in no_unit and "请选择承办单位" in no_unit
    assert no_unit.count(" checked>") == 2  # the ticked rows stay ticked
    unknown = client.post(BATCH, {"ticket_ids": [orders[0].pk], "lead_unit": "X999"})
    assert unknown.status_code == 400 and "派至：未找到单位「X999」" in unknown.content.decode()
    garbage = client.post(BATCH, {"ticket_ids": ["abc"], "lead_unit": TAIYANGGONG})
    assert garbage.status_code == 400 and "工单编号须为数字" in garbage.content.decode()
    assert not Ticket.objects.filter(pk__in=[t.pk for t in orders]).exclude(status="received").exists()
    assert client.get(BATCH, {"unit": "望京"})["Location"] == f"{QUEUE}?unit=%E6%9C%9B%E4%BA%AC"


def test_only_dispatchers_batch_dispatch_on_the_page(client, users, waiting):
    orders, _ = waiting
    for username in ("agent", "wangjing", "chaoyang"):
        response = login(client, users[username]).post(BATCH, {"ticket_ids": [orders[0].pk], "lead_unit": WANGJING})
        assert response.status_code == 403
    assert 'name="ticket_ids"' not in login(client, users["agent"]).get(QUEUE).content.decode()
    assert not Ticket.objects.filter(pk=orders[0].pk).exclude(status="received").exists()


def test_the_api_batch_dispatches_and_reports_each_order(users, waiting):
    orders, done = waiting
    api = client_for(users["dispatcher"])
    response = api.post(API, {"ticket_ids": [orders[0].pk, done.pk, orders[1].pk], "lead_unit": TAIYANGGONG},
                        format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["dispatched"], body["failed"]) == (2, 1)
    assert body["results"][1] == {"id": done.pk, "number": done.number, "dispatched": False, "reason": ALREADY}
    assert body["results"][0] == {"id": orders[0].pk, "number": orders[0].number, "dispatched": True, "reason": ""}


def test_the_api_names_the_field_of_bad_batch_input(users, waiting):
    orders, _ = waiting
    api = client_for(users["dispatcher"])
    response = api.post(API, {"ticket_ids": [], "lead_unit": "X999"}, format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"ticket_ids", "lead_unit"}
    response = api.post(API, {"ticket_ids": ["abc"], "lead_unit": TAIYANGGONG}, format="json")
    assert response.status_code == 400 and "ticket_ids" in response.json()["errors"]
    assert api.post(API, {"lead_unit": TAIYANGGONG}, format="json").status_code == 400
    assert client_for(users["wangjing"]).post(API, {"ticket_ids": [orders[0].pk], "lead_unit": WANGJING},
                                              format="json").status_code == 403
    assert not Ticket.objects.filter(pk__in=[t.pk for t in orders]).exclude(status="received").exists()
