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
from hotline.models import Callback, TicketEvent

MARGIN = dt.timedelta(minutes=10)
SOURCES = {"events": TicketEvent, "callbacks": Callback, "exclusions": Exclusion}

TOUCHED = "assessment_touched_orders"
TOUCHED_SQL = f"""
CREATE TEMPORARY TABLE {TOUCHED} AS
SELECT ticket_id AS id FROM hotline_ticketevent WHERE id > %(events)s
UNION SELECT ticket_id FROM hotline_callback WHERE id > %(callbacks)s
UNION SELECT ticket_id FROM assessment_exclusion WHERE id > %(exclusions)s
UNION SELECT id FROM hotline_ticket
WHERE due_at >= %(since)s AND due_at < %(now)s AND (completed_at IS NULL OR completed_at > due_at)
"""
# The due_at condition is the one index ticket_late_due holds: the orders that may have become overdue since.


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
    """Replace the stored pairs of the orders touched since the watermarks ``marks`` and the time ``since`` (the
    last computation); ``pairs_for(filter_sql)`` is PAIRS_SQL narrowed to the orders that filter selects.
    Returns how many orders were touched."""
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TOUCHED}")
        cursor.execute(TOUCHED_SQL, {**marks, "since": adapt(since - MARGIN), "now": params["now"]})
        cursor.execute(f"SELECT count(*) FROM {TOUCHED}")
        touched = cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {TOUCHED}")  # a temporary table has no statistics: the plan needs its size
        table = AssessedOrder._meta.db_table
        cursor.execute(f"DELETE FROM {table} WHERE month = %(month)s AND ticket_id IN (SELECT id FROM {TOUCHED})",
                       params)
        cursor.execute(pairs_for(f"IN (SELECT id FROM {TOUCHED})"), params)
        cursor.execute(f"DROP TABLE {TOUCHED}")
    return touched
