"""Benchmark: month close, ranking page and drill-down over one generated month.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench_assess \
        .venv/bin/python bench/month_close.py --count 1700000 --month 2026-10

Generates the month with demodata/generator.py (skipped with --reuse when the month is already there), then
prints: month close seconds (targets: ≤ 10 s on 2 cores), ranking page and drill-down milliseconds (≤ 300 ms).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.benchdb import ensure_postgres_database, prepare_for_pages  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def timed(fn, repeat=1):
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return runs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_700_000)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--reuse", action="store_true", help="do not generate; use the tickets already there")
    args = parser.parse_args()

    ensure_postgres_database("bench/month_close.py")
    users = prepare_for_pages()
    from django.db import connection
    from django.test import Client

    from assessment.models import MonthClose, Scorecard
    from assessment.monthly.month_close import close_month
    from assessment.monthly.months import parse_month
    from demodata.generator import generate

    month = parse_month(args.month)
    if not args.reuse:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE hotline_ticket, assessment_scorecard, assessment_monthclose CASCADE")
        started = time.perf_counter()
        generate(args.count, args.month, seed=1, now=None)
        print(f"generated {args.count:,} tickets in {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hotline_ticket")
        tickets = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM hotline_callback")
        callbacks = cursor.fetchone()[0]
    print(f"data: {tickets:,} tickets, {callbacks:,} callbacks, {os.cpu_count()} cores")

    MonthClose.objects.filter(month=month).delete()
    Scorecard.objects.filter(month=month).delete()
    close_runs = timed(lambda: close_month(month), repeat=2)
    cards = Scorecard.objects.filter(month=month).count()
    print(f"month close (provisional, all units): {', '.join(f'{s:.2f}' for s in close_runs)} s "
          f"→ {cards} scorecards (target ≤ 10 s)")
    freeze = timed(lambda: close_month(month, freeze=True))[0]
    print(f"month close --freeze: {freeze:.2f} s; re-run of a frozen month: "
          f"{timed(lambda: close_month(month, freeze=True))[0] * 1000:.1f} ms")

    client = Client()
    client.force_login(users["leader"])
    top = Scorecard.objects.filter(month=month, group="street").order_by("-assessed").select_related("unit").first()

    def page(url, params):
        def get():
            response = client.get(url, params)
            assert response.status_code == 200, response.status_code
        get()  # warm-up
        runs = timed(get, repeat=7)
        return statistics.median(runs) * 1000, max(runs) * 1000

    for label, url, params in [
        ("ranking page (343 streets)", "/rankings/", {"month": args.month, "group": "street"}),
        ("ranking export .xlsx", "/rankings/export.xlsx", {"month": args.month, "group": "street"}),
        (f"drill-down {top.unit.name} ({top.assessed} orders), all", f"/rankings/units/{top.unit.code}/",
         {"month": args.month}),
        ("drill-down, late contacts", f"/rankings/units/{top.unit.code}/", {"month": args.month, "measure": "late"}),
        ("drill-down, overdue", f"/rankings/units/{top.unit.code}/", {"month": args.month, "measure": "overdue"}),
        ("drill-down, unsatisfied", f"/rankings/units/{top.unit.code}/",
         {"month": args.month, "measure": "unsatisfied"}),
        ("overview (closed month)", "/rankings/overview/", {"month": args.month}),
    ]:
        median, worst = page(url, params)
        print(f"{label}: median {median:.0f} ms, max {worst:.0f} ms (target ≤ 300 ms)")


if __name__ == "__main__":
    main()
