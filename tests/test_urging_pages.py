"""督办 from the deadlines page: every running clock, the district's scope, errors, query count."""

import datetime as dt

import pytest
from django.urls import reverse

from assessment.models import Clock, Notification

from .clock_helpers import drop_work_notices
from .page_helpers import bell, heating_order, login, street_order, whistled_order

pytestmark = pytest.mark.django_db

DEADLINES = "/center/deadlines/"
INBOX = "/notifications/"


# --- 督办 on the deadlines page -------------------------------------------------------------------------------


def test_deadlines_page_lists_every_running_clock_with_an_urge_button(client, users, directory, catalog, now):
    soon = street_order(users, directory, catalog, now, content="垃圾桶满溢")
    whistled = whistled_order(users, directory, catalog, now - dt.timedelta(days=10))
    assert Clock.objects.filter(ticket=whistled, whistle_target__isnull=False, stopped_at__isnull=True,
                                due_at__lte=now).exists()
    page = login(client, users["dispatcher"]).get(DEADLINES).content.decode()
    assert soon.number in page and whistled.number in page
    assert "签收时限 · 望京街道" in page and "吹哨报到时限 · 北京市城市管理综合行政执法局" in page
    assert page.count(">督办</button>") == 2
    assert f'aria-label="督办 {soon.number}"' in page and f'id="id_urge{soon.pk}_note"' in page
    assert "已超期" in page and "临期" in page


def test_district_supervisor_sees_only_the_district_and_urges_from_the_page(client, users, directory, catalog, now):
    street = street_order(users, directory, catalog, now)
    heating = heating_order(users, directory, catalog, now)  # 热力集团 at a 朝阳 address: the district's too
    haidian = heating_order(users, directory, catalog, now, street="110108001")  # at 海淀 万寿路街道
    drop_work_notices()
    page = login(client, users["chaoyang"]).get(DEADLINES).content.decode()
    assert street.number in page and heating.number in page and haidian.number not in page
    response = client.post(reverse("hotline:ticket_action", args=[street.pk, "urge"]),
                           {"note": "居民反映强烈，请今日内联系", "next": DEADLINES})
    assert response.status_code == 302 and response["Location"] == DEADLINES
    assert "已督办，望京街道将收到站内通知和短信" in client.get(DEADLINES).content.decode()
    # the street sees the urge in its bell, its inbox and on the order's timeline
    login(client, users["wangjing"])
    work = client.get("/work/").content.decode()
    assert bell(work) == 1
    inbox = client.get(INBOX).content.decode()
    assert "督办工单" in inbox and "居民反映强烈，请今日内联系" in inbox and street.number in inbox
    timeline = client.get(reverse("hotline:ticket", args=[street.pk])).content.decode()
    assert "<strong>督办</strong>" in timeline and "居民反映强烈，请今日内联系" in timeline
    assert ">督办</button>" not in timeline  # the street may not urge


def test_urge_without_a_note_shows_the_error_next_to_the_field(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    login(client, users["dispatcher"])
    url = reverse("hotline:ticket_action", args=[ticket.pk, "urge"])
    response = client.post(url, {"note": "  ", "next": DEADLINES})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_urge_note_error"' in html and "督办意见不能为空" in html
    assert not Notification.objects.filter(kind="urge").exists()


def test_roles_that_may_not_urge_get_no_page_and_no_urge(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    login(client, users["wangjing"])
    assert client.get(DEADLINES).status_code == 403
    response = client.post(reverse("hotline:ticket_action", args=[ticket.pk, "urge"]), {"note": "自己催自己"})
    assert response.status_code == 403 and "只有派单员和区督办员可以督办" in response.content.decode()
    assert not Notification.objects.filter(kind="urge").exists()


def test_a_completed_order_has_no_urge_button(client, users, directory, catalog, now):
    from .lifecycle_helpers import walk_to_completed

    ticket = street_order(users, directory, catalog, now - dt.timedelta(hours=5))
    walk_to_completed(users, ticket, now=now - dt.timedelta(hours=5))
    page = login(client, users["dispatcher"]).get(reverse("hotline:ticket", args=[ticket.pk])).content.decode()
    assert ">督办</button>" not in page and ">结案</button>" not in page


def test_deadlines_page_query_count_does_not_grow(client, users, directory, catalog, now, django_assert_num_queries):
    for i in range(3):
        street_order(users, directory, catalog, now, content=f"垃圾{i}")
    heating_order(users, directory, catalog, now)
    login(client, users["dispatcher"])
    # session, user, the clocks with their orders and their total, the header's count, unit; the filter bar (3)
    with django_assert_num_queries(9):
        response = client.get(DEADLINES)
    assert response.content.decode().count(">督办</button>") == 4


def test_deadlines_filter_by_the_orders_and_find_by_words(client, users, directory, catalog, now):
    for i in range(3):
        street_order(users, directory, catalog, now - dt.timedelta(days=8), content=f"垃圾{i}")
    heating = heating_order(users, directory, catalog, now - dt.timedelta(hours=23))
    login(client, users["dispatcher"])
    by_catalog = client.get(DEADLINES, {"catalog": "0101"}).content.decode()
    assert by_catalog.count(">督办</button>") == 1 and heating.number in by_catalog
    assert client.get(DEADLINES, {"q": "垃圾1"}).content.decode().count(">督办</button>") == 1
    assert "没有符合条件的临期或超期工单" in client.get(DEADLINES, {"q": "不存在的词"}).content.decode()
