"""Generating consecutive months: does month k slow with the table? Before (main: the bulk load drops and rebuilds
every secondary index over the whole table, caller_phone indexed twice, five indexes on events) against after
(indexes kept on a loaded table, hotline 0008_index_cleanup), alternating month by month in one run, each in its own
database (<DATABASE_URL name>_before / _after, recreated).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_scalegen_gen .venv/bin/python bench/generate_months.py \
        --months 3 --per-month 200000
"""

import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench import benchdb  # noqa: E402, F401  (its import sets the bench environment)

MODES = {"before": ("0005_idempotency_per_user", True), "after": (None, None)}
FIRST_MONTH = (2026, 1)


def month_label(k):
    year, month = FIRST_MONTH
    month += k
    return f"{year + (month - 1) // 12:04d}-{(month - 1) % 12 + 1:02d}"


def child(mode, step, per_month):
    """In a fresh process on the mode's database: set up (step -1) or generate month `step`; print one JSON line."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from demodata.generator import generate
    from demodata.users import seed_demo_users

    target, rebuild = MODES[mode]
    if step < 0:
        call_command("migrate", verbosity=0)
        if target:  # hotline back to main's last migration (its index set)
            call_command("migrate", "hotline", target, verbosity=0)
        call_command("load_directory", verbosity=0)
        call_command("load_catalog", verbosity=0)
        seed_demo_users()
        return
    started = time.perf_counter()
    stats = generate(per_month, month_label(step), seed=step + 1, rebuild=rebuild)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("""SELECT pg_database_size(current_database()),
                                 pg_indexes_size('hotline_ticket'), pg_indexes_size('hotline_ticketevent'),
                                 (SELECT count(*) FROM pg_indexes WHERE tablename = 'hotline_ticketevent'),
                                 (SELECT count(*) FROM hotline_ticket WHERE status <> 'closed'
                                     AND received_at < now() - interval '30 days'),
                                 (SELECT count(*) FROM hotline_ticket)""")
        size, ticket_ix, event_ix, event_indexes, open_old, total = cursor.fetchone()
    print(json.dumps({"seconds": seconds, "size": size, "ticket_ix": ticket_ix, "event_ix": event_ix,
                      "event_indexes": event_indexes, "open_old": open_old, "total": total,
                      "rows": sum(stats.rows.values())}))


def checkpoint(base_url):
    """Flush the previous run's dirty pages first, so that no run pays for the other's writes."""
    admin = benchdb.admin_connection(base_url)
    with admin.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    admin.close()


def run(mode, step, per_month, base_url):
    checkpoint(base_url)
    env = {**os.environ, "DATABASE_URL": f"{base_url}_{mode}"}
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(step), str(per_month)], env=env,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1]) if step >= 0 else None


def recreate(base_url):
    import dj_database_url

    name = dj_database_url.parse(base_url)["NAME"]
    benchdb.recreate_databases(base_url, [f"{name}_{mode}" for mode in MODES])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--per-month", type=int, default=200_000)
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        mode, step, per_month = args.child
        return child(mode, int(step), int(per_month))
    base_url = os.environ["DATABASE_URL"]
    recreate(base_url)
    for mode in MODES:
        run(mode, -1, 0, base_url)
    print(f"{args.per_month:,} orders a month, {args.months} months; before = main (rebuild all indexes, old index "
          "set), after = this branch; alternating, a CHECKPOINT before each", flush=True)
    print("month     | before s  after s | before GiB after GiB | ticket ix MB b/a | event ix MB b/a (count) "
          "| open >30 d b/a")
    totals = {mode: 0.0 for mode in MODES}
    for step in range(args.months):
        r = {mode: run(mode, step, args.per_month, base_url) for mode in MODES}
        for mode in MODES:
            totals[mode] += r[mode]["seconds"]
        b, a = r["before"], r["after"]
        print(f"{month_label(step)}   | {b['seconds']:8.1f} {a['seconds']:8.1f} | {b['size'] / 2**30:10.2f} "
              f"{a['size'] / 2**30:9.2f} | {b['ticket_ix'] / 2**20:7.0f} {a['ticket_ix'] / 2**20:7.0f} | "
              f"{b['event_ix'] / 2**20:6.0f} ({b['event_indexes']}) {a['event_ix'] / 2**20:6.0f} "
              f"({a['event_indexes']}) | {b['open_old']:7d} {a['open_old']:7d}", flush=True)
    rate = {mode: args.per_month * args.months / totals[mode] for mode in MODES}
    print(f"total     | {totals['before']:8.1f} {totals['after']:8.1f} s; {rate['before']:,.0f} / "
          f"{rate['after']:,.0f} orders/s")


if __name__ == "__main__":
    main()
