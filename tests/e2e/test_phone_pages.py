"""Every page of every role on a phone (390 × 844, and 360 wide): no horizontal scroll, the menu in a drawer.

Each role logs in through the page; its menu links, its worklist tabs, an order's page from its list and the
notifications are collected from the pages themselves and loaded one by one. A page wider than the screen fails
the test naming the page and the elements that stick out.
"""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from assessment.clock import urging
from hotline.services import handling, whistles

from ..lifecycle_helpers import take_call
from .phone import DESK, PHONE, assert_fits
from .test_heating_story import as_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ROLES = ["wangjing", "wangjing_leader", "heating", "chengguan", "chaoyang", "agent", "dispatcher", "callback",
         "leader", "auditor", "admin"]
SKIPPED = ("/admin/", "/logout/", "/api/")  # Django's own admin (its own responsive layout), not this site's pages


@pytest.fixture
def phone_data(demo_users, directory, catalog):
    """A 望京 order being handled with an approved whistle to 热力集团 and 城管 (both acted, not yet rated), one with
    城管 called and not yet reported in, one whose whistle awaits the leader, one to sign, and an urge in the
    street's inbox."""
    users, now = demo_users, timezone.now()
    whistled = take_call(users, directory, catalog["sanitation"], content="小区楼内暖气管道漏水，室温只有14度，"
                         "楼道积水结冰老人出行困难", now=now - dt.timedelta(hours=3), then="dispatch")
    handling.sign(users["wangjing"], whistled.pk, now=now - dt.timedelta(hours=2, minutes=50))
    handling.contact_caller(users["wangjing"], whistled.pk, "已电话联系诉求人，确认3单元立管漏水",
                            now=now - dt.timedelta(hours=2, minutes=40))
    heating, chengguan = users["heating"].unit, users["chengguan"].unit
    whistle = whistles.raise_whistle(users["wangjing"], whistled.pk, units=[heating, chengguan],
                                     reason="楼内供热立管漏水，需热力集团到场关阀抢修，城管清理楼道积冰",
                                     now=now - dt.timedelta(hours=2, minutes=30))
    whistles.decide_whistle(users["wangjing_leader"], whistle.pk, approve=True, note="同意",
                            now=now - dt.timedelta(hours=2, minutes=20))
    whistles.report_in(users["heating"], whistle.pk, note="已派维修班", now=now - dt.timedelta(hours=2))
    whistles.record_whistle_action(users["heating"], whistle.pk, action_note="已关阀更换3单元立管阀门，恢复供暖",
                                   now=now - dt.timedelta(hours=1))
    whistles.report_in(users["chengguan"], whistle.pk, note="已到场", now=now - dt.timedelta(hours=2))
    whistles.record_whistle_action(users["chengguan"], whistle.pk, action_note="已清理楼道积冰",
                                   now=now - dt.timedelta(minutes=50))
    called = take_call(users, directory, catalog["sanitation"], content="路口占道经营，垃圾桶满溢多日无人清运",
                       now=now - dt.timedelta(hours=2), then="dispatch")
    handling.sign(users["wangjing"], called.pk, now=now - dt.timedelta(hours=1, minutes=50))
    call = whistles.raise_whistle(users["wangjing"], called.pk, units=[heating, chengguan], reason="占道经营需城管执法",
                                  now=now - dt.timedelta(hours=1, minutes=40))
    whistles.decide_whistle(users["wangjing_leader"], call.pk, approve=True, now=now - dt.timedelta(hours=1))
    pending = take_call(users, directory, catalog["sanitation"], content="小区绿地被占用堆放建筑垃圾",
                        now=now - dt.timedelta(hours=2), then="dispatch")
    handling.sign(users["wangjing"], pending.pk, now=now - dt.timedelta(hours=1, minutes=30))
    whistles.raise_whistle(users["wangjing"], pending.pk, units=[chengguan], reason="违法堆放需城管执法",
                           now=now - dt.timedelta(hours=1, minutes=20))
    to_sign = take_call(users, directory, catalog["sanitation"], content="路灯不亮", now=now - dt.timedelta(hours=1),
                        then="dispatch")
    urging.urge(users["dispatcher"], to_sign.pk, note="请尽快签收并联系诉求人", now=now)
    return {"whistled": whistled, "called": called, "pending": pending, "to_sign": to_sign}


def same_site_links(page, live_server, selector):
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.href)")  # absolute, ?tab=… resolved
    paths = []
    for href in hrefs:
        parts = urlsplit(href or "")
        if parts.netloc != urlsplit(live_server.url).netloc:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not path.startswith(SKIPPED) and path not in paths:
            paths.append(path)
    return paths


def role_pages(page, live_server):
    """The role's pages as its user finds them: the menu, the worklist's tabs, an order from a list, the inbox."""
    found = [urlsplit(page.url).path] + same_site_links(page, live_server, "nav.menu a")
    for path in found:  # grows while it runs: each tab is visited for an order of its list too
        page.goto(f"{live_server.url}{path}")
        found += [p for p in same_site_links(page, live_server, "nav.tabs a") if p not in found]
        if not any(p.startswith("/tickets/") and p[9:10].isdigit() for p in found):
            tickets = [p for p in same_site_links(page, live_server, "main a[href^='/tickets/']")
                       if re.fullmatch(r"/tickets/\d+/", p)]
            found += tickets[:1]
    if page.locator("a.bell").count():
        found.append("/notifications/")
    return list(dict.fromkeys(found))


def slug(path):
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_the_role_fits_a_phone(browser, live_server, phone_data, shots, username):
    page = as_user(browser, live_server, username)
    page.set_viewport_size(PHONE)
    paths = role_pages(page, live_server)
    assert len(paths) >= 2, paths
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("main").count() == 1, path
        assert_fits(page, f"{username} {path}")
        shots(page, f"phone-{username}-{slug(path)}")
    page.context.close()


def test_the_menu_is_a_drawer_on_a_phone_and_a_bar_at_a_desk(browser, live_server, phone_data, shots):
    page = as_user(browser, live_server, "wangjing")
    page.set_viewport_size(PHONE)
    menu = page.get_by_role("navigation", name="主菜单")
    toggle = page.get_by_role("button", name="菜单")
    assert not menu.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("link", name=re.compile("站内通知")).is_visible()  # the bell stays in the bar
    shots(page, "phone-drawer-closed")
    toggle.click()
    assert menu.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("button", name="退出").is_visible()
    assert_fits(page, "the open drawer")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<p id=wide>' + 'x'.repeat(200))")
    with pytest.raises(AssertionError, match=r"scrolls sideways at 390 px: \d+ px wide; .*p#wide"):
        assert_fits(page, "a page with a long word")  # the check itself sees an overflow
    page.evaluate("document.getElementById('wide').remove()")
    shots(page, "phone-drawer-open")
    page.keyboard.press("Escape")
    assert not menu.is_visible()
    toggle.click()
    menu.get_by_role("link", name="工作台").click()
    page.wait_for_load_state()
    assert page.url.endswith("/work/") and not menu.is_visible()  # a new page starts with the drawer shut
    page.set_viewport_size(DESK)
    assert menu.is_visible() and not toggle.is_visible()
    shots(page, "desk-worklist")
    page.context.close()


def test_an_order_on_a_phone_shows_the_order_first_and_its_actions_below(browser, live_server, phone_data, shots):
    ticket = phone_data["whistled"]
    page = as_user(browser, live_server, "wangjing")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    content = page.locator("main .cols > div").first.bounding_box()
    actions = page.get_by_role("complementary", name="可执行的操作").bounding_box()
    assert actions["y"] >= content["y"] + content["height"]  # below the order, not over it
    assert actions["x"] >= 0 and actions["x"] + actions["width"] <= PHONE["width"]
    timeline = page.locator(".timeline li").first
    assert timeline.locator("time").bounding_box()["width"] > 0
    assert page.evaluate("getComputedStyle(document.querySelector('.timeline li')).fontSize") >= "14px"
    # 办结 waits for the rating and says so beside where the button will be
    assert "请先评价被吹哨部门，再办结" in page.get_by_role("complementary", name="可执行的操作").inner_text()
    assert_fits(page, "the ticket page")
    shots(page, "phone-ticket-whistled")
    page.set_viewport_size(DESK)
    shots(page, "desk-ticket-whistled")
    page.context.close()
