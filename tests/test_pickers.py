"""Unit pickers and the intake form: units by name, short name or code (with the district), the lead unit changed
at intake with a reason, every error of the form at once, the content limit, the suggested 诉求类型."""

import pytest
from django.urls import reverse

from core.errors import InvalidInput
from dispatch.unit_search import unit_from_text
from hotline.choices import CONTENT_MAX_LENGTH, Status
from hotline.models import Ticket, TicketEvent
from hotline.services import intake

from .api_helpers import client_for as api_client
from .lifecycle_helpers import handling
from .page_helpers import login, street_order

pytestmark = pytest.mark.django_db
SEARCH = "/units/search/"
WANGJING, CHAOYANG, CHENGGUAN = "110105026", "110105", "D002"


def search(client, q, scope="dispatch"):
    return client.get(SEARCH, {"q": q, "scope": scope}).json()["units"]


def intake_post(catalog, **changes):
    data = {"caller_phone": "13912345678", "channel": "phone", "street": "望京街道", "address": "望京西园三区2号楼",
            "content": "楼道垃圾无人清理", "request_type": "complaint", "urgency": "normal",
            "catalog_item": catalog["sanitation"].pk, "submit": "dispatch"}
    return {**data, **changes}


def errors_of(html):
    """The ids of the fields the page shows an error beside."""
    import re

    return set(re.findall(r'id="id_(\w+?)_error"', html))


# --- the search endpoint ------------------------------------------------------------------------------------

def test_units_are_found_by_name_short_name_and_code_with_their_district(client, users, directory):
    login(client, users["dispatcher"])
    by_name = search(client, "望京街道")[0]
    assert by_name == {"id": directory[WANGJING].pk, "code": WANGJING, "name": "望京街道", "short_name": "望京",
                       "kind": "街乡镇", "district": "朝阳区", "district_id": directory[CHAOYANG].pk,
                       "value": "望京街道"}
    assert search(client, "望京")[0]["code"] == WANGJING  # the short name
    assert search(client, WANGJING)[0]["name"] == "望京街道"  # the code
    assert search(client, "城管执法局")[0]["code"] == CHENGGUAN  # a department by its short name
    assert search(client, "城管执法局")[0]["district"] == ""  # a city department has no district


def test_a_shared_street_name_is_offered_with_its_district(client, users):
    login(client, users["dispatcher"])
    rows = search(client, "八里庄")
    assert {(row["district"], row["value"]) for row in rows} >= {
        ("朝阳区", "八里庄街道（朝阳区）"), ("海淀区", "八里庄街道（海淀区）")}


def test_the_scope_limits_the_kinds_offered(client, users):
    login(client, users["wangjing"])
    assert any(row["kind"] == "区" for row in search(client, "朝阳"))  # a district may lead an order
    assert not any(row["kind"] == "区" for row in search(client, "朝阳", scope="whistle"))
    assert {row["kind"] for row in search(client, "八里庄", scope="street")} == {"街乡镇"}
    assert search(client, "12345") == []  # the center is never a handling unit
    response = client.get(SEARCH, {"q": "望京", "scope": "everything"})
    assert response.status_code == 400 and response.json()["field"] == "scope"


def test_the_search_needs_a_login_and_its_query_count_is_pinned(client, users, django_assert_num_queries):
    assert client.get(SEARCH, {"q": "望京"}).status_code == 302
    login(client, users["agent"])
    with django_assert_num_queries(4):  # session, user, the units, which of their names are shared
        assert len(search(client, "街道")) == 20  # at most 20, best first
    with django_assert_num_queries(2):  # nothing typed: no search
        assert search(client, " ") == []


# --- the server reads names -----------------------------------------------------------------------------------

def test_a_unit_is_read_from_its_code_name_short_name_or_picked_label(directory):
    read = {"field": "lead_unit", "label": "主办单位"}
    assert unit_from_text("望京街道", **read) == directory[WANGJING]
    assert unit_from_text("望京", **read) == directory[WANGJING]
    assert unit_from_text(WANGJING, **read) == directory[WANGJING]
    assert unit_from_text("八里庄街道（海淀区）", **read).parent.name == "海淀区"
    assert unit_from_text("", **read) is None
    with pytest.raises(InvalidInput) as unknown:
        unit_from_text("不存在街道", **read)
    assert unknown.value.field == "lead_unit" and "主办单位：未找到单位「不存在街道」" in unknown.value.message
    with pytest.raises(InvalidInput) as shared:
        unit_from_text("八里庄街道", **read)
    assert "八里庄街道（朝阳区）、八里庄街道（海淀区）" in shared.value.message


def test_redispatch_takes_names_and_says_which_field_is_wrong(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    handling.return_order(users["wangjing"], ticket.pk, "地址不在本街道")
    login(client, users["dispatcher"])
    url = reverse("hotline:ticket_action", args=[ticket.pk, "redispatch"])
    response = client.post(url, {"lead_unit": "八里庄街道"})
    html = response.content.decode()
    assert response.status_code == 400 and "改派至：「八里庄街道」有多个单位" in html
    assert "id_redispatch_lead_unit_error" in html
    assert Ticket.objects.get(pk=ticket.pk).lead_unit_id == directory[WANGJING].pk  # nothing changed
    client.post(url, {"lead_unit": "八里庄街道（朝阳区）", "assist_units": "城管执法局、望京"})
    ticket.refresh_from_db()
    assert ticket.lead_unit.code == "110105015"
    assert set(ticket.assignments.filter(role="assist").values_list("unit__code", flat=True)) == {
        CHENGGUAN, WANGJING}


# --- intake: the lead unit ------------------------------------------------------------------------------------

def test_intake_changing_the_suggested_lead_needs_a_reason(client, users, catalog):
    login(client, users["agent"])
    response = client.post("/intake/", intake_post(catalog, lead_unit="城管执法局"))
    html = response.content.decode()
    assert response.status_code == 400 and errors_of(html) == {"lead_reason"}
    assert "主办单位与目录建议的「望京街道」不同，请填写改变主办单位的理由" in html
    assert not Ticket.objects.exists()


def test_intake_changes_the_lead_with_a_reason_recorded_on_the_dispatch(client, users, catalog):
    login(client, users["agent"])
    reason = "占道经营需执法，街道无执法权"
    response = client.post("/intake/", intake_post(catalog, lead_unit="北京市城市管理综合行政执法局",
                                                   lead_reason=reason, assist_units="望京街道、"), follow=True)
    ticket = Ticket.objects.get()
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit.code == CHENGGUAN
    assert "已派至北京市城市管理综合行政执法局（主办）" in response.content.decode()
    event = TicketEvent.objects.get(ticket=ticket, action="dispatch")
    assert event.data["suggested_lead"] == WANGJING and event.data["lead_reason"] == reason
    assert event.data["assist"] == [WANGJING]
    assert f"改变目录建议的主办单位望京街道，理由：{reason}" in event.note
    page = client.get(reverse("hotline:ticket", args=[ticket.pk])).content.decode()
    assert reason in page  # on the order's timeline


def test_naming_the_suggested_lead_itself_needs_no_reason(users, directory, catalog):
    ticket, _ = intake.take_call(
        users["agent"], then=intake.DISPATCH, lead_unit=directory[WANGJING], channel="phone",
        caller_phone="13912345678", address="望京西园", district=directory[CHAOYANG], street=directory[WANGJING],
        content="楼道垃圾", request_type="complaint", catalog_item=catalog["sanitation"])
    assert ticket.lead_unit_id == directory[WANGJING].pk
    assert "suggested_lead" not in TicketEvent.objects.get(ticket=ticket, action="dispatch").data


def test_the_api_refuses_a_changed_lead_without_a_reason(users, directory, catalog):
    client = api_client(users["agent"])
    body = {"channel": "phone", "caller_phone": "13912345678", "address": "望京西园", "district": CHAOYANG,
            "street": WANGJING, "content": "楼道垃圾", "request_type": "complaint",
            "catalog_item": catalog["sanitation"].pk, "dispatch": True, "lead_unit": CHENGGUAN}
    response = client.post("/api/tickets/", body, format="json")
    assert response.status_code == 400 and "lead_reason" in response.json()["errors"]
    response = client.post("/api/tickets/", {**body, "lead_reason": "需执法"}, format="json")
    assert response.status_code == 201 and response.json()["lead_unit"] == CHENGGUAN


# --- intake: every error at once, required marks, the limit -------------------------------------------------------

def test_an_empty_intake_form_gets_every_required_fields_error_in_one_response(client, users, catalog):
    login(client, users["agent"])
    response = client.post("/intake/", {"submit": "dispatch"})
    html = response.content.decode()
    assert response.status_code == 400
    assert errors_of(html) >= {"caller_phone", "channel", "district", "address", "content", "request_type",
                               "urgency", "catalog_item"}
    for message in ("诉求人电话不能为空", "请选择受理渠道", "请选择事发地所在的区", "事发地址不能为空",
                    "诉求内容不能为空", "请选择诉求类型", "请选择紧急程度", "请选择当前版本派单目录的三级条目"):
        assert message in html
    assert "项需要修改" in html
    assert not Ticket.objects.exists()


def test_several_wrong_fields_are_reported_together(client, users, catalog):
    login(client, users["agent"])
    response = client.post("/intake/", intake_post(catalog, caller_phone="12345", street="不存在街道", tier="15d"))
    assert errors_of(response.content.decode()) == {"caller_phone", "street", "tier_reason"}


def test_required_fields_are_marked_and_limited_in_the_browser(client, users):
    login(client, users["agent"])
    html = client.get("/intake/").content.decode()
    assert html.count('<span class="req" aria-hidden="true">*</span>') >= 8
    assert 'data-required-message="诉求内容不能为空"' in html
    assert f'maxlength="{CONTENT_MAX_LENGTH}"' in html and f"最多 {CONTENT_MAX_LENGTH} 字" in html
    assert 'data-unit-picker="dispatch"' in html  # the lead and assisting units are pickers
    assert "novalidate" in html  # the page script shows every problem, not the browser's first bubble


def test_the_content_is_limited_to_2000_characters(client, users, catalog):
    login(client, users["agent"])
    response = client.post("/intake/", intake_post(catalog, content="漏" * (CONTENT_MAX_LENGTH + 1)))
    assert response.status_code == 400 and "诉求内容不能超过2000字（现有2001字）" in response.content.decode()
    assert not Ticket.objects.exists()
    client.post("/intake/", intake_post(catalog, content="漏" * CONTENT_MAX_LENGTH))
    assert len(Ticket.objects.get().content) == CONTENT_MAX_LENGTH


def test_the_service_and_the_api_keep_the_limit_too(users, directory, catalog):
    with pytest.raises(InvalidInput) as error:
        intake.record_call(users["agent"], channel="phone", caller_phone="13912345678", address="望京西园",
                           district=directory[CHAOYANG], content="漏" * 2001, request_type="help",
                           catalog_item=catalog["sanitation"])
    assert error.value.field == "content"
    body = {"channel": "phone", "caller_phone": "13912345678", "address": "望京西园", "district": CHAOYANG,
            "content": "漏" * 2001, "request_type": "help", "catalog_item": catalog["sanitation"].pk}
    response = api_client(users["agent"]).post("/api/tickets/", body, format="json")
    assert response.status_code == 400 and "content" in response.json()["errors"]


# --- the suggested 诉求类型 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("举报小区有人私搭乱建", "report"),
    ("楼下饭馆油烟太大，多次反映没人管", "complaint"),
    ("请问办理居住证需要哪些材料", "consultation"),
    ("家里暖气不热，请帮忙联系维修", "help"),
    ("建议在小区门口增设公交站", "suggestion"),
    ("感谢供电公司师傅冒雨抢修", "praise"),
])
def test_the_request_type_is_suggested_from_the_text(client, users, text, expected):
    login(client, users["agent"])
    suggestion = client.get("/intake/suggest/request-type/", {"text": text}).json()["request_type"]
    assert suggestion["value"] == expected and suggestion["cues"]


def test_no_cue_no_suggestion_and_only_for_agents(client, users):
    login(client, users["agent"])
    assert client.get("/intake/suggest/request-type/", {"text": "你好"}).json() == {"request_type": None}
    assert login(client, users["wangjing"]).get("/intake/suggest/request-type/", {"text": "举报"}).status_code == 403


def test_the_whistle_form_takes_short_names_and_offers_no_district(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    handling.sign(users["wangjing"], ticket.pk, now=now)
    handling.contact_caller(users["wangjing"], ticket.pk, "已联系", now=now)
    login(client, users["wangjing"])
    url = reverse("hotline:ticket_action", args=[ticket.pk, "raise_whistle"])
    refused = client.post(url, {"units": "朝阳区", "reason": "需执法"})
    assert refused.status_code == 400 and "被吹哨单位：未找到单位「朝阳区」" in refused.content.decode()
    client.post(url, {"units": "城管执法局、热力集团", "reason": "需执法并关阀"})
    assert set(ticket.whistles.get().targets.values_list("unit__code", flat=True)) == {CHENGGUAN, "E002"}
