"""One GIN index for a word search within a scope, newest days first (PostgreSQL; hotline/day_search.py).

At a year (20 M orders) a word search read every order both holding the word and in the user's scope before it
could sort them by time: a common word in a district is tens of thousands of rows. The new index has two columns,
both expressions of the order's own row, so one scan of it intersects them:

- ``hotline_word_grams``: the two-character grams of the content, and those of the address marked with "@" (so a
  user who may not see an address in full is searched in content only, and never reads the orders of a street
  whose name is the word);
- ``hotline_scope_days``: the day the order was received (Asia/Shanghai, days since 2000-01-01), and for each
  token t of ``seen_by`` (hotline/stored_scope.py) the pair t × 40 000 + day.

A search asks the newest days first, a span twice as long each time, and stops when its page and its capped count
are full. The gram index of migration 0006 is dropped once this one is built (CONCURRENTLY: a live table keeps
taking orders meanwhile)."""

import importlib

from django.db import migrations

OLD = importlib.import_module("hotline.migrations.0016_bigrams_without_a_subquery")
OLD_INDEX = importlib.import_module("hotline.migrations.0006_search_index").INDEX


def _grams(text, mark=""):
    """SQL: the text's two-character grams, each ended by \\x01 (odd positions, then even ones)."""
    return (rf"regexp_replace(left({text}, length({text}) / 2 * 2), '(..)', E'{mark}\\1\x01', 'g') || E'\x01' || "
            rf"regexp_replace(substr({text}, 2, (length({text}) - 1) / 2 * 2), '(..)', E'{mark}\\1\x01', 'g')")


CONTENT, ADDRESS = "lower(left(content, 20000))", "lower(address)"
WORD_GRAMS = rf"""
CREATE OR REPLACE FUNCTION hotline_word_grams(content text, address text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_to_tsvector(array_remove(string_to_array(
    {_grams(CONTENT)} || E'\x01' || {_grams(ADDRESS, "@")}, E'\x01'), ''))
$$
"""
# Day 0 is 2000-01-01; a scope token t's pair is t * 40000 + day (unique while days < 40 000: to 2109).
SCOPE_DAYS = """
CREATE OR REPLACE FUNCTION hotline_scope_days(seen_by integer[], received_at timestamptz) RETURNS bigint[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  day bigint := (received_at AT TIME ZONE 'Asia/Shanghai')::date - date '2000-01-01';
  codes bigint[] := ARRAY[day];
  token integer;
BEGIN
  FOREACH token IN ARRAY seen_by LOOP
    codes := codes || (token * 40000::bigint + day);
  END LOOP;
  RETURN codes;
END $$
"""
INDEX = ("CREATE INDEX CONCURRENTLY IF NOT EXISTS ticket_words_by_scope_day ON hotline_ticket USING gin "
         "(hotline_word_grams(content, address), hotline_scope_days(seen_by, received_at))")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in (WORD_GRAMS, SCOPE_DAYS, "SET maintenance_work_mem = '1GB'", INDEX,
                "DROP INDEX CONCURRENTLY IF EXISTS ticket_search_bigrams",
                "DROP FUNCTION IF EXISTS hotline_bigrams(text, text)", "RESET maintenance_work_mem"):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in (OLD.FASTER_BIGRAMS, OLD_INDEX, "DROP INDEX CONCURRENTLY IF EXISTS ticket_words_by_scope_day",
                "DROP FUNCTION IF EXISTS hotline_scope_days(integer[], timestamptz)",
                "DROP FUNCTION IF EXISTS hotline_word_grams(text, text)"):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("hotline", "0019_list_export_jobs")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
