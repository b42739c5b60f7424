"""The pickers in a real browser: the agent fills intake with unit pickers only and changes the suggested lead unit
with a reason; an empty submit shows every error at once; date and month fields open Chinese calendars; a street
name two districts share is offered with each district."""

import re

import pytest
from django.utils import timezone

from hotline.models import Ticket, TicketEvent
from hotline.services import handling, intake

from ..lifecycle_helpers import take_call
from .test_heating_story import as_user, pick

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE, DESK = {"width": 390, "height": 844}, {"width": 1440, "height": 900}


def both_sizes(page, shots, name):
    for size, viewport in (("desk", DESK), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        shots(page, f"{name}-{size}")
    page.set_viewport_size(DESK)


def test_the_agent_fills_intake_with_pickers_and_changes_the_lead_unit_with_a_reason(
        browser, live_server, demo_users, directory, catalog, shots):
    page = as_user(browser, live_server, "agent")
    page.set_viewport_size(DESK)
    page.get_by_label("诉求人电话").fill("13812345678")
    page.get_by_label("事发地址").fill("望京西园三区312号楼北侧")
    picker = pick(page, "街乡镇", "望京", "望京街道")
    assert "已选：望京街道（朝阳区）" in picker.inner_text()
    assert page.get_by_label("区", exact=True).input_value() == str(directory["110105026"].parent_id)
    page.get_by_label("诉求内容").fill("楼下饭馆油烟太大，窗户都不敢开，多次反映没人管")
    page.locator("#type-suggest").get_by_text("建议诉求类型：投诉").wait_for()
    assert page.get_by_label("诉求类型").input_value() == "complaint"  # filled from the text
    assert "已输入 23 / 2000 字" in page.locator("#content-counter").inner_text()
    page.get_by_label("派单目录（三级，按名称或关键词搜索）").fill("环境卫生")
    page.get_by_role("list", name="目录搜索结果").get_by_role("button", name=re.compile("环境卫生")).click()
    assert "目录建议的主办单位：望京街道" in page.locator("#lead-suggested").inner_text()
    lead = pick(page, "主办单位（默认按目录和地址，可改）", "城管执法", "北京市城市管理综合行政执法局")
    assert "市级部门 · D002" in lead.inner_text()
    pick(page, "协办单位（可多个，可不填）", "望京", "望京街道")
    assert page.get_by_label("协办单位（可多个，可不填）").input_value() == "望京街道、"
    page.get_by_role("button", name="派单", exact=True).click()  # no reason: the page says so, nothing is sent
    reason_error = page.locator("#id_lead_reason_error")
    assert "主办单位与目录建议的「望京街道」不同" in reason_error.inner_text()
    both_sizes(page, shots, "intake-lead-without-reason")
    assert not Ticket.objects.exists()
    page.get_by_label("改变主办单位理由（主办单位不是目录建议的单位时必填）").fill("餐饮油烟需执法，街道无执法权")
    page.get_by_role("button", name="派单", exact=True).click()
    page.wait_for_load_state()
    ticket = Ticket.objects.get()
    assert "已派至北京市城市管理综合行政执法局（主办）" in page.locator(".messages").inner_text()
    assert ticket.lead_unit.code == "D002" and ticket.request_type == "complaint"
    event = TicketEvent.objects.get(ticket=ticket, action="dispatch")
    assert event.data["lead_reason"] == "餐饮油烟需执法，街道无执法权" and event.data["assist"] == ["110105026"]
    both_sizes(page, shots, "intake-receipt")


def test_an_empty_intake_shows_every_error_at_once_in_the_browser_and_from_the_server(browser, live_server,
                                                                                      demo_users, shots):
    page = as_user(browser, live_server, "agent")
    page.set_viewport_size(DESK)
    page.get_by_role("button", name="派单", exact=True).click()
    errors = page.locator(".field p.error")
    shown = errors.all_inner_texts()
    for message in ("诉求人电话不能为空", "请选择事发地所在的区", "事发地址不能为空", "诉求内容不能为空",
                    "请选择诉求类型", "请选择当前版本派单目录的三级条目"):
        assert message in shown
    assert page.locator("#form-errors").inner_text() == f"有 {len(shown)} 项需要修改，见各字段下方的提示。"
    assert page.evaluate("document.activeElement.id") == "id_caller_phone"  # the first problem has the focus
    both_sizes(page, shots, "intake-empty-browser")
    with page.expect_navigation():  # past the script: the server's answer
        page.evaluate("HTMLFormElement.prototype.submit.call(document.getElementById('intake-form'))")
    server = page.locator(".field p.error").all_inner_texts()
    assert set(shown) <= set(server)
    assert "项需要修改" in page.locator("#form-errors").inner_text()
    both_sizes(page, shots, "intake-empty-server")


def test_a_lists_date_filter_and_the_assessment_month_open_chinese_calendars(browser, live_server, demo_users,
                                                                           shots):
    page = as_user(browser, live_server, "dispatcher")
    page.set_viewport_size(DESK)
    page.goto(f"{live_server.url}/center/queue/")
    page.locator("details.list-filters summary").click()
    field = page.locator(".list-filters").get_by_label("受理日期起", exact=True)
    field.click()
    calendar = page.locator(".flatpickr-calendar.open")
    weekdays = calendar.locator(".flatpickr-weekdays").inner_text()
    assert weekdays.split()[:2] == ["周一", "周二"]  # Monday first
    assert "十一月" in calendar.locator("select.flatpickr-monthDropdown-months").inner_text()
    page.wait_for_timeout(400)  # the calendar's fade-in
    both_sizes(page, shots, "queue-date-calendar")
    calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)").first.click()
    assert re.fullmatch(r"\d{4}-\d{2}-01", field.input_value())
    page.goto(f"{live_server.url}/rankings/close/")
    page.get_by_label("考核月", exact=True).click()
    months = page.locator(".flatpickr-calendar.open .flatpickr-monthSelect-months")
    assert "十一月" in months.inner_text() and "November" not in months.inner_text()
    page.wait_for_timeout(400)
    both_sizes(page, shots, "month-close-month-calendar")


def test_the_dispatcher_redispatches_to_a_street_whose_name_two_districts_share(browser, live_server, demo_users,
                                                                               directory, catalog, shots):
    ticket = take_call(demo_users, directory, catalog["sanitation"], content="楼下垃圾堆放多日", now=timezone.now(),
                       then=intake.DISPATCH)
    handling.return_order(demo_users["wangjing"], ticket.pk, "地址属八里庄街道")
    page = as_user(browser, live_server, "dispatcher")
    page.set_viewport_size(DESK)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    form = page.get_by_role("form", name="改派")
    field = form.get_by_label("改派至", exact=True)
    field.fill("八里庄")
    options = field.locator("xpath=..").get_by_role("option")
    options.first.wait_for()
    assert {"八里庄街道 朝阳区 · 街乡镇 · 110105015", "八里庄街道 海淀区 · 街乡镇 · 110108005"} <= set(
        options.all_inner_texts())
    both_sizes(page, shots, "redispatch-picker")
    pick(form, "改派至", "八里庄", "八里庄街道 海淀区")
    assert field.input_value() == "八里庄街道（海淀区）"
    form.get_by_role("button", name="改派").click()
    page.get_by_text("已改派至八里庄街道").wait_for()
    ticket.refresh_from_db()
    assert ticket.lead_unit.code == "110108005"
