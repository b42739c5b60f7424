"""The badge's polling endpoint (/notifications/unread.json) and the inbox's filters, opening and marking read."""

import json

import pytest
from django.urls import reverse

from assessment.clock.urging import urge
from assessment.models import Notification

from .clock_helpers import H
from .lifecycle_helpers import T0, intake, take_call
from .page_helpers import bell, login

pytestmark = pytest.mark.django_db

UNREAD_JSON, INBOX = "/notifications/unread.json", "/notifications/"


@pytest.fixture
def street_inbox(users, directory, catalog):
    """望京 has seven orders dispatched to it, one of them urged: eight unread notices."""
    tickets = [take_call(users, directory, catalog["sanitation"], content=f"垃圾堆放第{i}处", then=intake.DISPATCH,
                         now=T0 + i * H) for i in range(7)]
    urge(users["dispatcher"], tickets[0].pk, "请今日内处理", now=T0 + 8 * H)
    return tickets


def test_the_badge_endpoint_gives_the_count_and_the_newest_few_in_one_query(client, users, street_inbox,
                                                                           django_assert_num_queries):
    login(client, users["wangjing"])
    with django_assert_num_queries(3):  # session, user, the unread notices with their count
        response = client.get(UNREAD_JSON)
    data = json.loads(response.content)
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    assert data["unread"] == 8 and len(data["latest"]) == 5
    newest = data["latest"][0]
    assert (newest["kind"], newest["kind_label"]) == ("urge", "督办") and "请今日内处理" in newest["text"]
    assert newest["url"] == reverse("hotline:ticket", args=[street_inbox[0].pk])
    assert data["latest"][1]["kind_label"] == "派单" and street_inbox[6].number in data["latest"][1]["text"]
    assert "13812341234" not in response.content.decode()  # no caller data in a notice


def test_the_badge_endpoint_counts_only_what_is_addressed_to_the_user(client, users, street_inbox):
    assert json.loads(login(client, users["heating"]).get(UNREAD_JSON).content) == {"unread": 0, "latest": []}
    assert json.loads(login(client, users["agent"]).get(UNREAD_JSON).content)["unread"] == 0
    client.logout()
    response = client.get(UNREAD_JSON)
    assert response.status_code == 401 and "请先登录" in response.json()["error"]
    assert login(client, users["wangjing"]).post(UNREAD_JSON).status_code == 405


def test_the_inbox_filters_by_kind_and_state_with_a_get_form(client, users, street_inbox):
    login(client, users["wangjing"])
    html = client.get(INBOX).content.decode()
    assert html.count('name="ids"') == 8 and bell(html) == 8
    assert '<form method="get" class="filter-form"' in html and "开启桌面提醒" in html
    urged = client.get(INBOX, {"kind": "urge"}).content.decode()
    assert urged.count('name="ids"') == 1 and "请今日内处理" in urged
    client.post("/notifications/read/", {"all": "1"})
    assert "没有未读通知" in client.get(INBOX).content.decode()
    read = client.get(INBOX, {"state": "read", "kind": "dispatch"}).content.decode()
    assert read.count('<tr class="read">') == 7 and "请今日内处理" not in read and "共 7 条" in read
    assert client.get(INBOX, {"state": "all"}).content.decode().count('<tr class="read">') == 8
    odd = client.get(INBOX, {"state": "x", "kind": "<b>"})  # unknown values: the default view, never a 500
    assert odd.status_code == 200 and "没有未读通知" in odd.content.decode()


def test_opening_a_notice_marks_it_read_and_goes_to_the_order(client, users, street_inbox):
    login(client, users["wangjing"])
    note = Notification.objects.filter(kind="urge").get()
    response = client.post(reverse("hotline:notification_open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("hotline:ticket", args=[note.ticket_id])
    note.refresh_from_db()
    assert note.read_at is not None and bell(client.get(INBOX).content.decode()) == 7
    theirs = Notification.objects.create(recipient=users["heating"].unit, ticket=street_inbox[1], kind="dispatch",
                                         text="别人的", created_at=T0)
    response = client.post(reverse("hotline:notification_open", args=[theirs.pk]), follow=True)
    assert "通知不存在或不是发给您的" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(reverse("hotline:notification_open", args=[note.pk])).status_code == 405


def test_the_inbox_query_count_does_not_grow_with_its_rows(client, users, directory, catalog, street_inbox,
                                                          django_assert_num_queries):
    login(client, users["wangjing"])
    with django_assert_num_queries(6):  # session, user, the pager's count, the page of notices, the bell, unit
        client.get(INBOX, {"state": "all"})
    for i in range(5):
        take_call(users, directory, catalog["sanitation"], content=f"又一处{i}", then=intake.DISPATCH, now=T0)
    with django_assert_num_queries(6):
        html = client.get(INBOX, {"state": "all"}).content.decode()
    assert html.count("<tr class=") == 13
