"""新工作提醒 in a real browser: the street's badge rises without a reload when the center dispatches an order, and the
inbox (filters, desktop-alert switch, rows linking to the orders) at a desk and on a phone."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hotline.services import intake

from ..lifecycle_helpers import take_call
from .test_heating_story import as_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE, DESK = {"width": 390, "height": 844}, {"width": 1440, "height": 900}


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_the_street_badge_rises_without_a_reload_after_a_dispatch(browser, live_server, demo_users, directory,
                                                                  catalog, settings, shots, viewport):
    settings.ALERTS_POLL_SECONDS = 1
    now = timezone.now()
    first = take_call(demo_users, directory, catalog["sanitation"], content="楼下垃圾堆放三天", now=now,
                      then=intake.DISPATCH)
    page = as_user(browser, live_server, "wangjing")
    page.set_viewport_size(viewport)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/notifications/")
    bell = page.locator("a.bell")
    assert bell.get_attribute("aria-label") == "站内通知，1条未读" and bell.get_attribute("data-poll-ms") == "1000"
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads
    second = take_call(demo_users, directory, catalog["sanitation"], content="路灯不亮影响出行", now=now)
    intake.dispatch_ticket(demo_users["dispatcher"], second.pk, now=timezone.now())
    expect(page.locator("a.bell .count")).to_have_text("2", timeout=5000)  # the poll, about a second
    assert page.evaluate("window.loadedOnce") is True
    assert bell.get_attribute("aria-label") == "站内通知，2条未读"
    page.reload()
    rows = page.locator("table.inbox tbody tr")
    assert rows.count() == 2 and second.number in rows.first.inner_text() and first.number in rows.last.inner_text()
    assert "派至本单位主办" in rows.first.inner_text()
    page.get_by_role("button", name="开启桌面提醒").click()
    expect(page.locator("#alerts-status")).to_contain_text("已开启提醒音")
    name = "desk" if viewport is DESK else "phone"
    shots(page, f"alerts-inbox-{name}")
    rows.first.get_by_role("button", name=f"查看工单{second.number}并标为已读").click()
    page.wait_for_url(f"**/tickets/{second.pk}/")
    assert page.locator("a.bell").get_attribute("aria-label") == "站内通知，1条未读"
    page.goto(f"{live_server.url}/notifications/?state=read")
    assert page.locator("table.inbox tbody tr").count() == 1
    shots(page, f"alerts-inbox-read-{name}")
    assert not errors
    page.context.close()
