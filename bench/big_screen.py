"""Benchmark of the big screen's endpoint, GET /screen/data.json (bigscreen/selectors.py), cold and warm.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_screen REDIS_URL=redis://127.0.0.1:6379/15 \
        .venv/bin/python bench/big_screen.py [--day 2026-12-03] [--runs 40]

Reads only (nothing is written but the cache's snapshot keys and the logged-in sessions of the demo users). Fill a
database first, e.g. `manage.py generate_tickets --count 300000 --month 2026-12`, or point it at a year's database.
Cold: the snapshot computed from the database each time (the cache emptied: what a poll pays when the cache lost
it, and what beat's refresh costs every 10 s per open scope), for the city and for 朝阳区; warm: the cached snapshot
(what every poll pays while beat runs). Both through the view with the test client (session and user included)
and the selector alone.
Prints p50/p95/max in ms, the day's row count, the table's size and the aggregate's plan.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from bench.benchdb import ensure_postgres_database  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hl_screen")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"


def percentiles(times):
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return f"p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   max {times[-1]:7.1f} ms   (n={len(times)})"


def timed(run, runs, before=None):
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--day", help="the day to show (YYYY-MM-DD, Beijing); default today")
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    ensure_postgres_database("bench/big_screen.py")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from bigscreen import selectors
    from dispatch.choices import Role, UnitKind
    from dispatch.models import Unit, User

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    tz = timezone.get_default_timezone()
    day = dt.date.fromisoformat(args.day) if args.day else timezone.localdate()
    now = min(timezone.now(), dt.datetime.combine(day, dt.time(23, 59), tzinfo=tz))
    if day != timezone.localdate():
        now = dt.datetime.combine(day, dt.time(18, 0), tzinfo=tz)
    _, start, end = selectors.day_bounds(now)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hotline_ticket WHERE received_at >= %s AND received_at < %s",
                       [start, end])
        today = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples::bigint, pg_size_pretty(pg_total_relation_size('hotline_ticket')) "
                       "FROM pg_class WHERE relname = 'hotline_ticket'")
        total, size = cursor.fetchone()
    print(f"database {connection.settings_dict['NAME']}: ~{total:,} orders ({size}); {day}: {today:,} orders")
    print(f"cache backend: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}")

    chaoyang = Unit.objects.get(kind=UnitKind.DISTRICT, name="朝阳区")
    leader = User.objects.filter(role=Role.CITY_LEADER, is_active=True).first() or User(role=Role.CITY_LEADER)
    supervisor = (User.objects.filter(role=Role.DISTRICT_SUPERVISOR, unit=chaoyang, is_active=True).first()
                  or User(role=Role.DISTRICT_SUPERVISOR, unit=chaoyang))
    for label, scope in (("city", None), ("朝阳区", chaoyang.pk)):
        selectors.compute(scope, now)  # the first read warms PostgreSQL's buffers, as a screen's poll does
        cold = timed(lambda s=scope: selectors.compute(s, now), args.runs)
        print(f"selector cold  {label:6} {percentiles(cold)}")
    settings.BIG_SCREEN_CACHE_SECONDS = 30
    for label, user in (("city", leader), ("朝阳区", supervisor)):
        selectors.snapshot(user, now)
        warm = timed(lambda u=user: selectors.snapshot(u, now), args.runs * 5)
        print(f"selector warm  {label:6} {percentiles(warm)}")

    if leader.pk and supervisor.pk:
        for label, user in (("city", leader), ("朝阳区", supervisor)):
            client = Client()
            client.force_login(user)
            keys = [f"bigscreen:{'city' if label == 'city' else chaoyang.pk}"]

            def get(c=client):
                response = c.get("/screen/data.json")
                assert response.status_code == 200, response.status_code

            cache.delete_many(keys)
            get()  # the client's first request loads the URLconf, middleware and templates: not the endpoint's cost
            cold = timed(get, args.runs, before=lambda k=keys: cache.delete_many(k))
            get()
            warm = timed(get, args.runs * 5)
            print(f"endpoint cold  {label:6} {percentiles(cold)}")
            print(f"endpoint warm  {label:6} {percentiles(warm)}")
        print("(the endpoint's 'today' is the real today; the selector's is --day)")
    else:
        print("no demo leader/supervisor users in this database: endpoint timings skipped (seed_demo adds them)")

    sql = selectors.tally_sql(None)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, {"day": day, "start": start, "end": end, "now": now})
        plan = [row[0] for row in cursor.fetchall()]
    print("plan of today's figures from the tallies (city):")
    for line in plan:
        if any(word in line for word in ("Scan", "Aggregate", "Execution", "Buffers: shared", "Planning Time")):
            print("   ", line.strip()[:150])


if __name__ == "__main__":
    main()
