"""Benchmark: server time of every role's pages on the demo data (what `bash scripts/run.sh` loads).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench_pages .venv/bin/python bench/pages.py [--count N]

Creates the database if missing, migrates, loads the directory, catalog, demo users and demo orders (N in each of
the two published months before this one, default 8000, as the run command; only into a database without tickets),
then requests each page in-process (Django test client, DEBUG off) as the user who works on it: one warm-up, then 7
timed runs. Prints median and worst milliseconds per page and the pages over the 300 ms goal.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.benchdb import ensure_postgres_database, prepare_for_pages, timed_get  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
GOAL_MS = 300
RUNS = 7


def pages(street_ticket, leader_unit):
    """(user, label, url) for each page, as the role that uses it."""
    return [
        ("agent", "受理表单", "/intake/"),
        ("agent", "工单查询（电话）", "/tickets/?q=1391000"),
        ("dispatcher", "派单队列", "/center/queue/"),
        ("dispatcher", "临期超期督办", "/center/deadlines/"),
        ("dispatcher", "不合理诉求审核", "/rankings/reviews/"),
        ("dispatcher", "月度考核", "/rankings/close/"),
        ("callback", "回访队列", "/callbacks/"),
        ("wangjing", "街道工作台·待签收", "/work/"),
        ("wangjing", "街道工作台·办理中", "/work/?tab=in_progress"),
        ("wangjing", "工单详情（时间线）", f"/tickets/{street_ticket}/"),
        ("wangjing", "通知", "/notifications/"),
        ("wangjing", "考核申诉", "/rankings/appeals/"),
        ("wangjing_leader", "吹哨待审批", "/work/?tab=whistles"),
        ("heating", "企业工作台", "/work/"),
        ("heating", "吹哨报到", "/work/?tab=whistle_calls"),
        ("chaoyang", "区督办", "/center/deadlines/"),
        ("chaoyang", "本区排名", "/rankings/?group=street"),
        ("leader", "街乡镇排名", "/rankings/?group=street"),
        ("leader", "部门排名", "/rankings/?group=department"),
        ("leader", "月度概况与预警", "/rankings/overview/"),
        ("leader", "单位下钻", f"/rankings/units/{leader_unit}/"),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=8000)
    args = parser.parse_args()
    ensure_postgres_database("bench/pages.py")

    users = prepare_for_pages()
    from django.test import Client

    from assessment.models import Scorecard
    from demodata.tickets import seed_demo_tickets
    from hotline.models import Ticket

    seed_demo_tickets(args.count)
    print(f"demo data: {Ticket.objects.count():,} tickets, {os.cpu_count()} cores")
    street_ticket = Ticket.objects.filter(street__code="110105026").order_by("-received_at").first().pk
    top = Scorecard.objects.filter(group="street").order_by("-month", "-assessed").first().unit.code

    slow = []
    for username, label, url in pages(street_ticket, top):
        client = Client()
        client.force_login(users[username])
        response, median, worst = timed_get(client, url, RUNS)
        status = response.status_code
        print(f"{username:<16} {label:<14} {url:<36} {status}  median {median:6.1f} ms  max {worst:6.1f} ms")
        if status != 200 or worst > GOAL_MS:
            slow.append(label)
    print(f"pages over {GOAL_MS} ms or not 200: {', '.join(slow) or 'none'}")


if __name__ == "__main__":
    main()
