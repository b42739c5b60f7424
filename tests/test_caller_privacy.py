"""Caller privacy (issue 13, findings 1–4): the attacks of the probe, performed again, now get nothing.

Who may see the full number: hotline/privacy.py. Each test plays a user the probe played: a district supervisor,
an assisting unit, a former lead, a city leader, an administrator.
"""

import datetime as dt
import re

import pytest

from dispatch.choices import Role
from dispatch.models import User
from hotline.models import CallerReveal, Ticket
from hotline.privacy import mask_address, mask_name, mask_numbers, mask_phone

from .api_helpers import client_for
from .lifecycle_helpers import T0, center, handling, intake, take_call, walk_to_completed
from .page_helpers import login

pytestmark = pytest.mark.django_db

PHONE = "13712340987"
GUESSES = [f"137{digit}2340987" for digit in range(10)]  # the probe's ten searches for 137X2340987
ADDRESS = "望京街道花家地小区3号楼502"
WANGJING, ANDINGMEN, CHENGGUAN = "110105026", "110101004", "D002"


def call(users, directory, catalog, *, phone=PHONE, name="张先生", assist=(), now=T0):
    """A sanitation complaint at 望京 from ``phone``, dispatched to 望京 (assisting: ``assist`` codes); its content
    repeats the number, as callers do (pages and the API mask it there too)."""
    street = directory[WANGJING]
    ticket, _ = intake.take_call(
        users["agent"], channel="phone", caller_phone=phone, caller_name=name, address=ADDRESS,
        district=street.parent, street=street, content=f"楼下垃圾无人清理，回电{phone}", request_type="complaint",
        catalog_item=catalog["sanitation"], now=now)
    intake.dispatch_ticket(users["agent"], ticket.pk, lead_unit=street,
                           assist_units=[directory[code] for code in assist], now=now)
    return ticket


def handed_to_andingmen(users, directory, catalog):
    """望京 returns the order, the center gives it to 安定门, 安定门 signs and writes its contact note."""
    ticket = call(users, directory, catalog)
    andingmen = User.objects.create(username="andingmen", role=Role.STREET_STAFF, unit=directory[ANDINGMEN])
    handling.return_order(users["wangjing"], ticket.pk, "不属于本街道", now=T0 + dt.timedelta(minutes=10))
    center.redispatch(users["dispatcher"], ticket.pk, lead_unit=directory[ANDINGMEN],
                      now=T0 + dt.timedelta(minutes=20))
    handling.sign(andingmen, ticket.pk, now=T0 + dt.timedelta(minutes=30))
    handling.contact_caller(andingmen, ticket.pk, "已联系诉求人，住3号楼502", now=T0 + dt.timedelta(minutes=40))
    return ticket, andingmen


def page(client, user, ticket):
    return login(client, user).get(f"/tickets/{ticket.pk}/").content.decode()


# --- finding 3: any number, at least half of its digits hidden ----------------------------------------------


@pytest.mark.parametrize("length", range(5, 14))
def test_every_length_of_number_hides_at_least_half_of_its_digits(length):
    number = "1" + "234567890123"[: length - 1]
    masked = mask_phone(number)
    assert len(masked) == length and masked.count("*") >= length - length // 2
    assert all(m in ("*", d) for m, d in zip(masked, number, strict=True))  # shown digits stay in place


def test_the_mobile_and_the_eight_digit_local_masks():
    assert mask_phone("13812345678") == "138******78"
    assert mask_phone("84512345") == "****2345"
    assert mask_phone("010-84512345") == "******12345"  # 11 digits, not a mobile: its last 5
    assert mask_name("张先生") == "张**" and mask_name("") == ""
    assert mask_numbers("回电13812345678或010-84512345，见工单20261122-1234") == (
        "回电138******78或******12345，见工单20261122-1234")
    assert mask_address(ADDRESS) == "望京街道花家地****" and "502" not in mask_address(ADDRESS)


def test_an_eight_digit_local_number_shows_four_digits_on_the_page(client, users, directory, catalog):
    ticket = call(users, directory, catalog, phone="84512345")
    html = page(client, users["wangjing"], ticket)
    assert "****2345" in html and "84512345" not in html and "845****" not in html


# --- finding 1: search is no oracle -------------------------------------------------------------------------


@pytest.mark.parametrize("probe", ["chaoyang", "chengguan", "former_lead"])
def test_the_ten_guess_search_finds_nothing_for_those_who_see_a_mask(client, users, directory, catalog, probe):
    ticket = call(users, directory, catalog, assist=[CHENGGUAN])
    user = users["wangjing" if probe == "former_lead" else probe]
    if probe == "former_lead":
        handling.return_order(user, ticket.pk, "不属于本街道", now=T0 + dt.timedelta(minutes=10))
    login(client, user)
    assert client.get("/tickets/", {"q": "垃圾"}).context["tickets"]  # the order is in the user's scope
    for query in [*GUESSES, "137X2340987", "137-1234-0987", "137 1234 0987", "137****0987", f"回电{PHONE}"]:
        response = client.get("/tickets/", {"q": query})
        assert list(response.context["tickets"]) == [], query
        assert "号码检索仅限" in response.content.decode(), query


def test_the_lead_finds_its_own_order_by_the_callers_number(client, users, directory, catalog):
    ticket = call(users, directory, catalog)
    login(client, users["wangjing"])
    found = [list(client.get("/tickets/", {"q": query}).context["tickets"]) for query in GUESSES]
    assert [len(rows) for rows in found] == [0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert found[1] == [ticket]
    assert client.get("/tickets/", {"q": ticket.number}).context["tickets"][0] == ticket


def test_leaders_and_dispatchers_cannot_search_by_number_but_by_ticket_number(client, users, directory, catalog):
    ticket = call(users, directory, catalog)
    for name in ("leader", "admin", "dispatcher"):
        login(client, users[name])
        response = client.get("/tickets/", {"q": PHONE})
        assert list(response.context["tickets"]) == [] and "号码检索仅限" in response.content.decode(), name
        assert list(client.get("/tickets/", {"q": ticket.number}).context["tickets"]) == [ticket], name


def test_api_filters_confirm_no_number(users, directory, catalog):
    call(users, directory, catalog)
    api = client_for(users["chaoyang"])
    right = api.get("/api/tickets/", {"caller_phone": PHONE}).json()
    wrong = api.get("/api/tickets/", {"caller_phone": "13702340987"}).json()
    assert right == wrong and right["count"] == 1  # the parameter is no filter: the same answer either way
    assert api.get("/api/tickets/", {"search": PHONE}).json() == wrong


def test_intake_lookups_need_the_whole_number(client, users, directory, catalog):
    call(users, directory, catalog)
    login(client, users["agent"])
    assert client.get("/intake/earlier/", {"phone": "1371234"}).json()["requests"] == []
    assert len(client.get("/intake/earlier/", {"phone": PHONE}).json()["requests"]) == 1


# --- finding 2: leaders and administrators see masks --------------------------------------------------------


@pytest.mark.parametrize("name", ["leader", "admin", "chaoyang", "chengguan", "dispatcher", "auditor"])
def test_the_ticket_page_and_api_show_no_full_number_to_whom_need_not_call(client, users, directory, catalog, name):
    ticket = call(users, directory, catalog, assist=[CHENGGUAN])
    if name == "auditor":  # sees no orders at all
        assert login(client, users[name]).get(f"/tickets/{ticket.pk}/").status_code == 404
        return
    html = page(client, users[name], ticket)  # the caller's own words stay
    assert "137******87" in html and PHONE not in html and "张先生" not in html and "张**" in html
    assert "查看完整号码</button>" not in html
    detail = client_for(users[name]).get(f"/api/tickets/{ticket.pk}/").json()
    assert detail["caller_phone"] == "137******87" and detail["caller_name"] == "张**"
    if name in ("leader", "admin", "chaoyang"):  # not working on the order: the door number is hidden too
        assert "3号楼502" not in html and "502" not in detail["address"]
    refused = client_for(users[name]).post(f"/api/tickets/{ticket.pk}/reveal-caller/", {}, format="json")
    assert refused.status_code == 403 and "查看完整号码" in refused.json()["detail"]
    page_refused = client.post(f"/tickets/{ticket.pk}/caller/")
    assert page_refused.status_code == 403 and PHONE not in page_refused.content.decode()
    assert not CallerReveal.objects.exists()


def test_the_lead_sees_the_number_through_the_recorded_action(client, users, directory, catalog):
    ticket = call(users, directory, catalog)
    html = page(client, users["wangjing"], ticket)
    assert "查看完整号码</button>" in html and "137******87" in html and ADDRESS in html
    revealed = client.post(f"/tickets/{ticket.pk}/caller/").content.decode()
    assert re.search(rf'id="caller-full">张先生 {PHONE}<', revealed)
    record = CallerReveal.objects.get()
    assert (record.ticket_id, record.user, record.role, record.unit_id, record.basis) == (
        ticket.pk, users["wangjing"], Role.STREET_STAFF, users["wangjing"].unit_id, "lead")
    api = client_for(users["wangjing"]).post(f"/api/tickets/{ticket.pk}/reveal-caller/", {}, format="json")
    assert api.status_code == 201 and api.json()["caller_phone"] == PHONE and api.json()["basis"] == "lead"
    assert CallerReveal.objects.count() == 2
    listing = login(client, users["auditor"]).get("/audit/caller-reveals/").content.decode()
    assert listing.count(ticket.number) == 2 and "望京街道专班小刘" in listing and "主办单位" in listing
    admin = login(client, users["admin"]).get("/admin/hotline/callerreveal/")
    assert admin.status_code == 200 and "/admin/hotline/callerreveal/add/" not in admin.content.decode()
    assert login(client, users["leader"]).get("/audit/caller-reveals/").status_code == 403


def test_entitlement_follows_who_must_call_now(users, directory, catalog):
    api = {name: client_for(users[name]) for name in ("agent", "callback", "wangjing")}

    def reveal(name, ticket):
        return api[name].post(f"/api/tickets/{ticket.pk}/reveal-caller/", {}, format="json").status_code

    received = take_call(users, directory, catalog["sanitation"])
    assert reveal("agent", received) == 201  # the agent at intake, before dispatch
    assert reveal("callback", received) == 403
    ticket = call(users, directory, catalog)
    assert reveal("agent", ticket) == 403  # dispatched: the agent's part is done
    assert reveal("callback", ticket) == 403  # not yet awaiting its callback
    walk_to_completed(users, ticket)
    assert reveal("wangjing", ticket) == 403  # completed: the lead has told the caller
    assert reveal("callback", ticket) == 201
    assert sorted(CallerReveal.objects.values_list("basis", flat=True)) == ["callback", "intake"]


# --- finding 4: a unit whose part ended ---------------------------------------------------------------------


def test_a_returned_unit_sees_neither_the_next_units_note_nor_the_caller(client, users, directory, catalog):
    ticket, andingmen = handed_to_andingmen(users, directory, catalog)
    assert "住3号楼502" in page(client, andingmen, ticket)  # the new lead reads it

    html = page(client, users["wangjing"], ticket)
    assert "住3号楼502" not in html and "安定门街道签收" not in html
    assert "不属于本街道" in html  # what 望京 did itself
    assert PHONE not in html and "张先生" not in html and "3号楼502" not in html and "查看完整号码</button>" not in html
    detail = client_for(users["wangjing"]).get(f"/api/tickets/{ticket.pk}/").json()
    assert [e["action"] for e in detail["timeline"]] == ["intake", "dispatch", "return"]
    assert "502" not in detail["address"] and detail["caller_phone"] == "137******87"
    assert [a["unit"]["code"] for a in detail["assignments"]] == [WANGJING]
    assert "住3号楼502" not in str(detail)
    refused = client_for(users["wangjing"]).post(f"/api/tickets/{ticket.pk}/reveal-caller/", {}, format="json")
    assert refused.status_code == 403

    login(client, users["wangjing"])
    assert list(client.get("/tickets/", {"q": "3号楼502"}).context["tickets"]) == []  # no address oracle either
    assert list(client.get("/tickets/", {"q": "垃圾"}).context["tickets"]) == [Ticket.objects.get(pk=ticket.pk)]


def test_a_part_given_back_by_a_rejected_return_is_live_again(client, users, directory, catalog):
    ticket = call(users, directory, catalog)
    handling.return_order(users["wangjing"], ticket.pk, "不属于本街道", now=T0 + dt.timedelta(minutes=10))
    assert "查看完整号码</button>" not in page(client, users["wangjing"], ticket)
    center.rule_return(users["dispatcher"], ticket.pk, ruling="属望京街道", now=T0 + dt.timedelta(minutes=20))
    html = page(client, users["wangjing"], ticket)
    assert "查看完整号码</button>" in html and ADDRESS in html and "属望京街道" in html
