"""The agent lets the form suggest: the catalog leaf from the content, the street from the address, and links
the call to an earlier open order of the same caller instead of dispatching it again."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dispatch.catalog.services import load_starter
from hotline.choices import Status
from hotline.models import Ticket
from hotline.services import intake
from hotline.suggest import address, store

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = "13812340002"


@pytest.fixture
def starter(directory, settings, tmp_path):
    settings.SUGGEST_MODEL_DIR = tmp_path / "models"
    store.clear_cache()
    address.clear_cache()  # a transactional test before this one may have reloaded the directory
    version, _ = load_starter(force=True)
    store.load_model()  # train now, not while the browser waits
    yield version
    store.clear_cache()
    address.clear_cache()


@pytest.fixture
def earlier(demo_users, directory, starter):
    street = directory["110105026"]
    ticket, _ = intake.intake_ticket(
        demo_users["agent"], channel="phone", caller_phone=PHONE, address="望京西园三区5号楼", district=street.parent,
        street=street, content="家里暖气不热，室温只有十四度", request_type="help",
        catalog_item=starter.items.get(level=3, name="户内暖气不热"), now=timezone.now() - dt.timedelta(hours=2),
    )
    return intake.dispatch_ticket(demo_users["agent"], ticket.pk)


def login(browser, live_server, username):
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Demo-12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page


def test_agent_takes_the_suggestions_and_links_a_repeat(browser, live_server, demo_users, earlier, shots):
    page = login(browser, live_server, "agent")
    page.get_by_label("诉求人电话").fill(PHONE)
    page.get_by_label("诉求内容").fill("我家暖气片一直不热，屋里只有十五度，请派人来看看")
    leaf = page.get_by_role("list", name="按内容建议的目录").get_by_role("button", name=re.compile("户内暖气不热"))
    expect(leaf).to_contain_text("匹配度")
    shots(page, "intake-suggested-leaves")
    leaf.click()
    expect(leaf).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#catalog-chosen")).to_contain_text("城乡建设 / 供热采暖 / 户内暖气不热")
    expect(page.locator("#tier-suggested")).to_contain_text("24小时")

    page.get_by_label("事发地址").fill("望京西园三区5号楼2单元")
    street = page.get_by_role("list", name="按地址建议的街道乡镇").get_by_role("button", name=re.compile("望京街道"))
    street.click()
    expect(page.get_by_label("街乡镇")).to_have_value("望京街道")
    expect(page.get_by_label("区", exact=True)).to_have_value(str(earlier.district_id))

    link = page.get_by_role("button", name=f"关联为重复诉求（工单 {earlier.number}）")
    expect(page.locator("#repeats")).to_contain_text("同一来电号码")
    shots(page, "intake-suggested-street-and-repeat")
    link.click()
    page.wait_for_load_state()
    new = Ticket.objects.exclude(pk=earlier.pk).get()
    assert new.repeat_of_id == earlier.pk and new.status == Status.ANSWERED and not new.assignments.exists()
    assert new.catalog_item.name == "户内暖气不热" and new.street.name == "望京街道"
    expect(page.locator(".messages")).to_contain_text(f"已关联为工单 {earlier.number} 的重复诉求")
    shots(page, "intake-linked-repeat")


def test_a_street_name_two_districts_share_makes_the_agent_choose_the_district(browser, live_server, demo_users,
                                                                               directory, starter, shots):
    haidian, chaoyang = directory["110108"], directory["110105"]
    page = login(browser, live_server, "agent")
    page.get_by_label("事发地址").fill("八里庄街道北洼路46号院")
    chips = page.get_by_role("list", name="按地址建议的街道乡镇")
    expect(chips.get_by_role("button", name=re.compile("八里庄街道（朝阳区）"))).to_be_visible()
    haidian_chip = chips.get_by_role("button", name=re.compile("八里庄街道（海淀区）"))
    expect(haidian_chip).to_contain_text("朝阳区、海淀区都有")
    district, street = page.get_by_label("区", exact=True), page.get_by_label("街乡镇")
    district.select_option(str(chaoyang.pk))
    street.fill("八里庄街道")
    street.dispatch_event("change")  # typed, not clicked: the chosen district (朝阳区) has one, so it stays
    expect(district).to_have_value(str(chaoyang.pk))
    district.select_option("")
    street.fill("八里庄")  # no district: the street picker offers each 八里庄街道 with its district, picks none
    options = street.locator("xpath=..").get_by_role("option")
    expect(options.filter(has_text="朝阳区")).to_have_count(1)
    expect(options.filter(has_text="海淀区")).to_have_count(1)
    expect(district).to_have_value("")
    street.fill("八里庄街道")
    shots(page, "intake-same-named-street")
    haidian_chip.click()
    expect(district).to_have_value(str(haidian.pk))
    expect(street).to_have_value("八里庄街道")
    expect(page.locator("#street-note")).to_have_text("")
