"""Benchmark: the street's phone pages, their weight (HTML + CSS + JS bytes) and server time (issue 16 item 1).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_mobile_bench .venv/bin/python bench/phone_pages.py [--count N]

Creates the database if missing, migrates, loads the directory, catalog, demo users and demo orders (N, default
1000, only into a database without tickets), then requests each page 望京街道's staff opens on a phone in-process
(Django test client, DEBUG off): one warm-up, then 7 timed runs. Prints per page the HTML bytes, the bytes of the
stylesheets and scripts it links (as stored in static/, and gzip-compressed as whitenoise serves them), the total,
and the median and worst server milliseconds. The phone shows the same HTML as the desk: only the CSS differs.
"""

import argparse
import gzip
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.benchdb import ensure_postgres_database, prepare_for_pages, timed_get  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
for scope in ("READ", "SEARCH", "LOOKUP"):  # measured, not limited
    os.environ[f"THROTTLE_{scope}"] = "1000000/min"
RUNS = 7
ASSETS = re.compile(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"')


def asset_bytes(html):
    """(raw, gzip) bytes of the CSS and JS files the page links, read from the static files they are served from."""
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    prefix = static("")
    raw = packed = 0
    for url in dict.fromkeys(ASSETS.findall(html)):
        path = finders.find(url.removeprefix(prefix).split("?")[0])
        data = Path(path).read_bytes()
        raw, packed = raw + len(data), packed + len(gzip.compress(data))
    return raw, packed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    ensure_postgres_database("bench/phone_pages.py")
    users = prepare_for_pages()
    from django.test import Client

    from demodata.tickets import seed_demo_tickets
    from hotline.models import Ticket

    if not Ticket.objects.exists():
        seed_demo_tickets(args.count)
    ticket = Ticket.objects.filter(street__code="110105026").order_by("-received_at").first()
    print(f"demo data: {Ticket.objects.count():,} tickets, {os.cpu_count()} cores, median / worst of {RUNS} runs")
    client = Client()
    client.force_login(users["wangjing"])
    pages = [("工作台·待签收", "/work/"), ("工作台·办理中", "/work/?tab=in_progress"),
             ("工作台·已超期", "/work/?tab=overdue"), ("工单详情", f"/tickets/{ticket.pk}/"),
             ("通知", "/notifications/"), ("考核申诉", "/rankings/appeals/")]
    print(f"{'page':<14} {'HTML':>8} {'CSS+JS':>8} {'total':>8} {'gzip total':>10} {'median ms':>10} {'max ms':>8}")
    for label, url in pages:
        response, median, worst = timed_get(client, url, RUNS)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content
        raw, packed = asset_bytes(html.decode())
        print(f"{label:<14} {len(html):>8,} {raw:>8,} {len(html) + raw:>8,} {len(gzip.compress(html)) + packed:>10,}"
              f" {median:>10.1f} {worst:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
