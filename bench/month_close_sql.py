"""Benchmark: the month close's SQL and the busiest street's and department's drill-down on an existing database,
before and after. A revision from before the stored pairs (AssessedOrder) is run the way it ran then: the close
counts live, the drill-down recomputes the month; the working tree's drill-down reads the pairs its close stored.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_quarter .venv/bin/python bench/month_close_sql.py \
        --month 2026-11 --before main --repeat 3 [--only drill-down]

"before" is assessment/monthly/scorecards.py at the git revision --before, loaded as a module; "after" is the
working tree. Alternating runs, medians; the scorecards of both are compared row by row (prints "equal" or the
differences); EXPLAIN ANALYZE of the unit counts query and of the busiest department's drill-down of each at the end.
"""

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import bench.benchdb  # noqa: E402,F401  (bench settings: throw-away key, plain http)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def load_before(rev):
    source = subprocess.run(["git", "show", f"{rev}:assessment/monthly/scorecards.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader("scorecards_before", loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, f"{rev}:scorecards.py", "exec"), module.__dict__)  # noqa: S102 - our own file at a rev
    return module


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--month", default="2026-10", help="one month, or several: 2026-10,2026-11")
    parser.add_argument("--before", default="9717b13")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="run only the cases whose label contains this, e.g. drill-down")
    args = parser.parse_args()

    import django
    django.setup()
    from django.db import connection, connections, transaction
    from django.utils import timezone

    from assessment.models import Scorecard
    from assessment.monthly import month_close, scorecards
    from assessment.monthly.months import parse_month
    from assessment.monthly.rules import rule_for
    from dispatch.choices import UnitKind
    from dispatch.models import Unit

    CARD_FIELDS = [f.name for f in Scorecard._meta.concrete_fields if f.name != "id"]

    month, now = parse_month(args.month), timezone.now()
    rule = rule_for(month)
    versions = {"before": load_before(args.before), "after": scorecards}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hotline_ticket")
        print(f"data: {cursor.fetchone()[0]:,} tickets, month {args.month}, {os.cpu_count()} cores")

    def counts(module):
        with transaction.atomic():
            month_close._plan_for_a_month_scan()
            return {unit: tuple(vars(c).values()) for unit, c in module.unit_counts(month, now=now, rule=rule).items()}

    month_counts = counts(scorecards)

    def busiest(kind):
        units = set(Unit.objects.filter(kind=kind).values_list("pk", flat=True))
        unit = max((kv for kv in month_counts.items() if kv[0] in units), key=lambda kv: kv[1][0])[0]
        print(f"busiest {kind}: {Unit.objects.get(pk=unit).name}, {month_counts[unit][0]:,} orders assessed")
        return unit

    street, department = busiest(UnitKind.STREET), busiest(UnitKind.DEPARTMENT)

    def stores_pairs(module):
        return hasattr(module, "store_month_pairs")

    def drill(module, measure, unit=street):
        if stores_pairs(module):
            return module.assessed_orders(month, [unit], measure, limit=51)
        return module.assessed_orders(month, [unit], measure, now=now, rule=rule, limit=51)

    def close(module):
        month_close.scorecards = module if stores_pairs(module) else SimpleNamespace(
            **vars(module), store_month_pairs=module.unit_counts)
        try:
            month_close.close_month(month, now=now)
            return list(Scorecard.objects.filter(month=month).order_by("unit_id").values(*CARD_FIELDS))
        finally:
            month_close.scorecards = scorecards

    cases = [("unit counts (close_month's main query)", counts), ("close_month, all of it", close),
             ("drill-down busiest street, all", lambda m: drill(m, "all")),
             ("drill-down busiest street, late", lambda m: drill(m, "late")),
             ("drill-down busiest street, unsatisfied", lambda m: drill(m, "unsatisfied")),
             ("drill-down busiest street, overdue", lambda m: drill(m, "overdue")),
             ("drill-down busiest department, all", lambda m: drill(m, "all", department)),
             ("drill-down busiest department, overdue", lambda m: drill(m, "overdue", department))]
    for label, fn in (case for case in cases if args.only in case[0]):
        runs, results = {"before": [], "after": []}, {}
        for _ in range(args.repeat):
            for name, module in versions.items():
                started = time.perf_counter()
                results[name] = fn(module)
                runs[name].append(time.perf_counter() - started)
        before, after = (statistics.median(runs[n]) * 1000 for n in ("before", "after"))
        same = "equal" if results["before"] == results["after"] else differences(results)
        print(f"{label}: before {before:,.0f} ms, after {after:,.0f} ms ({before / after:.2f}×) — {same}")

    for name, module in versions.items():
        if stores_pairs(module):  # the pairs the close stores (their SELECT; the INSERT adds the writes)
            params, sql = module._pairs(month, now, rule)
        else:
            params = module.query_params(month, now, rule)
            sql = module.UNIT_COUNTS_SQL.format(latest=module.latest_callback_sql(""), filters="", tickets="")
        with transaction.atomic():
            month_close._plan_for_a_month_scan()
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
                print(f"\n--- EXPLAIN ANALYZE unit counts, {name}\n" + "\n".join(r[0] for r in cursor.fetchall()))
        explained, db = [], connections["default"]  # the busiest department's drill-down, as the page runs it
        with mock.patch.object(db, "cursor", lambda real=db.cursor, lines=explained: _Explaining(real(), lines)):
            drill(module, "all", department)
        print(f"\n--- EXPLAIN ANALYZE drill-down busiest department, all, {name}\n" + "\n".join(explained))


class _Explaining:
    """A cursor that runs EXPLAIN ANALYZE of the statement instead, keeping the plan's lines."""

    def __init__(self, cursor, lines):
        self.cursor, self.lines = cursor, lines

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cursor.close()

    def execute(self, sql, params):
        self.cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
        self.lines.extend(row[0] for row in self.cursor.fetchall())

    def fetchall(self):
        return []


def differences(results):
    before, after = results["before"], results["after"]
    if isinstance(before, dict):
        diff = {k: (before.get(k), after.get(k)) for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    else:
        diff = [(b, a) for b, a in zip(before, after, strict=False) if b != a] or f"{len(before)} vs {len(after)} rows"
    return f"DIFFERENT: {str(diff)[:600]}"


if __name__ == "__main__":
    main()
