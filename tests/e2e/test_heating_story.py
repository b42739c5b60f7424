"""One order end to end in a real browser, each step by the user whose job it is, logging in through the page."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from assessment.monthly.month_close import close_month
from assessment.monthly.months import current_month
from dispatch.choices import RequestType, Responsible, Tier
from dispatch.models import CatalogItem
from hotline.choices import Status
from hotline.models import Ticket
from hotline.services import intake

from ..lifecycle_helpers import take_call
from .phone import PHONE, assert_fits, open_menu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Demo-12345"
VIEWPORT = {"width": 1366, "height": 768}
VIEWPORTS = {"desk": VIEWPORT, "phone": PHONE}


@pytest.fixture
def building_heating_leaf(catalog):
    """A building-level heating leaf routed to the street of the address (the city heating leaf names 热力集团)."""
    utilities = catalog["heating"].parent
    return CatalogItem.objects.create(
        version=utilities.version, code="0101002", name="小区楼内供暖管道", level=3, parent=utilities,
        keywords="暖气管道漏水、暖气不热、楼内管道", responsible=Responsible.STREET, default_tier=Tier.H24,
        default_request_type=RequestType.HELP,
    )


def pick(scope, label, typed, option):
    """Type into the unit picker labelled ``label`` and click the offered unit whose name starts with ``option``."""
    field = scope.get_by_label(label, exact=True)
    field.fill(typed)
    picker = field.locator("xpath=..")  # the script wraps the input, its list and its note
    picker.get_by_role("option", name=re.compile("^" + re.escape(option))).first.click()
    return picker


def login_as(browser, live_server, username, viewport=VIEWPORT):
    """A fresh browser session logged in through the login page."""
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page


def as_user(browser, live_server, username):
    return login_as(browser, live_server, username)


def open_ticket(page, number):
    page.get_by_role("link", name=number).first.click()
    page.wait_for_load_state()


def action(page, title):
    return page.get_by_role("form", name=title)


@pytest.mark.parametrize("screen", ["desk", "phone"])
def test_heating_pipe_leak_from_call_to_close(browser, live_server, demo_users, directory, catalog,
                                              building_heating_leaf, shots, screen):
    phone = screen == "phone"

    def as_user(browser, live_server, username):
        return login_as(browser, live_server, username, VIEWPORTS[screen])

    def shots(page, name, _shot=shots):
        if phone:
            assert_fits(page, name)
        _shot(page, f"{name}-{screen}")

    # 1. The agent takes the call and dispatches it.
    page = as_user(browser, live_server, "agent")
    assert page.url.endswith("/intake/")
    page.get_by_label("诉求人电话").fill("13812345678")
    page.get_by_label("诉求人姓名（可不填）").click()  # blur: the caller's history loads
    page.get_by_text("该电话没有历史诉求。").wait_for()
    pick(page, "街乡镇", "望京", "望京街道")  # a name typed, the street picked from the list: its district follows
    assert page.get_by_label("区", exact=True).input_value() == str(demo_users["wangjing"].unit.parent_id)
    page.get_by_label("事发地址").fill("望京西园三区312号楼2单元")
    page.get_by_label("诉求内容").fill("楼内暖气管道漏水，家里暖气不热，室温只有14度")
    page.get_by_label("紧急程度").select_option(label="较急")
    page.get_by_label("派单目录（三级，按名称或关键词搜索）").fill("暖气管道")
    page.get_by_role("list", name="目录搜索结果").get_by_role("button", name=re.compile("小区楼内供暖管道")).click()
    assert "24小时" in page.locator("#tier-suggested").inner_text()
    shots(page, "agent-intake")
    page.get_by_role("button", name="派单", exact=True).click()
    page.wait_for_load_state()
    ticket = Ticket.objects.get(caller_phone="13812345678")
    receipt = page.locator(".messages").inner_text()
    assert f"工单 {ticket.number} 已受理，已派至望京街道（主办），抄送朝阳区" in receipt
    shots(page, "agent-receipt")

    # 2. The street signs, contacts the caller and whistles the heating company.
    page = as_user(browser, live_server, "wangjing")
    assert ticket.number in page.content()
    shots(page, "street-worklist")
    open_ticket(page, ticket.number)
    action(page, "签收").get_by_role("button", name="签收").click()
    form = action(page, "联系诉求人")
    form.get_by_label("联系情况").fill("已电话联系诉求人，确认3单元立管漏水")
    form.get_by_role("button", name="记录联系").click()
    page.get_by_text("已记录联系诉求人").wait_for()  # the page is reloaded before the whistle form is typed into
    form = action(page, "吹哨")
    if phone:  # a tick for the unit the order's catalog names
        likely = form.get_by_role("group", name=re.compile("本单派单目录对应的单位"))
        likely.get_by_label("北京市热力集团有限责任公司").check()
    else:
        pick(form, "被吹哨单位（部门、企业或其他街乡镇，可多个）", "热力", "北京市热力集团有限责任公司")
    form.get_by_label("吹哨事由").fill("楼内供热立管漏水，需热力集团到场关阀抢修")
    form.get_by_role("button", name="吹哨").click()
    page.get_by_text("已吹哨，待街乡镇领导审批").wait_for()
    assert page.get_by_role("button", name="办结", exact=True).count() == 0  # an open whistle blocks completion,
    assert "吹哨待街乡镇领导审批，被吹哨部门处置并评价后再办结" in page.locator("#actions").inner_text()  # and says so
    shots(page, "street-whistle-raised")

    # 3. The street leader approves the whistle from the worklist.
    page = as_user(browser, live_server, "wangjing_leader")
    page.get_by_role("link", name="吹哨待审批").click()
    shots(page, "leader-whistles")
    page.get_by_role("button", name="批准", exact=True).click()
    page.get_by_text("已批准吹哨").wait_for()

    # 4. The heating company reports in and records what it did.
    page = as_user(browser, live_server, "heating")
    page.get_by_role("link", name="吹哨报到").click()
    action(page, "报到").get_by_role("button", name="报到").click()
    page.get_by_text("已报到").first.wait_for()
    form = action(page, "填写处置情况")
    form.get_by_label("处置情况").fill("已关阀更换3单元立管阀门，恢复供暖")
    shots(page, "heating-whistle-call")
    form.get_by_role("button", name="提交处置情况").click()
    page.get_by_text("处置情况已记录").wait_for()

    # 5. The street rates the company and completes with double feedback.
    page = as_user(browser, live_server, "wangjing")
    page.get_by_role("link", name="办理中").click()
    open_ticket(page, ticket.number)
    assert "请先评价被吹哨部门，再办结" in page.locator("#actions").inner_text()
    form = action(page, "评价北京市热力集团有限责任公司")
    form.get_by_label("5星").check()
    form.get_by_label("评价意见").fill("到场及时")
    form.get_by_role("button", name=re.compile("评价")).click()
    page.get_by_text("已评价北京市热力集团有限责任公司5星").wait_for()
    form = action(page, "办结")
    form.get_by_label("告知诉求人方式").select_option(label="电话")
    told = dt.datetime.strptime(form.get_by_label("告知时间").input_value(), "%Y-%m-%d %H:%M")
    assert abs(told - timezone.localtime().replace(tzinfo=None)) < dt.timedelta(minutes=2)  # now, already filled
    form.get_by_label("告知诉求人的内容").fill("电话告知已更换阀门、恢复供暖")
    form.get_by_label("办理结果（书面反馈热线）").fill("热力集团更换立管阀门，室温恢复至20度")
    shots(page, "street-complete")
    form.get_by_role("button", name="办结", exact=True).click()
    page.get_by_text("已办结").first.wait_for()

    # 6. The callback agent calls back: solved, satisfied; the order closes.
    page = as_user(browser, live_server, "callback")
    shots(page, "callback-queue")
    open_ticket(page, ticket.number)
    form = action(page, "回访")
    form.get_by_role("group", name="是否联系上诉求人").get_by_label("是").check()
    form.get_by_role("group", name="承办单位是否联系过您").get_by_label("是").check()
    form.get_by_role("group", name="问题是否解决").get_by_label("是").check()
    form.get_by_label("满意", exact=True).check()
    form.get_by_role("button", name="记录回访").click()
    page.get_by_text("回访已记录").wait_for()
    action(page, "结案").get_by_role("button", name="结案").click()
    page.get_by_text("已结案").first.wait_for()
    shots(page, "closed-ticket-timeline")

    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert [e.action for e in ticket.events.order_by("created_at", "id")] == [
        "intake", "dispatch", "sign", "contact", "raise_whistle", "approve_whistle", "report_in",
        "whistle_action", "rate_department", "complete", "callback", "close",
    ]

    # 7. Another order of the street is past its deadline: the dispatcher urges it from the deadlines page.
    # Dispatched 40 days ago, its 7-day limit fell in an earlier month whatever today's date: this month's ranking
    # below assesses the heating order alone (it used to count the late one too when run after the 1st).
    weeks_ago = timezone.now() - dt.timedelta(days=40)
    late = take_call(demo_users, directory, catalog["sanitation"], content="小区门口垃圾堆放一周无人清运",
                     now=weeks_ago)
    intake.dispatch_ticket(demo_users["agent"], late.pk, now=weeks_ago)
    page = as_user(browser, live_server, "dispatcher")
    open_menu(page).get_by_role("link", name="临期督办").click()
    page.wait_for_load_state()
    row = page.get_by_role("row").filter(has_text=late.number)
    assert "已超期" in row.inner_text() and "签收时限 · 望京街道" in row.inner_text()
    form = action(page, f"督办 {late.number}")
    form.get_by_label("督办意见").fill("已超期未签收，请今日内签收并联系诉求人")
    shots(page, "dispatcher-deadlines")
    form.get_by_role("button", name="督办").click()
    page.get_by_text("已督办，望京街道将收到站内通知和短信").wait_for()
    open_menu(page).get_by_role("link", name="月度考核").click()
    page.get_by_role("form", name="月度考核").get_by_role("button", name="计算").click()
    page.get_by_role("heading", name=re.compile("确认试算")).wait_for()
    shots(page, "dispatcher-month-close-confirm")
    page.get_by_role("link", name="取消").click()
    open_menu(page).get_by_role("link", name="不合理诉求").click()
    form = action(page, "不合理诉求审核")
    form.get_by_label("工单编号").fill(late.number)
    form.get_by_label("合理诉求（计入考核）").check()
    form.get_by_role("button", name="提交审核结论").click()
    page.get_by_text("审核意见不能为空").wait_for()  # next to its field; nothing recorded
    shots(page, "dispatcher-review-errors")

    # 8. The street sees the urge in the header bell, its inbox and the order's timeline (beside the notices of the
    # two orders dispatched to it).
    page = as_user(browser, live_server, "wangjing")
    bell = page.get_by_role("link", name=re.compile("站内通知"))
    assert bell.get_attribute("aria-label") == "站内通知，3条未读"
    bell.click()
    page.wait_for_load_state()
    inbox = page.locator("table.inbox").inner_text()
    assert "已超期未签收，请今日内签收并联系诉求人" in inbox and f"工单{late.number}派至本单位主办" in inbox
    shots(page, "street-notifications")
    page.get_by_role("row").filter(has_text="已超期未签收").get_by_role("link", name=late.number).click()
    page.wait_for_load_state()
    assert "已超期未签收，请今日内签收并联系诉求人" in page.locator(".timeline").inner_text()
    page.goto(f"{live_server.url}/notifications/")
    page.get_by_role("button", name="全部标为已读").click()
    page.get_by_text("已将3条通知标为已读").wait_for()
    assert page.get_by_role("link", name=re.compile("站内通知")).get_attribute("aria-label") == "站内通知，0条未读"

    # 9. The month is computed (the beat job does it on the 1st); the city leader opens the ranking.
    close_month(current_month())
    page = as_user(browser, live_server, "leader")
    assert page.url.endswith("/rankings/")
    row = page.get_by_role("row").filter(has_text="望京街道")
    cells = row.get_by_role("cell").all_inner_texts()
    assert cells[1].startswith("望京街道") and cells[3] == "1"  # one order assessed: the heating pipe
    assert cells[4:8] == ["100.00%", "100.00%", "100.00%", "100.00"]  # response, resolution, satisfaction, score
    shots(page, "leader-ranking")
