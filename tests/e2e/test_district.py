"""In a real browser: the 朝阳 supervisor filters 本区工单 and urges an order from its row; the dispatcher ticks three
orders in the queue and dispatches them to one unit in one step, and reads the report. At a desk and on a phone."""

import datetime as dt

import pytest
from django.utils import timezone

from hotline.models import Ticket
from hotline.services import intake

from ..lifecycle_helpers import take_call
from ..page_helpers import heating_order, street_order
from .phone import open_menu
from .test_heating_story import as_user
from .test_lists import DESK, PHONE, filter_by, rows

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_the_district_supervisor_filters_his_orders_and_urges_one(browser, live_server, demo_users, directory,
                                                                   catalog, shots, viewport):
    now = timezone.now()
    street_order(demo_users, directory, catalog, now - dt.timedelta(hours=3), content="小区门口垃圾堆放多日")
    heating = heating_order(demo_users, directory, catalog, now - dt.timedelta(hours=2))  # 热力集团 at a 朝阳 address
    haidian = heating_order(demo_users, directory, catalog, now, street="110108001")
    page = as_user(browser, live_server, "chaoyang")
    page.set_viewport_size(viewport)
    open_menu(page).get_by_role("link", name="本区工单").click()  # on a phone the menu is a drawer
    page.wait_for_load_state()
    assert rows(page).count() == 2 and haidian.number not in page.locator("table.ticket-table").inner_text()
    filter_by(page, 承办单位或街乡镇="热力")
    assert rows(page).count() == 1 and heating.number in rows(page).first.inner_text()
    row = rows(page).first
    row.locator("summary", has_text="督办").click()
    row.get_by_label("督办意见").fill("居民家中室温只有十二度，请今日内上门")
    shots(page, f"district-orders-urge-open-{viewport['width']}")
    row.get_by_role("button", name="督办").click()
    page.wait_for_load_state()
    assert "/district/tickets/" in page.url and "unit=" in page.url  # back on the filtered list
    assert "已督办" in page.locator(".messages").inner_text()
    shots(page, f"district-orders-urged-{viewport['width']}")
    assert heating.events.filter(action="urge", actor=demo_users["chaoyang"]).count() == 1
    page.get_by_role("link", name="本区临期与超期督办").click()
    page.wait_for_load_state()
    assert heating.number in page.locator("table.urge").inner_text()
    page.context.close()


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_the_dispatcher_ticks_three_orders_and_dispatches_them_in_one_step(browser, live_server, demo_users,
                                                                          directory, catalog, shots, viewport):
    now = timezone.now()
    orders = [take_call(demo_users, directory, catalog["sanitation"], content=f"楼道堆放杂物第{i}处",
                        now=now - dt.timedelta(hours=3 - i)) for i in range(4)]
    page = as_user(browser, live_server, "dispatcher")
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/center/queue/")
    for ticket in orders[:3]:
        page.get_by_label(f"选择 {ticket.number}").check()
    page.locator("#batch-dispatch").get_by_label("派至（主办单位）").fill("110105024")
    page.locator("#batch-dispatch").get_by_label("派单说明（可不填）").fill("同一小区，集中清理")
    shots(page, f"queue-batch-ticked-{viewport['width']}")
    # meanwhile another dispatcher sends the second one elsewhere: the batch reports it and dispatches the rest
    intake.dispatch_ticket(demo_users["agent"], orders[1].pk)
    page.get_by_role("button", name="批量派单").click()
    page.wait_for_load_state()
    report = page.locator(".batch-report").inner_text()
    assert "派至太阳宫地区：已派单 2 件，未派单 1 件" in report
    assert f"{orders[1].number}：工单当前状态为「已派单」，不能派单" in report
    shots(page, f"queue-batch-report-{viewport['width']}")
    assert {t.pk for t in Ticket.objects.filter(lead_unit__code="110105024")} == {orders[0].pk, orders[2].pk}
    assert rows(page).count() == 1 and orders[3].number in rows(page).first.inner_text()  # the one left waiting
    page.context.close()
