"""工单打印 in a real browser: the order's sheet is one A4 page as a PDF, its 打印 button calls the print dialog,
and on paper the lists lose their menu, filter bar, buttons and pager (at a desk and on a phone)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from hotline.models import TicketEvent
from hotline.services import intake

from ..lifecycle_helpers import take_call, walk_to_completed
from .test_heating_story import as_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE, DESK = {"width": 390, "height": 844}, {"width": 1440, "height": 900}
PAPER = {"width": 703, "height": 1032}  # A4 less the 12 mm margins, in CSS pixels: screenshots as on paper
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_pages(page):
    """The number of pages of the A4 PDF Chromium prints; prints the sheet's height on paper (pytest -s)."""
    height = page.evaluate("document.querySelector('main.sheet').getBoundingClientRect().height")
    print(f"sheet height on paper: {height:.0f} of {PAPER['height']} px")
    return len(PDF_PAGE.findall(page.pdf(format="A4", print_background=True)))


def watch_errors(page):
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


@pytest.fixture
def completed(demo_users, directory, catalog):
    """A sanitation complaint at 望京, dispatched, signed, contacted and completed: a typical order."""
    ticket = take_call(demo_users, directory, catalog["sanitation"], content="楼下垃圾堆放多日无人清理，气味很大",
                       now=timezone.now() - dt.timedelta(hours=6), then=intake.DISPATCH)
    walk_to_completed(demo_users, ticket, now=timezone.now() - dt.timedelta(hours=5))
    return ticket


def test_the_street_prints_an_order_on_one_a4_page(browser, live_server, completed, shots):
    page = as_user(browser, live_server, "wangjing")
    problems = watch_errors(page)
    page.add_init_script("window.printed = 0; window.print = function () { window.printed += 1; };")
    page.goto(f"{live_server.url}/tickets/{completed.pk}/")
    shots(page, "ticket-page-1440")
    page.set_viewport_size(PHONE)
    shots(page, "ticket-page-390")
    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible() and not page.locator("aside").is_visible()
    assert page.locator("h1").is_visible() and page.locator(".timeline").is_visible()
    shots(page, "ticket-page-paper")
    page.emulate_media(media="screen")
    page.set_viewport_size(DESK)
    page.get_by_role("link", name="打印", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/tickets/{completed.pk}/print/")
    sheet = page.locator("main.sheet")
    assert completed.number in sheet.inner_text() and "138******34" in sheet.inner_text()
    assert page.evaluate("window.printed") == 0  # never on load
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.printed") == 1
    shots(page, "ticket-print-1440")
    page.set_viewport_size(PHONE)
    shots(page, "ticket-print-390")
    page.emulate_media(media="print")
    page.set_viewport_size(PAPER)
    assert not page.locator(".toolbar").is_visible()
    shots(page, "ticket-print-paper")
    assert pdf_pages(page) == 1
    assert problems == []
    page.context.close()


def test_a_long_timeline_still_prints_on_one_page(browser, live_server, completed, demo_users, shots):
    TicketEvent.objects.bulk_create([
        TicketEvent(ticket=completed, action="urge", actor=demo_users["dispatcher"],
                    note=f"第{i}次督办：请尽快到现场核实垃圾清运情况并将处理结果告知诉求人，逾期将通报。" * 2,
                    created_at=timezone.now() - dt.timedelta(hours=4, minutes=-i)) for i in range(40)])
    page = as_user(browser, live_server, "wangjing")
    page.goto(f"{live_server.url}/tickets/{completed.pk}/print/")
    assert "仅打印最近 10 条" in page.locator("main.sheet").inner_text()
    page.emulate_media(media="print")
    page.set_viewport_size(PAPER)
    shots(page, "ticket-print-long-paper")
    assert pdf_pages(page) == 1
    page.context.close()


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_the_queue_on_paper_has_no_menu_filters_or_buttons(browser, live_server, demo_users, directory, catalog,
                                                            shots, viewport):
    for i in range(3):
        take_call(demo_users, directory, catalog["sanitation"], content=f"楼下垃圾堆放第{i}天",
                  now=timezone.now() - dt.timedelta(hours=i))
    page = as_user(browser, live_server, "dispatcher")
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/center/queue/")
    menu_on_screen = page.locator("nav.menu").is_visible() or page.get_by_role("button", name="菜单").is_visible()
    assert menu_on_screen and page.locator("details.list-filters").is_visible()  # a phone's menu is a drawer
    shots(page, f"queue-screen-{viewport['width']}")
    page.emulate_media(media="print")
    for hidden in ("header.topbar", "nav.menu", "details.list-filters", "form.filter-form", ".menu-search"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("button:visible, a.button:visible").count() == 0
    table = page.locator("table.ticket-table").first
    assert table.is_visible() and table.locator("tbody tr").count() == 3
    assert table.locator("thead").evaluate("e => getComputedStyle(e).display") == "table-header-group"
    assert table.locator("tbody tr").first.evaluate("e => getComputedStyle(e).display") == "table-row"  # no cards
    shots(page, f"queue-paper-{viewport['width']}")
    page.context.close()
