"""Every list of orders filters, sorts, searches and pages the same way, from the URL (hotline/listing.py), and
saves its filters per user (常用筛选)."""

import datetime as dt

import pytest
from django.db import connection

from hotline.models import SavedListFilter, Ticket
from hotline.services import handling, intake

from .lifecycle_helpers import take_call
from .page_helpers import login, street_order

pytestmark = pytest.mark.django_db


def numbers(response):
    return [t.number for t in response.context["tickets"]]


@pytest.fixture
def queue(users, directory, catalog, now):
    """Four orders awaiting dispatch: two sanitation at 望京 (days apart), a heating order at 安定门, one urgent."""
    at = now - dt.timedelta(days=3)
    return {
        "old": take_call(users, directory, catalog["sanitation"], content="楼下垃圾堆放多日", now=at),
        "new": take_call(users, directory, catalog["sanitation"], content="小区垃圾桶满溢", now=now),
        "heating": take_call(users, directory, catalog["heating"], street="110101004", content="暖气不热", now=now),
        "urgent": take_call(users, directory, catalog["sanitation"], content="井盖丢失有人掉落危险", now=now,
                            urgency="urgent"),
    }


def test_the_dispatcher_filters_the_queue_by_district_catalog_date_and_urgency(client, users, directory, queue, now):
    login(client, users["dispatcher"])
    everything = client.get("/center/queue/")
    assert len(numbers(everything)) == 4 and "共 4 条" in everything.content.decode()
    by_district = client.get("/center/queue/", {"district": directory["110101004"].parent_id})
    assert numbers(by_district) == [queue["heating"].number]
    today = dt.date.fromisoformat(f"{now.astimezone(dt.timezone(dt.timedelta(hours=8))):%Y-%m-%d}")
    recent = client.get("/center/queue/", {"received_from": today.isoformat(), "received_to": today.isoformat()})
    assert queue["old"].number not in numbers(recent) and len(numbers(recent)) == 3
    assert numbers(client.get("/center/queue/", {"urgency": "urgent"})) == [queue["urgent"].number]
    assert numbers(client.get("/center/queue/", {"catalog": "0101"})) == [queue["heating"].number]
    assert numbers(client.get("/center/queue/", {"unit": "安定门"})) == [queue["heating"].number]
    combined = client.get("/center/queue/", {"unit": "望京", "urgency": "normal"})
    assert set(numbers(combined)) == {queue["old"].number, queue["new"].number}
    assert "已选 2 项" in combined.content.decode()


def test_sorting_by_a_column_and_back_keeps_the_filters(client, users, queue):
    login(client, users["dispatcher"])
    ascending = client.get("/center/queue/", {"sort": "number", "unit": "望京"})
    descending = client.get("/center/queue/", {"sort": "-number", "unit": "望京"})
    assert numbers(ascending) == sorted(numbers(ascending)) and numbers(descending) == numbers(ascending)[::-1]
    html = ascending.content.decode()
    assert 'aria-sort="ascending"' in html and "sort=-number" in html and "unit=%E6%9C%9B%E4%BA%AC" in html


def test_a_bad_filter_is_shown_beside_its_field_and_the_list_stays(client, users, queue):
    login(client, users["dispatcher"])
    response = client.get("/center/queue/", {"received_from": "昨天", "sort": "nonsense", "tier": "1y"})
    assert response.status_code == 200 and len(numbers(response)) == 4
    html = response.content.decode()
    assert "请输入日期（如 2026-11-01）" in html


def test_the_list_search_box_finds_within_the_list_only(client, users, queue):
    login(client, users["dispatcher"])
    assert numbers(client.get("/center/queue/", {"q": "井盖"})) == [queue["urgent"].number]
    assert numbers(client.get("/center/queue/", {"q": queue["old"].number})) == [queue["old"].number]


def test_overdue_and_repeat_filters_on_a_street_worklist(client, users, directory, catalog, now):
    late = street_order(users, directory, catalog, now - dt.timedelta(days=9), content="垃圾一")
    fresh = street_order(users, directory, catalog, now, content="垃圾二")
    for ticket in (late, fresh):
        handling.sign(users["wangjing"], ticket.pk, now=now)
    login(client, users["wangjing"])
    assert numbers(client.get("/work/", {"tab": "in_progress", "overdue": "true"})) == [late.number]
    assert numbers(client.get("/work/", {"tab": "in_progress", "overdue": "false"})) == [fresh.number]
    Ticket.objects.filter(pk=fresh.pk).update(repeat_of=late)
    assert numbers(client.get("/work/", {"tab": "in_progress", "repeat": "true"})) == [fresh.number]


def test_the_pager_keeps_the_filters(client, users, directory, catalog, now, settings):
    from hotline.views import lists

    for i in range(3):
        take_call(users, directory, catalog["sanitation"], content=f"垃圾{i}", now=now)
    login(client, users["dispatcher"])
    lists.LIST_LIMIT, limit = 2, lists.LIST_LIMIT
    try:
        html = client.get("/center/queue/", {"unit": "望京"}).content.decode()
    finally:
        lists.LIST_LIMIT = limit
    assert "共 3 条，第 1/2 页" in html and "unit=%E6%9C%9B%E4%BA%AC&amp;page=2" in html


def test_search_combines_words_with_filters_and_pages_with_the_total(client, users, queue):
    login(client, users["agent"])
    words = client.get("/tickets/", {"q": "垃圾"})
    assert set(numbers(words)) == {queue["old"].number, queue["new"].number} and "共 2 条" in words.content.decode()
    assert numbers(client.get("/tickets/", {"q": "垃圾", "sort": "received"}))[0] == queue["old"].number
    only_filters = client.get("/tickets/", {"urgency": "urgent"})
    assert numbers(only_filters) == [queue["urgent"].number]


def test_a_phone_tail_and_a_callers_name_find_only_orders_the_user_must_call(client, users, directory, catalog, now):
    ticket = take_call(users, directory, catalog["sanitation"], content="垃圾满溢", now=now)
    Ticket.objects.filter(pk=ticket.pk).update(caller_name="张先生", caller_phone="13812345678")
    login(client, users["agent"])  # took the call, not yet dispatched: must call the caller
    assert numbers(client.get("/tickets/", {"q": "5678"})) == [ticket.number]
    assert numbers(client.get("/tickets/", {"q": "张先生"})) == [ticket.number]
    intake.dispatch_ticket(users["agent"], ticket.pk, now=now)
    assert numbers(client.get("/tickets/", {"q": "5678"})) == []  # dispatched: the agent no longer calls
    assert numbers(client.get("/tickets/", {"q": "张先生"})) == []
    login(client, users["wangjing"])  # the lead unit calls now
    assert numbers(client.get("/tickets/", {"q": "345678"})) == [ticket.number]
    assert numbers(client.get("/tickets/", {"q": "张先生"})) == [ticket.number]
    login(client, users["leader"])  # a leader sees masks and may not search by them
    assert numbers(client.get("/tickets/", {"q": "5678"})) == []
    assert numbers(client.get("/tickets/", {"q": "张先生"})) == []


def test_a_user_saves_a_filter_sees_it_above_the_list_and_deletes_it(client, users, queue):
    login(client, users["dispatcher"])
    response = client.post("/lists/saved/", {"list_path": "/center/queue/", "query": "unit=望京&page=3",
                                             "name": "望京待派"})
    saved = SavedListFilter.objects.get(user=users["dispatcher"])
    assert response.status_code == 302 and response["Location"] == saved.url and "page" not in saved.query
    html = client.get("/center/queue/").content.decode()
    assert "望京待派" in html and saved.url.replace("&", "&amp;") in html
    assert "望京待派" not in login(client, users["agent"]).get("/tickets/").content.decode()
    login(client, users["dispatcher"])
    client.post(f"/lists/saved/{saved.pk}/delete/", {"next": "/center/queue/"})
    assert not SavedListFilter.objects.exists()


@pytest.mark.parametrize(("data", "message"), [
    ({"list_path": "/center/queue/", "query": "unit=望京", "name": ""}, "请为常用筛选起一个名称"),
    ({"list_path": "/admin/", "query": "unit=望京", "name": "x"}, "只能保存工单列表的筛选条件"),
    ({"list_path": "/center/queue/", "query": "page=2", "name": "x"}, "当前列表没有筛选条件可保存"),
])
def test_saving_a_bad_filter_says_why_and_saves_nothing(client, users, data, message):
    login(client, users["dispatcher"])
    response = client.post("/lists/saved/", data, follow=True)
    assert message in response.content.decode() and not SavedListFilter.objects.exists()


def test_the_api_lists_take_the_same_filters(client, users, directory, queue):
    login(client, users["dispatcher"])
    body = client.get("/api/tickets/", {"urgency": "urgent"}).json()
    assert [row["id"] for row in body["results"]] == [queue["urgent"].pk]
    assert client.get("/api/tickets/", {"received_from": "昨天"}).status_code == 400
    assert len(client.get("/api/tickets/", {"unit": "望京"}).json()["results"]) == 3


def test_search_page_query_count_does_not_grow_with_matches(client, users, queue, django_assert_num_queries):
    login(client, users["agent"])
    # session, user, the name matches, a savepoint around the page's ids (3: a page shorter than the page length is
    # the whole list, so no count), the rows, the header's count, unit, the filter bar (3); PostgreSQL instead of the
    # page's ids: a savepoint (2), the bitmap's work_mem, the oldest and the newest order's day, one index probe for
    # each span of days between (hotline/day_search.py: 3 spans here), so the count grows with days, not matches
    with django_assert_num_queries(17 if connection.vendor == "postgresql" else 12):
        response = client.get("/tickets/", {"q": "垃圾", "urgency": "normal"})
    assert len(numbers(response)) == 2


def test_a_second_table_on_the_page_is_not_sorted_or_emptied_by_the_main_lists_filters(client, users, queue):
    login(client, users["dispatcher"])
    html = client.get("/center/queue/", {"urgency": "urgent"}).content.decode()
    deadlines = html[html.index('id="d-title"'):]
    assert "aria-sort" not in deadlines and "没有临期或超期的工单" in deadlines


def test_whistle_lists_take_the_same_filters_and_search_box(client, users, directory, catalog, now):
    """A leader's whistles to approve and a department's whistle calls are lists of orders too."""
    from hotline.services import whistles

    from .page_helpers import whistled_order

    called = [whistled_order(users, directory, catalog, now - dt.timedelta(days=d)) for d in (1, 3)]
    pending = street_order(users, directory, catalog, now, content="井盖松动需要协调")
    handling.sign(users["wangjing"], pending.pk, now=now)
    whistles.raise_whistle(users["wangjing"], pending.pk, units=[directory["D002"]], reason="需要协调", now=now)
    login(client, users["wangjing_leader"])
    assert pending.number in client.get("/work/", {"tab": "whistles"}).content.decode()
    assert pending.number not in client.get("/work/", {"tab": "whistles", "q": "占道"}).content.decode()
    login(client, users["chengguan"])
    everything = client.get("/work/", {"tab": "whistle_calls"})
    assert [c.whistle.ticket_id for c in everything.context["calls"]] == [t.pk for t in reversed(called)]
    assert "共 2 条" in everything.content.decode()
    today = f"{now.astimezone(dt.timezone(dt.timedelta(hours=8))):%Y-%m-%d}"
    recent = client.get("/work/", {"tab": "whistle_calls", "received_from": today, "sort": "-number"})
    assert [c.whistle.ticket_id for c in recent.context["calls"]] == []
    newest_first = client.get("/work/", {"tab": "whistle_calls", "sort": "-received"})
    assert [c.whistle.ticket_id for c in newest_first.context["calls"]] == [t.pk for t in called]


def test_deadlines_filter_overdue_and_sort_through_their_orders(client, users, directory, catalog, now):
    from .page_helpers import heating_order

    late = street_order(users, directory, catalog, now - dt.timedelta(days=9), content="垃圾一")
    soon = heating_order(users, directory, catalog, now - dt.timedelta(hours=23))
    login(client, users["dispatcher"])

    def urged(params):
        return [row.ticket.pk for row in client.get("/center/deadlines/", params).context["rows"]]

    assert set(urged({})) == {late.pk, soon.pk}
    assert urged({"overdue": "true"}) == [late.pk] and urged({"overdue": "false"}) == [soon.pk]
    assert urged({"sort": "-received"})[0] == soon.pk and urged({"sort": "received"})[0] == late.pk


def test_the_extension_requests_list_filters_by_their_orders_and_only_the_center_opens_it(client, users, directory,
                                                                                          catalog, now):
    from .page_helpers import heating_order

    street = street_order(users, directory, catalog, now)
    heating = heating_order(users, directory, catalog, now)
    for user, ticket in ((users["wangjing"], street), (users["heating"], heating)):
        handling.sign(user, ticket.pk, now=now)
        ticket.refresh_from_db()
        handling.request_extension(user, ticket.pk, reason="需协调施工", now=now,
                                   requested_due_at=ticket.due_at + dt.timedelta(days=3))
    login(client, users["dispatcher"])
    everything = client.get("/center/extensions/")
    assert [e.ticket_id for e in everything.context["extensions"]] == [street.pk, heating.pk]
    assert everything.content.decode().count(">批准</button>") == 2
    by_unit = client.get("/center/extensions/", {"unit": "热力"})
    assert [e.ticket_id for e in by_unit.context["extensions"]] == [heating.pk]
    assert "全部延期申请" in client.get("/center/queue/").content.decode()
    assert login(client, users["wangjing"]).get("/center/extensions/").status_code == 403


@pytest.mark.parametrize("username, url, queries", [
    ("dispatcher", "/center/extensions/", 9), ("wangjing_leader", "/work/?tab=whistles", 12),
    ("chengguan", "/work/?tab=whistle_calls", 10),
])
def test_the_other_lists_query_counts_do_not_grow_with_rows(client, users, directory, catalog, now, username, url,
                                                            queries, django_assert_num_queries):
    """One, then three orders each with an extension request, a whistle awaiting approval and an approved one."""
    from hotline.services import whistles

    def add_order(i):
        ticket = street_order(users, directory, catalog, now, content=f"垃圾{i}")
        handling.sign(users["wangjing"], ticket.pk, now=now)
        ticket.refresh_from_db()
        handling.request_extension(users["wangjing"], ticket.pk, reason="需协调施工", now=now,
                                   requested_due_at=ticket.due_at + dt.timedelta(days=3))
        approved = whistles.raise_whistle(users["wangjing"], ticket.pk, units=[directory["D002"]], reason="需要执法",
                                          now=now)
        whistles.decide_whistle(users["wangjing_leader"], approved.pk, approve=True, now=now)
        whistles.raise_whistle(users["wangjing"], ticket.pk, units=[directory["D002"]], reason="需要协调", now=now)

    add_order(0)
    login(client, users[username])
    client.get(url)
    for total in (1, 3):
        while Ticket.objects.count() < total:
            add_order(Ticket.objects.count())
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert f"共 {total} 条" in response.content.decode()
