"""A word search newest days first (PostgreSQL, hotline/day_search.py): across spans of days, page by page and in
its count, it finds exactly the orders a plain substring test over the user's scope finds, newest first, for the
center's agent, a leader (no address in full), a street and a district; a street's handler finds an order by its
address only while the street holds it."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from dispatch.models import Assignment, AssignmentStatus
from hotline import day_search, text_search
from hotline.models import Ticket
from hotline.services import intake

from .lifecycle_helpers import take_call
from .test_search_plans import every_page, plain_search

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="the day-and-scope index is PostgreSQL's")]
WORD = "暖气"
# Days back from now of each order (each span of 1, 2, 4, 8, 16 … days holds some), at 望京, another 朝阳 street,
# 东城; the hours put some on either side of Beijing's midnight (16:00 UTC).
SPOTS = [(0, "110105026"), (0, "110105001"), (1, "110105026"), (2, "110101004"), (3, "110105026"),
         (6, "110105001"), (7, "110105026"), (20, "110101004"), (40, "110105026"), (200, "110105001")]


@pytest.fixture
def spread(users, directory, catalog):
    made = []
    now = timezone.now().replace(hour=15, minute=30, second=0, microsecond=0)  # 23:30 in Beijing
    for n, (days, street) in enumerate(SPOTS * 2):
        at = min(now - dt.timedelta(days=days, minutes=n * 37), timezone.now())
        content = "楼道暖气漏水，家里很冷" if n % 3 != 2 else "楼下垃圾无人清理"
        ticket = take_call(users, directory, catalog["sanitation"], street=street, content=content, now=at)
        intake.dispatch_ticket(users["agent"], ticket.pk, lead_unit=ticket.street, now=at)
        made.append(ticket)
    return made


@pytest.mark.parametrize("username", ["agent", "leader", "wangjing", "chaoyang"])
def test_pages_and_count_across_spans_of_days_are_the_plain_matches(users, spread, username):
    user = users[username]
    expected = plain_search(user, WORD)
    assert len(expected) > 3, "the scope holds matches on several days"
    assert every_page(user, WORD, limit=3) == (expected, len(expected))


def test_the_capped_count_stops_in_the_newest_days(users, spread, monkeypatch):
    monkeypatch.setattr(text_search, "WORD_COUNT_CAP", 4)
    expected = plain_search(users["agent"], WORD)
    assert every_page(users["agent"], WORD, limit=2) == (expected[:4], 4)


def test_a_street_finds_an_order_by_its_address_only_while_it_holds_it(users, spread):
    """The street's name in the address of every 望京 order: only those 望京 holds a live part of are found by it
    (the addresses it sees in full); a district supervisor, who sees no address in full, finds none by it."""
    wangjing, chaoyang = users["wangjing"], users["chaoyang"]
    ours = [t for t in spread if t.street.code == "110105026"]
    Ticket.objects.filter(pk__in=[t.pk for t in ours]).update(address="朝阳区望京西园暖炉胡同3号")
    Assignment.objects.filter(ticket=ours[0]).update(status=AssignmentStatus.RETURNED)  # no longer held
    found, count = every_page(wangjing, "暖炉")
    assert set(found) == {t.pk for t in ours[1:]} and count == len(ours) - 1
    assert found == plain_search(wangjing, "暖炉")
    assert every_page(chaoyang, "暖炉") == ([], 0)
    by_agent = every_page(users["agent"], "暖炉")[0]
    assert by_agent == plain_search(users["agent"], "暖炉") and set(by_agent) == {t.pk for t in ours}


def test_an_order_dated_after_today_is_found_too(users, directory, catalog):
    """An order received "tomorrow" (a clock set ahead, an import): the spans start at the newest order's day."""
    later = take_call(users, directory, catalog["sanitation"], content="暖气片漏水",
                      now=timezone.now() + dt.timedelta(days=3))
    assert every_page(users["agent"], WORD) == ([later.pk], 1)


def test_spans_double_back_to_the_oldest_day():
    assert list(day_search.spans(10, 0)) == [(10, 10), (8, 9), (4, 7), (0, 3)]
    assert list(day_search.spans(5, 5)) == [(5, 5)]


def test_a_list_sorted_otherwise_is_not_searched_by_days():
    assert day_search.serves(WORD) and day_search.serves(WORD, lambda rows: rows.filter(tier="7d"))
    assert not day_search.serves(WORD, lambda rows: rows.order_by("due_at", "pk"))
    assert not day_search.serves("暖")  # one character: no gram
