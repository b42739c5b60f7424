"""The dispatcher's and the callback queues page by page: the orders and their order, the counts, each page's rows
read after its ids were chosen (hotline/views/lists.py paged, read_rows), and a query count that does not grow
with the queue."""

import datetime as dt

import pytest
from django.utils import timezone

from hotline import selectors
from hotline.views import lists

from .lifecycle_helpers import handling, intake, take_call, walk_to_completed
from .page_helpers import login, street_order

pytestmark = pytest.mark.django_db
M = dt.timedelta(minutes=1)


def pages(client, url, count):
    """(ids of every page, in order; each page's "共 N 条" text), asking pages 1..count."""
    ids, shown = [], []
    for number in range(1, count + 1):
        response = client.get(url, {"page": number})
        page = response.context["tickets"]
        assert page.number == number
        ids += [ticket.pk for ticket in page.object_list]
        shown.append(response.content.decode())
    return ids, shown


@pytest.fixture
def waiting(users, directory, catalog, now):
    """Awaiting dispatch: an ordinary call taken first (24 h to dispatch), a heating call (2 h) and an emergency
    (1 h) taken later, a second ordinary call; two orders returned by the street (no dispatch clock runs: last,
    oldest intake first)."""
    ordinary = take_call(users, directory, catalog["sanitation"], content="垃圾", now=now - 90 * M)
    heating = take_call(users, directory, catalog["heating"], content="暖气不热", now=now - 60 * M)
    emergency = take_call(users, directory, catalog["sanitation"], content="井盖缺失", urgency="emergency",
                          now=now - 30 * M)
    later = take_call(users, directory, catalog["sanitation"], content="垃圾二", now=now - 20 * M)
    returned = []
    for minutes in (100, 200):  # the later intake returned first
        ticket = street_order(users, directory, catalog, now - minutes * M)
        handling.return_order(users["wangjing"], ticket.pk, "不属于本街道", now=now - (10 + minutes // 100) * M)
        returned.append(ticket)
    return [emergency, heating, ordinary, later, returned[1], returned[0]]


def test_the_dispatch_queue_pages_by_deadline_then_the_returned_oldest_first(client, users, waiting, monkeypatch):
    monkeypatch.setattr(lists, "LIST_LIMIT", 2)
    login(client, users["dispatcher"])
    ids, shown = pages(client, "/center/queue/", 3)
    assert ids == [ticket.pk for ticket in waiting]
    assert ids == list(selectors.dispatch_queue().values_list("pk", flat=True))
    assert all("共 6 条，第" in html for html in shown)
    local = timezone.localtime
    first = shown[0]
    assert first.index(waiting[0].number) < first.index(waiting[1].number)
    for ticket, hours in ((waiting[0], 1), (waiting[1], 2)):
        assert f"派单时限 {local(ticket.received_at + dt.timedelta(hours=hours)):%m-%d %H:%M}" in first
    assert "派单时限" not in shown[2].split("<tbody>")[1].split("</tbody>")[0]  # the returned: no dispatch clock
    assert f'name="ticket_ids" value="{waiting[0].pk}"' in first  # the batch checkbox on a dispatchable order
    assert f'value="{waiting[4].pk}"' not in shown[2].split("<tbody>")[1]  # a returned one is ruled, not ticked


def test_a_dispatched_order_leaves_the_queue_and_a_sort_by_column_pages_the_same_way(client, users, waiting,
                                                                                    monkeypatch):
    monkeypatch.setattr(lists, "LIST_LIMIT", 4)
    intake.dispatch_ticket(users["dispatcher"], waiting[1].pk)
    login(client, users["dispatcher"])
    ids, shown = pages(client, "/center/queue/", 2)
    assert ids == [ticket.pk for ticket in waiting if ticket != waiting[1]]
    assert "共 5 条，第 1/2 页" in shown[0]
    response = client.get("/center/queue/", {"sort": "-number", "page": 2})
    assert [t.pk for t in response.context["tickets"].object_list] == sorted(ids, reverse=True)[4:]


def test_the_callback_queue_pages_oldest_completion_first(client, users, directory, catalog, now, monkeypatch):
    monkeypatch.setattr(lists, "LIST_LIMIT", 2)
    done = []
    for hours in (30, 10, 20):
        ticket = street_order(users, directory, catalog, now - dt.timedelta(hours=hours + 5))
        done.append(walk_to_completed(users, ticket, now=now - dt.timedelta(hours=hours + 4)))
    answered = take_call(users, directory, catalog["policy"], content="咨询政策", now=now - dt.timedelta(hours=15))
    intake.answer_directly(users["agent"], answered.pk, "已答复", now=now - dt.timedelta(hours=15))
    login(client, users["callback"])
    ids, shown = pages(client, "/callbacks/", 2)
    assert ids == [done[0].pk, done[2].pk, answered.pk, done[1].pk]
    assert ids == list(selectors.callback_queue().values_list("pk", flat=True))
    assert all("共 4 条" in html for html in shown)


@pytest.mark.parametrize("username, url", [("dispatcher", "/center/queue/"), ("callback", "/callbacks/")])
def test_the_queues_query_counts_do_not_grow_with_rows(client, users, directory, catalog, now, username, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    added = []

    def add():
        ticket = take_call(users, directory, catalog["sanitation"], content=f"垃圾{len(added)}",
                           now=now - len(added) * M)
        if username == "callback":
            intake.answer_directly(users["agent"], ticket.pk, "已答复", now=now)
        added.append(ticket)

    login(client, users[username])
    add()
    client.get(url)
    counts = []
    for total in (1, 5):
        while len(added) < total:
            add()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert f"共 {total} 条" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]
