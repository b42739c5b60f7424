"""Maintaining the knowledge base in a browser: 热力集团 writes an article, submits it; the center's dispatcher
publishes it from the review queue; the owner revises it (a new version) while agents keep the published one.
At 1440 px and on a 390 px phone (the editor, the review queue and import/export pages must fit)."""

import pytest

from knowledge.models import Article

from .phone import DESK, PHONE, assert_fits, open_menu
from .test_heating_story import login_as

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("screen", ["desk", "phone"])
def test_owner_writes_center_publishes_owner_revises(browser, live_server, demo_users, catalog, shots, screen):
    phone = screen == "phone"
    viewport = PHONE if phone else DESK

    def shot(page, name):
        if phone:
            assert_fits(page, name)
        shots(page, f"kb-{name}-{screen}")

    page = login_as(browser, live_server, "heating", viewport)
    open_menu(page).get_by_role("link", name="知识库").click()
    page.get_by_role("navigation", name="知识库").get_by_role("link", name="新建条目").click()
    page.get_by_role("button", name="保存草稿").click()  # nothing filled in: every problem beside its field
    assert page.get_by_text("标题不能为空").is_visible() and page.get_by_text("生效日期不能为空").is_visible()
    page.get_by_label("标题").fill("供暖费缴纳时间和方式")
    page.get_by_label("正文（Markdown：**加粗**、- 列表、[链接](https://…)）").fill(
        "供暖费在**供暖季开始前**缴纳。\n\n- 营业厅\n- 网上缴费")
    page.get_by_label("关键词（空格或顿号分隔）").fill("供暖费 缴费")
    page.get_by_label("关联派单目录（三级条目名称，顿号分隔）").fill("冬季采暖、没有这个条目")
    page.get_by_label("生效日期").fill("2025-01-01")
    page.get_by_role("button", name="保存草稿").click()
    assert page.get_by_text("当前派单目录中没有这些三级条目：没有这个条目").is_visible()
    page.get_by_label("关联派单目录（三级条目名称，顿号分隔）").fill("冬季采暖")
    shot(page, "editor")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_role("button", name="提交审核（第1版）").click()
    page.get_by_text("已提交审核").wait_for()
    article = Article.objects.get()
    page.get_by_role("navigation", name="知识库").get_by_role("link", name="导入导出").click()
    shot(page, "transfer")
    page.context.close()

    page = login_as(browser, live_server, "dispatcher", viewport)
    open_menu(page).get_by_role("link", name="知识库").click()
    page.get_by_role("navigation", name="知识库").get_by_role("link", name="待审核").click()
    shot(page, "review-queue")
    page.get_by_role("link", name="供暖费缴纳时间和方式").click()
    page.get_by_role("button", name="发布第1版").click()
    page.get_by_text("已发布，话务员现在可以检索和引用").wait_for()
    page.context.close()

    page = login_as(browser, live_server, "heating", viewport)
    page.goto(f"{live_server.url}/knowledge/{article.pk}/")
    page.get_by_role("link", name="修改（生成第2版）").click()
    page.get_by_label("标题").fill("供暖费缴纳时间和方式（2026年起）")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("已保存第2版（草稿）").wait_for()
    assert "话务员目前检索和引用的是第1版" in page.locator("main").inner_text()
    shot(page, "revision")
    page.context.close()
    article.refresh_from_db()
    assert article.live_version.number == 1 and article.latest_version.number == 2
