"""Benchmark: the dispatcher's and the callback queues (and an enterprise's 待签收) at volume, optionally beside
another checkout, with where each page's time goes (SQL against the rest: Python, ORM rows, templates).

    .venv/bin/python bench/queues.py --database hl_quarter [--before /work/main] [--runs 7] [--rounds 1] [--explain]

Each row (bench/volume.py's URLs, as the same users) is measured in a fresh process of each checkout in turn
(``--before`` first, then this one; ``--rounds N`` repeats the pair N times, alternating), so the two see the same
machine: one warm-up GET, then --runs timed ones; median and p95 (of 7: the worst) in ms, through Django's test
client (DEBUG off, throttles lifted), and the process's CPU time per request (Python: ORM rows, templates; the
database's time is not in it). Then one more GET with its statements captured: their number and summed time
("sql"), the rest of the request being Python (rows, templates). The rows every list of the page shows (ids, the
page number, the capped count) are compared between the checkouts: "!! different" when they differ.
--explain prints EXPLAIN (ANALYZE, BUFFERS) of every statement of each row in this checkout over 5 ms.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
ROWS = (
    ("dispatcher", "派单队列", "/center/queue/"),
    ("dispatcher", "派单队列 第 50 页", "/center/queue/?page=50"),
    ("callback", "回访队列", "/callbacks/"),
    ("callback", "回访队列 第 50 页", "/callbacks/?page=50"),
    ("heating", "企业·待签收", "/work/"),
)
LISTS = ("tickets", "deadlines", "extensions", "decisions")  # the lists a page's context may hold


def shown(context):
    """What the page's lists show: each list's ids in order, and the paged one's number and capped count."""
    result = {}
    for name in LISTS:
        if name not in context:
            continue
        rows = context[name]
        page = getattr(rows, "paginator", None)
        result[name] = {"ids": [getattr(row, "pk", None) for row in getattr(rows, "object_list", rows)]}
        if page is not None:
            result[name].update(page=rows.number, count=page.count, capped=page.capped)
    if "tabs" in context:
        result["tabs"] = [list(tab) for tab in context["tabs"]]
    return result


def child(user, url, runs, explain):
    """In this checkout: time GET url as user; then the statements of one more GET, and their plans if asked."""
    sys.path.insert(0, os.getcwd())
    import bench.benchdb  # noqa: F401  (bench settings)

    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    for scope in ("INTAKE", "READ", "ACTIONS", "TOKEN", "SEARCH", "LOOKUP"):
        os.environ[f"THROTTLE_{scope}"] = "1000000/min"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from dispatch.models import User

    setup_test_environment()  # responses carry their template context
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    client = Client()
    client.force_login(User.objects.get(username=user))
    response = client.get(url)
    times, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    statements = []

    def clock(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - started, sql, params))

    started = time.perf_counter()
    with connection.execute_wrapper(clock):
        client.get(url)
    total = (time.perf_counter() - started) * 1000
    sql_ms = sum(s for s, _, _ in statements) * 1000
    result = {"median": statistics.median(times), "p95": max(times), "cpu": statistics.median(cpu),
              "status": response.status_code,
              "shown": shown(response.context), "statements": len(statements), "sql": sql_ms, "total": total,
              "each": [round(s * 1000, 1) for s, _, _ in statements]}
    if explain:
        plans = []
        with connection.cursor() as cursor:
            for seconds, sql, params in statements:
                if seconds * 1000 < 5 or not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                plan = "\n".join(line for (line,) in cursor.fetchall())
                plans.append(f"({seconds * 1000:.0f} ms) {cursor.mogrify(sql, params).decode()[:1500]}\n{plan}")
        result["explain"] = "\n\n".join(plans)
    print(json.dumps(result, ensure_ascii=False))


def run_child(tree, database, user, url, runs, explain=False):
    env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}")
    command = [str(Path(tree) / ".venv/bin/python"), str(Path(__file__).resolve()), "--child", user, url,
               "--runs", str(runs)] + (["--explain"] if explain else [])
    done = subprocess.run(command, env=env, cwd=tree, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{tree} {user} {url}:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="hl_quarter")
    parser.add_argument("--before", help="another checkout (e.g. /work/main) measured beside this one")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("USER", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child, args.runs, args.explain)
    trees = ([("before", args.before)] if args.before else []) + [("after", str(HERE))]
    for user, label, url in ROWS:
        measured = {name: [] for name, _ in trees}
        for _ in range(args.rounds):
            for name, tree in trees:
                measured[name].append(run_child(tree, args.database, user, url, args.runs))
        cells = []
        for name, runs in measured.items():
            median = statistics.median(m["median"] for m in runs)
            p95 = statistics.median(m["p95"] for m in runs)
            cpu = statistics.median(m["cpu"] for m in runs)
            last = runs[-1]
            cells.append(f"{name} {median:5.0f} / {p95:<5.0f} (python cpu {cpu:4.0f}; sql {last['sql']:4.0f} in"
                         f" {last['statements']:2d}, rest {last['total'] - last['sql']:4.0f})")
        shown_ = {json.dumps(m["shown"], sort_keys=True) for runs in measured.values() for m in runs}
        first = next(iter(measured.values()))[-1]["shown"]
        paged = first.get("tickets", {})
        count = f"{paged.get('count')}{'+' if paged.get('capped') else ''}"
        print(f"{label} · {user:<10} page {paged.get('page')} of {count}"
              f"  {'  '.join(cells)}{'' if len(shown_) == 1 else '  !! different'}", flush=True)
    print(f"\n(median / p95 ms of {args.runs} runs x {args.rounds} rounds at {args.database}; goal p95 <= 300 ms;"
          " python cpu: the web process's CPU time per request (median), less bent by the machine's load;"
          " sql: summed statement time of one more request, rest: the request's other time)")
    if args.explain:
        for user, label, url in ROWS:
            explained = run_child(str(HERE), args.database, user, url, 1, explain=True)
            print(f"\n==== {label} · {user}: statements {explained['each']}\n{explained['explain']}", flush=True)


if __name__ == "__main__":
    main()
