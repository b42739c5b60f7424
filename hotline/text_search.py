"""Content and address words through an index that serves two-character Chinese words (PostgreSQL).

Most Chinese searches are two characters (暖气, 噪音): pg_trgm has no trigram for them, pg_bigm is not shipped
here, and a jieba-segmented vector loses matches that cross its word boundaries. So the index holds every
two-character gram of an order's content, and of its address marked "@" (``hotline_word_grams``, the first column
of the GIN expression index ticket_words_by_scope_day, migration 0020: no column to keep current, every insert and
edit updates it). A query's grams must all be there (the index), then ``icontains`` keeps the exact substring
meaning. A one-character query, or another database, keeps icontains only.

The search page asks the index for the newest days first (hotline/day_search.py). Other word searches (a list's
search box, an export, a list sorted otherwise) choose here which rows they read by the planner's estimates
(word_search_plans): the word's matches through the index, the scope's own orders (a street's few thousand), or
every order walked newest first (a common word for a wide scope: the page's hundred come soon). The fewest
expected rows wins.
"""

import re

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, Value

from core.planner import estimated_rows

PAGE_ROWS = 100  # the search page's length (hotline.views.lists.LIST_LIMIT)
INDEX, SCOPE, WALK = "index", "scope", "walk"
# The search page counts a content or address word's matches up to here ("1000+ 条"; pages up to the cap's): a
# common word matches a good part of a year, and counting to 10 000 of them inside a district's or a street's scope
# cost more than the page (issue 14). Numbers, phones and names keep the lists' COUNT_CAP.
WORD_COUNT_CAP = 1_000
# Plans that read every candidate before the newest of them is known (the sort comes last): their page and their
# capped count are one query (the ids up to the cap, newest first), not two reads of the same rows.
READS_ALL = (INDEX, SCOPE)
INDEXED_CHARS = 20000  # of content: hotline_word_grams reads no further (migration 0020)
# The index's expression (ticket_words_by_scope_day's first column)
WORD_GRAMS = Func(F("content"), F("address"), function="hotline_word_grams")
# Characters no case mapping touches (Chinese, its punctuation, spaces): a query of these alone matches the same
# orders case-sensitively. Upper-casing every order read costs half of a walk's time.
CASELESS = re.compile("[\\s\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff，：；！？（）]+")


def grams(text):
    """The distinct two-character grams of the text, lowercased as the index stores them."""
    text = text.lower()
    return sorted({text[i:i + 2] for i in range(len(text) - 1)})


def gram_query(text, *, addresses=True):
    """A tsquery for the orders whose content holds every gram of the text, or (``addresses``) whose address does:
    ('暖气' & '气片') | ('@暖气' & '@气片') (address grams are marked "@", migration 0020; lexemes quoted, quotes
    and backslashes escaped)."""
    def every(mark):
        return " & ".join("'" + (mark + gram).replace("\\", "\\\\").replace("'", "''") + "'" for gram in grams(text))
    return f"({every('')}) | ({every('@')})" if addresses else every("")


def indexed_words_match(query, *, addresses=True):
    """A condition over tickets narrowing to those whose content (or address) may hold the query (the index)."""
    wanted = Func(Value(gram_query(query, addresses=addresses)), template="%(expressions)s::tsquery")
    return Func(WORD_GRAMS, wanted, template="%(expressions)s", arg_joiner=" @@ ", output_field=BooleanField())


def holds(field, query):
    """A condition: the field holds the query, case aside (icontains; plain LIKE for a caseless query on
    PostgreSQL: the same orders)."""
    lookup = "contains" if connection.vendor == "postgresql" and CASELESS.fullmatch(query) else "icontains"
    return Q(**{f"{field}__{lookup}": query})


def tune_word_search():
    """For the current transaction: memory for a common word's bitmap of matches to stay exact (a lossy bitmap
    keeps pages, not rows, and PostgreSQL then recomputes the grams of every order on them: at a year, a minute);
    no JIT: the per-order scope tests make the planner's costs huge, and compiling them took ~0.6 s a query, more
    than running them; no parallel workers: a walk newest first split between workers and merged back took 0.5 s
    where one process found the page in 70 ms (a quarter, 望京 for the center)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true), "
                           "set_config('max_parallel_workers_per_gather', '0', true)")


def indexed(query):
    """True when the gram index can serve the query (PostgreSQL, two characters or more)."""
    return connection.vendor == "postgresql" and len(query) >= 2


def word_search_plans(query, scope_rows, wanted, counts=0):
    """For each number in ``wanted`` (a page's end, a capped count): INDEX, SCOPE or WALK, what a search for
    ``query`` within ``scope_rows`` orders (None: every order) reads fewest rows through to find that many matches.
    The last ``counts`` numbers are counts: their rows need no order, so a count through the index stops at them.
    Without the index (a single character, not PostgreSQL): the scope, else the walk."""
    if not indexed(query):
        return [WALK if scope_rows is None else SCOPE for _ in wanted]
    from .models import Ticket

    matches, total = estimated_matches(query), estimated_rows(Ticket.objects.values("pk"))
    ordered = len(wanted) - counts
    return [cheapest_plan(matches, scope_rows, total, rows, ordered=n < ordered) for n, rows in enumerate(wanted)]


# What a plan pays for a row, in rows of a walk (read newest first, ~20 orders a block, tested in turn). Measured at
# the quarter (5.1 M orders, hl_quarter): a walk ~5 µs an order; a row read by its id (a match of the index, an
# order of a scope) ~15 µs, a block of its own; a match entered in the index's bitmap < 1 µs.
RANDOM_ROW, BITMAP_ROW = 3, 0.2
# The walk's rows are an estimate that assumes the matches spread evenly over time and scopes, and that the user
# sees them; when they do not (an address word of one street, masked for a district supervisor: 望京 for 朝阳 at a
# year), the walk reads every order before it stops, where the index's cost is bounded by its matches. So a walk
# must be this much cheaper to be chosen.
WALK_RISK = 3


def cheapest_plan(matches, scope_rows, total, wanted=PAGE_ROWS, *, ordered=True):
    """The plan reading fewest rows, weighed by what each costs (RANDOM_ROW, BITMAP_ROW): the index ANDs the word's
    bitmap of matches with the scope's (its stored tokens, hotline/stored_scope.py; none for the center) and reads
    the orders in both, all of them to sort them (``ordered``, a page), or for a count only ``wanted``; the scope
    reads its orders; the walk, newest first, about ``wanted`` / (share of orders in the scope × share matching)
    orders before it has found them."""
    total = max(total, 1)
    matches = max(matches, 1)
    scope = total if scope_rows is None else max(min(scope_rows, total), 1)
    walk = wanted * total * total / (matches * scope)
    both = matches * scope / total
    bitmaps = BITMAP_ROW * (matches + (0 if scope_rows is None else scope))
    index = bitmaps + RANDOM_ROW * (both if ordered else min(both, wanted))
    costs = {INDEX: index, WALK: WALK_RISK * min(total, walk)}
    if scope_rows is not None:
        costs[SCOPE] = RANDOM_ROW * scope
    return min(costs, key=costs.get)


def estimated_matches(query):
    """The planner's estimate of the orders holding every gram of the query (no rows read: EXPLAIN only)."""
    from .models import Ticket

    return estimated_rows(Ticket.objects.filter(indexed_words_match(query)).values("pk"))


def expected_matches_within(query, tickets):
    """The planner's estimate of the orders among ``tickets`` holding the query's grams, were they spread like all
    orders; 0 without the index (a single character, not PostgreSQL)."""
    if connection.vendor != "postgresql" or len(query) < 2:
        return 0
    from .models import Ticket

    total = max(estimated_rows(Ticket.objects.values("pk")), 1)
    return estimated_matches(query) * estimated_rows(tickets.values("pk")) / total
