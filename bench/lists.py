"""Benchmark: the REST ticket list (first and a deep page) and the two center queues on a big database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_scalelists_big .venv/bin/python bench/lists.py [--out F]

Runs on a database that already holds generated orders and the demo users (it does not migrate or load anything).
Requests each list in-process (Django test client, DEBUG off) as the user who works on it: one warm-up, then 7
timed runs; prints median and p95 milliseconds. The deep page is the page starting at the 10 000th row of the
user's list: ``?offset=10000`` under offset paging, a cursor pointing there under keyset paging. ``--out`` saves the
figures as JSON; ``--before F`` prints them beside the saved ones.
"""

import argparse
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.benchdb import timed_get  # noqa: E402  (its import sets the bench settings)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
for scope in ("READ", "SEARCH", "LOOKUP"):  # measured, not limited
    os.environ[f"THROTTLE_{scope}"] = "1000000/min"
RUNS = 7
DEPTH = 10_000


def deep_url(client, user):
    """The API page starting at row DEPTH of the user's list, in whichever paging the code under test has."""
    from hotline import privacy, selectors

    tickets = privacy.with_address_access(selectors.visible_tickets(user), user).order_by("-received_at", "-id")
    depth = min(DEPTH, tickets.count() - 50)  # a street has fewer orders than DEPTH: its last page
    first = client.get("/api/tickets/?limit=50").json()
    if "cursor=" not in (first.get("next") or ""):
        return depth, f"/api/tickets/?limit=50&offset={depth}"
    from hotline.api_paging import OLDER, encode_cursor

    row = tickets[depth - 1]
    cursor = encode_cursor(OLDER, row.received_at, row.pk)  # the next link of the page ending at that row
    return depth, "/api/tickets/?" + urlencode({"limit": 50, "cursor": cursor})


def timed(client, url):
    response, median, worst = timed_get(client, url, RUNS)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return median, worst  # p95 of 7 runs is the worst


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    parser.add_argument("--before")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from dispatch.models import User
    from hotline.models import Ticket

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    print(f"{Ticket.objects.count():,} tickets, {os.cpu_count()} cores, median / p95 of {RUNS} runs (ms)")
    clients = {}
    for name in ("agent", "wangjing", "dispatcher", "callback", "chaoyang"):
        clients[name] = Client()
        clients[name].force_login(User.objects.get(username=name))
    rows = [
        ("API /api/tickets/ page 1 · agent", "agent", "/api/tickets/?limit=50"),
        ("API /api/tickets/ deep page · agent", "agent", None),
        ("API /api/tickets/ page 1 · wangjing", "wangjing", "/api/tickets/?limit=50"),
        ("API /api/tickets/ deep page · wangjing", "wangjing", None),
        ("派单队列 /center/queue/ · dispatcher", "dispatcher", "/center/queue/"),
        ("回访队列 /callbacks/ · callback", "callback", "/callbacks/"),
        # the lists' filters, sort and search box (hotline/listing.py)
        ("派单队列 filtered district+urgency · dispatcher", "dispatcher", "/center/queue/?district=%d&urgency=normal"),
        ("派单队列 sorted -number · dispatcher", "dispatcher", "/center/queue/?sort=-number"),
        ("派单队列 search box 垃圾 · dispatcher", "dispatcher", "/center/queue/?q=垃圾"),
        ("回访队列 sorted -number · callback", "callback", "/callbacks/?sort=-number"),
        ("回访队列 phone tail 4 digits · callback", "callback", "/callbacks/?q=5678"),
        ("工作台 办理中 overdue · wangjing", "wangjing", "/work/?tab=in_progress&overdue=true"),
        ("工作台 办理中 sorted -received · wangjing", "wangjing", "/work/?tab=in_progress&sort=-received"),
        ("查找 暖气 + district · agent", "agent", "/tickets/?q=暖气&district=%d"),
        ("查找 filters only (tier 2h, a week) · agent", "agent", "/tickets/?tier=2h&received_from=2026-11-20"
                                                             "&received_to=2026-11-27"),
        ("查找 filters only page 30 · agent", "agent", "/tickets/?urgency=urgent&page=30"),
        ("查找 张先生 (name) · callback", "callback", "/tickets/?q=张先生"),
        ("督办 filtered catalog · chaoyang", "chaoyang", "/center/deadlines/?catalog1=%d"),
        ("督办 · dispatcher", "dispatcher", "/center/deadlines/"),
        ("督办 filtered catalog · dispatcher", "dispatcher", "/center/deadlines/?catalog1=%d"),
        ("督办 overdue, sorted -received · dispatcher", "dispatcher", "/center/deadlines/?overdue=true&sort=-received"),
        ("督办 district, page 20 · dispatcher", "dispatcher", "/center/deadlines/?district=%d&page=20"),
        ("API filtered urgency+district · agent", "agent", "/api/tickets/?limit=50&urgency=urgent&district=%d"),
    ]
    from dispatch.models import CatalogItem, Unit

    chaoyang = Unit.objects.get(code="110105").pk
    heating = CatalogItem.objects.filter(version__is_current=True, level=1).order_by("code").first().pk
    rows = [(label, name, url and url.replace("catalog1=%d", f"catalog1={heating}").replace("%d", str(chaoyang)))
            for label, name, url in rows]
    before = json.loads(Path(args.before).read_text()) if args.before else {}
    figures = {}
    for label, name, url in rows:
        client = clients[name]
        if url is None:
            depth, url = deep_url(client, User.objects.get(username=name))
            label = label.replace("deep page", f"row {depth:,}")
        figures[label] = timed(client, url)
        median, p95 = figures[label]
        line = f"{label:<48} {median:8.0f} {p95:8.0f}"
        if label in before:
            was_median, was_p95 = before[label]
            line = f"{label:<42} before {was_median:7.0f} {was_p95:7.0f}   after {median:6.0f} {p95:6.0f}" \
                   f"   ×{was_median / median:.1f}"
        print(line, flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
