"""The heating-pipe order on phones (390 × 844): the street and the heating company hear of their work from the bell,
see their deadlines count down, and the street completes with an on-site photo. Desk screenshots beside them."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from attachments.models import Attachment
from hotline.choices import Status
from hotline.models import Ticket
from hotline.services import intake, whistles

from ..attachment_helpers import jpeg_bytes
from ..lifecycle_helpers import take_call
from .test_heating_story import action, as_user, building_heating_leaf, pick  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE, DESK = {"width": 390, "height": 844}, {"width": 1440, "height": 900}


def on_phone(browser, live_server, username):
    page = as_user(browser, live_server, username)
    page.set_viewport_size(PHONE)
    page.reload()
    return page


def fits(page):
    """No sideways scrolling on the phone."""
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def unread(page):
    return int(re.search(r"(\d+)条未读", page.locator("a.bell").get_attribute("aria-label"))[1])


def both_sizes(page, shots, name):
    fits(page)
    shots(page, f"{name}-390")
    page.set_viewport_size(DESK)
    shots(page, f"{name}-1440")
    page.set_viewport_size(PHONE)


def test_the_heating_pipe_order_on_phones(browser, live_server, demo_users, directory, request, shots, tmp_path):
    leaf = request.getfixturevalue("building_heating_leaf")  # the street's own heating leaf
    ticket = take_call(demo_users, directory, leaf, content="楼内暖气管道漏水，家里暖气不热，室温只有14度",
                       urgency="urgent", now=timezone.now(), then=intake.DISPATCH)

    # The street hears of it from the bell, and its card counts down the sign limit.
    page = on_phone(browser, live_server, "wangjing")
    assert unread(page) == 1
    page.locator("a.bell").click()
    page.wait_for_load_state()
    assert ticket.number in page.locator("body").inner_text() and "派单" in page.locator("body").inner_text()
    page.goto(f"{live_server.url}/work/")
    card = page.get_by_role("row").filter(has_text=ticket.number)
    assert re.search(r"签收 剩余 1小时5\d分", card.inner_text())
    both_sizes(page, shots, "phone-street-worklist")
    page.get_by_role("link", name=ticket.number).click()
    page.wait_for_load_state()
    action(page, "签收").get_by_role("button", name="签收").click()
    form = action(page, "联系诉求人")
    form.get_by_label("联系情况").fill("已电话联系诉求人，确认3单元立管漏水")
    form.get_by_role("button", name="记录联系").click()
    page.get_by_text("已记录联系诉求人").wait_for()
    assert re.search(r"办结 剩余 23小时", page.locator("body").inner_text())
    form = action(page, "吹哨")
    pick(form, "被吹哨单位（部门、企业或其他街乡镇，可多个）", "热力", "北京市热力集团有限责任公司")
    form.get_by_label("吹哨事由").fill("楼内供热立管漏水，需热力集团到场关阀抢修")
    form.get_by_role("button", name="吹哨").click()
    page.get_by_text("已吹哨，待街乡镇领导审批").wait_for()
    both_sizes(page, shots, "phone-street-ticket")
    page.context.close()

    whistle = ticket.whistles.get()
    whistles.decide_whistle(demo_users["wangjing_leader"], whistle.pk, approve=True, now=timezone.now())

    # The heating company hears of the whistle, reports in and acts; its report-in limit counts down.
    page = on_phone(browser, live_server, "heating")
    assert unread(page) >= 1
    page.locator("a.bell").click()
    page.wait_for_load_state()
    assert "吹哨" in page.locator("body").inner_text() and ticket.number in page.locator("body").inner_text()
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    assert re.search(r"报到 剩余 \d", page.locator("body").inner_text())
    both_sizes(page, shots, "phone-heating-ticket")
    page.goto(f"{live_server.url}/work/?tab=whistle_calls")
    action(page, "报到").get_by_role("button", name="报到").click()
    page.get_by_text("已报到").first.wait_for()
    form = action(page, "填写处置情况")
    form.get_by_label("处置情况").fill("已关阀更换3单元立管阀门，恢复供暖")
    form.get_by_role("button", name="提交处置情况").click()
    page.get_by_text("处置情况已记录").wait_for()
    fits(page)
    page.context.close()

    # The street rates the company and completes with a photo of the repaired pipe.
    page = on_phone(browser, live_server, "wangjing")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    form = action(page, "评价北京市热力集团有限责任公司")
    form.get_by_label("5星").check()
    form.get_by_role("button", name=re.compile("评价")).click()
    page.get_by_text("已评价北京市热力集团有限责任公司5星").wait_for()
    form = action(page, "办结")
    form.get_by_label("告知诉求人方式").select_option(label="电话")
    told = timezone.localtime() - dt.timedelta(minutes=5)
    form.get_by_label("告知时间").fill(told.strftime("%Y-%m-%d %H:%M"))
    form.get_by_label("告知时间").press("Escape")
    form.get_by_label("告知诉求人的内容").fill("电话告知已更换阀门、恢复供暖")
    form.get_by_label("办理结果（书面反馈热线）").fill("热力集团更换立管阀门，室温恢复至20度")
    picture = tmp_path / "更换后的阀门.jpg"
    picture.write_bytes(jpeg_bytes(size=(1600, 1200), gps=True))
    page.locator("#id_complete_photos").set_input_files(str(picture))
    form.get_by_role("button", name="办结", exact=True).click()
    page.get_by_text("已办结").first.wait_for()
    photo = Attachment.objects.get(ticket=ticket)
    thumb = page.locator(f'.timeline img[src="/attachments/{photo.pk}/thumbnail/"]')
    thumb.scroll_into_view_if_needed()
    assert thumb.evaluate("img => img.decode().then(() => img.naturalWidth)") == 320
    both_sizes(page, shots, "phone-street-completed")
    page.context.close()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.COMPLETED
