"""The knowledge base's story in a real browser: a caller asks when the heating season starts; the agent finds the
article beside the intake form and answers directly; the order shows the article version; the callback follows;
the article's owner sees the use count. At 1440 px and on a 390 px phone."""

import re

import pytest

from hotline.choices import Status
from hotline.models import Ticket

from ..knowledge_helpers import published_article
from .phone import DESK, PHONE, assert_fits, open_menu
from .test_heating_story import login_as, pick

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CITATION = "供暖季起止时间（第1版，京政发〔2019〕10号）"


@pytest.mark.parametrize("screen", ["desk", "phone"])
def test_heating_season_question_answered_from_the_knowledge_base(browser, live_server, demo_users, directory,
                                                                   catalog, shots, screen):
    phone = screen == "phone"
    viewport = PHONE if phone else DESK
    article = published_article(demo_users, catalog)

    def shot(page, name):
        if phone:
            assert_fits(page, name)
        shots(page, f"kb-{name}-{screen}")

    # 1. The agent takes the call; the panel beside the form offers the heating-season article while they type.
    page = login_as(browser, live_server, "agent", viewport)
    page.get_by_label("诉求人电话").fill("13912345678")
    pick(page, "街乡镇", "望京", "望京街道")
    page.get_by_label("事发地址").fill("望京西园三区312号楼")
    page.get_by_label("诉求内容").fill("请问今年暖气什么时候开始供")
    page.get_by_label("诉求类型").select_option(label="咨询")
    page.get_by_label("派单目录（三级，按名称或关键词搜索）").fill("政策咨询")
    page.get_by_role("list", name="目录搜索结果").get_by_role("button", name=re.compile("政策咨询")).click()
    panel = page.locator("#kb-suggest")
    panel.get_by_text("供暖季起止时间").wait_for()
    assert panel.locator("mark").count() > 0  # the words that matched are marked
    panel.get_by_role("button", name="采用「供暖季起止时间」的答复").click()
    answer = page.get_by_label("答复内容（直接答复时填写）")
    assert "11月15日" in answer.input_value() and "**" not in answer.input_value()
    assert CITATION in page.locator("#kb-cited").inner_text()
    answer.fill(answer.input_value() + "\n具体开栓时间请联系小区供热单位。")  # the agent may edit the answer
    shot(page, "intake-panel")
    page.get_by_role("button", name="直接答复").click()
    page.wait_for_load_state()
    ticket = Ticket.objects.get(caller_phone="13912345678")
    assert ticket.status == Status.ANSWERED and ticket.cited_article_version_id == article.live_version_id
    assert "小区供热单位" in ticket.answer

    # 2. The order shows the article version it rests on, with a link to that version.
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    cited = page.locator(".cited-article")
    assert CITATION in cited.inner_text()
    shot(page, "ticket")
    cited.get_by_role("link").click()
    page.wait_for_load_state()
    assert "第1版 · 已发布" in page.locator("h1").inner_text()
    page.context.close()

    # 3. The callback follows as for every directly answered order.
    page = login_as(browser, live_server, "callback", viewport)
    open_menu(page).get_by_role("link", name="回访").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name=ticket.number).count() >= 1
    page.context.close()

    # 4. The owner (热力集团) sees that the article answered one call; an agent's search that found nothing shows up.
    page = login_as(browser, live_server, "agent", viewport)
    open_menu(page).get_by_role("link", name="知识库").click()
    page.get_by_role("searchbox", name="检索").fill("供暖 什么时候开始")
    page.get_by_role("button", name="检索").click()
    page.wait_for_load_state()
    assert page.locator(".kb-results mark").count() > 0
    shot(page, "search")
    page.get_by_role("searchbox", name="检索").fill("护照加急办理")
    page.get_by_role("button", name="检索").click()
    page.get_by_text("没有找到相关条目").wait_for()
    page.context.close()
    page = login_as(browser, live_server, "heating", viewport)
    open_menu(page).get_by_role("link", name="知识库").click()
    page.get_by_role("navigation", name="知识库").get_by_role("link", name="使用情况").click()
    page.wait_for_load_state()
    assert page.locator(f'td[data-article="{article.key}"]').inner_text() == "1"
    assert "护照加急办理" in page.locator("main").inner_text()
    shot(page, "owner-stats")
    page.get_by_role("link", name="供暖季起止时间").first.click()
    page.wait_for_load_state()
    assert "共有 1 件工单依据本条目直接答复" in page.locator("#kb-use-count").inner_text()
    shot(page, "owner-article")
    page.context.close()
