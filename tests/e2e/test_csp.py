"""Every role's pages under the Content-Security-Policy: no console error, no CSP violation, in a real browser."""

import pytest
from django.core.management import call_command

from demodata.tickets import seed_demo_tickets
from demodata.users import DEMO_PASSWORD, DEMO_USERS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ADMIN_PAGES = ["/admin/", "/admin/dispatch/user/", "/admin/assessment/slapolicy/",
               "/admin/assessment/holidayoverride/add/"]
# the first order a page lists, or the first record of an admin list
DETAIL_LINK = "a[href^='/tickets/'][href$='/'], #result_list a[href$='/change/']"


def visit_role(browser, base, username):
    """Log in through the page, then open the menu's pages and the first order each lists; returns the problems."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"{page.url}: {msg.text}"))
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    # a console line says only "status of 500": name the address that failed, for the server log beside it
    page.on("response", lambda response: response.status >= 500 and problems.append(
        f"{page.url}: {response.request.method} {response.url} answered {response.status}"))
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")
    assert "/login/" not in page.url, f"{username} could not log in"
    menu = page.locator("nav.menu a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    visited = []
    for href in [*menu, "/tickets/?q=暖气", *(ADMIN_PAGES if username == "admin" else [])]:
        page.goto(base + href)
        page.wait_for_load_state("networkidle")
        visited.append(href)
        ticket = page.locator(DETAIL_LINK).first
        if ticket.count():
            ticket_href = ticket.get_attribute("href")
            page.goto(base + ticket_href)
            page.wait_for_load_state("networkidle")
            visited.append(ticket_href)
    if username == "agent":  # the intake page's script runs its suggestions as the agent types
        page.goto(f"{base}/intake/")
        page.locator("#id_caller_phone").fill("13800138000")
        page.locator("#id_content").fill("小区暖气不热，家里很冷")
        page.locator("#id_address").fill("朝阳区望京街道花家地小区")
        page.wait_for_timeout(800)
        page.wait_for_load_state("networkidle")
    context.close()
    return visited, problems


def test_every_role_passes_the_content_security_policy(browser, live_server, demo_users):
    call_command("load_catalog", verbosity=0)
    seed_demo_tickets(30)
    report = {}
    for username, *_ in DEMO_USERS:
        visited, problems = visit_role(browser, live_server.url, username)
        assert len(visited) >= 2, (username, visited)
        if problems:
            report[username] = problems
    assert report == {}
