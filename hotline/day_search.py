"""A content or address word searched newest days first (PostgreSQL: ticket_words_by_scope_day, migration 0020).

One scan of the index finds the orders of a span of days that are in the user's scope and hold the word's grams
(its second column holds, for each order, its day and its day paired with each of its scope tokens). The search
asks the newest day first (today, or a later order's), then a span twice as long each time (1, 2, 4 … days, back
to the oldest order), sorts each span's few matches and stops when it has the rows it wants: at a year a common
word in a district reads a few days of matches, where one query over the whole scope read tens of thousands of
orders before sorting them; a word that matches nothing costs one index probe per span (a dozen for a year).

Addresses are searched as the user may see them (hotline/privacy.py): the center's agents every address (the
"@" grams), a unit's handlers the addresses of the orders they hold (each address match tested), everyone else
none: their word is sought in content only, so a street's name in its addresses reads no order of it.
"""

import datetime as dt

from django.db.models import BooleanField, Expression, Q
from django.utils import timezone

from . import privacy, stored_scope, text_search
from .models import Ticket

EPOCH = dt.date(2000, 1, 1)  # day 0 of hotline_scope_days
DAY_FACTOR = 40_000  # a scope token t's code for day d: t * DAY_FACTOR + d (migration 0020)
NEWEST_FIRST = ("-received_at", "-pk")


def day_number(moment):
    """The local day (Asia/Shanghai) of a moment, counted from 2000-01-01 as the index counts it."""
    return (timezone.localtime(moment).date() - EPOCH).days


class ScopeDays(Expression):
    """A condition on tickets: the order's day-and-scope codes (the index's second column) hold one of ``codes``."""

    output_field = BooleanField()

    def __init__(self, codes):
        super().__init__()
        self.codes = sorted(codes)

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f"hotline_scope_days({alias}.seen_by, {alias}.received_at) && %s::bigint[]", [self.codes]


def serves(query, narrow=None):
    """True when this search serves the query: PostgreSQL, a word the gram index serves, a list newest first (a
    list's filters may narrow it, not sort it otherwise)."""
    if not (stored_scope.stored() and text_search.indexed(query)):
        return False
    return narrow is None or tuple(narrow(Ticket.objects.order_by(*NEWEST_FIRST)).query.order_by) == NEWEST_FIRST


def spans(newest, oldest):
    """(first day, last day) newest first: the newest day, then spans twice as long each time, to ``oldest``."""
    length, last = 1, newest
    while last >= oldest:
        yield max(last - length + 1, oldest), last
        last -= length
        length *= 2


def scope_tokens(user):
    """The user's scope as stored on the orders (stored_scope.user_scope's tokens); None: every order."""
    scope = stored_scope.user_scope(user)
    return None if scope is None else scope.tokens


def codes_for(tokens, first, last):
    days = range(first, last + 1)
    if tokens is None:
        return list(days)
    return [token * DAY_FACTOR + day for token in tokens for day in days]


def newest_ids(user, query, wanted, *, narrow=None, also=None):
    """The ids of up to ``wanted`` orders in the user's scope whose content holds the query, or whose address does
    where the user sees it in full, with the orders of ``also`` (found otherwise, within the scope already: a
    caller's name), newest first, narrowed by ``narrow`` (a list's filters). ``serves(query, narrow)`` must hold."""
    tokens = scope_tokens(user)
    if tokens == []:  # no unit: nothing to see
        return []
    received = Ticket.objects.values_list("received_at", flat=True)
    oldest, newest = received.order_by("received_at").first(), received.order_by("-received_at").first()
    if oldest is None:
        return []
    narrow = narrow or (lambda tickets: tickets)
    addresses = privacy.address_visibility(user) != privacy.NO_ADDRESS
    words = text_search.holds("content", query)
    if addresses:
        words |= text_search.holds("address", query) & Q(address_shown=True)
    matches = privacy.with_address_access(Ticket.objects.all(), user).filter(
        text_search.indexed_words_match(query, addresses=addresses), words)
    apart = [] if also is None else list(narrow(also).order_by().values_list("received_at", "pk"))
    found = []
    for first, last in spans(day_number(max(newest, timezone.now())), day_number(oldest)):
        in_span = matches.filter(ScopeDays(codes_for(tokens, first, last)))
        rows = list(narrow(in_span).order_by(*NEWEST_FIRST).values_list("received_at", "pk")[: wanted - len(found)])
        rows += [row for row in apart if first <= day_number(row[0]) <= last and row not in rows]
        found += [pk for _, pk in sorted(rows, reverse=True)[: wanted - len(found)]]
        if len(found) >= wanted:
            break
    return found
