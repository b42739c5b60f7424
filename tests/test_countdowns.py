"""Live deadlines: every running clock of the unit counts down on its worklist and on the ticket page; 临期 starts at
the clock's warning (not "within a day"), 已超期 includes the sign limit, and each tab counts exactly its rows."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from assessment.clock.countdown import remaining
from hotline.services import handling

from .page_helpers import login, street_order

pytestmark = pytest.mark.django_db


def tab(client, key):
    response = client.get("/work/", {"tab": key})
    html = response.content.decode()
    count = int(re.search(rf'href="\?tab={key}"[^>]*>[^<]*<span class="count[^"]*" aria-label="(\d+)件"', html)[1])
    return count, [t.pk for t in response.context["tickets"]], html


@pytest.mark.parametrize("seconds, text", [
    (3 * 3600 + 12 * 60 + 5, "剩余 3小时12分"), (-2 * 3600, "已超期 2小时"), (2 * 86400 + 4 * 3600, "剩余 2天4小时"),
    (59, "剩余 不足1分钟"), (-86400, "已超期 1天"), (25 * 60, "剩余 25分钟"),
])
def test_the_time_left_reads_in_days_hours_and_minutes(seconds, text):
    now = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)
    assert remaining(now + dt.timedelta(seconds=seconds), now) == text


def test_a_fresh_order_is_not_due_soon_and_counts_down_its_sign_limit(client, users, directory, catalog, now):
    fresh = street_order(users, directory, catalog, now - dt.timedelta(minutes=10))
    login(client, users["wangjing"])
    assert tab(client, "due_soon")[:2] == (0, [])
    html = client.get("/work/", {"tab": "to_sign"}).content.decode()
    assert re.search(r'class="countdown running"[^>]*>签收 <span class="countdown-text">剩余 1小时\d+分', html)
    assert "临期" not in html.split("</nav>", 1)[1].split("<table", 1)[1]  # no 临期 badge on the fresh row
    assert fresh.number in html


def test_a_missed_sign_limit_puts_the_order_in_overdue_with_a_red_countdown(client, users, directory, catalog, now):
    late = street_order(users, directory, catalog, now - dt.timedelta(hours=3))  # sign limit: 2 hours
    login(client, users["wangjing"])
    count, rows, html = tab(client, "overdue")
    assert (count, rows) == (1, [late.pk])
    assert re.search(r'class="countdown overdue"[^>]*>签收 <span class="countdown-text">已超期 1小时', html)


def test_an_order_in_its_warning_is_due_soon_and_the_tab_counts_its_rows(client, users, directory, catalog, now):
    """Sanitation is a 7-day order: the caller must be contacted within 24 hours, with a warning from 18 hours."""
    warned = street_order(users, directory, catalog, now - dt.timedelta(hours=20))
    calm = street_order(users, directory, catalog, now - dt.timedelta(hours=1))
    for ticket in (warned, calm):
        handling.sign(users["wangjing"], ticket.pk, now=ticket.dispatched_at + dt.timedelta(minutes=30))
    login(client, users["wangjing"])
    count, rows, html = tab(client, "due_soon")
    assert (count, rows) == (1, [warned.pk])
    assert re.search(r'class="countdown warn"[^>]*>联系 <span class="countdown-text">剩余 [34]小时', html)
    assert re.search(r'class="countdown running"[^>]*>办结 <span class="countdown-text">剩余 6天', html)
    assert tab(client, "overdue")[:2] == (0, [])
    in_progress = tab(client, "in_progress")
    assert in_progress[0] == len(in_progress[1]) == 2


def test_the_ticket_page_counts_down_every_running_clock(client, users, directory, catalog, now):
    from .page_helpers import whistled_order

    ticket = whistled_order(users, directory, catalog, now - dt.timedelta(hours=1))
    page = login(client, users["wangjing"]).get(reverse("hotline:ticket", args=[ticket.pk])).content.decode()
    section = page.split("<dt>正在计时</dt>", 1)[1].split("</dd>", 1)[0]
    assert "办结 " in section and "报到 " in section and "北京市城市管理综合行政执法局" in section
    assert "签收 " not in section  # signed: its clock stopped
