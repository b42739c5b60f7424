"""What each scope's lists show, pinned on a small dataset: the API's pages (newest first, every order of the scope
once), the 督办 list (every running clock of the scope due within a day, soonest first), a searched 本区工单 (the
search planned once) and the one-day export, whatever shape the queries take to be fast."""

import datetime as dt
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from assessment.clock import selectors as clock_selectors
from assessment.clock.models import OPEN as OPEN_CLOCK
from assessment.clock.selectors import NEAR, deadlines_to_urge, own_units_clocks
from assessment.models import Clock
from hotline import exports, privacy, selectors
from hotline.api_paging import KeysetPagination
from hotline.services import handling, intake

from .api_helpers import client_for
from .clock_helpers import drop_work_notices
from .lifecycle_helpers import take_call
from .page_helpers import heating_order, login, street_order, whistled_order

pytestmark = pytest.mark.django_db

HAIDIAN_WANSHOULU, DONGHUAMEN = "110108001", "110101001"
SCOPES = ("dispatcher", "wangjing", "heating", "chengguan", "chaoyang")


@pytest.fixture
def scopes(users, directory, catalog, now):
    """Orders of every kind of scope, received a minute apart, three at one instant (ties): 望京's own, 热力集团's at
    a 朝阳 and at a 海淀 address, a 望京 order whistled to 城管, one at 海淀 misrouted to 望京 (朝阳's through
    望京's part), one not yet dispatched, one of 东城, and a 望京 order signed and handled."""
    at = now - dt.timedelta(hours=3)
    tie = at + dt.timedelta(minutes=30)
    orders = [
        street_order(users, directory, catalog, at),
        heating_order(users, directory, catalog, tie),
        heating_order(users, directory, catalog, tie, street=HAIDIAN_WANSHOULU),
        whistled_order(users, directory, catalog, tie),
        take_call(users, directory, catalog["heating"], content="暖气漏水", now=at + dt.timedelta(minutes=40)),
        take_call(users, directory, catalog["sanitation"], street=DONGHUAMEN, content="垃圾满溢",
                  now=at + dt.timedelta(minutes=50), then=intake.DISPATCH),
    ]
    misrouted = take_call(users, directory, catalog["sanitation"], street=HAIDIAN_WANSHOULU, content="垃圾未清运",
                          now=at + dt.timedelta(minutes=60))
    intake.dispatch_ticket(users["agent"], misrouted.pk, lead_unit=directory["110105026"], lead_reason="测试",
                           now=misrouted.received_at)
    signed = street_order(users, directory, catalog, at + dt.timedelta(minutes=70), content="路灯不亮")
    handling.sign(users["wangjing"], signed.pk, now=signed.received_at)
    drop_work_notices()
    return [*orders, misrouted, signed]


def newest_first(tickets):
    return [t.pk for t in sorted(tickets, key=lambda t: (t.received_at, t.pk), reverse=True)]


def walk(client, params):
    response, ids = client.get("/api/tickets/", params), []
    while True:
        body = response.json()
        ids += [row["id"] for row in body["results"]]
        if not body["next"]:
            return ids, body
        response = client.get(body["next"])


@pytest.mark.parametrize("username", SCOPES)
def test_each_scope_pages_its_orders_newest_first_with_the_address_it_may_see(users, scopes, username):
    user = users[username]
    scope = list(selectors.visible_tickets(user))
    assert scope, username
    client = client_for(user)
    ids, _ = walk(client, {"limit": 2})
    assert ids == newest_first(scope)
    rows = client.get("/api/tickets/", {"limit": 200}).json()["results"]
    assert [row["address"] for row in rows] == [privacy.shown_address(user, t) for t in
                                                sorted(scope, key=lambda t: (t.received_at, t.pk), reverse=True)]
    back, _ = walk(client, {"limit": 3, "status": "dispatched"})  # a filter still narrows the same scope
    assert back == newest_first(t for t in scope if t.status == "dispatched")


@pytest.mark.parametrize("username", SCOPES)
def test_the_api_counts_its_scope_and_a_filtered_list_its_own_rows(users, scopes, username, monkeypatch):
    """Unfiltered, a unit's count is its ids' (the UNION alone); filtered, the list's rows: the same numbers."""
    user = users[username]
    scope = selectors.visible_tickets(user)
    client = client_for(user)
    for params, rows in (({}, scope), ({"received_from": ""}, scope), ({"status": "dispatched"}, scope.filter(
            status="dispatched")), ({"status": "closed"}, scope.none())):
        body = client.get("/api/tickets/", {"limit": 2, **params}).json()
        assert (body["count"], body["count_is_exact"]) == (rows.count(), True), params
    monkeypatch.setattr(KeysetPagination, "COUNT_CAP", 1)
    body = client.get("/api/tickets/", {"limit": 2}).json()
    assert (body["count"], body["count_is_exact"]) == (1, scope.count() <= 1)


def test_the_district_sees_the_misrouted_order_its_street_had(users, scopes):
    assert scopes[6].pk in {t.pk for t in selectors.visible_tickets(users["chaoyang"])}


@pytest.mark.parametrize("username", ["dispatcher", "chaoyang", "wangjing", "chengguan"])
def test_the_deadlines_list_is_every_running_clock_of_the_scope_due_within_a_day(client, users, scopes, username, now):
    user = users[username]
    in_scope = {t.pk for t in selectors.visible_tickets(user)}

    def expected(at):
        clocks = Clock.objects.filter(OPEN_CLOCK, due_at__lte=at + NEAR).order_by("due_at", "pk")
        return [c.pk for c in clocks if c.ticket_id in in_scope]

    later = now + dt.timedelta(days=20)  # every limit of these orders is due by then
    assert [c.pk for c in deadlines_to_urge(user, now=later)] == expected(later) and len(expected(later)) >= 2
    own = own_units_clocks(user, now=later)  # the count's cheaper part: all in the list, none tested
    assert own is None if username == "dispatcher" else set(own.values_list("pk", flat=True)) <= set(expected(later))
    if username in ("dispatcher", "chaoyang"):  # those who urge: the page lists them
        page = login(client, user).get("/center/deadlines/")
        assert [c.pk for c in page.context["clocks"]] == expected(timezone.now())


def test_a_searched_district_list_runs_its_search_once(client, users, scopes):
    """The count's cheaper part (the district's address orders) narrows the rows already searched: a search adds
    its own queries once to the list's."""
    chaoyang = users["chaoyang"]
    with CaptureQueriesContext(connection) as search:
        selectors.search_tickets(chaoyang, "垃圾")
    login(client, chaoyang)
    with CaptureQueriesContext(connection) as plain:
        client.get("/district/tickets/")
    with CaptureQueriesContext(connection) as searched:
        response = client.get("/district/tickets/", {"q": "垃圾"})
    assert {t.pk for t in response.context["tickets"]} == {scopes[0].pk, scopes[6].pk}
    assert len(searched) - len(plain) <= len(search)


def test_the_one_day_export_has_the_lists_rows_and_a_list_past_the_limit_is_refused_however_misjudged(
        client, users, scopes, monkeypatch):
    login(client, users["chaoyang"])
    received = [timezone.localdate(t.received_at).isoformat() for t in scopes]  # Beijing days: 1, or 2 by night
    params = {"received_from": min(received), "received_to": max(received)}
    listed = [t.number for t in client.get("/district/tickets/", params).context["tickets"]]
    response = client.get("/district/tickets/", {**params, "format": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == listed and len(listed) >= 4
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 3)
    monkeypatch.setattr(exports, "estimated_rows", lambda queryset: 0)  # the planner expects nothing: not counted
    refused = client.get("/district/tickets/", {**params, "format": "xlsx"}, follow=True)
    assert "一次最多导出3条工单" in refused.content.decode()


def test_the_districts_deadlines_pass_the_cap_on_its_own_units_clocks_alone(client, users, scopes, monkeypatch):
    """Its streets' clocks are part of the district's 督办 list: once they alone pass the cap, the list says "1+"
    from them, without testing every running clock of the city against the district (one count, not two). A scoped
    list's cap is its own (SCOPED_URGE_COUNT_CAP); the center's list, which tests no scope, still counts on."""
    monkeypatch.setattr(clock_selectors, "SCOPED_URGE_COUNT_CAP", 1)
    login(client, users["dispatcher"])
    center = client.get("/center/deadlines/").context["clocks"]
    assert center.paginator.count > 1 and not center.paginator.capped
    login(client, users["chaoyang"])
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/center/deadlines/").content.decode()
    assert "共 1+ 条" in html
    [count] = [q["sql"] for q in queries.captured_queries if 'COUNT(*) FROM (SELECT "assessment_clock"' in q["sql"]]
    assert '"assessment_clock"."unit_id" IN' in count


def same_to_the_ms(cell):
    """A time as a workbook keeps it (Excel's days and fractions: to the millisecond)."""
    if isinstance(cell, dt.datetime):
        return (cell - dt.datetime(2000, 1, 1)) // dt.timedelta(milliseconds=1) + (cell.microsecond % 1000 >= 500)
    return cell


def test_the_export_writes_every_cell_of_its_rows_as_the_list_reads_them(client, users, scopes, now):
    """Each cell as export_rows gives it: text as text, times as dates, empty ones empty (written cell by cell, not
    by write_row)."""
    chaoyang = users["chaoyang"]
    login(client, chaoyang)
    response = client.get("/district/tickets/", {"format": "xlsx"})
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    written = [[same_to_the_ms(cell) for cell in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
    expected = [[None if cell == "" else same_to_the_ms(cell) for cell in row] for row in
                exports.export_rows(chaoyang, selectors.district_orders(chaoyang), timezone.now())]
    assert written == expected and len(written) >= 5
    assert sheet.cell(2, 2).number_format == "yyyy-mm-dd hh:mm"
    assert [cell.value for cell in sheet[1]] == [header for header, _ in exports.COLUMNS]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's setting")
def test_the_lists_queries_are_not_jit_compiled():
    """A capped count tested per order is costed far past jit_above_cost while it runs in milliseconds: compiled,
    it took 60–100 ms more a query (config/settings.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
