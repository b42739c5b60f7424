"""Benchmark of the SLA sweep (assessment/clock/sweep.py) on PostgreSQL with one million running clocks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_clock_bench .venv/bin/python bench/sla_sweep.py

The database is created if missing, migrated, and its tickets are REPLACED (TRUNCATE … CASCADE): use a bench database.
Goals: a sweep that finds nothing due ≤ 50 ms; a sweep that processes 10 000 due clocks ≤ 5 s.
Prints the timings and EXPLAIN (ANALYZE, BUFFERS) of both claim statements.
"""

import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from bench.benchdb import ensure_postgres_database  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hotline_clock_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

TICKETS = int(os.environ.get("BENCH_TICKETS", 333_334))  # three clocks each: 1 000 002 clocks
DUE_BREACH = DUE_WARN = 5_000


def setup():
    ensure_postgres_database("bench/sla_sweep.py")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from dispatch.directory import load_directory
    from dispatch.models import Unit

    if not Unit.objects.exists():
        load_directory()


def template_ticket(now):
    """One real ticket made by the ORM; the bulk insert copies its row, so new NOT NULL columns never break it."""
    from dispatch.models import CatalogItem, CatalogVersion, Unit, User
    from hotline.models import Ticket

    version, _ = CatalogVersion.objects.get_or_create(number=9999, defaults={"label": "bench"})
    item, _ = CatalogItem.objects.get_or_create(version=version, code="B1", defaults={"name": "bench", "level": 3})
    user, _ = User.objects.get_or_create(username="bench-agent", defaults={"role": "agent"})
    street = Unit.objects.filter(kind="street").first()
    return Ticket.objects.create(
        status="signed", channel="phone", caller_phone="13800000000", address="bench", district=street.parent,
        street=street, content="bench", request_type="complaint", catalog_item=item, tier="7d", lead_unit=street,
        received_by=user, received_at=now, dispatched_at=now,
    )


def load(now):
    from django.db import connection

    from assessment.models import Clock, Outbox
    from dispatch.models import Unit
    from hotline.models import Ticket

    ticket_table, clock_table = Ticket._meta.db_table, Clock._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {ticket_table}, {Outbox._meta.db_table} CASCADE")
    template = template_ticket(now)
    streets = list(Unit.objects.filter(kind="street").values_list("id", "parent_id"))
    columns = [f.column for f in Ticket._meta.concrete_fields if f.column not in ("id",)]
    override = {
        "lead_unit_id": f"(ARRAY{[s for s, _ in streets]})[1 + mod(g, {len(streets)})]",
        "street_id": f"(ARRAY{[s for s, _ in streets]})[1 + mod(g, {len(streets)})]",
        "district_id": f"(ARRAY{[d for _, d in streets]})[1 + mod(g, {len(streets)})]",
        "received_at": "%(now)s - make_interval(mins => mod(g, 10000))",
    }
    select = ", ".join(override.get(c, f"t.{c}") for c in columns)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ticket_table} ({', '.join(columns)}) SELECT {select} "
            f"FROM {ticket_table} t, generate_series(1, %(n)s) g WHERE t.id = %(template)s",
            {"now": now, "n": TICKETS - 1, "template": template.pk},
        )
        # Every clock is running and nothing is due: due 1 h … 7 d ahead; 30 % already warned (not in that index).
        cursor.execute(
            f"""INSERT INTO {clock_table} (ticket_id, key, unit_id, started_at, due_at, warn_at, warned_at,
                    policy_number)
            SELECT t.id, k.key, t.lead_unit_id, s.started, s.due, s.warn,
                   CASE WHEN s.warn <= %(now)s THEN s.warn END, 1
            FROM {ticket_table} t
            CROSS JOIN (VALUES ('sign'), ('response:7d'), ('complete:7d')) k(key)
            CROSS JOIN LATERAL (
                SELECT %(now)s - make_interval(hours => mod(t.id, 48)::int) AS started,
                       %(now)s + make_interval(mins => 60 + mod(t.id * 7 + length(k.key), 10000)::int) AS due
            ) d
            CROSS JOIN LATERAL (
                SELECT d.started, d.due,
                       CASE WHEN mod(t.id, 10) < 3 THEN %(now)s - interval '5 minutes'
                            ELSE d.due - interval '30 minutes' END AS warn
            ) s""",
            {"now": now},
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ticket_table}; ANALYZE {clock_table}")
        cursor.execute(f"SELECT count(*) FROM {clock_table} WHERE stopped_at IS NULL")
        running = cursor.fetchone()[0]
    print(f"loaded {TICKETS:,} tickets and {running:,} running clocks in {time.perf_counter() - started:.1f} s")


def make_due(now):
    """5 000 completion clocks past due (already warned) and 5 000 sign clocks past their warning."""
    from django.db import connection

    from assessment.models import Clock

    table = Clock._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {table} SET due_at = %(now)s - interval '1 minute', warn_at = %(now)s - interval '2 hours',
                       warned_at = %(now)s - interval '2 hours'
                WHERE id IN (SELECT id FROM {table} WHERE key = 'complete:7d' ORDER BY id LIMIT %(n)s)""",
            {"now": now, "n": DUE_BREACH},
        )
        cursor.execute(
            f"""UPDATE {table} SET warn_at = %(now)s - interval '1 minute', warned_at = NULL
                WHERE id IN (SELECT id FROM {table} WHERE key = 'sign' ORDER BY id DESC LIMIT %(n)s)""",
            {"now": now, "n": DUE_WARN},
        )
        cursor.execute(f"ANALYZE {table}")


def explain(now, title):
    from django.db import connection, transaction

    from assessment.clock.sweep import BATCH_SIZE, claim_sql

    for phase in ("breach", "warn"):
        print(f"\n--- EXPLAIN (ANALYZE, BUFFERS) {phase} claim, {title}")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + claim_sql(phase), {"now": now, "limit": BATCH_SIZE})
            print("\n".join(row[0] for row in cursor.fetchall()))
            transaction.set_rollback(True)


def timed_sweep(now):
    from assessment.clock.sweep import sweep

    started = time.perf_counter()
    done = sweep(now=now)
    return (time.perf_counter() - started) * 1000, done


def main():
    setup()
    from django.utils import timezone

    now = timezone.now().replace(microsecond=0)
    load(now)
    timed_sweep(now)  # warm the connection and caches
    idle = [timed_sweep(now) for _ in range(20)]
    assert all(done == {"breach": 0, "warn": 0} for _, done in idle), idle
    times = sorted(ms for ms, _ in idle)
    print(f"\nsweep with nothing due (1M running clocks): median {statistics.median(times):.1f} ms, "
          f"max {times[-1]:.1f} ms over {len(times)} runs  [goal ≤ 50 ms]")
    explain(now, "nothing due")

    make_due(now)
    explain(now, f"{DUE_BREACH + DUE_WARN:,} due (rolled back)")
    ms, done = timed_sweep(now)
    total = done["breach"] + done["warn"]
    print(f"\nsweep processing {total:,} due clocks {done}: {ms:.0f} ms "
          f"({total / ms * 1000:,.0f} clocks/s)  [goal ≤ 5 000 ms]")
    from assessment.models import Notification, Outbox
    from hotline.models import TicketEvent

    print(f"written: {TicketEvent.objects.filter(action__in=['warn', 'breach']).count():,} events, "
          f"{Notification.objects.count():,} notifications, {Outbox.objects.count():,} SMS")
    ms, done = timed_sweep(now)
    print(f"sweep right after (nothing left): {ms:.1f} ms {done}")


if __name__ == "__main__":
    main()
