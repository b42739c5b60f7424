"""Address → street: full names, short forms, district hints, admin aliases and earlier tickets' addresses."""

import pytest

from dispatch.models import AddressAlias
from hotline.choices import Channel
from hotline.models import Ticket
from hotline.suggest import address, guess_district, resolve_address


@pytest.fixture(autouse=True)
def fresh_index():
    address.clear_cache()
    yield
    address.clear_cache()


def names(results):
    return [street.name for street, _, _ in results]


def test_full_street_name_resolves_with_full_confidence(directory):
    street, score, reason = resolve_address("北京市朝阳区望京街道望京西园三区5号楼")[0]
    assert street.code == "110105026" and street.parent.name == "朝阳区"
    assert score == 1.0 and "望京街道" in reason


def test_short_form_resolves_to_the_street(directory):
    street, score, reason = resolve_address("望京西园三区门口")[0]
    assert street.name == "望京街道" and 0.5 < score < 1.0 and "简称" in reason


def test_a_street_name_containing_a_district_name_is_not_read_as_that_district(directory):
    results = resolve_address("朝阳门内大街81号")
    assert names(results)[0] == "朝阳门街道"
    assert "不在所述区内" not in results[0][2]
    assert guess_district("海淀区中关村大街").name == "海淀区"


def test_district_in_the_text_outranks_a_street_of_another_district(directory):
    results = resolve_address("海淀区望京")  # a caller naming the wrong district keeps the street, ranked lower
    assert results and results[0][1] < 0.5 and "不在所述区内" in results[0][2]


def test_admin_alias_for_a_landmark(directory):
    AddressAlias.objects.create(alias="望京SOHO", street=directory["110105026"])
    street, score, reason = resolve_address("望京SOHO塔3底商")[0]
    assert street.name == "望京街道" and score == 0.95 and "别名" in reason


def test_earlier_tickets_teach_community_names(directory, demo_users, catalog):
    street = directory["110105026"]
    assert resolve_address("花家地西里三号楼") == []
    for n in range(3):
        Ticket.objects.create(
            channel=Channel.PHONE, caller_phone="13800001111", address=f"花家地西里{n + 1}号楼",
            district=street.parent, street=street, content="测试", request_type="complaint",
            catalog_item=catalog["sanitation"], tier="7d", received_by=demo_users["agent"],
            received_at="2026-01-10T10:00:00+08:00",
        )
    address.clear_cache()
    result = resolve_address("花家地西里三号楼")
    assert names(result) == ["望京街道"] and "历史工单地址" in result[0][2]


def test_unknown_or_empty_address_gives_nothing(directory):
    assert resolve_address("") == []
    assert resolve_address("某某路123号") == []
