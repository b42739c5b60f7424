"""Streets that share a name (八里庄街道 in 朝阳区 and 海淀区; the short form 东风 of 朝阳's 东风地区 and 房山's
东风街道): an address or a form naming the district gets that district's street; a name alone offers every street it
fits. Also the short forms a district and a street share (海淀: 海淀区 and 海淀街道)."""

import datetime as dt
from collections import defaultdict

import pytest
from django.utils import timezone

from core.errors import InvalidInput
from dispatch.choices import UnitKind
from dispatch.models import Unit
from dispatch.selectors import street_named
from hotline.models import Ticket
from hotline.services import intake
from hotline.suggest import address, guess_district, resolve_address

from .api_helpers import client_for

CHAOYANG_BALIZHUANG, HAIDIAN_BALIZHUANG = "110105015", "110108005"
CHAOYANG_DONGFENG, FANGSHAN_DONGFENG = "110105030", "110111005"
GARBAGE = "小区门口垃圾堆放多日无人清运，气味很大"


@pytest.fixture(autouse=True)
def fresh_index():
    address.clear_cache()
    yield
    address.clear_cache()


def codes(results):
    return [street.code for street, _, _ in results]


def shared_names():
    """Every full name or short form that streets of several districts share, from the loaded directory."""
    by_name = defaultdict(list)
    for street in Unit.objects.filter(kind=UnitKind.STREET, is_active=True).select_related("parent"):
        for name in {street.name, street.short_name}:
            by_name[name].append(street)
    return {name: streets for name, streets in by_name.items() if len({s.parent_id for s in streets}) > 1}


# --- free-text addresses ---------------------------------------------------------------------------------------


def test_the_directory_has_exactly_these_same_named_streets(directory):
    found = {name: sorted(s.code for s in streets) for name, streets in shared_names().items()}
    assert found == {"八里庄街道": [CHAOYANG_BALIZHUANG, HAIDIAN_BALIZHUANG],
                     "八里庄": [CHAOYANG_BALIZHUANG, HAIDIAN_BALIZHUANG],
                     "东风": [CHAOYANG_DONGFENG, FANGSHAN_DONGFENG]}


def test_an_address_naming_haidian_resolves_to_haidians_balizhuang(directory):
    results = resolve_address("海淀区八里庄街道北洼路")
    street, score, reason = results[0]
    assert street.code == HAIDIAN_BALIZHUANG and street.parent.name == "海淀区"
    assert score == 1.0 and "八里庄街道" in reason
    assert CHAOYANG_BALIZHUANG not in codes(results)


def test_an_address_naming_chaoyang_resolves_to_chaoyangs_balizhuang(directory):
    results = resolve_address("朝阳区八里庄街道十里堡北里")
    assert codes(results)[0] == CHAOYANG_BALIZHUANG and results[0][1] == 1.0
    assert HAIDIAN_BALIZHUANG not in codes(results)



def test_a_short_form_a_district_and_a_street_share_names_the_district_before_another_street(directory):
    results = resolve_address("海淀八里庄北洼路")  # 海淀 is 海淀区 here, not 海淀街道
    assert codes(results) == [HAIDIAN_BALIZHUANG] and results[0][1] == 0.85
    assert guess_district("海淀八里庄北洼路").name == "海淀区"
    street, _, reason = resolve_address("海淀西大街36号")[0]  # alone, 海淀 is still the street 海淀街道
    assert street.name == "海淀街道" and street.parent.name == "海淀区" and "简称「海淀」" in reason
    assert guess_district("海淀西大街36号").name == "海淀区"
    assert codes(resolve_address("延庆康庄镇东红寺村")) == ["110119101"]  # 延庆区's 康庄镇, not 延庆镇


def test_a_bare_shared_name_offers_both_streets_with_their_districts(directory):
    results = resolve_address("八里庄街道")
    assert sorted(codes(results)) == [CHAOYANG_BALIZHUANG, HAIDIAN_BALIZHUANG]
    assert results[0][1] == results[1][1] < 1.0  # neither is the answer on its own
    assert all("朝阳区、海淀区都有" in reason for _, _, reason in results)
    assert guess_district("八里庄街道") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("东风南路3号院", {CHAOYANG_DONGFENG, FANGSHAN_DONGFENG}),
    ("朝阳区东风南路3号院", {CHAOYANG_DONGFENG}),
    ("房山区东风小区", {FANGSHAN_DONGFENG}),
    ("八里庄北里5号楼", {CHAOYANG_BALIZHUANG, HAIDIAN_BALIZHUANG}),
    ("海淀区八里庄北里", {HAIDIAN_BALIZHUANG}),
])
def test_a_short_form_several_streets_share(directory, text, expected):
    results = resolve_address(text)
    best = results[0][1]
    assert {street.code for street, score, _ in results if score == best} == expected


def test_every_shared_name_offers_all_its_streets_and_each_district_picks_its_own(directory):
    for name, streets in shared_names().items():
        assert set(codes(resolve_address(name))) >= {s.code for s in streets}, name
        for street in streets:
            results = resolve_address(f"{street.parent.name}{name}")
            others = [score for other, score, _ in results if other.code != street.code]
            assert codes(results)[0] == street.code and all(score < results[0][1] for score in others), name


def test_a_street_named_after_a_district_does_not_name_that_district(directory):
    assert guess_district("朝阳门内大街81号") is None  # 朝阳门街道 is in 东城区
    assert guess_district("朝阳区八里庄街道").name == "朝阳区"


def test_the_intake_page_suggests_both_streets_with_their_districts(client, demo_users, directory):
    client.force_login(demo_users["agent"])
    streets = client.get("/intake/suggest/streets/", {"address": "八里庄街道"}).json()["streets"]
    assert sorted((s["code"], s["district"], s["district_id"]) for s in streets) == [
        (CHAOYANG_BALIZHUANG, "朝阳区", directory["110105"].pk),
        (HAIDIAN_BALIZHUANG, "海淀区", directory["110108"].pk),
    ]
    picked = client.get("/units/search/", {"q": "八里庄", "scope": "street"}).json()["units"]
    assert sorted((u["code"], u["district"], u["district_id"]) for u in picked) == [  # the street picker's list
        (CHAOYANG_BALIZHUANG, "朝阳区", directory["110105"].pk),
        (HAIDIAN_BALIZHUANG, "海淀区", directory["110108"].pk),
    ]
    page = client.get("/intake/").content.decode()
    assert 'data-unit-picker="street"' in page and 'id="street-note"' in page


# --- one selector for a street by name within a district ---------------------------------------------------------


def test_the_selector_picks_the_street_of_the_district_given(directory):
    assert street_named("八里庄街道", directory["110108"]).code == HAIDIAN_BALIZHUANG
    assert street_named("八里庄街道", directory["110105"].pk).code == CHAOYANG_BALIZHUANG
    assert street_named("八里庄", directory["110108"]).code == HAIDIAN_BALIZHUANG
    assert street_named("东风", directory["110111"]).code == FANGSHAN_DONGFENG
    assert street_named("望京街道").code == "110105026"
    assert street_named("  ") is None


@pytest.mark.parametrize(("name", "district", "message"), [
    ("八里庄街道", None, "八里庄街道在朝阳区、海淀区都有，请选择区"),
    ("东风", None, "东风在朝阳区、房山区都有，请选择区"),
    ("望京街道", "110108", "海淀区没有望京街道（望京街道在朝阳区），请重新选择区或街乡镇"),
    ("不存在街道", None, "未找到街乡镇「不存在街道」，请从列表中选择"),
])
def test_the_selector_refuses_an_ambiguous_or_unknown_name(directory, name, district, message):
    with pytest.raises(InvalidInput) as raised:
        street_named(name, directory[district] if district else None)
    assert raised.value.message == message and raised.value.field == "street"


# --- the intake form ---------------------------------------------------------------------------------------------


def intake_post(catalog, **fields):
    return {"caller_phone": "13912345678", "channel": "phone", "address": "北洼路46号院", "content": GARBAGE,
            "request_type": "complaint", "urgency": "normal", "catalog_item": catalog["sanitation"].pk,
            "submit": "dispatch", "idempotency_key": "", **fields}


def test_intake_with_balizhuang_and_haidian_files_the_order_to_haidians_street(client, demo_users, directory,
                                                                               catalog):
    client.force_login(demo_users["agent"])
    response = client.post("/intake/", intake_post(catalog, street="八里庄街道", district=directory["110108"].pk),
                           follow=True)
    ticket = Ticket.objects.get()
    assert ticket.street.code == HAIDIAN_BALIZHUANG and ticket.district.name == "海淀区"
    assert ticket.lead_unit.code == HAIDIAN_BALIZHUANG
    assert "已派至八里庄街道（主办），抄送海淀区" in response.content.decode()


def test_intake_with_an_ambiguous_street_and_no_district_asks_for_the_district(client, demo_users, directory,
                                                                               catalog):
    client.force_login(demo_users["agent"])
    response = client.post("/intake/", intake_post(catalog, street="八里庄街道"))
    html = response.content.decode()
    assert response.status_code == 400
    assert '<p class="error" id="id_street_error" role="alert">八里庄街道在朝阳区、海淀区都有，请选择区</p>' in html
    assert not Ticket.objects.exists()


# --- repeat search: only at a street the input names unambiguously ----------------------------------------------


@pytest.fixture
def haidian_order(demo_users, directory, catalog):
    street = directory[HAIDIAN_BALIZHUANG]
    ticket, _ = intake.intake_ticket(
        demo_users["agent"], channel="phone", caller_phone="13800001111", address="北洼路46号院",
        district=street.parent, street=street, content=GARBAGE, request_type="complaint",
        catalog_item=catalog["sanitation"], now=timezone.now() - dt.timedelta(hours=1),
    )
    return ticket


def test_repeats_at_a_same_named_street_need_the_district(client, demo_users, directory, haidian_order):
    client.force_login(demo_users["agent"])
    params = {"phone": "13900000000", "content": GARBAGE, "street": "八里庄街道"}
    assert client.get("/intake/suggest/repeats/", params).json() == {"repeats": []}
    with_district = {**params, "district": str(directory["110108"].pk)}
    assert [r["id"] for r in client.get("/intake/suggest/repeats/", with_district).json()["repeats"]] == [
        haidian_order.pk]
    chaoyang = {**params, "district": str(directory["110105"].pk)}
    assert client.get("/intake/suggest/repeats/", chaoyang).json() == {"repeats": []}


def test_api_suggestions_offer_both_streets_and_no_repeat_from_a_guessed_one(demo_users, haidian_order):
    api = client_for(demo_users["agent"])
    body = {"text": GARBAGE, "address": "八里庄街道北洼路", "phone": "13900000000"}
    data = api.post("/api/suggestions/", body, format="json").json()
    assert sorted((s["code"], s["district_name"]) for s in data["streets"]) == [
        (CHAOYANG_BALIZHUANG, "朝阳区"), (HAIDIAN_BALIZHUANG, "海淀区")]
    assert data["repeats"] == []
    named = api.post("/api/suggestions/", {**body, "address": "海淀区八里庄街道北洼路"}, format="json").json()
    assert named["streets"][0]["code"] == HAIDIAN_BALIZHUANG
    assert [r["id"] for r in named["repeats"]] == [haidian_order.pk]
