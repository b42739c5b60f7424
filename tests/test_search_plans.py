"""A word search finds, page by page and in its count, exactly the orders a plain case-insensitive substring test
over the user's scope finds, newest first, whichever plan reads them (the index, the scope, the walk; a page and
its count by different plans), for the center's agent, a street's user and a district supervisor."""

import datetime as dt

import pytest

from hotline import privacy, selectors, text_search
from hotline.models import Ticket
from hotline.services import intake

from .lifecycle_helpers import T0, take_call

pytestmark = pytest.mark.django_db
WORD = "暖气"
PLANS = (text_search.INDEX, text_search.SCOPE, text_search.WALK)


@pytest.fixture
def orders(users, directory, catalog):
    """Orders with and without the word at 望京 (some dispatched to it), at another 朝阳 street, in 东城, one the
    center has not dispatched; one holds the word only in its address."""
    made = []
    spots = [("110105026", True), ("110105026", True), ("110105001", True), ("110101004", True),
             ("110105026", False), ("110105026", True), ("110105001", True)]
    for n, (street, dispatched) in enumerate(spots * 2):
        content = "楼道暖气漏水，家里很冷" if n % 3 != 2 else "楼下垃圾无人清理"
        ticket = take_call(users, directory, catalog["sanitation"], street=street, content=content,
                           now=T0 + dt.timedelta(minutes=n))
        if dispatched:
            intake.dispatch_ticket(users["agent"], ticket.pk, lead_unit=ticket.street, now=ticket.received_at)
        made.append(ticket)
    Ticket.objects.filter(pk=made[2].pk).update(address="望京西园暖气片厂3号楼")  # the word only in the address
    return made


def plain_search(user, word):
    """The reference: every order of the user's scope holding the word (address where shown), newest first."""
    rows = privacy.with_address_access(selectors.visible_tickets(user), user).order_by("-received_at", "-pk")
    return [t.pk for t in rows if word in t.content.lower() or (t.address_shown and word in t.address.lower())]


def every_page(user, word, limit=2):
    found, number, count = [], 1, None
    while True:
        page, _ = selectors.search_page(user, word, limit, page=number)
        count = page.paginator.count
        found += [row.pk for row in page.object_list]
        if not page.has_next():
            return found, count
        number += 1


def use_plans(monkeypatch, page_plan, count_plan):
    """Force the plan of a page (the first number wanted) and of the capped count (the second)."""
    def plans(query, scope_rows, wanted):
        return [page_plan, count_plan][:len(wanted)] if len(wanted) == 2 else [page_plan] * len(wanted)

    monkeypatch.setattr(text_search, "word_search_plans", plans)


@pytest.mark.parametrize("username", ["agent", "wangjing", "chaoyang"])
@pytest.mark.parametrize("page_plan", PLANS)
@pytest.mark.parametrize("count_plan", PLANS)
def test_every_plan_pages_and_counts_the_plain_substring_matches(users, orders, monkeypatch, username, page_plan,
                                                                 count_plan):
    from django.db import connection

    if connection.vendor != "postgresql" and text_search.INDEX in (page_plan, count_plan):
        pytest.skip("the gram index is PostgreSQL's")
    user = users[username]
    expected = plain_search(user, WORD)
    assert expected, "the scope holds matches"
    use_plans(monkeypatch, page_plan, count_plan)
    assert every_page(user, WORD) == (expected, len(expected))


@pytest.mark.parametrize("username", ["agent", "wangjing", "chaoyang"])
def test_the_plans_chosen_for_a_common_word_find_the_plain_matches(users, orders, monkeypatch, username):
    """As if the word were in every order (a common word at a year): the planner's choices, page and count."""
    monkeypatch.setattr(text_search, "estimated_matches", lambda query: 10**9)
    user = users[username]
    expected = plain_search(user, WORD)
    assert every_page(user, WORD) == (expected, len(expected))
    phrase = plain_search(user, "暖气漏水，家")
    assert every_page(user, "暖气漏水，家", limit=3) == (phrase, len(phrase))


def test_a_common_word_walks_for_a_page_and_counts_through_the_index():
    year, heating = 20_000_000, 200_000  # 1 % of the orders
    assert text_search.cheapest_plan(heating, None, year, 100) == text_search.WALK  # page 1: 2 000 orders walked
    assert text_search.cheapest_plan(heating, None, year, 10_000) == text_search.INDEX  # page 100: its matches
    assert text_search.cheapest_plan(heating, None, year, 10_001) == text_search.INDEX  # the capped count


def test_a_caseless_word_is_matched_as_written_and_a_cased_one_case_aside(users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"], content="ABC小区门口WiFi杆倒了，暖气也不热")
    for query in ("暖气", "wifi杆", "WIFI", "，暖气"):
        assert every_page(users["agent"], query) == ([ticket.pk], 1), query


def test_a_page_number_is_clamped_to_the_pages_a_capped_list_offers():
    from core.paging import page_number

    assert [page_number(p, 100) for p in (None, "x", "0", "-3", "7", "100", "101", "99999")] == [
        1, 1, 1, 1, 7, 100, 100, 100]
