"""The pages each role works in: scope, buttons only when allowed, errors next to the field, query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import Clock
from dispatch.models import Whistle
from hotline.choices import Status
from hotline.models import Ticket
from hotline.services import whistles

from .lifecycle_helpers import handling, intake, take_call
from .page_helpers import login, street_order

BEIJING = dt.timezone(dt.timedelta(hours=8))

pytestmark = pytest.mark.django_db


def buttons(response):
    return response.content.decode()


@pytest.mark.parametrize("username, target", [
    ("agent", "/intake/"), ("dispatcher", "/center/queue/"), ("callback", "/callbacks/"),
    ("wangjing", "/work/"), ("wangjing_leader", "/work/"), ("heating", "/work/"),
    ("chaoyang", "/center/deadlines/"), ("leader", "/rankings/"),
])
def test_home_sends_each_role_to_its_main_page(client, users, username, target):
    response = login(client, users[username]).get("/")
    assert response.status_code == 302 and response["Location"] == target
    assert client.get(target).status_code == 200


def test_login_page_logs_in_and_lands_on_the_role_page(client, users):
    page = client.get("/login/")
    assert "用户名" in page.content.decode()
    response = client.post("/login/", {"username": "agent", "password": "Demo-12345"}, follow=True)
    assert response.redirect_chain[-1][0] == "/intake/"
    assert "受理诉求" in response.content.decode()


def test_street_staff_sees_own_order_and_gets_404_for_another_units(client, users, directory, catalog, now):
    own = street_order(users, directory, catalog, now)
    other = take_call(users, directory, catalog["sanitation"], street="110105001", now=now)  # 建外街道
    intake.dispatch_ticket(users["agent"], other.pk, now=now)
    login(client, users["wangjing"])
    page = client.get(reverse("hotline:ticket", args=[own.pk]))
    assert page.status_code == 200 and "楼下垃圾堆放" in page.content.decode()
    assert client.get(reverse("hotline:ticket", args=[other.pk])).status_code == 404
    assert client.post(reverse("hotline:ticket_action", args=[other.pk, "sign"])).status_code == 404
    worklist = client.get("/work/?tab=to_sign").content.decode()
    assert own.number in worklist and other.number not in worklist


def test_department_cannot_open_a_street_order_it_was_not_whistled_to(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    assert login(client, users["heating"]).get(reverse("hotline:ticket", args=[ticket.pk])).status_code == 404


def test_buttons_follow_the_lifecycle(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    url = reverse("hotline:ticket", args=[ticket.pk])
    page = buttons(login(client, users["wangjing"]).get(url))
    assert ">签收</button>" in page and ">退单</button>" in page
    assert ">办结</button>" not in page and ">记录联系</button>" not in page
    # the district supervisor sees the order but may not sign it: urging (督办) is all they may do
    supervisor = buttons(login(client, users["chaoyang"]).get(url))
    assert "楼下垃圾堆放" in supervisor and ">签收</button>" not in supervisor
    assert ">督办</button>" in supervisor and ">退单</button>" not in supervisor
    response = login(client, users["wangjing"]).post(reverse("hotline:ticket_action", args=[ticket.pk, "sign"]))
    assert response.status_code == 302
    page = buttons(client.get(url))
    assert ">签收</button>" not in page and ">退单</button>" not in page
    assert ">记录联系</button>" in page and ">吹哨</button>" in page
    assert ">办结</button>" not in page  # the caller must be contacted first
    client.post(reverse("hotline:ticket_action", args=[ticket.pk, "contact"]), {"note": "已电话联系"})
    page = buttons(client.get(url))
    assert ">办结</button>" in page and ">记录联系</button>" not in page
    # the agent who took the call has nothing to do on a dispatched order
    agent_page = buttons(login(client, users["agent"]).get(url))
    assert ">派单</button>" not in agent_page and ">签收</button>" not in agent_page


def test_completion_with_a_future_feedback_time_shows_the_error_next_to_that_field(
        client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    handling.sign(users["wangjing"], ticket.pk, now=now)
    handling.contact_caller(users["wangjing"], ticket.pk, "已电话联系", now=now)
    login(client, users["wangjing"])
    told = (timezone.localtime(now) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("hotline:ticket_action", args=[ticket.pk, "complete"]), {
        "caller_feedback_method": "phone", "caller_told_at": told, "caller_feedback": "已告知", "result": "已清理",
    })
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_complete_caller_told_at_error"' in html and "告知诉求人的时间不能晚于当前时间" in html
    assert 'aria-describedby="id_complete_caller_told_at_error"' in html
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_an_illegal_transition_is_a_409_page_with_the_message_on_top(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    login(client, users["wangjing"])
    client.post(reverse("hotline:ticket_action", args=[ticket.pk, "sign"]))
    response = client.post(reverse("hotline:ticket_action", args=[ticket.pk, "sign"]))
    assert response.status_code == 409
    assert "本单位已签收此工单" in response.content.decode()


def test_agent_takes_a_call_and_sees_where_it_went(client, users, directory, catalog):
    login(client, users["agent"])
    form = client.get("/intake/").content.decode()
    assert 'data-unit-picker="street"' in form and 'data-write="name"' in form
    response = client.post("/intake/", {
        "caller_phone": "13912345678", "channel": "phone", "street": "望京街道", "address": "望京西园三区2号楼",
        "content": "楼道垃圾无人清理", "request_type": "complaint", "urgency": "normal",
        "catalog_item": catalog["sanitation"].pk, "submit": "dispatch", "idempotency_key": "k1",
    }, follow=True)
    ticket = Ticket.objects.get(caller_phone="13912345678")
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit.name == "望京街道"
    assert ticket.district.name == "朝阳区"  # resolved from the street
    assert f"工单 {ticket.number} 已受理，已派至望京街道（主办），抄送朝阳区" in response.content.decode()


def test_intake_errors_land_next_to_their_fields_and_nothing_is_saved(client, users, directory, catalog):
    login(client, users["agent"])
    base = {"caller_phone": "12345", "channel": "phone", "street": "望京街道", "address": "望京西园",
            "content": "咨询政策", "request_type": "consultation", "urgency": "normal",
            "catalog_item": catalog["policy"].pk, "submit": "dispatch"}
    response = client.post("/intake/", base)
    assert response.status_code == 400
    assert 'id="id_caller_phone_error"' in response.content.decode()
    response = client.post("/intake/", {**base, "caller_phone": "13912345678", "street": "不存在街道"})
    assert 'id="id_street_error"' in response.content.decode()
    response = client.post("/intake/", {**base, "caller_phone": "13912345678", "submit": "answer", "answer": " "})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_answer_error"' in html and "答复内容不能为空" in html
    response = client.post("/intake/", {**base, "caller_phone": "13912345678", "tier": "15d"})
    assert 'id="id_tier_reason_error"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_direct_answer_from_the_intake_page(client, users, directory, catalog):
    login(client, users["agent"])
    client.post("/intake/", {
        "caller_phone": "13912345678", "channel": "phone", "street": "望京街道", "address": "望京西园",
        "content": "咨询加装电梯补贴", "request_type": "consultation", "urgency": "normal",
        "catalog_item": catalog["policy"].pk, "submit": "answer", "answer": "每部补贴64万元",
    })
    assert Ticket.objects.get().status == Status.ANSWERED


def test_json_views_for_the_intake_form(client, users, directory, catalog, now):
    street_order(users, directory, catalog, now)
    login(client, users["agent"])
    earlier = client.get("/intake/earlier/", {"phone": "13812341234"}).json()["requests"]
    assert len(earlier) == 1 and earlier[0]["unit"] == "望京街道"
    leaves = client.get("/intake/catalog/", {"q": "暖气不热"}).json()["leaves"]
    assert [leaf["name"] for leaf in leaves] == ["冬季采暖"]
    assert leaves[0]["responsible"] == "北京热力集团有限责任公司" or leaves[0]["responsible"]
    assert leaves[0]["tiers"]["emergency"]["value"] == "2h" and leaves[0]["tiers"]["normal"]["value"] == "24h"
    assert login(client, users["wangjing"]).get("/intake/catalog/", {"q": "暖气"}).status_code == 403


def test_leader_approves_a_whistle_from_the_worklist(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    handling.sign(users["wangjing"], ticket.pk, now=now)
    whistles.raise_whistle(users["wangjing"], ticket.pk, units=[directory["D002"]], reason="需要执法", now=now)
    staff_tabs = login(client, users["wangjing"]).get("/work/").content.decode()
    assert "吹哨待审批" not in staff_tabs
    page = login(client, users["wangjing_leader"]).get("/work/?tab=whistles").content.decode()
    assert "需要执法" in page and ">批准</button>" in page
    whistle = Whistle.objects.get()
    response = client.post(reverse("hotline:ticket_action_on", args=[ticket.pk, "decide_whistle", whistle.pk]),
                           {"decision": "refuse", "note": ""})
    assert response.status_code == 400 and "不批准时请填写理由" in response.content.decode()
    response = client.post(reverse("hotline:ticket_action_on", args=[ticket.pk, "decide_whistle", whistle.pk]),
                           {"decision": "approve", "next": "/work/?tab=whistles"})
    assert response.status_code == 302 and response["Location"] == "/work/?tab=whistles"
    whistle.refresh_from_db()
    assert whistle.status == "approved"
    calls = login(client, users["chengguan"]).get("/work/?tab=whistle_calls").content.decode()
    assert ticket.number in calls and ">报到</button>" in calls


def test_dispatcher_decides_an_extension_from_the_queue(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    handling.sign(users["wangjing"], ticket.pk, now=now)
    ticket.refresh_from_db()
    handling.request_extension(users["wangjing"], ticket.pk, reason="需协调施工", now=now,
                               requested_due_at=ticket.due_at + dt.timedelta(days=3))
    page = login(client, users["dispatcher"]).get("/center/queue/").content.decode()
    assert "需协调施工" in page and ">批准</button>" in page
    extension = ticket.extensions.get()
    client.post(reverse("hotline:ticket_action_on", args=[ticket.pk, "decide_extension", extension.pk]),
                {"decision": "approve"})
    ticket.refresh_from_db()
    assert ticket.due_at == extension.requested_due_at


def test_roles_without_the_page_get_403(client, users):
    assert login(client, users["wangjing"]).get("/intake/").status_code == 403
    assert login(client, users["agent"]).get("/work/").status_code == 403
    leader_menu = login(client, users["leader"]).get("/rankings/").content.decode()
    assert 'href="/rankings/"' in leader_menu and "考核排名" in leader_menu
    assert "考核排名" not in login(client, users["wangjing"]).get("/work/").content.decode()


@pytest.mark.parametrize("tab", ["to_sign", "in_progress", "due_soon", "overdue"])
def test_worklist_query_count_does_not_grow_with_orders(client, users, directory, catalog, now, tab,
                                                        django_assert_num_queries):
    for i in range(3):
        street_order(users, directory, catalog, now - dt.timedelta(days=8 * (tab == "overdue")), content=f"垃圾{i}")
    if tab != "to_sign":
        for ticket in Ticket.objects.all():
            handling.sign(users["wangjing"], ticket.pk, now=now)
    if tab == "due_soon":  # the complete clocks enter their warning
        Clock.objects.filter(key__startswith="complete:").update(warn_at=now - dt.timedelta(hours=1))
    login(client, users["wangjing"])
    # session, user, the tab counts, the header's unread count, user.unit, the list and its total, the rows' running
    # clocks; the filter bar's districts and first-level catalog, the user's saved filters
    with django_assert_num_queries(11):
        response = client.get(f"/work/?tab={tab}")
    assert response.content.decode().count("/tickets/") >= 3


def test_queue_pages_query_counts(client, users, directory, catalog, now, django_assert_num_queries):
    for i in range(3):
        take_call(users, directory, catalog["sanitation"], content=f"垃圾{i}", now=now)
    login(client, users["dispatcher"])
    # session, user, unit, queue and its total, its return requests, extensions, deadlines, holiday overrides, unread;
    # the filter bar's districts and first-level catalog, the user's saved filters (the batch form's unit picker
    # loads no list of units: it searches as the dispatcher types)
    with django_assert_num_queries(13):
        client.get("/center/queue/")
    login(client, users["callback"])
    # session, user, unit, completed (empty: its total only), called back, unread; the filter bar (3)
    with django_assert_num_queries(9):
        client.get("/callbacks/")


def test_dispatcher_redispatches_a_returned_order(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    handling.return_order(users["wangjing"], ticket.pk, "该地址属酒仙桥街道", now=now)
    login(client, users["dispatcher"])
    assert ticket.number in client.get("/center/queue/").content.decode()
    page = client.get(reverse("hotline:ticket", args=[ticket.pk])).content.decode()
    assert ">改派</button>" in page and ">裁定由原单位办理</button>" in page and ">签收</button>" not in page
    url = reverse("hotline:ticket_action", args=[ticket.pk, "redispatch"])
    response = client.post(url, {"lead_unit": "110105026"})
    assert response.status_code == 400 and 'id="id_redispatch_lead_unit_error"' in response.content.decode()
    client.post(url, {"lead_unit": "110105027"})
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit.code == "110105027"


def test_unsolved_callback_goes_back_for_rehandling(client, users, directory, catalog, now):
    from .lifecycle_helpers import walk_to_completed

    ticket = street_order(users, directory, catalog, now)
    walk_to_completed(users, ticket, now=now - dt.timedelta(hours=5))
    login(client, users["callback"])
    url = reverse("hotline:ticket_action", args=[ticket.pk, "callback"])
    response = client.post(url, {"reached": "yes", "contacted": "yes", "resolved": "no"})
    assert response.status_code == 400 and 'id="id_callback_satisfaction_error"' in response.content.decode()
    client.post(url, {"reached": "yes", "contacted": "yes", "resolved": "no", "satisfaction": "unsatisfied"})
    page = client.get(reverse("hotline:ticket", args=[ticket.pk])).content.decode()
    assert ">退回重办</button>" in page and ">结案</button>" in page and ">记录回访</button>" not in page
    client.post(reverse("hotline:ticket_action", args=[ticket.pk, "rehandle"]), {"reason": "垃圾仍未清理"})
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.rehandle_count == 1


def test_the_timeline_names_the_system_for_what_the_sweep_did(client, users, directory, catalog, now):
    from assessment.clock.sweep import sweep
    from assessment.models import Clock

    ticket = street_order(users, directory, catalog, now)
    sweep(now=Clock.objects.filter(ticket=ticket).order_by("due_at").first().due_at)
    login(client, users["wangjing"])
    page = client.get(reverse("hotline:ticket", args=[ticket.pk]))
    timeline = page.content.decode().split("办理过程", 1)[-1]
    assert page.status_code == 200 and "系统" in timeline
    assert ticket.events.filter(actor__isnull=True).exists()


def test_the_queue_warns_when_next_years_holidays_are_not_entered(client, users, time_machine):
    from assessment.models import HolidayOverride

    time_machine.move_to(dt.datetime(2026, 11, 30, 10, 0, tzinfo=BEIJING))  # chinesecalendar 1.11 knows up to 2026
    login(client, users["dispatcher"])
    assert "2027年的法定节假日和调休尚未录入" in client.get("/center/queue/").content.decode()
    HolidayOverride.objects.create(date=dt.date(2027, 1, 1), is_working_day=False, note="元旦")
    assert "尚未录入" not in client.get("/center/queue/").content.decode()
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 0, tzinfo=BEIJING))
    HolidayOverride.objects.all().delete()
    assert "尚未录入" not in client.get("/center/queue/").content.decode()  # too early to ask for 2027


def test_long_lists_are_paged_with_a_total(client, users, directory, catalog, now, monkeypatch):
    from hotline.views import lists

    monkeypatch.setattr(lists, "LIST_LIMIT", 3)
    tickets = [street_order(users, directory, catalog, now, content=f"垃圾堆放{i}") for i in range(5)]
    login(client, users["wangjing"])
    first = client.get("/work/?tab=to_sign")
    assert [t.pk for t in first.context["tickets"]] == [t.pk for t in tickets[:3]]
    assert "共 5 条，第 1/2 页" in first.content.decode() and "?tab=to_sign&amp;page=2" in first.content.decode()
    second = client.get("/work/?tab=to_sign&page=2")
    assert [t.pk for t in second.context["tickets"]] == [t.pk for t in tickets[3:]]
    assert [t.pk for t in client.get("/work/?tab=to_sign&page=99").context["tickets"]] == [t.pk for t in tickets[3:]]
    assert client.get("/work/?tab=to_sign&page=x").status_code == 200
