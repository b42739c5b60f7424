"""PostgreSQL: the stored (unit, order) pairs (AssessedOrder) are partitioned by month, one table per month, and a
computation of a month replaces its table whole (migration 0012 makes the parent table partitioned).

Why: a month's pairs are written at once (1.7 million rows) and replaced at the next computation. Built as a new
table by CREATE TABLE AS, the pairs' query may run in parallel (an INSERT … SELECT never does) and writes no index
row by row; the key's index is then built by one sort, and the old month's table is dropped instead of deleted row
by row. The swap happens inside the close's transaction: until it commits, readers see the old month."""

from contextlib import contextmanager
from datetime import timedelta

from django.db import connection

from assessment.models import AssessedOrder
from core.planner import local_settings

PARENT = AssessedOrder._meta.db_table
KEY = ("month", "unit_id", "received_at", "ticket_id")


def partition_name(month):
    return f"{PARENT}_{month:%Y%m}"


def _columns():
    """(column, its type as the parent table has it, NOT NULL) for every column of AssessedOrder."""
    fields = [f for f in AssessedOrder._meta.concrete_fields if f.column]
    return [(f.column, f.db_type(connection), not f.null) for f in fields]


def replace_month(month, parts, params):
    """Replace the month's partition with the pairs the ``parts`` select: [(SQL selecting PAIRS_SQL's columns bar
    month, the planner settings its plan needs for that statement: core.planner.local_settings' pairs)]."""
    name, build = partition_name(month), f"{partition_name(month)}_build"
    columns = _columns()
    select = ", ".join("CAST(%(month)s AS date) AS month" if column == "month" else f"CAST({column} AS {kind})"
                       f" AS {column}" for column, kind, _ in columns)
    not_null = ", ".join(f"ALTER COLUMN {column} SET NOT NULL" for column, _, required in columns if required)
    next_month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {build}")
        for number, (pairs_sql, settings) in enumerate(parts):
            with local_settings(cursor, settings):
                if number == 0:
                    cursor.execute(f"CREATE TABLE {build} AS SELECT {select} FROM ({pairs_sql}) pairs", params)
                else:
                    cursor.execute(f"INSERT INTO {build} SELECT {select} FROM ({pairs_sql}) pairs", params)
        cursor.execute(f"ALTER TABLE {build} {not_null}, ADD CHECK (month = %(month)s)", params)
        # The parent's key as this table's own primary key: ATTACH then adopts it instead of building another.
        cursor.execute(f"ALTER TABLE {build} ADD CONSTRAINT {build}_pkey PRIMARY KEY ({', '.join(KEY)})")
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"ALTER TABLE {build} RENAME TO {name}")
        cursor.execute(f"ALTER INDEX {build}_pkey RENAME TO {name}_pkey")
        cursor.execute(f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES FROM (%(start)s) TO (%(end)s)",
                       {"start": month, "end": next_month})
        cursor.execute(f"ANALYZE {name}")  # a new table has no statistics: the drill-down's plan needs them


@contextmanager
def deciding_callbacks(month, latest_sql, params):
    """The month's deciding callbacks (``latest_sql``'s rows) as a table of their own, for the statement built in
    the block: unlogged (nothing to recover: it is dropped after), analyzed, readable by parallel workers.
    The month's callbacks are read through a bitmap of the month index's rows, in the table's order: walked in the
    index's order they were fetched one by one (at a year 3.4 s, by bitmap 1.6 s)."""
    name = f"{partition_name(month)}_callbacks"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        with local_settings(cursor, [("enable_indexscan", "off")]):
            cursor.execute(f"CREATE UNLOGGED TABLE {name} AS {latest_sql}", params)
        # The rows come sorted by order (DISTINCT ON): the index is built in one pass, and the pairs' parts then
        # walk or probe the callbacks by order instead of sorting or hashing them all.
        cursor.execute(f"CREATE INDEX {name}_ticket ON {name} (ticket_id)")
        cursor.execute(f"ANALYZE {name}")
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
