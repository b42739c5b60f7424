"""Benchmark of the header badge's poll, GET /notifications/unread.json (assessment/clock/selectors.py unread_summary).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_alerts_bench .venv/bin/python bench/unread_badge.py

The database is created if missing, migrated, and its tickets and notifications are REPLACED: use a bench database.
Loads BENCH_NOTES notifications over every unit (a tenth unread), one street holding BENCH_UNREAD unread notices of
its own plus its leader's; goal: the poll's query ≤ 5 ms. Prints the selector's and the whole request's timings and
the query plan.
"""

import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from bench.benchdb import ensure_postgres_database  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hotline_alerts_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

NOTES = int(os.environ.get("BENCH_NOTES", 1_000_000))
UNREAD = int(os.environ.get("BENCH_UNREAD", 2_000))
RUNS = 200


def setup():
    ensure_postgres_database("bench/unread_badge.py")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from dispatch.directory import load_directory
    from dispatch.models import Unit

    if not Unit.objects.exists():
        load_directory()


def load(now):
    from django.db import connection

    from assessment.models import Notification
    from bench.sla_sweep import template_ticket
    from dispatch.models import Unit
    from hotline.models import Ticket

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Ticket._meta.db_table} CASCADE")
    ticket = template_ticket(now)
    units = list(Unit.objects.values_list("id", flat=True))
    street = Unit.objects.filter(kind="street").order_by("code").first()
    table = Notification._meta.db_table
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (recipient_id, recipient_role, ticket_id, kind, text, created_at, read_at)
            SELECT (ARRAY{units})[1 + mod(g, {len(units)})], '', %(ticket)s, 'dispatch',
                   '工单派至本单位主办，请及时签收',
                   %(now)s - make_interval(mins => mod(g, 500000)),
                   CASE WHEN mod(g, 10) = 0 THEN NULL ELSE %(now)s END
            FROM generate_series(1, %(n)s) g""", {"ticket": ticket.pk, "now": now, "n": NOTES})
        cursor.execute(
            f"""INSERT INTO {table} (recipient_id, recipient_role, ticket_id, kind, text, created_at)
            SELECT %(street)s, CASE WHEN mod(g, 4) = 0 THEN 'street_leader' ELSE '' END, %(ticket)s, 'dispatch',
                   '工单派至本单位主办，请及时签收', %(now)s - make_interval(secs => g)
            FROM generate_series(1, %(n)s) g""", {"street": street.pk, "ticket": ticket.pk, "now": now, "n": UNREAD})
        cursor.execute(f"ANALYZE {table}")
    print(f"loaded {NOTES + UNREAD:,} notifications in {time.perf_counter() - started:.1f} s")
    return street


def timed(run):
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)]


def main():
    setup()
    from django.db import connection
    from django.db.models import Count, Window
    from django.test import Client
    from django.utils import timezone

    from assessment.clock.selectors import unread_notifications, unread_summary
    from dispatch.models import User

    now = timezone.now()
    street = load(now)
    staff, _ = User.objects.update_or_create(username="bench-street", defaults={"role": "street_staff", "unit": street})
    count, latest = unread_summary(staff)
    print(f"{street.name} street staff: {count:,} unread, newest {len(latest)} returned")
    median, p95 = timed(lambda: unread_summary(staff))
    print(f"unread_summary (the one query): median {median:.2f} ms, p95 {p95:.2f} ms over {RUNS} runs")
    client = Client()
    client.force_login(staff)
    median, p95 = timed(lambda: client.get("/notifications/unread.json"))
    print(f"GET /notifications/unread.json (session, user, the query, JSON): median {median:.2f} ms, p95 {p95:.2f} ms")
    # unread_summary's query
    queryset = unread_notifications(staff).select_related(None).annotate(unread=Window(Count("pk")))[:5]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
