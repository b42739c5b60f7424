"""Benchmark of issue 18's pages on a generated database: the rankings, the overview, a street's, a district's and a
department's page, the ranking export, 每月一题 (list, picking from the month's top problems, a topic's page with
its weekly chart) and the big screen (page and endpoint, cold and from the snapshot).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_year .venv/bin/python bench/leaders.py [--month 2026-11]
        [--runs 7]

Reads only, but for the cache's snapshot keys and sessions: the month's scorecards must be computed already
(`manage.py close_month`), and the topic the topic page shows is created and started inside a transaction that is
rolled back at the end. One warm-up, then --runs timed requests (Django test client, DEBUG off) as the user who
reads the page; prints median and p95 (of 7: the worst) in ms beside the 300 ms goal (50 ms for the screen's
endpoint).
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.benchdb import ensure_postgres_database  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hl_year")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
PAGE_GOAL_MS, ENDPOINT_GOAL_MS = 300, 50


def quantiles(times):
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def timed(client, url, runs, before=None):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return quantiles(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--month", default="2026-11")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    ensure_postgres_database("bench/leaders.py")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from assessment.models import Scorecard
    from assessment.monthly.months import parse_month
    from dispatch.models import Unit, User
    from topics import selectors as topic_selectors
    from topics import services as topic_services

    setup_test_environment()
    settings.ALLOWED_HOSTS, settings.DEBUG = ["*"], False
    month = parse_month(args.month)
    m = f"month={args.month}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'hotline_ticket'")
        total = cursor.fetchone()[0]
    today = timezone.localdate()
    start = dt.datetime.combine(today, dt.time.min, tzinfo=timezone.get_default_timezone())
    received_today = __import__("hotline.models", fromlist=["Ticket"]).Ticket.objects.filter(
        received_at__gte=start, received_at__lt=start + dt.timedelta(days=1)).count()
    months_closed = Scorecard.objects.values("month").distinct().count()
    print(f"database {connection.settings_dict['NAME']}: ~{total:,} orders; {months_closed} months with scorecards; "
          f"{today}: {received_today:,} orders received")
    users = {u.username: u for u in User.objects.filter(username__in=["leader", "chaoyang"])}
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    top = {group: Scorecard.objects.filter(month=month, group=group).order_by("-assessed").first().unit
           for group in ("street", "department")}
    chaoyang = Unit.objects.get(kind="district", name="朝阳区")
    rows = [
        ("leader", "街乡镇排名", f"/rankings/?group=street&{m}"),
        ("leader", "部门排名", f"/rankings/?group=department&{m}"),
        ("chaoyang", "本区街乡镇排名", f"/rankings/?group=street&{m}"),
        ("leader", "月度概况与预警", f"/rankings/overview/?{m}"),
        ("leader", f"街道页（{top['street'].name}）", f"/rankings/units/{top['street'].code}/?{m}"),
        ("leader", "区页（朝阳区）", f"/rankings/units/{chaoyang.code}/?{m}"),
        ("leader", f"部门页（{top['department'].name}）", f"/rankings/units/{top['department'].code}/?{m}"),
        ("leader", "排名导出 xlsx", f"/rankings/export.xlsx?group=street&{m}"),
        ("leader", "每月一题 列表", "/topics/"),
        ("leader", "每月一题 选题（本月热点）", f"/topics/new/?{m}"),
    ]
    results = []
    for name, label, url in rows:
        results.append((label, name, *timed(clients[name], url, args.runs), PAGE_GOAL_MS))
        print(f"  {label}: done", file=sys.stderr, flush=True)

    with transaction.atomic():  # the topic page needs a topic: made, measured, rolled back
        candidate = topic_selectors.candidates(month)[0]
        item_id = candidate["item_id"] if isinstance(candidate, dict) else candidate.item_id
        streets = [s for s, _ in topic_selectors.suggested_streets(month, item_id)]
        topic = topic_services.create_topic(
            users["leader"], month=month, title="基准测试题目", goal="基准测试", lead_unit=top["department"],
            streets=streets, item_ids=[item_id], deadline=today + dt.timedelta(days=60))
        topic_services.start_topic(users["leader"], topic.pk)
        figures = timed(clients["leader"], f"/topics/{topic.pk}/", args.runs)
        results.append(("每月一题 题目页（周图）", "leader", *figures, PAGE_GOAL_MS))
        transaction.set_rollback(True)

    settings.BIG_SCREEN_CACHE_SECONDS = 30
    keys = {"leader": "bigscreen:city", "chaoyang": f"bigscreen:{chaoyang.pk}"}
    for name in ("leader", "chaoyang"):
        scope = "全市" if name == "leader" else "朝阳区"
        drop = lambda key=keys[name]: cache.delete(key)  # noqa: E731
        results.append((f"大屏 页面 {scope}（快照）", name, *timed(clients[name], "/screen/", args.runs), PAGE_GOAL_MS))
        results.append((f"大屏 data.json {scope} 现算", name,
                        *timed(clients[name], "/screen/data.json", args.runs, before=drop), ENDPOINT_GOAL_MS))
        results.append((f"大屏 data.json {scope} 快照", name,
                        *timed(clients[name], "/screen/data.json", args.runs * 3), ENDPOINT_GOAL_MS))
    print(f"{'page':34} {'user':9} {'median':>8} {'p95':>8}  goal")
    for label, name, median, p95, goal in results:
        flag = "" if p95 <= goal else "  ✘ over goal"
        print(f"{label:34} {name:9} {median:8.1f} {p95:8.1f}  {goal}{flag}")


if __name__ == "__main__":
    main()
