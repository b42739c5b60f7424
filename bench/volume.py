"""Benchmark: every role's pages and API lists, month close and the idle sweep, on generated databases side by side
(a quarter and a year), so growth is visible.

    .venv/bin/python bench/volume.py --databases hl_quarter,hl_year [--month 2026-11] [--runs 20] [--out F.json]
        [--saved F.json]   (databases measured earlier with --out, printed first in the table)

Each database (generated with `manage.py generate_tickets --months …`, migrated, demo users seeded; on this
PostgreSQL, user postgres) is measured in its own process, in turn: first `close_month` of --month (the scorecards
the rankings read; this writes, so use bench databases), then each row in-process (Django test client, DEBUG off,
throttles lifted) as the user who works on it: one warm-up, then --runs (20) timed requests; median and p95 (by
nearest rank: the 19th of 20, so one stall of the shared machine is not a row's p95; of 7 runs it is the worst;
an export longer than a request writes is timed to its queueing, then the worker's build of one).
Then the sweep with nothing due, 20 times (after one catch-up sweep). Prints one table, the databases
side by side with their growth, the rows over goal, and EXPLAIN (ANALYZE) of the slowest query of the slowest row at
the last database.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import bench.benchdb  # noqa: E402,F401  (bench settings: throw-away key, plain http)

PAGE_GOAL_MS, CLOSE_GOAL_S, SWEEP_GOAL_MS = 300, 10, 50
EXPORT_BUILD_GOAL_S = 30  # a queued export's file, written by a worker, on 我的导出 within half a minute
# The nightly refresh is measured as after REFRESH_DAYS days of changes (as_after_days_of_changes): more than the one
# day between two nightly runs, since each day's changes touch orders of earlier days too.
REFRESH_DAYS, MONTH_TICKETS = 3, 1_700_000
for scope in ("INTAKE", "READ", "ACTIONS", "TOKEN", "SEARCH", "LOOKUP"):  # the bench asks more often than a person
    os.environ[f"THROTTLE_{scope}"] = "1000000/min"


def rows(month, ticket, phone, top_street, top_department):
    """(label, user, url) for every list of every role; `ticket` is the busiest street's newest order."""
    m = f"month={month}"
    day = f"received_from={month}-28&received_to={month}-28"
    search = [("工单号", ticket.number), ("完整电话", phone), ("内容词 暖气", "暖气"), ("内容词 噪音", "噪音"),
              ("无匹配词 量子纠缠", "量子纠缠"), ("地址词 望京", "望京"), ("诉求人姓名 张先生", "张先生")]
    table = [
        ("agent", "受理表单", "/intake/"),
        ("agent", "来电历史（完整号码）", f"/intake/earlier/?phone={phone}"),
        ("dispatcher", "派单队列", "/center/queue/"),
        ("dispatcher", "派单队列 第 50 页", "/center/queue/?page=50"),
        ("dispatcher", "临期超期督办（全市）", "/center/deadlines/"),
        ("dispatcher", "不合理诉求审核", "/rankings/reviews/"),
        ("dispatcher", "月度考核", "/rankings/close/"),
        ("callback", "回访队列", "/callbacks/"),
        ("callback", "回访队列 第 50 页", "/callbacks/?page=50"),
        ("wangjing", "街道·待签收", "/work/"),
        ("wangjing", "街道·办理中", "/work/?tab=in_progress"),
        ("wangjing", "街道·临期", "/work/?tab=due_soon"),
        ("wangjing", "街道·已超期", "/work/?tab=overdue"),
        ("wangjing", "工单详情", f"/tickets/{ticket.pk}/"),
        ("wangjing", "通知", "/notifications/"),
        ("wangjing", "考核申诉", "/rankings/appeals/"),
        ("wangjing_leader", "吹哨待审批", "/work/?tab=whistles"),
        ("heating", "企业·待签收", "/work/"),
        ("heating", "吹哨报到", "/work/?tab=whistle_calls"),
        ("chaoyang", "区督办（本区）", "/center/deadlines/"),
        ("chaoyang", "本区工单", "/district/tickets/"),
        ("chaoyang", "本区工单 导出 xlsx（一日受理）", f"/district/tickets/?format=xlsx&{day}"),
        ("dispatcher", "延期申请", "/center/extensions/"),
        ("wangjing", "街道·办理中 导出 xlsx", "/work/?tab=in_progress&format=xlsx"),
        ("chaoyang", "本区街乡镇排名", f"/rankings/?group=street&{m}"),
        ("leader", "街乡镇排名", f"/rankings/?group=street&{m}"),
        ("leader", "部门排名", f"/rankings/?group=department&{m}"),
        ("leader", "排名导出 xlsx", f"/rankings/export.xlsx?group=street&{m}"),
        ("leader", "月度概况与预警", f"/rankings/overview/?{m}"),
        ("leader", "下钻·最忙街道", f"/rankings/units/{top_street}/?{m}"),
        ("leader", "下钻·超期", f"/rankings/units/{top_street}/?{m}&measure=overdue"),
        ("leader", "下钻·最忙部门", f"/rankings/units/{top_department}/?{m}"),
        ("leader", "API 排名", f"/api/assessment/rankings/?group=street&{m}"),
        ("agent", "API 工单 第 1 页", "/api/tickets/?limit=50"),
        ("wangjing", "API 工单 第 1 页（街道）", "/api/tickets/?limit=50"),
    ]
    for label, query in search:
        for user in ("agent", "wangjing", "chaoyang"):
            table.append((user, f"搜索 {label}", f"/tickets/?q={query}"))
    return table


QUEUED = "/exports/"  # where an export longer than a request writes sends its user (hotline/exports.py)


def timed_get(client, url, runs):
    """((median, p95), None), or (None, the error) when the page does not answer 200 (or, for an export, queue)."""
    response, median, p95 = bench.benchdb.timed_get(client, url, runs, quantile=0.95)
    if response.status_code != 200 and not (response.status_code == 302 and response["Location"] == QUEUED):
        return None, f"{response.status_code} {response.content[:200]!r}"
    return (median, p95), None


def queued_export_build(username):
    """The worker's time for the newest export ``username`` queued (the bench's runs queued it several times):
    (seconds, rows), or None when none was queued. The bench's export records and files are removed after."""
    from hotline.models import ListExport
    from hotline.tasks import build_list_export

    queued = ListExport.objects.filter(user__username=username, status="queued")
    newest = queued.order_by("-pk").first()
    if newest is None:
        return None
    started = time.perf_counter()
    build_list_export(newest.pk)
    seconds = time.perf_counter() - started
    newest.refresh_from_db()
    if newest.file:
        newest.file.delete(save=False)
    ListExport.objects.filter(user__username=username, status__in=["queued", "done"]).delete()
    return seconds, newest.row_count


def deep_api_page(client, username, runs):
    """The agent's API list at the 10 000th row, by following its cursor: what a client paging that far asks."""
    from urllib.parse import urlencode

    from dispatch.models import User
    from hotline import privacy, selectors
    from hotline.api_paging import OLDER, encode_cursor

    user = User.objects.get(username=username)
    tickets = privacy.with_address_access(selectors.visible_tickets(user), user).order_by("-received_at", "-id")
    row = tickets[9_999]
    url = "/api/tickets/?" + urlencode({"limit": 50, "cursor": encode_cursor(OLDER, row.received_at, row.pk)})
    return timed_get(client, url, runs)


def slowest_query(client, url):
    """EXPLAIN (ANALYZE, BUFFERS) of the longest SQL statement one request of `url` runs."""
    from django.db import connection, transaction

    from hotline import text_search

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
    with transaction.atomic(), connection.cursor() as cursor:
        text_search.tune_word_search()  # as the search ran it (exact bitmaps, no JIT), or its plan misleads
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    return f"{len(statements)} statements; the slowest ({seconds * 1000:.0f} ms):\n{sql[:600]}\n{plan}"


def measure(month_label, runs, explain_label):
    """In this process's database: close the month, every row, the idle sweep. Returns {label: figures}."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from assessment.clock.sweep import sweep
    from assessment.models import MonthClose, Scorecard
    from assessment.monthly.month_close import close_month
    from assessment.monthly.months import parse_month
    from dispatch.models import User
    from hotline.models import Ticket

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'hotline_ticket'")
        count = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    result = {"_tickets": count, "_gib": size / 2**30}

    month = parse_month(month_label)
    MonthClose.objects.filter(month=month).delete()
    Scorecard.objects.filter(month=month).delete()
    started = time.perf_counter()
    close_month(month)
    result["月度考核 全月重算（秒）"] = {"value": time.perf_counter() - started, "goal": CLOSE_GOAL_S}
    expected, removed = as_after_days_of_changes(month, REFRESH_DAYS)
    started = time.perf_counter()
    close = close_month(month)
    result[f"月度考核 刷新 {REFRESH_DAYS} 日变更（秒）"] = {
        "value": time.perf_counter() - started, "goal": CLOSE_GOAL_S,
        "note": f"{close.summary['touched']:,} orders touched (expected ≥ {expected:,}), {removed:,} pairs to write"}

    wangjing = User.objects.get(username="wangjing")
    ticket = Ticket.objects.filter(assignments__unit=wangjing.unit).order_by("-received_at").first()
    phone = Ticket.objects.order_by("-received_at").values_list("caller_phone", flat=True).first()
    top = {group: Scorecard.objects.filter(month=month, group=group).order_by("-assessed").first().unit.code
           for group in ("street", "department")}
    clients = {}
    slowest = (0, None, None)
    for username, label, url in rows(month_label, ticket, phone, top["street"], top["department"]):
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        key = f"{label} · {username}"
        figures, error = timed_get(clients[username], url, runs)
        result[key] = {"median": figures and figures[0], "p95": figures and figures[1], "error": error,
                       "goal": PAGE_GOAL_MS}
        if figures and figures[0] > slowest[0]:
            slowest = (figures[0], key, (username, url))
        print(f"  {key}: {figures}", file=sys.stderr, flush=True)
    built = queued_export_build("chaoyang")
    if built:
        result["本区工单 导出（一日受理）后台生成（秒）"] = {"value": built[0], "goal": EXPORT_BUILD_GOAL_S,
                                             "note": f"{built[1]:,} rows"}
    figures, error = deep_api_page(clients["agent"], "agent", runs)
    result["API 工单 第 10 000 行（游标） · agent"] = {"median": figures[0], "p95": figures[1], "error": error,
                                                    "goal": PAGE_GOAL_MS}

    caught_up = sweep(now=timezone.now())
    idle = []
    for _ in range(20):
        started = time.perf_counter()
        done = sweep(now=timezone.now())
        idle.append(((time.perf_counter() - started) * 1000, done))
    times = sorted(ms for ms, _ in idle)
    result["空闲巡检 sweep（毫秒）"] = {"median": statistics.median(times), "p95": times[-1], "goal": SWEEP_GOAL_MS,
                                 "error": None, "note": f"catch-up sweep first: {caught_up}"}
    if explain_label:
        username, url = slowest[2]
        result["_explain"] = f"{slowest[1]} {url}\n" + slowest_query(clients[username], url)
    return result


def as_after_days_of_changes(month, days):
    """Set the month's last computation back as if ``days`` days of changes had happened since: its time to that
    many days before the month's end (or now), each watermark back by that many days' share of its table's rows (a
    generated month's rows are spread over its days, newest batch last), and the stored pairs of the orders called
    back past the callback watermark removed (at that computation they had not been called back). Returns
    (orders expected touched: that share of the month's tickets, pairs removed)."""
    import datetime as dt

    from django.db import connection
    from django.db.models import Max, Min
    from django.utils import timezone

    from assessment.models import AssessedOrder, MonthClose
    from assessment.monthly import months, refresh
    from hotline.models import Callback, Ticket

    span = Ticket.objects.aggregate(first=Min("received_at"), last=Max("received_at"))
    days_generated = max(1, (span["last"] - span["first"]).days)
    marks = {}
    for name, model in refresh.SOURCES.items():
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        total = model.objects.count() if name == "exclusions" else estimated(model)
        marks[name] = max(0, last - int(total * days / days_generated))
    end = min(months.bounds(month)[1], timezone.now())
    MonthClose.objects.filter(month=month).update(computed_at=end - dt.timedelta(days=days), pairs_watermarks=marks)
    called_back = Callback.objects.filter(pk__gt=marks["callbacks"]).values("ticket_id")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AssessedOrder._meta.db_table} WHERE month = %s AND ticket_id IN "
                       f"({called_back.query.sql_with_params()[0]})",
                       [month, *called_back.query.sql_with_params()[1]])
        removed = cursor.rowcount
    return int(MONTH_TICKETS * days / 30), removed


def estimated(model):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [model._meta.db_table])
        return cursor.fetchone()[0]


def child_main(args):
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = measure(args.month, args.runs, args.explain)
    print(json.dumps(result, ensure_ascii=False))


def print_table(names, results):
    labels = [key for key in results[0] if not key.startswith("_")]
    head = "".join(f"{n[:22]:>24}" for n in names)
    print(f"\n{'':<40}{head}   growth")
    print(f"{'tickets':<40}" + "".join(f"{r['_tickets']:>24,}" for r in results))
    print(f"{'database GiB':<40}" + "".join(f"{r['_gib']:>24.1f}" for r in results))
    over = []
    for label in labels:
        cells, medians = [], []
        for result in results:
            row = result.get(label, {})
            if "value" in row:
                cells.append(f"{row['value']:>22.2f} s")
                medians.append(row["value"])
                late = row["value"] > row["goal"]
            elif row.get("median") is not None:
                cells.append(f"{row['median']:>14.0f} / {row['p95']:<7.0f}")
                medians.append(row["median"])
                late = row["p95"] > row["goal"]
            else:
                cells.append(f"{(row.get('error') or '—')[:22]:>24}")
                late = True
            if late:
                over.append(f"{label} ({len(cells)})")
        growth = f"{medians[-1] / medians[0]:.1f}×" if len(medians) > 1 and medians[0] else ""
        print(f"{label:<40}" + "".join(cells) + f"   {growth}")
    print("\n(median / p95 ms of the runs; close_month in seconds)  goals: pages and API p95 ≤ 300 ms, "
          f"month close ≤ 10 s, idle sweep ≤ 50 ms, a queued export written ≤ {EXPORT_BUILD_GOAL_S} s")
    print("over goal:", "; ".join(over) or "none")
    if "_explain" in results[-1]:
        print(f"\nEXPLAIN, slowest row at {names[-1]}: {results[-1]['_explain']}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--databases", default="hl_quarter,hl_year")
    parser.add_argument("--month", default="2026-11")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out")
    parser.add_argument("--saved", help="a JSON file written by --out: its databases join the table, first")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--explain", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_main(args)
    saved = json.loads(Path(args.saved).read_text()) if args.saved else {}
    names = args.databases.split(",")
    results = []
    for index, name in enumerate(names):
        env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{name}")
        command = [sys.executable, __file__, "--child", "--month", args.month, "--runs", str(args.runs)]
        if index == len(names) - 1:
            command.append("--explain")
        print(f"measuring {name} …", flush=True)
        output = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    if args.out:
        Path(args.out).write_text(json.dumps(dict(zip(names, results, strict=True)), ensure_ascii=False, indent=1))
    print_table([*saved, *names], [*saved.values(), *results])


if __name__ == "__main__":
    main()
