"""Content and address words through a GIN index of their two-character grams (PostgreSQL; see
hotline/text_search.py). An expression index: existing rows are indexed as it is built, new and edited ones by
PostgreSQL itself. Built CONCURRENTLY, so a live table keeps taking orders meanwhile. Nothing on SQLite."""

from django.db import migrations

BIGRAMS = r"""
CREATE OR REPLACE FUNCTION hotline_bigrams(content text, address text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
  SELECT array_to_tsvector(coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}'))
  FROM (SELECT lower(left(content, 20000) || E'\n' || address) AS t) s, generate_series(1, length(t) - 1) i
$$
"""
INDEX = ("CREATE INDEX CONCURRENTLY IF NOT EXISTS ticket_search_bigrams ON hotline_ticket "
         "USING gin (hotline_bigrams(content, address))")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BIGRAMS)
        schema_editor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS ticket_search_bigrams")
        schema_editor.execute("DROP FUNCTION IF EXISTS hotline_bigrams(text, text)")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("hotline", "0005_idempotency_per_user")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
