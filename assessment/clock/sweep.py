"""The minute sweep: warn before deadlines, flag breaches, exactly once each.

Each batch is one transaction: a conditional UPDATE claims the rows (sets warned_at / breached_at and returns the
ids it changed), then the events, notifications, SMS and overdue flags for exactly those rows are written. A second
sweep running at the same time skips rows the first has locked (PostgreSQL: FOR UPDATE SKIP LOCKED) and finds them
claimed once the first commits; a worker killed mid-batch rolls the claim back with everything else, so the next
sweep does that batch again. Breaches run before warnings: a clock already past due is breached without a warning
(its warned_at is set to the breach time so it leaves the warning index).

The claim also locks the clocks' ticket rows (SKIP LOCKED), in one statement: a ticket a lifecycle service holds is
left for the next sweep, so the sweep never waits on a service and never deadlocks with one.
"""

import json
import logging

from django.db import connection, transaction
from django.utils import timezone

from assessment.clock import notifications
from assessment.clock.choices import LimitKey
from assessment.clock.overdue import not_past_sql, past_sql
from assessment.models import Clock, Notification, NotificationKind, Outbox
from dispatch.models import WhistleTarget
from hotline.models import Ticket, TicketEvent, ticket_number

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_BATCHES = 200  # 100 000 rows a run; the next minute's sweep continues

OPEN = "c.stopped_at IS NULL AND c.paused_at IS NULL"
PHASES = {
    # phase: (set clause, pending condition, due condition, order column)
    "breach": ("breached_at = %(now)s, warned_at = COALESCE(warned_at, %(now)s)", "c.breached_at IS NULL",
               past_sql("c.due_at"), "c.due_at"),
    "warn": ("warned_at = %(now)s", "c.warned_at IS NULL", f"c.warn_at <= %(now)s AND {not_past_sql('c.due_at')}",
             "c.warn_at"),
}


def claim_sql(phase, vendor=None):
    """The claiming UPDATE for ``phase``; parameters: now, limit."""
    set_clause, pending, due, order = PHASES[phase]
    table, tickets = Clock._meta.db_table, Ticket._meta.db_table
    vendor = vendor or connection.vendor
    lock = " FOR UPDATE OF c, t SKIP LOCKED" if vendor == "postgresql" else ""
    return (
        f"UPDATE {table} SET {set_clause} WHERE id IN ("
        f"SELECT c.id FROM {table} c JOIN {tickets} t ON t.id = c.ticket_id "
        f"WHERE {OPEN} AND {pending} AND {due} ORDER BY {order} LIMIT %(limit)s{lock}) "
        f"AND stopped_at IS NULL AND paused_at IS NULL AND {pending.removeprefix('c.')} RETURNING id"
    )


def claim(phase, now, limit=BATCH_SIZE):
    with connection.cursor() as cursor:
        # adapted as the column is stored: SQLite compares text, where "…11:00:00" < "…11:00:00+00:00"
        now = connection.ops.adapt_datetimefield_value(now)
        cursor.execute(claim_sql(phase), {"now": now, "limit": limit})
        return [row[0] for row in cursor.fetchall()]


def sweep(now=None, batch_size=BATCH_SIZE, max_batches=MAX_BATCHES):
    """Run both phases until nothing is due (or max_batches per phase); returns {'breach': n, 'warn': n}."""
    now = now or timezone.now()
    center = notifications.center_id()
    done = {}
    for phase in PHASES:
        done[phase] = 0
        for _ in range(max_batches):
            with transaction.atomic():
                ids = claim(phase, now, batch_size)
                if ids:
                    record(phase, ids, now, center)
            done[phase] += len(ids)
            if len(ids) < batch_size:
                break
    if any(done.values()):
        logger.info("SLA sweep at %s: %s", now.isoformat(), done)
    return done


CLAIMED = ("pk", "key", "due_at", "ticket_id", "ticket__status", "ticket__received_at", "whistle_target_id",
           "unit_id", "unit__code", "unit__name", "unit__kind", "unit__parent_id")


def record(phase, ids, now, center):
    """Events, notifications, SMS and flags for the clocks this batch claimed (plain rows: 10 000 must fit in 5 s)."""
    claimed = Clock.objects.filter(pk__in=ids).order_by("due_at", "pk").values_list(*CLAIMED, named=True)
    events, notes, messages, missed = [], [], [], []
    for clock in claimed:
        number = ticket_number(clock.ticket__received_at, clock.ticket_id)
        text = _text(phase, clock.key, number, clock.due_at)
        data = {"clock": clock.pk, "key": clock.key, "unit": clock.unit__code, "due_at": clock.due_at.isoformat()}
        # the same row hotline.services.common.record_event writes, in bulk: no actor, status unchanged
        events.append((clock.ticket_id, phase, clock.ticket__status, clock.ticket__status,
                       f"{clock.unit__name}：{text}", json.dumps(data), now))
        unit = notifications.UnitRef(clock.unit_id, clock.unit__name, clock.unit__kind, clock.unit__parent_id)
        notes += notifications.note_rows(clock.ticket_id, unit, phase, text, now, center)
        messages.append(notifications.sms_row(unit, text, now))
        if phase == NotificationKind.BREACH and clock.key == LimitKey.WHISTLE_REPORT_IN:
            missed.append(clock.whistle_target_id)
    insert_rows(TicketEvent, EVENT_COLUMNS, events)
    insert_rows(Notification, notifications.NOTE_COLUMNS, notes)
    insert_rows(Outbox, notifications.SMS_COLUMNS, messages)
    if missed:
        WhistleTarget.objects.filter(pk__in=missed).update(report_in_missed=True)


EVENT_COLUMNS = ("ticket_id", "action", "from_status", "to_status", "note", "data", "created_at")


def insert_rows(model, columns, rows):
    """A multi-row INSERT of plain tuples (psycopg2 execute_values on PostgreSQL, executemany elsewhere)."""
    if not rows:
        return
    table = model._meta.db_table
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            execute_values(cursor.cursor, f"INSERT INTO {table} ({names}) VALUES %s", rows, page_size=1000)
        else:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", rows)


def _text(phase, key, number, due_at):
    what = f"工单{number}「{LimitKey(key).label}」"
    if phase == NotificationKind.WARN:
        return f"{what}将于{notifications.local(due_at)}到期，请抓紧办理"
    return f"{what}已于{notifications.local(due_at)}超期"
