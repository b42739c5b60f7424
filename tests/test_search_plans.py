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
    """The reference: every order of the user's scope (the rule itself, not its stored tokens) holding the word
    (address where shown), newest first."""
    rows = privacy.with_address_access(selectors.related_scope(user), user).order_by("-received_at", "-pk")
    return [t.pk for t in rows if word in t.content.lower() or (t.address_shown and word in t.address.lower())]


def every_page(user, word, limit=2):
    """(every row of every page, the count): the count must be the same on every page."""
    found, number, counts = [], 1, set()
    while True:
        page, _ = selectors.search_page(user, word, limit, page=number)
        counts.add((page.paginator.count, page.paginator.capped))
        found += [row.pk for row in page.object_list]
        if not page.has_next():
            assert len(counts) == 1, counts
            return found, page.paginator.count
        number += 1


def skip_impossible(username, page_plan, count_plan):
    from django.db import connection

    plans = {page_plan, count_plan}
    if connection.vendor != "postgresql" and text_search.INDEX in plans:
        pytest.skip("the gram index is PostgreSQL's")


def use_plans(monkeypatch, page_plan, count_plan):
    """Force the plan of a page (the first number wanted) and of the capped count (the second)."""
    def plans(query, scope_rows, wanted, counts=0):
        return [page_plan, count_plan][:len(wanted)] if len(wanted) == 2 else [page_plan] * len(wanted)

    monkeypatch.setattr(text_search, "word_search_plans", plans)


@pytest.mark.parametrize("username", ["agent", "wangjing", "chaoyang"])
@pytest.mark.parametrize("page_plan", PLANS)
@pytest.mark.parametrize("count_plan", PLANS)
def test_every_plan_pages_and_counts_the_plain_substring_matches(users, orders, monkeypatch, username, page_plan,
                                                                 count_plan):

    skip_impossible(username, page_plan, count_plan)
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


@pytest.mark.parametrize("username", ["agent", "wangjing", "chaoyang"])
@pytest.mark.parametrize("page_plan", PLANS)
@pytest.mark.parametrize("count_plan", PLANS)
def test_a_word_counts_to_its_own_cap_and_pages_up_to_it(users, orders, monkeypatch, username, page_plan,
                                                         count_plan):
    """A content word counts to WORD_COUNT_CAP ("2+" here), its pages stop where the cap does (the newest 2 at 1 a
    page: page 2 of 2, a page past it is the last), whichever plan reads them; every page says the same count."""

    skip_impossible(username, page_plan, count_plan)
    monkeypatch.setattr(text_search, "WORD_COUNT_CAP", 2)
    use_plans(monkeypatch, page_plan, count_plan)
    user = users[username]
    expected = plain_search(user, WORD)
    assert len(expected) > 2, "more matches than the cap reaches"
    first, _ = selectors.search_page(user, WORD, 1, page=1)
    assert (first.paginator.count, first.paginator.capped, first.paginator.num_pages) == (2, True, 2)
    assert every_page(user, WORD, limit=1) == (expected[:2], 2)
    past, _ = selectors.search_page(user, WORD, 1, page=7)
    assert (past.number, [row.pk for row in past.object_list]) == (2, expected[1:2])
    monkeypatch.setattr(text_search, "WORD_COUNT_CAP", len(expected))
    exact, _ = selectors.search_page(user, WORD, 1, page=len(expected))  # the last page: short pages tell the count
    assert (exact.paginator.count, exact.paginator.capped) == (len(expected), False)
    assert [row.pk for row in exact.object_list] == expected[-1:]


def test_the_search_page_says_a_word_search_stops_at_its_cap_and_a_number_does_not(client, users, orders,
                                                                                   monkeypatch):
    from core import paging

    from .page_helpers import login

    monkeypatch.setattr(text_search, "WORD_COUNT_CAP", 3)
    login(client, users["agent"])
    html = client.get("/tickets/", {"q": WORD}).content.decode()
    assert "共 3+ 条" in html and 'id="search-cap"' in html and "至多计数、列出 3 条" in html
    narrowed = client.get("/tickets/", {"q": "暖气漏水，家里很冷"}).content.decode()  # still capped: same note
    assert "共 3+ 条" in narrowed and 'id="search-cap"' in narrowed
    monkeypatch.setattr(paging, "COUNT_CAP", 1)  # an id, a phone, a name: the lists' cap, and no word note
    by_id = client.get("/tickets/", {"q": str(orders[0].pk)}).content.decode()
    assert orders[0].number in by_id and 'id="search-cap"' not in by_id
    unfiltered = client.get("/tickets/", {"status": "dispatched"}).content.decode()  # filters alone: COUNT_CAP
    assert "共 1+ 条" in unfiltered and 'id="search-cap"' not in unfiltered


def test_a_word_under_its_cap_shows_no_cap_note(client, users, orders):
    from .page_helpers import login

    html = login(client, users["agent"]).get("/tickets/", {"q": WORD}).content.decode()
    assert f"共 {len(plain_search(users['agent'], WORD))} 条" in html and 'id="search-cap"' not in html
