"""In a real browser: the leader picks 每月一题 from the month's top problems and starts it, the street reports
progress with a photo, the leader closes it with a summary (desk 1440 and phone 390); the big screen at 1920 × 1080
shows today's counts and moves when a new order is taken (its poll shortened through the setting)."""

import datetime as dt

import pytest
from django.utils import timezone

from hotline.services import intake
from topics.models import Topic, TopicStatus

from ..attachment_helpers import jpeg_bytes
from ..lifecycle_helpers import take_call
from .phone import DESK, PHONE, assert_fits, open_menu
from .test_heating_story import login_as

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
BIG = {"width": 1920, "height": 1080}


def chart_drawn(page, selector):
    page.wait_for_function("""(selector) => { const c = document.querySelector(selector + ' canvas');
        return c && c.width > 0 && c.height > 0; }""", arg=selector, timeout=10000)


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_a_topic_from_pick_to_summary(browser, live_server, demo_users, directory, catalog, shots, tmp_path,
                                      settings, viewport):
    settings.MEDIA_ROOT = tmp_path / "media"
    now = timezone.now()
    for minutes in (5, 15, 25):
        take_call(demo_users, directory, catalog["sanitation"], content="楼下垃圾堆放多日无人清理",
                  now=now - dt.timedelta(minutes=minutes), then=intake.DISPATCH)
    width = viewport["width"]

    def look(page, name):
        if width < 500:
            assert_fits(page, name)
        shots(page, f"{name}-{width}")

    page = login_as(browser, live_server, "leader", viewport)
    open_menu(page).get_by_role("link", name="每月一题").click()
    page.get_by_role("link", name="从高频问题中选题").click()
    page.locator("table.candidates tr", has_text="环境卫生").get_by_role("link", name="立为题目").click()
    page.wait_for_load_state()
    assert page.get_by_label("涉及街乡镇").input_value() == "望京街道"  # the street most called about, proposed
    page.get_by_label("治理目标").fill("两个月内垃圾堆放诉求下降一半，堆放点全部清理")
    page.get_by_label("牵头单位").fill("城管执法局")
    page.get_by_label("完成时限").fill(f"{timezone.localdate() + dt.timedelta(days=60):%Y-%m-%d}")
    page.keyboard.press("Escape")  # the calendar closes
    page.locator("h2", has_text="题目设置").click()
    look(page, "topic-new")
    page.get_by_role("button", name="保存为待启动题目").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="启动").click()
    page.wait_for_load_state()
    assert "已启动" in page.locator(".messages").inner_text()
    topic = Topic.objects.get()
    assert topic.status == TopicStatus.IN_PROGRESS and topic.lead_unit.code == "D002"
    page.context.close()

    page = login_as(browser, live_server, "wangjing", viewport)
    open_menu(page).get_by_role("link", name="每月一题").click()
    page.get_by_role("link", name=topic.title).click()
    page.get_by_label("进展情况").fill("清理小区门口三处垃圾堆放点，增设分类桶站两处")
    picture = tmp_path / "清理后.jpg"
    picture.write_bytes(jpeg_bytes(size=(1600, 1200), gps=True))
    page.get_by_label("现场照片（可不传）").set_input_files(str(picture))
    page.get_by_role("button", name="提交进展").click()
    page.wait_for_load_state()
    thumb = page.get_by_role("img", name="现场照片：清理后.jpg")
    thumb.scroll_into_view_if_needed()  # lazy: it loads once in sight
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle(),
                           timeout=10000)
    look(page, "topic-reported")
    page.context.close()

    page = login_as(browser, live_server, "leader", viewport)
    page.goto(f"{live_server.url}/topics/{topic.pk}/")
    chart_drawn(page, "[data-chart='weekly-chart']")
    page.get_by_label("结题总结").fill("堆放点全部清理，启动后每周诉求量明显下降，建立长效巡查机制")
    page.get_by_role("button", name="结题").click()
    page.wait_for_load_state()
    assert "已结题" in page.locator("h1").inner_text() and "建立长效巡查机制" in page.content()
    trail = page.locator("section", has_text="操作记录").inner_text()
    assert "启动" in trail and "进展报告（照片 1 张）" in trail and "结题" in trail
    look(page, "topic-closed")
    page.context.close()


def test_the_big_screen_counts_today_and_moves_with_a_new_order(browser, live_server, demo_users, directory,
                                                               catalog, shots, settings):
    settings.BIG_SCREEN_POLL_SECONDS = 1
    settings.BIG_SCREEN_CACHE_SECONDS = 0
    now = timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    for minutes in (1, 2):
        take_call(demo_users, directory, catalog["sanitation"], content="楼下垃圾堆放多日无人清理",
                  now=max(start, now - dt.timedelta(minutes=minutes)), then=intake.DISPATCH)
    page = login_as(browser, live_server, "dispatcher", BIG)
    page.on("console", lambda m: print("CONSOLE", m.type, m.text))
    page.on("response", lambda r: print("RESP", r.status, r.url) if "data.json" in r.url else None)
    assert open_menu(page).get_by_role("link", name="大屏").get_attribute("href") == "/screen/"
    page.goto(f"{live_server.url}/screen/")
    assert page.locator('[data-total="intake"]').inner_text() == "2"
    chart_drawn(page, "[data-screen-chart='map']")
    chart_drawn(page, "[data-screen-chart='problems']")
    shots(page, "big-screen-1920")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    height = page.evaluate("document.scrollingElement.scrollHeight")
    assert width <= BIG["width"] and height <= BIG["height"], (width, height)  # one screen, nothing to scroll
    new = take_call(demo_users, directory, catalog["heating"], content="家中暖气不热，回电13912345678",
                    now=timezone.now(), then=intake.DISPATCH)
    page.wait_for_function("() => document.querySelector('[data-total=intake]').textContent === '3'", timeout=8000)
    latest = page.locator('[data-rows="latest"] li').first.inner_text()
    assert "冬季采暖" in latest and "13912345678" not in page.content() and "139******78" in latest
    assert new.caller_phone not in page.content()
    shots(page, "big-screen-updated-1920")
    page.context.close()
