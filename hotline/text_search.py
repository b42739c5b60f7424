"""Content and address words through an index that serves two-character Chinese words (PostgreSQL).

Most Chinese searches are two characters (暖气, 噪音): pg_trgm has no trigram for them, pg_bigm is not shipped
here, and a jieba-segmented vector loses matches that cross its word boundaries. So migration 0006 indexes every
two-character gram of an order's content and address (``hotline_bigrams``, a GIN expression index: no column to
keep current, every insert and edit updates it). A query's grams must all be there (the index), then
``icontains`` keeps the exact substring meaning. A one-character query, or another database, keeps icontains only.

A common word (more rows than COMMON_WORD_ROWS by the planner's estimate from the index's statistics) skips the
index: the newest hundred are found sooner by walking received_at backwards than by fetching every match.
"""

import json

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

COMMON_WORD_ROWS = 20000  # ~√(100 × rows of a month): where fetching every match costs what walking does
INDEXED_CHARS = 20000  # of content: hotline_bigrams reads no further (migration 0006)
GRAMS_MATCH = 'hotline_bigrams("hotline_ticket"."content", "hotline_ticket"."address") @@ %s::tsquery'


def grams(text):
    """The distinct two-character grams of the text, lowercased as the index stores them."""
    text = text.lower()
    return sorted({text[i:i + 2] for i in range(len(text) - 1)})


def gram_query(text):
    """A tsquery requiring every gram: '暖气' & '气片' (lexemes quoted, quotes and backslashes escaped)."""
    quoted = ("'" + gram.replace("\\", "\\\\").replace("'", "''") + "'" for gram in grams(text))
    return " & ".join(quoted)


def indexed_words_match(query):
    """A condition over tickets narrowing to those whose content or address may hold the query (through the
    index), or None where no index serves it (a single character, not PostgreSQL)."""
    if connection.vendor != "postgresql" or len(query) < 2 or estimated_matches(query) > COMMON_WORD_ROWS:
        return None
    return RawSQL(GRAMS_MATCH, [gram_query(query)], output_field=BooleanField())


def estimated_matches(query):
    """The planner's estimate of the orders holding every gram of the query (no rows read: EXPLAIN only)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM hotline_ticket WHERE {GRAMS_MATCH}", [gram_query(query)])
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]
