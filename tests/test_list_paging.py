"""Lists of any length: the API pages by cursor (every row once, filters kept, ties at a page edge), counts stop
at a cap ("10000+"), and the center's queues page without counting every row."""

import datetime as dt

import pytest

from core import paging
from hotline.api_paging import KeysetPagination
from hotline.models import Ticket
from hotline.views import lists

from .api_helpers import client_for
from .lifecycle_helpers import T0, intake, take_call
from .page_helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven_orders(users, catalog, directory):
    """Seven calls, three of them received at the same instant (ties at a page edge), four dispatched."""
    times = [T0, T0, T0, T0 + dt.timedelta(minutes=1), T0 + dt.timedelta(minutes=2), T0 + dt.timedelta(minutes=3),
             T0 + dt.timedelta(minutes=4)]
    tickets = [take_call(users, directory, catalog["sanitation"], now=at) for at in times]
    for ticket in tickets[::2]:
        intake.dispatch_ticket(users["agent"], ticket.pk, now=ticket.received_at)
    return tickets


def walk(client, params):
    """Every page of /api/tickets/ by following ``next``: (ids in order, pages)."""
    response = client.get("/api/tickets/", params)
    ids, pages = [], []
    while True:
        assert response.status_code == 200, response.json()
        body = response.json()
        pages.append(body)
        ids += [row["id"] for row in body["results"]]
        if not body["next"]:
            return ids, pages
        response = client.get(body["next"])


def newest_first(tickets):
    return [t.pk for t in sorted(tickets, key=lambda t: (t.received_at, t.pk), reverse=True)]


def test_following_next_gives_every_order_once_newest_first_ties_included(users, seven_orders):
    client = client_for(users["dispatcher"])
    ids, pages = walk(client, {"limit": 2})
    assert ids == newest_first(seven_orders)
    assert len(pages) == 4 and all(page["count"] == 7 and page["count_is_exact"] for page in pages)
    back = client.get(pages[-1]["previous"]).json()  # the page before the last, the same rows as on the way down
    assert [row["id"] for row in back["results"]] == [row["id"] for row in pages[-2]["results"]]


def test_next_links_keep_the_filters(users, seven_orders):
    ids, _ = walk(client_for(users["dispatcher"]), {"limit": 1, "status": "dispatched"})
    assert ids == newest_first(seven_orders[::2])


def test_a_unit_pages_through_its_own_orders_only(users, seven_orders):
    ids, _ = walk(client_for(users["wangjing"]), {"limit": 3})
    assert ids == newest_first(seven_orders[::2])  # the four dispatched to 望京, none still at the center


def test_a_forged_cursor_or_an_offset_is_a_400_naming_it(users, seven_orders):
    client = client_for(users["dispatcher"])
    forged = client.get("/api/tickets/", {"cursor": "bm90LWEtY3Vyc29y"})
    assert forged.status_code == 400 and "cursor" in forged.json()["errors"]
    assert client.get("/api/tickets/", {"offset": 2}).json()["errors"]["offset"][0].startswith("不支持按偏移量翻页")


def test_the_api_count_stops_at_the_cap(users, seven_orders, monkeypatch):
    monkeypatch.setattr(KeysetPagination, "COUNT_CAP", 5)
    body = client_for(users["dispatcher"]).get("/api/tickets/", {"limit": 2}).json()
    assert body["count"] == 5 and body["count_is_exact"] is False
    assert len(body["results"]) == 2 and body["next"]


def test_the_dispatcher_queue_shows_a_capped_count_and_pages_on(client, users, seven_orders, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    monkeypatch.setattr(lists, "LIST_LIMIT", 1)
    login(client, users["dispatcher"])
    first = client.get("/center/queue/").content.decode()
    assert "共 2+ 条，第 1/2 页" in first  # three orders await dispatch; the count stops at the cap
    waiting = sorted((t for t in seven_orders[1::2]), key=lambda t: (t.received_at, t.pk))
    assert waiting[0].number in first and waiting[1].number not in first
    assert waiting[1].number in client.get("/center/queue/?page=2").content.decode()
    assert waiting[1].number in client.get("/center/queue/?page=99").content.decode()  # past the cap: last page


def test_the_callback_queue_counts_exactly_under_the_cap(client, users, seven_orders, monkeypatch):
    monkeypatch.setattr(lists, "LIST_LIMIT", 1)
    Ticket.objects.filter(pk__in=[t.pk for t in seven_orders[1::2]]).update(status="answered", completed_at=T0)
    page = login(client, users["callback"]).get("/callbacks/").content.decode()
    assert "共 3 条，第 1/3 页" in page


def test_a_district_list_counted_past_the_cap_by_its_address_orders_alone(client, users, seven_orders, monkeypatch,
                                                                          django_assert_num_queries):
    """The district's dispatched orders at its addresses are part of its list: once they alone pass the cap, the
    list says "2+" without testing each of its orders (one count query, not two)."""
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    scope = lists.selectors.district_orders(users["chaoyang"])
    floor = scope.filter(lists.selectors.district_address_part(users["chaoyang"]))
    assert set(floor.values_list("pk", flat=True)) <= set(scope.values_list("pk", flat=True))
    with django_assert_num_queries(1):
        assert paging.CappedPaginator(scope, 1, floor=floor).found == 3
    with django_assert_num_queries(2):  # a floor under the cap: the list itself is counted
        assert paging.CappedPaginator(scope, 1, floor=floor.filter(pk=seven_orders[0].pk)).found == 3
    page = login(client, users["chaoyang"]).get("/district/tickets/").content.decode()
    assert "共 2+ 条" in page
