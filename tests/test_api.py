"""The ticket API as a client sees it: intake, scoped lists and details, lifecycle actions, error shapes."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from demodata.users import DEMO_PASSWORD
from hotline.models import Ticket

from .api_helpers import COMPLETE_BODY, client_for, intake_body
from .lifecycle_helpers import T0, intake, take_call


@pytest.fixture
def wangjing(directory):
    return directory["110105026"]


def post_intake(users, leaf, place, /, headers=None, **extra):
    return client_for(users["agent"]).post("/api/tickets/", intake_body(leaf, place, **extra), format="json",
                                           headers=headers or {})


def test_intake_creates_a_ticket_and_a_retry_with_the_same_key_returns_it(users, catalog, wangjing):
    headers = {"Idempotency-Key": "wechat-msg-7"}
    first = post_intake(users, catalog["sanitation"], wangjing, headers)
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["status"] == "received" and body["street"] == "110105026" and body["tier"] == "7d"
    again = post_intake(users, catalog["sanitation"], wangjing, headers)  # another body: test_idempotency.py
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Ticket.objects.filter(idempotency_key="wechat-msg-7").count() == 1
    assert Ticket.objects.get(pk=body["id"]).events.filter(action="intake").count() == 1


def test_intake_with_dispatch_sends_it_to_the_street_in_the_same_request(users, catalog, wangjing):
    response = post_intake(users, catalog["sanitation"], wangjing, dispatch=True)
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "dispatched" and response.json()["lead_unit_name"] == "望京街道"
    heating = post_intake(users, catalog["heating"], wangjing, dispatch=True, content="暖气不热")
    assert heating.json()["lead_unit"] == "E002" and heating.json()["tier"] == "24h"


def test_intake_with_answer_is_answered_directly(users, catalog, wangjing):
    response = post_intake(users, catalog["policy"], wangjing, answer="每部电梯补贴64万元", content="咨询加装电梯政策")
    assert response.status_code == 201 and response.json()["status"] == "answered"


def test_a_failed_dispatch_leaves_no_ticket_behind(users, catalog, wangjing, directory):
    before = Ticket.objects.count()
    response = post_intake(users, catalog["sanitation"], wangjing, dispatch=True, lead_unit="C12345")
    assert response.status_code == 400 and "lead_unit" in response.json()["errors"]
    assert Ticket.objects.count() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"caller_phone": "12"}, "caller_phone"),
        ({"district": "999999"}, "district"),
        ({"street": "110101001"}, "street"),  # a 东城 street under 朝阳区
        ({"catalog_item": 10**9}, "catalog_item"),
        ({"channel": "fax"}, "channel"),
        ({"content": "   "}, "content"),
        ({"tier": "15d"}, "tier_reason"),
        ({"dispatch": True, "answer": "答复"}, "answer"),
    ],
)
def test_bad_intake_field_is_a_400_naming_the_field_in_chinese(users, catalog, wangjing, change, field):
    response = post_intake(users, catalog["sanitation"], wangjing, **change)
    assert response.status_code == 400, response.json()
    body = response.json()
    assert field in body["errors"] and body["detail"]
    message = body["errors"][field][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_intake_is_for_the_call_center(users, catalog, wangjing):
    response = client_for(users["wangjing"]).post("/api/tickets/", intake_body(catalog["sanitation"], wangjing),
                                                  format="json")
    assert response.status_code == 403


def test_list_is_scoped_masked_filtered_and_bounded(users, catalog, directory, wangjing):
    street_order = take_call(users, directory, catalog["sanitation"])
    intake.dispatch_ticket(users["agent"], street_order.pk, now=T0)
    heating_order = take_call(users, directory, catalog["heating"], now=T0 + dt.timedelta(hours=1))
    intake.dispatch_ticket(users["agent"], heating_order.pk, now=T0 + dt.timedelta(hours=1))
    take_call(users, directory, catalog["sanitation"], street="110101001", now=T0 + dt.timedelta(hours=2))

    rows = client_for(users["dispatcher"]).get("/api/tickets/").json()
    assert rows["count"] == 3 and rows["count_is_exact"]
    assert {r["caller_phone"] for r in rows["results"]} == {"138******34"}
    assert [r["id"] for r in rows["results"]][0] > [r["id"] for r in rows["results"]][-1]  # newest first

    mine = client_for(users["wangjing"]).get("/api/tickets/").json()
    assert [r["id"] for r in mine["results"]] == [street_order.pk]
    dispatcher = client_for(users["dispatcher"])
    assert dispatcher.get("/api/tickets/", {"lead_unit": "E002"}).json()["count"] == 1
    assert dispatcher.get("/api/tickets/", {"status": ["received", "dispatched"]}).json()["count"] == 3
    assert dispatcher.get("/api/tickets/", {"tier": "24h"}).json()["count"] == 1
    assert dispatcher.get("/api/tickets/", {"street": "110101001"}).json()["count"] == 1
    window = {"received_from": (T0 + dt.timedelta(minutes=30)).isoformat(),
              "received_to": (T0 + dt.timedelta(hours=2)).isoformat()}
    assert [r["id"] for r in dispatcher.get("/api/tickets/", window).json()["results"]] == [heating_order.pk]
    page = dispatcher.get("/api/tickets/", {"limit": 100000}).json()
    assert len(page["results"]) == 3  # capped at max_limit, never unbounded
    assert dispatcher.get("/api/tickets/", {"status": "nonsense"}).status_code == 400
    assert dispatcher.get("/api/tickets/", {"received_from": "yesterday"}).status_code == 400
    offset = dispatcher.get("/api/tickets/", {"offset": 10**7})  # keyset paging: tests/test_list_paging.py
    assert offset.status_code == 400 and "offset" in offset.json()["errors"]


def test_detail_shows_the_timeline_and_masks_the_phone_for_everyone(users, catalog, directory):
    """The full number only through the recorded reveal endpoint (tests/test_caller_privacy.py)."""
    ticket = take_call(users, directory, catalog["sanitation"])
    intake.dispatch_ticket(users["agent"], ticket.pk, lead_unit=directory["110105026"],
                           assist_units=[directory["D002"]], now=T0)
    url = f"/api/tickets/{ticket.pk}/"
    detail = client_for(users["callback"]).get(url).json()
    assert detail["caller_phone"] == "138******34"
    assert [e["action"] for e in detail["timeline"]] == ["intake", "dispatch"]
    assert {(a["unit"]["code"], a["role"]) for a in detail["assignments"]} == {("110105026", "lead"),
                                                                              ("D002", "assist")}
    for name in ("wangjing", "chengguan", "chaoyang", "leader", "admin"):  # lead, assisting unit, supervisor …
        assert client_for(users[name]).get(url).json()["caller_phone"] == "138******34", name
    assert client_for(users["heating"]).get(url).status_code == 404
    assert client_for(users["agent"]).get("/api/tickets/999999999/").status_code == 404


def test_lifecycle_through_the_api_with_conflicts_as_409(users, catalog, wangjing, directory):
    ticket_id = post_intake(users, catalog["sanitation"], wangjing).json()["id"]
    agent, street, callback = (client_for(users[name]) for name in ("agent", "wangjing", "callback"))
    url = f"/api/tickets/{ticket_id}/"
    assert agent.post(url + "dispatch/", {}, format="json").json()["status"] == "dispatched"
    assert street.post(url + "sign/", {}, format="json").json()["status"] == "signed"
    again = street.post(url + "sign/", {}, format="json")
    assert again.status_code == 409 and again.json()["detail"] == "本单位已签收此工单"
    assert street.post(url + "contact/", {"note": "已电话联系"}, format="json").json()["status"] == "in_progress"
    extension = street.post(url + "extensions/", {"reason": "需协调产权单位",
                                                  "requested_due_at": "2099-01-01T00:00:00+08:00"}, format="json")
    assert extension.status_code == 201
    decided = client_for(users["dispatcher"]).post(f"/api/extensions/{extension.json()['id']}/decide/",
                                                   {"approve": False, "note": "时限充足"}, format="json")
    assert decided.json()["status"] == "refused"
    told = dict(COMPLETE_BODY, caller_told_at=dt.datetime.now(dt.UTC).isoformat())
    assert street.post(url + "complete/", told, format="json").json()["status"] == "completed"
    assert street.post(url + "complete/", told, format="json").status_code == 409
    called = callback.post(url + "callback/", {"reached": True, "contacted": True, "resolved": False,
                                               "satisfaction": "unsatisfied"}, format="json")
    assert called.status_code == 201
    assert callback.post(url + "rehandle/", {"reason": "问题未解决"}, format="json").json()["status"] == "dispatched"
    assert callback.post(url + "close/", {}, format="json").status_code == 409
    timeline = [e["action"] for e in agent.get(url).json()["timeline"]]
    assert timeline == ["intake", "dispatch", "sign", "contact", "request_extension", "decide_extension",
                        "complete", "callback", "rehandle"]


def test_return_redispatch_and_whistle_through_the_api(users, catalog, wangjing, directory):
    ticket_id = post_intake(users, catalog["sanitation"], wangjing, dispatch=True).json()["id"]
    url = f"/api/tickets/{ticket_id}/"
    street, leader, chengguan = (client_for(users[n]) for n in ("wangjing", "wangjing_leader", "chengguan"))
    dispatcher = client_for(users["dispatcher"])
    returned = street.post(url + "return/", {"reason": "地址在相邻街道", "suggested_unit": "110105027"}, format="json")
    assert returned.json()["status"] == "returned"
    ruled = dispatcher.post(url + "rule-return/", {"ruling": "经核实属望京街道辖区"}, format="json")
    assert ruled.json()["status"] == "dispatched" and ruled.json()["lead_unit"]["code"] == "110105026"
    street.post(url + "sign/", {}, format="json")
    whistle = street.post(url + "whistles/", {"units": ["D002"], "reason": "占道经营需执法"}, format="json")
    assert whistle.status_code == 201
    wurl = f"/api/whistles/{whistle.json()['id']}/"
    assert street.post(wurl + "decide/", {"approve": True}, format="json").status_code == 403  # staff, not leader
    assert leader.post(wurl + "decide/", {"approve": True}, format="json").json()["status"] == "approved"
    assert chengguan.post(wurl + "action/", {"action_note": "已执法"}, format="json").status_code == 409
    assert chengguan.post(wurl + "report-in/", {}, format="json").json()["reported_in_at"]
    assert chengguan.post(wurl + "action/", {"action_note": "已执法"}, format="json").status_code == 200
    rated = street.post(wurl + "rate/", {"unit": "D002", "stars": 5}, format="json")
    assert rated.json()["stars"] == 5
    assert client_for(users["heating"]).post(wurl + "report-in/", {}, format="json").status_code == 404
    detail = dispatcher.get(url).json()
    assert detail["whistles"][0]["status"] == "closed" and detail["whistles"][0]["targets"][0]["stars"] == 5


def test_token_login_then_token_requests(users):
    anonymous = APIClient()
    assert anonymous.get("/api/tickets/").status_code in (401, 403)
    bad = anonymous.post("/api/auth/token/", {"username": "agent", "password": "wrong"}, format="json")
    assert bad.status_code == 400
    token = anonymous.post("/api/auth/token/", {"username": "agent", "password": DEMO_PASSWORD}, format="json")
    assert token.status_code == 200
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert anonymous.get("/api/tickets/").status_code == 200


def test_schema_generates(users):
    response = client_for(users["admin"]).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/tickets/{id}/rule-return/" in response.content


@pytest.mark.parametrize("page_size", [1, 20])
def test_list_query_count_does_not_grow_with_the_page(users, catalog, directory, django_assert_num_queries,
                                                       page_size):
    for i in range(20):
        ticket = take_call(users, directory, catalog["sanitation"] if i % 2 else catalog["heating"],
                           now=T0 + dt.timedelta(minutes=i))
        intake.dispatch_ticket(users["agent"], ticket.pk, now=T0 + dt.timedelta(minutes=i))
    for name in ("dispatcher", "wangjing"):
        client = client_for(users[name])
        with django_assert_num_queries(3):  # the page's ids, their rows with related rows joined, a bounded count
            response = client.get("/api/tickets/", {"limit": page_size, "status": "dispatched"})
        assert len(response.json()["results"]) == min(page_size, response.json()["count"])
