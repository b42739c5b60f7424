"""The notification inbox and the header bell."""

import datetime as dt

import pytest

from assessment.clock.urging import urge
from assessment.models import Notification

from .clock_helpers import drop_work_notices
from .page_helpers import bell, heating_order, login, street_order

pytestmark = pytest.mark.django_db

INBOX = "/notifications/"


# --- the inbox and the header bell -----------------------------------------------------------------------------


@pytest.fixture
def urged(users, directory, catalog, now):
    tickets = [street_order(users, directory, catalog, now, content=f"垃圾{i}") for i in range(3)]
    for i, ticket in enumerate(tickets):
        urge(users["dispatcher"], ticket.pk, f"请尽快处理{i}", now=now - dt.timedelta(minutes=10 - i))
    heating = heating_order(users, directory, catalog, now)
    urge(users["dispatcher"], heating.pk, "热力请处理", now=now)
    drop_work_notices()
    return tickets


def test_inbox_lists_the_units_unread_notifications_newest_first_with_links(client, users, urged):
    html = login(client, users["wangjing"]).get(INBOX).content.decode()
    assert bell(html) == 3
    assert html.index("请尽快处理2") < html.index("请尽快处理1") < html.index("请尽快处理0")
    assert "热力请处理" not in html
    assert f'href="/tickets/{urged[0].pk}/"' in html and '<span class="badge urge">督办</span>' in html
    assert "没有未读通知" in client.get(INBOX, {"kind": "breach"}).content.decode()


def test_marking_read_empties_the_bell_and_only_touches_the_own_unit(client, users, urged):
    login(client, users["wangjing"])
    mine = list(Notification.objects.filter(recipient=users["wangjing"].unit).order_by("pk"))
    theirs = Notification.objects.get(recipient=users["heating"].unit)
    response = client.post("/notifications/read/", {"ids": [mine[0].pk, theirs.pk, "x"]}, follow=True)
    html = response.content.decode()
    assert "已将1条通知标为已读" in html and bell(html) == 2
    theirs.refresh_from_db()
    assert theirs.read_at is None
    html = client.post("/notifications/read/", {}, follow=True).content.decode()
    assert "请先勾选要标为已读的通知" in html and bell(html) == 2
    html = client.post("/notifications/read/", {"all": "1"}, follow=True).content.decode()
    assert "已将2条通知标为已读" in html and bell(html) == 0 and "没有未读通知" in html
    assert client.get("/notifications/read/").status_code == 405


def test_inbox_query_count_is_pinned(client, users, urged, django_assert_num_queries):
    login(client, users["wangjing"])
    with django_assert_num_queries(6):  # session, user, the pager's count, the notices with their orders, bell, unit
        response = client.get(INBOX)
    assert response.content.decode().count('name="ids"') == 3
