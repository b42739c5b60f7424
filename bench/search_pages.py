"""Benchmark: the search page for common content and address words, page 1 and the deepest page offered, as the
city's agent, the busiest street's user and the 朝阳 district supervisor; optionally beside another checkout.

    .venv/bin/python bench/search_pages.py --database hl_quarter [--before /work/main] [--runs 7] [--explain]

Each row (user, word, page) is measured in a fresh process of each checkout in turn (``--before`` first, then this
one), so the two see the same machine: one warm-up GET, then --runs timed ones; median and p95 (of 7: the worst)
in ms, through Django's test client (DEBUG off, throttles lifted). The deep page asks page=100: the paginator
serves the last page it offers (page 100 when the count says "10 000+", page 10 for a word's "1 000+"; --pages
picks the pages asked). --explain prints EXPLAIN (ANALYZE,
BUFFERS) of the slowest statement of this checkout's slowest row.
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
USERS = ("agent", "wangjing", "chaoyang")
WORDS = (("内容词", "暖气"), ("内容词", "噪音"), ("地址词", "望京"))
PAGES = (1, 100)


def rows(pages=PAGES):
    return [(user, f"{kind} {word}", page, f"/tickets/?q={word}" + (f"&page={page}" if page > 1 else ""))
            for kind, word in WORDS for user in USERS for page in pages]


def child(user, url, runs, explain):
    """In this checkout: time GET url as user; with explain, also the slowest statement's plan."""
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

    setup_test_environment()  # responses carry their template context (the page and its paginator)
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    client = Client()
    client.force_login(User.objects.get(username=user))
    response = client.get(url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    page = response.context["tickets"]
    result = {"median": statistics.median(times), "p95": max(times), "status": response.status_code,
              "page": page.number, "count": page.paginator.count, "capped": page.paginator.capped,
              "ids": [row.pk for row in page.object_list]}
    if explain:
        statements = []

        def clock(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                statements.append((time.perf_counter() - started, sql, params))

        with connection.execute_wrapper(clock):
            client.get(url)
        seconds, sql, params = max(statements, key=lambda s: s[0])
        from django.db import transaction

        from hotline import text_search

        with transaction.atomic(), connection.cursor() as cursor:
            text_search.tune_word_search()  # the settings the search runs its queries with
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = "\n".join(line for (line,) in cursor.fetchall())
            shown = cursor.mogrify(sql, params).decode()
        result["explain"] = (f"{len(statements)} statements: "
                             + ", ".join(f"{s * 1000:.0f}" for s, _, _ in statements)
                             + f" ms; the slowest ({seconds * 1000:.0f} ms):\n{shown}\n{plan}")
    print(json.dumps(result, ensure_ascii=False))


def run_child(tree, database, user, url, runs, explain=False):
    env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}")
    command = [str(Path(tree) / ".venv/bin/python"), str(Path(__file__).resolve()), "--child", user, url,
               "--runs", str(runs)] + (["--explain"] if explain else [])
    output = subprocess.run(command, env=env, cwd=tree, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="hl_quarter")
    parser.add_argument("--before", help="another checkout (e.g. /work/main) measured beside this one")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--pages", default=",".join(map(str, PAGES)), help="pages asked (default 1,100)")
    parser.add_argument("--child", nargs=2, metavar=("USER", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child, args.runs, args.explain)
    trees = ([("before", args.before)] if args.before else []) + [("after", str(HERE))]
    results = []
    for user, label, page, url in rows(tuple(int(p) for p in args.pages.split(","))):
        measured = {name: run_child(tree, args.database, user, url, args.runs) for name, tree in trees}
        results.append((user, label, page, url, measured))
        cells = "  ".join(f"{name} {m['median']:6.0f} / {m['p95']:<6.0f}" for name, m in measured.items())
        same = ("" if len({json.dumps(m["ids"]) for m in measured.values()}) == 1
                else "  !! different orders")
        after = measured["after"]
        print(f"{label} · {user:<9} page {after['page']:>3} ({after['count']}{'+' if after['capped'] else ''})"
              f"  {cells}{same}", flush=True)
    print(f"\n(median / p95 ms of {args.runs} runs at {args.database}; goal p95 ≤ 300 ms)")
    if args.explain:
        user, label, page, url, _ = max(results, key=lambda r: r[4]["after"]["median"])
        explained = run_child(str(HERE), args.database, user, url, 1, explain=True)
        print(f"\nEXPLAIN, slowest row: {label} · {user} page {page}: {explained['explain']}")


if __name__ == "__main__":
    main()
