"""Every role's main list in a real browser, one story each: filter (the search box), sort by 工单号, page with the
filters kept, export every page to Excel, and print without menu or forms."""

import datetime as dt

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from hotline.services import handling, intake
from hotline.views import lists

from ..lifecycle_helpers import take_call, walk_to_completed
from .test_heating_story import as_user
from .test_lists import DESK, PHONE, filter_by

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# (user, main list, how many of its rows mention 垃圾): the fixture gives each list three 垃圾 rows and one other
MAIN_LISTS = [
    ("agent", "/tickets/?status=received"), ("dispatcher", "/center/queue/"), ("callback", "/callbacks/"),
    ("wangjing", "/work/?tab=in_progress"), ("wangjing_leader", "/work/?tab=in_progress"),
    ("heating", "/work/?tab=to_sign"), ("chaoyang", "/district/tickets/?status=signed"),
]


@pytest.fixture
def orders(demo_users, directory, catalog):
    """At 望京: four orders awaiting dispatch, four signed by the street, four completed awaiting the callback; four
    heating orders dispatched to 热力集团 (three 垃圾 rows and one other in each list)."""
    now = timezone.now()
    words = ["垃圾堆放第1天", "垃圾堆放第2天", "垃圾堆放第3天", "路灯不亮"]

    def call(item, text, hours, **extra):
        return take_call(demo_users, directory, catalog[item], content=f"楼下{text}", now=now - dt.timedelta(
            hours=hours), **extra)

    for i, text in enumerate(words):
        call("sanitation", text, i)
        signed = call("sanitation", text, 10 + i, then=intake.DISPATCH)
        handling.sign(demo_users["wangjing"], signed.pk, now=now - dt.timedelta(hours=9 + i))
        walk_to_completed(demo_users, call("sanitation", text, 30 + i, then=intake.DISPATCH),
                          now=now - dt.timedelta(hours=29 + i))
        heating = call("heating", text, 5 + i)
        intake.dispatch_ticket(demo_users["agent"], heating.pk, now=now - dt.timedelta(hours=5 + i))


def shown_numbers(page):
    """The 工单号 of the page's main list (the first table: the queue has a 临期 table below)."""
    rows = page.locator("table.ticket-table").first.locator("tbody tr")
    return [rows.nth(i).locator('td[data-label="工单号"]').inner_text().split()[0] for i in range(rows.count())]


def in_number_order(numbers):
    """工单号 sorts by the order's id (the part after the dash); the date before it is the Beijing day received, which
    for orders received just before midnight is a day earlier than for later ids."""
    return numbers == sorted(numbers, key=order_id)


def order_id(number):
    return int(number.split("-")[1])


@pytest.mark.parametrize("username, url", MAIN_LISTS, ids=[name for name, _ in MAIN_LISTS])
def test_each_role_filters_sorts_pages_exports_and_prints_its_main_list(browser, live_server, orders, shots,
                                                                         monkeypatch, tmp_path, username, url):
    monkeypatch.setattr(lists, "LIST_LIMIT", 2)
    page = as_user(browser, live_server, username)
    page.set_viewport_size(DESK)
    page.goto(f"{live_server.url}{url}")
    filter_by(page, 查找="垃圾")
    assert "共 3 条，第 1/2 页" in page.locator(".pager").first.inner_text(), username
    page.get_by_role("link", name="工单号").click()  # ascending
    page.wait_for_load_state()
    shown = shown_numbers(page)
    page.get_by_role("link", name="下一页").click()
    page.wait_for_load_state()
    assert "第 2/2 页" in page.locator(".pager").first.inner_text()
    assert "sort=number" in page.url and "q=" in page.url
    shown += shown_numbers(page)
    assert len(shown) == 3 and in_number_order(shown)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出Excel").click()
    saved = tmp_path / "list.xlsx"
    download_info.value.save_as(saved)
    table = [list(row) for row in load_workbook(saved, read_only=True).active.iter_rows(values_only=True)]
    assert [row[0] for row in table[1:]] == shown  # every page, in the list's order
    assert all("*" in (row[table[0].index("电话")] or "*") for row in table[1:])  # masked as on the page

    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible() and not page.locator(".list-filters").is_visible()
    assert page.locator("table.ticket-table").first.is_visible() and not page.locator(".pager a").first.is_visible()
    shots(page, f"{username}-main-list-print")
    page.emulate_media(media="screen")
    page.set_viewport_size(PHONE)
    shots(page, f"{username}-main-list-390")
    page.context.close()
