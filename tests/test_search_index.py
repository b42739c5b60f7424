"""Search at volume: content and address words through the two-character-gram index (PostgreSQL), with the
substring meaning of before; numbers and phones through their own indexes."""

import datetime as dt

import pytest
from django.db import connection

from hotline import text_search
from hotline.models import Ticket
from hotline.selectors import search_tickets

from .lifecycle_helpers import take_call
from .page_helpers import login

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="the gram index is PostgreSQL's")


def found(client, user, query):
    response = login(client, user).get("/tickets/", {"q": query})
    assert response.status_code == 200, query
    return list(response.context["tickets"])


def test_two_character_words_find_the_order_as_substrings(client, users, directory, catalog):
    heating = take_call(users, directory, catalog["sanitation"], content="家里暖气片不热，噪音也大")
    take_call(users, directory, catalog["sanitation"], content="楼下垃圾无人清理")
    for word in ("暖气", "暖气片", "噪音", "片不热，噪"):
        assert found(client, users["agent"], word) == [heating], word


def test_all_grams_present_but_not_in_a_row_is_no_match(client, users, directory, catalog):
    take_call(users, directory, catalog["sanitation"], content="音噪之外还有噪音")  # grams 噪音 and 音噪 both
    assert found(client, users["agent"], "噪音噪") == []
    assert found(client, users["agent"], "量子纠缠") == []


def test_a_new_order_is_found_at_once_and_case_does_not_matter(client, users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"], content="ABC小区门口WiFi杆倒了")
    assert found(client, users["agent"], "wifi杆") == [ticket]
    assert found(client, users["agent"], "abc") == [ticket]


def test_address_words_and_one_character_queries(client, users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"], content="楼下垃圾无人清理")  # at 花家地小区3号楼
    assert found(client, users["agent"], "花家地") == [ticket]
    assert found(client, users["agent"], "圾") == [ticket]  # below the grams: icontains alone


def test_quotes_and_backslashes_in_a_word_are_searched_not_parsed(client, users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"], content="门牌写着 O'Neil\\B 栋 & 号")
    for query in ("O'Neil\\B", "l\\B", "& 号", "'N"):
        assert found(client, users["agent"], query) == [ticket], query
    for query in ("' & '", "!(", "\\'"):
        assert found(client, users["agent"], query) == [], query


def test_a_five_digit_query_finds_the_order_of_that_id_and_the_callers_own(client, users, directory, catalog):
    first = take_call(users, directory, catalog["sanitation"])
    by_phone = take_call(users, directory, catalog["sanitation"])
    Ticket.objects.filter(pk=by_phone.pk).update(caller_phone=str(first.pk).zfill(5))  # a short local number
    rows, note = search_tickets(users["agent"], str(first.pk).zfill(5))
    assert set(rows) == {first, by_phone} and "号码检索" in note  # the agent took both, neither dispatched


@on_postgres
@pytest.mark.parametrize("content, address", [
    ("暖气不热，楼上噪音", "朝阳区望京街道"), ("", ""), ("a", ""), ("ab", "c"), ("AbC", "DEF"), ("楼道\n灯坏了", "x"),
    ("重复重复重复", "重复"), ("😀表情 emoji", "地址 一"), ("x" * 20005, "尾巴"),
])
def test_the_index_holds_every_two_character_gram_of_content_and_address(content, address):
    """The index's function (migration 0020) yields the grams text_search.grams names, the address's marked "@",
    whatever the text's length (odd, even, one character, past the indexed 20 000), case, line breaks or repeats."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(hotline_word_grams(%s, %s))", [content, address])
        (lexemes,) = cursor.fetchone()
    expected = {*text_search.grams(content[:text_search.INDEXED_CHARS]), *("@" + g for g in text_search.grams(address))}
    assert sorted(lexemes) == sorted(expected)


@on_postgres
@pytest.mark.parametrize("moment", ["2026-11-30T15:59:59+00:00", "2026-11-30T16:00:00+00:00", "2000-01-01T00:00+08:00"])
def test_the_index_pairs_each_scope_token_with_the_local_day(moment):
    """hotline_scope_days: the Beijing day of receipt (16:00 UTC is the next day's midnight there), and that day
    paired with each token as day_search codes it."""
    from hotline import day_search

    received = dt.datetime.fromisoformat(moment)
    with connection.cursor() as cursor:
        cursor.execute("SELECT hotline_scope_days(%s::integer[], %s)", [[7, -3], received])
        (codes,) = cursor.fetchone()
    day = day_search.day_number(received)
    assert day == (received.astimezone(dt.timezone(dt.timedelta(hours=8))).date() - dt.date(2000, 1, 1)).days
    assert sorted(codes) == sorted([day, *day_search.codes_for([7, -3], day, day)])


@on_postgres
def test_the_search_query_can_use_the_gram_index(users):
    """The query's expression is the index's: with scans made dear, the planner reads ticket_words_by_scope_day."""
    rows, _ = search_tickets(users["agent"], "量子纠缠")
    sql, params = rows.order_by("-received_at")[:100].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "ticket_words_by_scope_day" in plan, plan


@pytest.mark.parametrize("plan", ["index", "scope", "walk"])
def test_every_plan_finds_the_same_orders_of_the_users_scope(client, users, directory, catalog, monkeypatch, plan):
    """Through the index, the scope's ids or the newest-first walk: a street finds its own orders, the district
    those of its streets, the center all; never another street's."""
    from hotline import text_search
    from hotline.services import intake

    if connection.vendor != "postgresql" and plan == "index":
        pytest.skip("the gram index is PostgreSQL's")
    monkeypatch.setattr(text_search, "word_search_plans",
                        lambda query, scope_rows, wanted, counts=0: [plan] * len(wanted))
    ours = take_call(users, directory, catalog["sanitation"], content="楼道暖气漏水")
    theirs = take_call(users, directory, catalog["sanitation"], street="110101004", content="楼道暖气漏水")
    for ticket in (ours, theirs):
        intake.dispatch_ticket(users["agent"], ticket.pk, lead_unit=ticket.street, now=ticket.received_at)
    assert found(client, users["wangjing"], "暖气漏") == [ours]
    assert found(client, users["chaoyang"], "暖气漏") == [ours]  # 望京 is in 朝阳; 110101004 is in 东城
    assert set(found(client, users["agent"], "暖气漏")) == {ours, theirs}


def test_the_plan_is_the_one_reading_fewest_rows():
    from hotline.text_search import INDEX, SCOPE, WALK, cheapest_plan

    year = 20_000_000
    assert cheapest_plan(0, None, year) == INDEX  # a word nobody wrote: its (no) matches
    assert cheapest_plan(500_000, None, year) == WALK  # a common word, center: the newest hundred come soon
    # a street: the word's bitmap ANDed with its stored scope's, 1 000 orders read, not its 40 000
    assert cheapest_plan(500_000, 40_000, year) == INDEX
    assert cheapest_plan(15_000_000, 300, year) == SCOPE  # a word nearly everyone writes, a unit of 300 orders
    assert cheapest_plan(20_000, 1_250_000, year) == INDEX  # a district, a word of a season elsewhere
    assert cheapest_plan(2_000_000, 1_250_000, year) == WALK  # a district, a word everyone writes
    # an address word of one street for a district (masked to it): the walk's even spread is a guess, the
    # index's cost a bound (望京 for 朝阳 at a year: 107 000 matches; walked, every order read for none)
    assert cheapest_plan(107_000, 1_240_000, 20_500_000) == INDEX
