"""Smart intake wired into the intake page's JSON views and the API: leaves, streets, repeats, linking."""

import datetime as dt

import pytest
from django.utils import timezone

from assessment.models import Clock
from dispatch.catalog.services import load_starter
from hotline.choices import Status
from hotline.models import Ticket
from hotline.services import intake
from hotline.suggest import address, store

from .api_helpers import client_for

HEATING = "我家暖气片一直不热，屋里只有十五度"
PHONE = "13812340001"


@pytest.fixture
def starter(directory, settings, tmp_path):
    """The bundled starter catalog, its suggestion model trained into a temporary directory."""
    settings.SUGGEST_MODEL_DIR = tmp_path / "models"
    store.clear_cache()
    address.clear_cache()
    version, _ = load_starter(force=True)
    yield version
    store.clear_cache()
    address.clear_cache()


@pytest.fixture
def heating_leaf(starter):
    return starter.items.get(level=3, name="户内暖气不热")


@pytest.fixture
def earlier(demo_users, directory, heating_leaf):
    """An open heating order at 望京, dispatched an hour ago."""
    street = directory["110105026"]
    ticket, _ = intake.intake_ticket(
        demo_users["agent"], channel="phone", caller_phone=PHONE, address="望京西园三区5号楼", district=street.parent,
        street=street, content="家里暖气不热，室温只有十四度", request_type="help", catalog_item=heating_leaf,
        now=timezone.now() - dt.timedelta(hours=1),
    )
    return intake.dispatch_ticket(demo_users["agent"], ticket.pk)


def page_client(client, user):
    client.force_login(user)
    return client


def intake_post(leaf, **extra):
    return {"caller_phone": PHONE, "channel": "phone", "address": "望京西园三区5号楼", "street": "望京街道",
            "content": "暖气还是不热，上次反映了还没人来", "request_type": "help", "urgency": "normal",
            "catalog_item": leaf.pk, "idempotency_key": "", **extra}


# --- the intake page's JSON views -----------------------------------------------------------------------------


def test_content_suggests_the_heating_leaf_with_path_score_and_tier(client, demo_users, starter):
    leaves = page_client(client, demo_users["agent"]).get("/intake/suggest/leaves/", {"text": HEATING}).json()["leaves"]
    assert len(leaves) == 3
    best = leaves[0]
    assert best["name"] == "户内暖气不热" and best["path"] == "城乡建设 / 供热采暖 / 户内暖气不热"
    assert [leaf["score"] for leaf in leaves] == sorted((leaf["score"] for leaf in leaves), reverse=True)
    assert 0 < leaves[-1]["score"] <= best["score"] <= 1
    assert best["tiers"]["normal"]["value"] == "24h" and best["request_type"] == "help"
    assert client.get("/intake/suggest/leaves/", {"text": " "}).json() == {"leaves": []}


def test_address_suggests_the_street_and_its_district(client, demo_users, directory, starter):
    agent = page_client(client, demo_users["agent"])
    data = agent.get("/intake/suggest/streets/", {"address": "望京西园三区"}).json()
    best = data["streets"][0]
    assert best["name"] == "望京街道" and best["code"] == "110105026" and best["district"] == "朝阳区"
    assert best["district_id"] == directory["110105"].pk and "望京" in best["reason"]
    only_district = agent.get("/intake/suggest/streets/", {"address": "海淀区某小区门口"}).json()
    assert only_district["district"]["name"] == "海淀区"
    assert agent.get("/intake/suggest/streets/", {"address": ""}).json() == {"district": None, "streets": []}


def test_a_repeat_by_phone_is_listed_and_linking_answers_without_dispatch(client, demo_users, earlier, heating_leaf):
    agent = page_client(client, demo_users["agent"])
    repeats = agent.get("/intake/suggest/repeats/", {"phone": PHONE, "content": "暖气不热"}).json()["repeats"]
    assert [(r["id"], r["number"], r["reason"]) for r in repeats] == [(earlier.pk, earlier.number, "同一来电号码")]
    assert repeats[0]["received_at"] == f"{timezone.localtime(earlier.received_at):%Y-%m-%d %H:%M}"
    response = agent.post("/intake/", intake_post(heating_leaf, repeat_of=earlier.pk), follow=True)
    new = Ticket.objects.exclude(pk=earlier.pk).get()
    assert new.status == Status.ANSWERED and new.repeat_of == earlier
    assert new.lead_unit is None and not new.assignments.exists()
    assert not Clock.objects.filter(ticket=new, stopped_at__isnull=True).exists()  # no dispatch deadline left
    html = response.content.decode()
    assert f"工单 {new.number} 已受理，已关联为工单 {earlier.number} 的重复诉求" in html and "未再派单" in html


def test_similar_content_at_the_same_street_is_a_repeat_from_another_phone(client, demo_users, earlier):
    agent = page_client(client, demo_users["agent"])
    params = {"phone": "13900000000", "content": "家里暖气不热，室温只有十四度左右", "street": "望京街道"}
    repeats = agent.get("/intake/suggest/repeats/", params).json()["repeats"]
    assert [r["id"] for r in repeats] == [earlier.pk] and "相似" in repeats[0]["reason"]
    other_street = agent.get("/intake/suggest/repeats/", {**params, "street": "酒仙桥街道"}).json()
    assert other_street == {"repeats": []}


def test_a_refused_link_saves_nothing(client, demo_users, earlier, heating_leaf):
    agent = page_client(client, demo_users["agent"])
    Ticket.objects.filter(pk=earlier.pk).update(status=Status.CLOSED)
    response = agent.post("/intake/", intake_post(heating_leaf, repeat_of=earlier.pk))
    assert response.status_code == 400 and "已结案，请作为新诉求派单" in response.content.decode()
    response = agent.post("/intake/", intake_post(heating_leaf, repeat_of="x1"))
    assert response.status_code == 400 and "原工单编号无效" in response.content.decode()
    assert Ticket.objects.count() == 1


def test_intake_page_offers_the_suggestion_panels(client, demo_users, starter):
    html = page_client(client, demo_users["agent"]).get("/intake/").content.decode()
    assert 'id="leaf-suggest" aria-live="polite"' in html and 'id="street-suggest" aria-live="polite"' in html
    assert "可能的重复诉求" in html and 'id="repeats" aria-live="polite"' in html


@pytest.mark.parametrize("url", ["/intake/suggest/leaves/", "/intake/suggest/streets/", "/intake/suggest/repeats/"])
def test_suggestion_views_are_for_call_takers_only(client, demo_users, starter, url):
    assert page_client(client, demo_users["wangjing"]).get(url, {"text": HEATING}).status_code == 403
    assert page_client(client, demo_users["dispatcher"]).get(url).status_code == 200


# --- the API ----------------------------------------------------------------------------------------------------


def test_api_suggestions_return_leaves_streets_and_repeats(demo_users, earlier):
    body = {"text": HEATING, "address": "望京西园三区", "phone": PHONE}
    response = client_for(demo_users["agent"]).post("/api/suggestions/", body, format="json")
    assert response.status_code == 200
    data = response.json()
    assert len(data["leaves"]) == 3 and data["leaves"][0]["path"] == "城乡建设 / 供热采暖 / 户内暖气不热"
    assert set(data["leaves"][0]) == {"id", "code", "path", "score"}
    street = data["streets"][0]
    assert (street["code"], street["name"], street["district"]) == ("110105026", "望京街道", "110105")
    assert 0 < street["score"] <= 1 and street["reason"]
    repeat = data["repeats"][0]
    assert (repeat["id"], repeat["number"], repeat["reason"]) == (earlier.pk, earlier.number, "同一来电号码")
    assert len(data["repeats"]) == 1 and repeat["received_at"]


def test_api_repeat_by_similar_text_at_the_resolved_street(demo_users, earlier):
    body = {"text": "家里暖气不热，室温只有十四度左右", "address": "望京西园三区", "phone": "13900000000"}
    repeats = client_for(demo_users["dispatcher"]).post("/api/suggestions/", body, format="json").json()["repeats"]
    assert [r["id"] for r in repeats] == [earlier.pk]


@pytest.mark.parametrize(("body", "field"), [
    ({}, "text"),
    ({"text": ["暖气"]}, "text"),
    ({"text": "暖气", "phone": "abc"}, "phone"),
    ({"text": "暖气", "address": "地" * 201}, "address"),
])
def test_api_suggestions_name_the_bad_field(demo_users, starter, body, field):
    response = client_for(demo_users["agent"]).post("/api/suggestions/", body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]


def test_api_links_a_repeat(demo_users, earlier, heating_leaf, directory):
    street = directory["110105026"]
    new, _ = intake.intake_ticket(
        demo_users["agent"], channel="web", caller_phone=PHONE, address="望京西园三区", district=street.parent,
        street=street, content="暖气不热", request_type="help", catalog_item=heating_leaf,
    )
    response = client_for(demo_users["dispatcher"]).post(
        f"/api/tickets/{new.pk}/link-repeat/", {"original_id": earlier.pk}, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == Status.ANSWERED and data["repeat_of"] == {"id": earlier.pk, "number": earlier.number}
    assert data["lead_unit"] is None and earlier.number in data["answer"]
    new.refresh_from_db()
    assert new.repeat_of == earlier and not new.assignments.exists()


@pytest.mark.parametrize(("body", "status", "field"), [
    ({}, 400, "original_id"),
    ({"original_id": "x"}, 400, "original_id"),
    ({"original_id": 0}, 400, "original_id"),
    ({"original_id": 999_999_999}, 404, "original_id"),
    ("self", 400, "original_id"),
])
def test_api_link_repeat_names_the_bad_field_and_writes_nothing(demo_users, earlier, body, status, field):
    body = {"original_id": earlier.pk} if body == "self" else body
    response = client_for(demo_users["agent"]).post(f"/api/tickets/{earlier.pk}/link-repeat/", body, format="json")
    assert response.status_code == status and field in response.json()["errors"]
    earlier.refresh_from_db()
    assert earlier.status == Status.DISPATCHED and earlier.repeat_of is None


def test_api_is_for_call_takers_only(demo_users, earlier):
    street_staff = client_for(demo_users["wangjing"])  # the street handles the order but does not take calls
    assert street_staff.post("/api/suggestions/", {"text": HEATING}, format="json").status_code == 403
    response = street_staff.post(f"/api/tickets/{earlier.pk}/link-repeat/", {"original_id": 1}, format="json")
    assert response.status_code == 403
    assert client_for(demo_users["callback"]).post("/api/suggestions/", {"text": "x"}, format="json").status_code == 403
    assert client_for(None).post("/api/suggestions/", {"text": "x"}, format="json").status_code in (401, 403)
    missing = client_for(demo_users["agent"]).post("/api/tickets/999999999/link-repeat/", {"original_id": earlier.pk},
                                                   format="json")
    assert missing.status_code == 404
