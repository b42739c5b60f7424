"""Benchmark: the district supervisor's pages and the dispatcher's queue on a big database (issue 15 items 5, 6).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_month .venv/bin/python bench/district.py

Reads only: runs on a database that already holds generated orders and the demo users. Requests each page
in-process (Django test client, DEBUG off) as chaoyang or the dispatcher: one warm-up, then 5 timed runs; prints
median and worst milliseconds. ``/center/queue/?sort=received`` is the queue in its former order (received first),
beside the default order (earliest dispatch deadline first). Run from another checkout's directory (e.g. main's)
the rows its code has are timed with that code: the code imported is the working directory's.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, os.getcwd())
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))
from bench.benchdb import timed_get  # noqa: E402  (its import sets the bench settings)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
for scope in ("READ", "SEARCH", "LOOKUP"):  # measured, not limited
    os.environ[f"THROTTLE_{scope}"] = "1000000/min"
RUNS = 5
ROWS = [
    ("派单队列 default (dispatch deadline) · dispatcher", "dispatcher", "/center/queue/"),
    ("派单队列 ?sort=received (former order) · dispatcher", "dispatcher", "/center/queue/?sort=received"),
    ("派单队列 page 5 · dispatcher", "dispatcher", "/center/queue/?page=5"),
    ("本区工单 page 1 · chaoyang", "chaoyang", "/district/tickets/"),
    ("本区工单 page 30 · chaoyang", "chaoyang", "/district/tickets/?page=30"),
    ("本区工单 unit=热力 · chaoyang", "chaoyang", "/district/tickets/?unit=%E7%83%AD%E5%8A%9B"),
    ("本区工单 overdue · chaoyang", "chaoyang", "/district/tickets/?overdue=true"),
    ("本区工单 search 暖气 · chaoyang", "chaoyang", "/district/tickets/?q=%E6%9A%96%E6%B0%94"),
    ("临期督办 /center/deadlines/ · chaoyang", "chaoyang", "/center/deadlines/"),
    ("查找 暖气 · chaoyang", "chaoyang", "/tickets/?q=%E6%9A%96%E6%B0%94"),
    ("API /api/tickets/ page 1 · chaoyang", "chaoyang", "/api/tickets/?limit=50"),
]


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import Resolver404, resolve

    from dispatch.models import User
    from hotline.models import Ticket

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    print(f"{Ticket.objects.count():,} tickets, {os.cpu_count()} cores, median / worst of {RUNS} runs (ms)")
    clients = {}
    for name in ("dispatcher", "chaoyang"):
        clients[name] = Client()
        clients[name].force_login(User.objects.get(username=name))
    for label, name, url in ROWS:
        try:
            resolve(url.split("?")[0])
        except Resolver404:
            print(f"{label:<50} (no such page in this code)")
            continue
        response, median, worst = timed_get(clients[name], url, RUNS)
        assert response.status_code == 200, (url, response.status_code)
        print(f"{label:<50} {median:8.0f} {worst:8.0f}", flush=True)


if __name__ == "__main__":
    main()
