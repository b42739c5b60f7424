"""Round 2 pages: urging from the deadlines page, the notification inbox and header bell, worklist tab counts,
the unreasonable-request review, month close, and the read-only clock/notification admin."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.clock.urging import urge
from assessment.models import Clock, Exclusion, MonthClose, Notification
from assessment.monthly.month_close import close_month
from assessment.monthly.months import current_month, previous_month
from hotline.services import whistles

from .lifecycle_helpers import handling, intake, take_call
from .page_helpers import login, street_order

pytestmark = pytest.mark.django_db

DEADLINES = "/center/deadlines/"
INBOX = "/notifications/"


@pytest.fixture
def now():
    return timezone.now()


def heating_order(users, directory, catalog, at):
    ticket = take_call(users, directory, catalog["heating"], content="家中暖气不热", now=at)
    intake.dispatch_ticket(users["agent"], ticket.pk, now=at)
    return ticket


def whistled_order(users, directory, catalog, at):
    """A street order whose whistle to 城管执法局 was approved at ``at``: the department's clocks run."""
    ticket = street_order(users, directory, catalog, at, content="占道经营需要执法")
    handling.sign(users["wangjing"], ticket.pk, now=at)
    whistle = whistles.raise_whistle(users["wangjing"], ticket.pk, units=[directory["D002"]], reason="需要执法",
                                     now=at)
    whistles.decide_whistle(users["wangjing_leader"], whistle.pk, approve=True, now=at)
    return ticket


def bell(html):
    """The header's unread count, or 0 when the bell shows none."""
    match = re.search(r'aria-label="站内通知，(\d+)条未读"', html)
    assert match, "the header has no notification bell"
    return int(match.group(1))


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
    heating = heating_order(users, directory, catalog, now)
    page = login(client, users["chaoyang"]).get(DEADLINES).content.decode()
    assert street.number in page and heating.number not in page
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
    assert not Notification.objects.exists()


def test_roles_that_may_not_urge_get_no_page_and_no_urge(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    login(client, users["wangjing"])
    assert client.get(DEADLINES).status_code == 403
    response = client.post(reverse("hotline:ticket_action", args=[ticket.pk, "urge"]), {"note": "自己催自己"})
    assert response.status_code == 403 and "只有派单员和区督办员可以督办" in response.content.decode()
    assert not Notification.objects.exists()


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
    with django_assert_num_queries(5):  # session, user, the clocks with their orders, the header's count, unit
        response = client.get(DEADLINES)
    assert response.content.decode().count(">督办</button>") == 4


# --- the inbox and the header bell -----------------------------------------------------------------------------


@pytest.fixture
def urged(users, directory, catalog, now):
    tickets = [street_order(users, directory, catalog, now, content=f"垃圾{i}") for i in range(3)]
    for i, ticket in enumerate(tickets):
        urge(users["dispatcher"], ticket.pk, f"请尽快处理{i}", now=now - dt.timedelta(minutes=10 - i))
    heating = heating_order(users, directory, catalog, now)
    urge(users["dispatcher"], heating.pk, "热力请处理", now=now)
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
    with django_assert_num_queries(5):  # session, user, the notifications with their orders, the bell, unit
        response = client.get(INBOX)
    assert response.content.decode().count('name="ids"') == 3


# --- worklist tab counts ---------------------------------------------------------------------------------------


def test_worklist_tabs_show_their_counts(client, users, directory, catalog, now):
    tickets = [street_order(users, directory, catalog, now, content=f"垃圾{i}") for i in range(3)]
    handling.sign(users["wangjing"], tickets[0].pk, now=now)
    whistled_order(users, directory, catalog, now - dt.timedelta(days=10))
    html = login(client, users["wangjing"]).get("/work/").content.decode()

    def count(label):
        return int(re.search(label + r' <span class="count[^"]*" aria-label="\d+件">(\d+)</span>', html).group(1))

    assert (count("待签收"), count("办理中"), count("已超期")) == (2, 2, 1)
    whistle_ticket = tickets[1]
    handling.sign(users["wangjing"], whistle_ticket.pk, now=now)
    whistles.raise_whistle(users["wangjing"], whistle_ticket.pk, units=[directory["D002"]], reason="需要执法",
                           now=now)
    html = login(client, users["wangjing_leader"]).get("/work/").content.decode()
    assert count("吹哨待审批") == 1
    html = login(client, users["chengguan"]).get("/work/").content.decode()
    assert count("吹哨报到") == 1 and count("待签收") == 0


# --- 不合理诉求审核 ---------------------------------------------------------------------------------------------


def test_dispatcher_reviews_an_unreasonable_request_from_the_ticket_page(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    login(client, users["dispatcher"])
    page = client.get(reverse("hotline:ticket", args=[ticket.pk])).content.decode()
    link = f'/rankings/reviews/?ticket={ticket.number}'
    assert f'href="{link}"' in page
    form = client.get(link).content.decode()
    assert f'value="{ticket.number}"' in form and "不合理诉求审核" in form
    response = client.post("/rankings/reviews/", {"ticket": ticket.number, "verdict": "unreasonable",
                                                  "reason": "诉求人反复要求拆除合法建筑"}, follow=True)
    html = response.content.decode()
    assert f"工单 {ticket.number}：认定为不合理诉求，不计入考核" in html and "诉求人反复要求拆除合法建筑" in html
    assert Exclusion.objects.filter(ticket=ticket, unit__isnull=True).exists()
    timeline = client.get(reverse("hotline:ticket", args=[ticket.pk])).content.decode()
    assert "认定为不合理诉求" in timeline


def test_review_errors_land_next_to_their_fields(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    login(client, users["admin"])
    response = client.post("/rankings/reviews/", {"ticket": ticket.number, "verdict": "unreasonable", "reason": " "})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_reason_error"' in html and "审核意见不能为空" in html
    response = client.post("/rankings/reviews/", {"ticket": "20261122-999999", "verdict": "reasonable",
                                                  "reason": "复核"})
    html = response.content.decode()
    assert response.status_code == 404 and 'id="id_ticket_error"' in html and "工单不存在" in html
    response = client.post("/rankings/reviews/", {"ticket": "abc", "reason": "复核"})
    html = response.content.decode()
    assert response.status_code == 400 and "请选择审核结论" in html
    response = client.post("/rankings/reviews/", {"ticket": "abc", "verdict": "reasonable", "reason": "复核"})
    assert response.status_code == 400 and "工单编号格式不正确" in response.content.decode()
    assert not Exclusion.objects.exists()


def test_review_and_month_close_are_for_the_center_only(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    for username in ("wangjing", "leader", "chaoyang"):
        login(client, users[username])
        assert client.get("/rankings/reviews/").status_code == 403
        assert client.get("/rankings/close/").status_code == 403
        assert client.post("/rankings/close/", {"month": "2026-01", "confirm": "1"}).status_code == 403
        page = client.get(reverse("hotline:ticket", args=[ticket.pk]))
        assert "/rankings/reviews/" not in page.content.decode()
    assert not MonthClose.objects.exists()
    dispatcher_menu = login(client, users["dispatcher"]).get("/center/queue/").content.decode()
    assert 'href="/rankings/reviews/"' in dispatcher_menu and 'href="/rankings/close/"' in dispatcher_menu
    assert 'href="/rankings/appeals/"' in dispatcher_menu
    street_menu = login(client, users["wangjing"]).get("/work/").content.decode()
    assert 'href="/rankings/appeals/"' in street_menu and 'href="/rankings/close/"' not in street_menu
    appeals = client.get("/rankings/appeals/").content.decode()
    assert "提交考核申诉" in appeals and 'href="/rankings/"' not in appeals  # no link to a page they may not open


# --- month close -------------------------------------------------------------------------------------------------


def test_month_close_asks_for_confirmation_then_computes(client, users, directory, catalog):
    login(client, users["admin"])
    last = previous_month(current_month())
    form = client.get("/rankings/close/").content.decode()
    assert f'value="{last:%Y-%m}"' in form
    response = client.post("/rankings/close/", {"month": f"{last:%Y-%m}", "freeze": "on"})
    html = response.content.decode()
    assert response.status_code == 200 and f"确认发布并冻结{last.year}年{last.month}月考核" in html
    assert not MonthClose.objects.exists()
    response = client.post("/rankings/close/", {"month": f"{last:%Y-%m}", "freeze": "on", "confirm": "1"},
                           follow=True)
    assert response.redirect_chain[-1][0] == f"/rankings/?month={last:%Y-%m}"
    assert f"{last.year}年{last.month}月考核已发布（冻结）" in response.content.decode()
    assert MonthClose.objects.get(month=last).is_frozen
    response = client.post("/rankings/close/", {"month": f"{last:%Y-%m}", "confirm": "1"}, follow=True)
    assert "已发布冻结，成绩未重新计算" in response.content.decode()


def test_month_close_errors_land_next_to_the_month(client, users):
    login(client, users["dispatcher"])
    this = current_month()
    response = client.post("/rankings/close/", {"month": f"{this:%Y-%m}", "freeze": "on", "confirm": "1"})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_month_error"' in html and "尚未结束，不能发布" in html
    response = client.post("/rankings/close/", {"month": "2026-13", "confirm": "1"})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_month_error"' in html and "考核月格式应为 YYYY-MM" in html
    response = client.post("/rankings/close/", {"month": "", "confirm": "1"})
    assert response.status_code == 400 and "请选择考核月" in response.content.decode()
    assert not MonthClose.objects.exists()


def test_month_close_page_query_count(client, users, django_assert_num_queries):
    close_month(previous_month(current_month()))
    close_month(previous_month(previous_month(current_month())))
    login(client, users["dispatcher"])
    with django_assert_num_queries(5):  # session, user, the months, the header's count, unit
        response = client.get("/rankings/close/")
    assert response.content.decode().count("查看排名") == 2


# --- admin -------------------------------------------------------------------------------------------------------


def test_clocks_notifications_and_outbox_are_read_only_in_the_admin(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    urge(users["dispatcher"], ticket.pk, "请处理", now=now)
    login(client, users["admin"])
    for model in ("clock", "notification", "outbox"):
        changelist = client.get(f"/admin/assessment/{model}/")
        assert changelist.status_code == 200, model
        assert f"/admin/assessment/{model}/add/" not in changelist.content.decode()
        assert client.get(f"/admin/assessment/{model}/add/").status_code == 403
    clock = Clock.objects.filter(ticket=ticket).first()
    detail = client.get(f"/admin/assessment/clock/{clock.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
