"""Each role's main list in a real browser: filter, sort, page (the filters kept), at a desk and on a phone."""

import datetime as dt

import pytest
from django.utils import timezone

from hotline.services import handling, intake
from hotline.views import lists

from ..lifecycle_helpers import take_call, walk_to_completed
from .test_heating_story import as_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE, DESK = {"width": 390, "height": 844}, {"width": 1440, "height": 900}


@pytest.fixture
def orders(demo_users, directory, catalog):
    """Five sanitation orders and one urgent at 望京 await dispatch; three 望京 orders are being handled."""
    now = timezone.now()
    waiting = [take_call(demo_users, directory, catalog["sanitation"], content=f"楼下垃圾堆放第{i}天",
                         now=now - dt.timedelta(hours=i)) for i in range(5)]
    urgent = take_call(demo_users, directory, catalog["sanitation"], content="井盖丢失有人掉落危险", now=now,
                       urgency="urgent")
    handled = [take_call(demo_users, directory, catalog["sanitation"], content=f"路灯不亮第{i}处", now=now,
                         then=intake.DISPATCH) for i in range(3)]
    for ticket in handled[1:]:
        handling.sign(demo_users["wangjing"], ticket.pk, now=now)
    walk_to_completed(demo_users, handled[0], now=now - dt.timedelta(hours=5))
    return {"waiting": waiting, "urgent": urgent, "handled": handled}


def rows(page):
    return page.locator("table.ticket-table tbody tr")


def filter_by(page, **fields):
    if not page.locator("details.list-filters[open]").count():
        page.locator("details.list-filters summary").click()
    for label, value in fields.items():
        field = page.locator(".list-filters").get_by_label(label, exact=True)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    page.locator(".list-filters").get_by_role("button", name="筛选", exact=True).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_the_dispatcher_filters_sorts_and_pages_the_queue(browser, live_server, orders, shots, monkeypatch,
                                                          viewport):
    monkeypatch.setattr(lists, "LIST_LIMIT", 3)
    page = as_user(browser, live_server, "dispatcher")
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/center/queue/")
    assert "共 6 条，第 1/2 页" in page.locator(".pager").first.inner_text()
    filter_by(page, 紧急程度="较急")
    assert rows(page).count() == 1 and orders["urgent"].number in rows(page).first.inner_text()
    assert "已选 1 项" in page.locator(".list-filters summary").inner_text()
    filter_by(page, 紧急程度="一般", 查找="垃圾")
    assert "共 5 条，第 1/2 页" in page.locator(".pager").first.inner_text()
    page.get_by_role("link", name="工单号").click()  # sort by number, ascending
    page.wait_for_load_state()
    first_page = [rows(page).nth(i).locator("td[data-label=工单号]").inner_text().split()[0] for i in range(3)]
    assert first_page == sorted(first_page, key=lambda number: int(number.split("-")[1]))  # by id: see test_role_lists
    page.get_by_role("link", name="下一页").click()
    page.wait_for_load_state()
    assert "第 2/2 页" in page.locator(".pager").first.inner_text() and rows(page).count() == 2
    assert "urgency=normal" in page.url and "sort=number" in page.url and "q=" in page.url
    shots(page, f"dispatcher-queue-filtered-{viewport['width']}")
    page.context.close()


def test_a_street_finds_in_its_worklist_and_saves_the_filter(browser, live_server, orders, shots):
    page = as_user(browser, live_server, "wangjing")
    page.goto(f"{live_server.url}/work/?tab=in_progress")
    assert rows(page).count() == 2
    filter_by(page, 查找="第1处")
    assert rows(page).count() == 1 and orders["handled"][1].number in rows(page).first.inner_text()
    page.get_by_label("保存为常用筛选").fill("路灯一")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/work/?tab=in_progress")
    page.locator("details.list-filters summary").click()
    page.get_by_role("link", name="路灯一").click()
    page.wait_for_load_state()
    assert rows(page).count() == 1
    shots(page, "street-worklist-saved-filter")
    page.context.close()


def test_the_callback_agent_sorts_the_queue_newest_first(browser, live_server, orders, demo_users, directory,
                                                         catalog, shots):
    latest = take_call(demo_users, directory, catalog["sanitation"], content="路灯不亮", then=intake.DISPATCH,
                       now=timezone.now() - dt.timedelta(hours=1))
    walk_to_completed(demo_users, latest, now=timezone.now() - dt.timedelta(hours=1))
    page = as_user(browser, live_server, "callback")
    page.goto(f"{live_server.url}/callbacks/")
    page.get_by_role("link", name="工单号").click()
    page.get_by_role("link", name="工单号 ▲").click()  # again: descending
    page.wait_for_load_state()
    assert "sort=-number" in page.url
    assert latest.number in rows(page).first.inner_text()
    shots(page, "callback-queue-sorted")
    page.context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_a_word_search_past_its_cap_says_so_and_how_to_narrow_it(browser, live_server, orders, shots, monkeypatch,
                                                                   viewport):
    """A content word counts to its cap ("1000+" at volume; 2 here): the page says how many it lists and which
    conditions narrow it, on a phone as at a desk."""
    from hotline import text_search

    monkeypatch.setattr(text_search, "WORD_COUNT_CAP", 2)
    monkeypatch.setattr(lists, "LIST_LIMIT", 2)
    page = as_user(browser, live_server, "agent")
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/tickets/?q=垃圾")
    assert "共 2+ 条" in page.locator(".pager").first.inner_text()
    note = page.locator("#search-cap")
    assert note.is_visible() and "至多计数、列出 2 条" in note.inner_text() and "受理日期" in note.inner_text()
    shots(page, f"search-word-cap-{viewport['width']}")
    page.goto(f"{live_server.url}/tickets/?q={orders['urgent'].number}")
    assert not page.locator("#search-cap").count()  # a number is not a word: no cap note
    page.context.close()
