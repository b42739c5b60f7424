"""Benchmark: the district's lists, the street's API page, the queues and the one-day export (issue 14), a checkout
against another in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_quarter .venv/bin/python bench/district_lists.py \
        --before /tmp/before [--runs 7] [--rounds 2] [--only 区督办,街道]

Reads only (a database holding generated months and the demo users, such as the shared hl_quarter): every
transaction of the child is read-only (default_transaction_read_only), its sessions are signed cookies, no
last_login nor login record (django-axes) is written and the export's ListExport record is left out (one INSERT).
Each checkout is measured in its own process, with its own code (the working directory's): --before's, then this
one's, ``--rounds`` times in alternation (A B B A …), so that a noisy machine weighs on both. Each row: one warm-up,
then --runs timed requests (Django test client, DEBUG off); median and p95 (of 7: the worst) ms, and the number of
SQL statements. Prints both side by side.
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
for scope in ("READ", "SEARCH", "LOOKUP"):  # measured, not limited
    os.environ[f"THROTTLE_{scope}"] = "1000000/min"
DAY = "received_from=2026-11-28&received_to=2026-11-28"
ROWS = [
    ("区督办（本区） · chaoyang", "chaoyang", "/center/deadlines/"),
    ("临期超期督办（全市） · dispatcher", "dispatcher", "/center/deadlines/"),
    ("API 工单 第 1 页（街道） · wangjing", "wangjing", "/api/tickets/?limit=50"),
    ("API 工单 第 1 页（本区） · chaoyang", "chaoyang", "/api/tickets/?limit=50"),
    ("本区工单 · chaoyang", "chaoyang", "/district/tickets/"),
    ("本区工单 搜索 暖气 · chaoyang", "chaoyang", "/district/tickets/?q=%E6%9A%96%E6%B0%94"),
    ("本区工单 导出 xlsx（一日受理） · chaoyang", "chaoyang", f"/district/tickets/?format=xlsx&{DAY}"),
    ("街道·已超期 · wangjing", "wangjing", "/work/?tab=overdue"),
    ("派单队列 · dispatcher", "dispatcher", "/center/queue/"),
    ("回访队列 第 50 页 · callback", "callback", "/callbacks/?page=50"),
]


def wanted(label, only):
    """Whether a row is measured: ``only`` is empty or one of its comma-separated parts is in the label."""
    return not only or any(part in label for part in only.split(","))


def child(runs):
    sys.path.insert(0, os.getcwd())  # the checkout measured is the working directory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-key-not-secret-0123456789abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("LOCAL_HTTP", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import user_logged_in
    from django.contrib.auth.models import update_last_login
    from django.db import connection
    from django.test import Client

    import hotline.exports
    from dispatch.models import User

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    # reads only: a shared database is never written (a write would fail loudly)
    options = connection.settings_dict.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c default_transaction_read_only=on".strip()
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.AXES_ENABLED = False  # no access log of the logins
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    hotline.exports.record_list_export = lambda *args, **kwargs: None
    hotline.exports.SYNC_EXPORT_ROWS = hotline.exports.EXPORT_LIMIT  # written in the request, as the checkouts compared
    only = os.environ.get("DISTRICT_LISTS_ONLY", "")
    clients, result = {}, {}
    for label, username, url in ROWS:
        if not wanted(label, only):
            continue
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        statements = []
        with connection.execute_wrapper(lambda execute, sql, *rest, seen=statements: seen.append(sql)
                                        or execute(sql, *rest)):
            response = clients[username].get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        if response.status_code != 200:
            result[label] = {"error": f"{response.status_code}"}
            continue
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = clients[username].get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - started) * 1000)
        result[label] = {"median": statistics.median(times), "p95": max(times), "queries": len(statements)}
        print(f"  {os.getcwd()} {label}: {result[label]}", file=sys.stderr, flush=True)
    print(json.dumps(result, ensure_ascii=False))


def run(checkout, runs):
    command = [sys.executable, str(HERE / "bench" / "district_lists.py"), "--child", "--runs", str(runs)]
    output = subprocess.run(command, cwd=checkout, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", help="the other checkout's directory (e.g. /work/main)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--only", default="", help="only the rows whose label contains one of these (a,b)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.runs)
    os.environ["DISTRICT_LISTS_ONLY"] = args.only  # for the children
    before, after = [], []
    for round_ in range(args.rounds):
        pair = [(args.before, before), (str(HERE), after)]
        for checkout, results in (pair if round_ % 2 == 0 else pair[::-1]):
            results.append(run(checkout, args.runs))
    print(f"\n{'':<44}{'before (median / p95, queries)':>34}{'after':>34}")
    for label, _, _ in ROWS:
        if not wanted(label, args.only):
            continue
        cells = []
        for results in (before, after):
            rows = [r[label] for r in results if "median" in r.get(label, {})]
            if not rows:
                cells.append(f"{results[0].get(label, {}).get('error', '—'):>34}")
                continue
            median = statistics.median(r["median"] for r in rows)
            p95 = max(r["p95"] for r in rows)
            cells.append(f"{median:>18.0f} / {p95:<6.0f} {rows[0]['queries']:>4} q ")
        print(f"{label:<44}" + "".join(cells))


if __name__ == "__main__":
    main()
