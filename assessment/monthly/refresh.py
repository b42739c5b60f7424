"""A month's stored pairs refreshed for the orders touched since its last computation, not recomputed whole.

A pair's flags (assessment.monthly.scorecards.PAIRS_SQL) depend on the order's own fields, its live assignments, its
callbacks, its exclusions, and on the time: an open order becomes overdue when its limit falls. Every write to the
first four leaves a row with a growing id (an audit event in the write's transaction; a callback; an exclusion), so
the orders touched since the last computation are those of the rows past its watermarks, plus those whose limit fell
since then. Their pairs are deleted and recomputed; every other pair is as the last computation stored it.

Watermarks are taken when a computation starts, as the newest id written over MARGIN before it: a transaction still
open then (a write's is short) commits rows with lower ids, and they are read again next time rather than missed.
"""

import datetime as dt

from django.db import connection

from assessment.models import AssessedOrder, Exclusion
from core.planner import local_settings
from hotline.models import Callback, TicketEvent

MARGIN = dt.timedelta(minutes=10)
SOURCES = {"events": TicketEvent, "callbacks": Callback, "exclusions": Exclusion}

TOUCHED, REFRESHED, BEFORE = "assessment_touched_orders", "assessment_refreshed_pairs", "assessment_pairs_before"
TEMPORARY = (TOUCHED, REFRESHED, BEFORE)
STORED = AssessedOrder._meta.db_table
PAIR_COLUMNS = ("unit_id", "ticket_id", "received_at", "reached", "resolved", "satisfaction", "overdue", "in_time",
                "caller_denied", "excluded")  # a pair's columns as PAIRS_SQL selects them: its key, then its flags
KEY_COLUMNS = ("unit_id", "ticket_id", "received_at")
# No hash join over a whole table: a refresh reads a few orders, each through its indexes.
NESTED_LOOPS_ONLY = (("enable_hashjoin", "off"), ("enable_mergejoin", "off"), ("jit", "off"))
TOUCHED_SQL = f"""
CREATE TEMPORARY TABLE {TOUCHED} AS SELECT id FROM (
    SELECT ticket_id AS id FROM hotline_ticketevent WHERE id > %(events)s
    UNION SELECT ticket_id FROM hotline_callback WHERE id > %(callbacks)s
    UNION SELECT ticket_id FROM assessment_exclusion WHERE id > %(exclusions)s
    UNION SELECT id FROM hotline_ticket
    WHERE due_at >= %(since)s AND due_at < %(now)s AND (completed_at IS NULL OR completed_at > due_at)
) touched ORDER BY id
"""
# The due_at condition is the one index ticket_late_due holds: the orders that may have become overdue since.
# Stored in id order, the orders are then read in the order of the tickets' table and of their indexes (orders,
# assignments and callbacks by ticket), each page once, not one page per order anywhere in a year.


def watermarks(now):
    """{source: the newest id written before now - MARGIN} (0 when none): what a computation at ``now`` covers."""
    before = now - MARGIN
    return {name: model.objects.filter(created_at__lt=before).order_by("-pk").values_list("pk", flat=True).first()
            or 0 for name, model in SOURCES.items()}


def can_refresh(close, rule_snapshot, now):
    """Whether the month's stored pairs can be refreshed rather than recomputed: they were computed under the
    same rule, before ``now``, with watermarks recorded."""
    marks = close.pairs_watermarks or {}
    return (set(marks) == set(SOURCES) and close.rule == rule_snapshot and close.computed_at is not None
            and close.computed_at <= now)


def refresh_pairs(month, pairs_for, params, *, marks, since):
    """Bring the stored pairs of the orders touched since the watermarks ``marks`` and the time ``since`` (the last
    computation) up to date; ``pairs_for(orders_sql)`` selects PAIRS_SQL's rows for the orders that query selects.
    The touched orders' stored pairs are read once (one pass over the month's pairs) and compared with their new
    pairs: only those that changed are deleted and written, with no probe of the stored key for each new pair.
    Most touched orders (received, contacted or completed since, not yet called back) have no pair before or
    after. Returns (orders touched, pairs deleted, pairs written)."""
    adapt = connection.ops.adapt_datetimefield_value
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for table in TEMPORARY:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(TOUCHED_SQL, {**marks, "since": adapt(since - MARGIN), "now": params["now"]})
        cursor.execute(f"SELECT count(*) FROM {TOUCHED}")
        touched = cursor.fetchone()[0]
        if postgres:
            cursor.execute(f"ANALYZE {TOUCHED}")  # a temporary table has no statistics: the plan needs its size
        with local_settings(cursor, NESTED_LOOPS_ONLY if postgres else ()):
            cursor.execute(f"CREATE TEMPORARY TABLE {REFRESHED} AS {pairs_for(f'SELECT id FROM {TOUCHED}')}", params)
        columns = ", ".join(PAIR_COLUMNS)
        cursor.execute(f"""CREATE TEMPORARY TABLE {BEFORE} AS SELECT {columns} FROM {STORED}
                           WHERE month = %(month)s AND ticket_id IN (SELECT id FROM {TOUCHED})""", params)
        if postgres:
            for table in (REFRESHED, BEFORE):
                cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"""DELETE FROM {STORED} WHERE month = %(month)s AND ({', '.join(KEY_COLUMNS)}) IN (
                               SELECT {', '.join(KEY_COLUMNS)} FROM {BEFORE} p
                               WHERE NOT EXISTS (SELECT 1 FROM {REFRESHED} n WHERE {same_pair()}))""", params)
        deleted = cursor.rowcount
        cursor.execute(f"""INSERT INTO {STORED} (month, {columns}) SELECT %(month)s, {columns} FROM {REFRESHED} n
                           WHERE NOT EXISTS (SELECT 1 FROM {BEFORE} p WHERE {same_pair()})
                           ORDER BY unit_id, received_at, ticket_id""", params)
        written = cursor.rowcount
        for table in TEMPORARY:
            cursor.execute(f"DROP TABLE {table}")
    return touched, deleted, written


def same_pair():
    """SQL: the new pair n and the stored pair p have the same key and flags."""
    return " AND ".join(f"n.{column} {'=' if column in KEY_COLUMNS else null_safe_equal()} p.{column}"
                        for column in PAIR_COLUMNS)


def null_safe_equal():
    return "IS NOT DISTINCT FROM" if connection.vendor == "postgresql" else "IS"
