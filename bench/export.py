"""Benchmark: 导出Excel of 100 000 orders, streamed (the lists' export) against a naive in-memory build, side by side.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_export .venv/bin/python bench/export.py [--month 2026-11]

The database holds a generated month: after ``migrate``, ``load_directory``, ``load_catalog``, ``seed_demo``:
``manage.py generate_tickets --count 100000 --month 2026-11 --seed 1``. The list is the dispatcher's search page
filtered to the month's receipt dates (every order of the month, in the center's scope), with its caller and
address columns masked as the page shows them. Each way runs in a fresh subprocess: wall time and peak RSS
(ru_maxrss, and its growth above the process's size once Django is set up and the URLconf loaded, every view's
imports, as in a web worker that has served a page); with ``--trace`` a second run under tracemalloc gives the peak
of Python's own allocations (tracemalloc slows it down; that run's time is not the figure).
- streamed: GET the list's URL with ?format=xlsx as the dispatcher through the real view (filters, the capped count,
  ``.iterator(chunk_size=2000)`` into XlsxWriter ``constant_memory``, a temp file, FileResponse), the response read
  in 64 KiB chunks as a client would;
- naive: the same orders as model instances in a list, each row masked the same way, appended to an openpyxl
  Workbook in its normal mode, saved into memory.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import bench.benchdb  # noqa: E402,F401  (its import sets the bench settings)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
WAYS = ("streamed", "naive")


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def list_params(month):
    import calendar
    import datetime as dt

    year, number = map(int, month.split("-"))
    last = calendar.monthrange(year, number)[1]
    return {"received_from": f"{month}-01", "received_to": dt.date(year, number, last).isoformat()}


def streamed(user, params):
    """The real export: the list's URL with ?format=xlsx, written in the request as it was before longer lists were
    queued (the worker writes them with the same rows and writer: hotline/exports.py); returns (rows, bytes)."""
    from django.test import Client

    from hotline import exports
    from hotline.models import ListExport

    exports.SYNC_EXPORT_ROWS = exports.EXPORT_LIMIT

    client = Client()
    client.force_login(user)
    response = client.get("/tickets/", {**params, "format": "xlsx"})
    assert response.status_code == 200, (response.status_code, getattr(response, "content", b"")[:300])
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    return ListExport.objects.latest("created_at").row_count, size


def naive(user, params):
    """Every row in memory: model instances in a list, an openpyxl Workbook in normal mode, saved to a BytesIO."""
    from io import BytesIO
    from urllib.parse import urlencode

    from django.http import QueryDict
    from django.utils import timezone
    from openpyxl import Workbook

    from hotline import exports, listing, privacy, selectors

    filters = listing.TicketListFilter(QueryDict(urlencode(params)), queryset=selectors.visible_tickets(user))
    filters.is_valid()
    tickets, _ = selectors.search_results(user, "", narrow=filters.filter_queryset)
    tickets = list(privacy.with_address_access(tickets, user))
    book = Workbook()
    sheet = book.active
    sheet.append([header for header, _ in exports.COLUMNS])
    now = timezone.now()
    for t in tickets:
        overdue = t.status in exports.OPEN_STATUSES and t.due_at is not None and now > t.due_at
        sheet.append([
            t.number, exports._local(t.received_at), t.get_status_display(), t.get_urgency_display(),
            t.get_tier_display(), exports._local(t.due_at), "是" if overdue else "", t.get_request_type_display(),
            t.catalog_item.name, t.district.name, t.street.name if t.street else "",
            t.address if t.address_shown else privacy.mask_address(t.address),
            t.lead_unit.name if t.lead_unit else "", t.masked_name, t.masked_phone, t.shown_content,
        ])
    buffer = BytesIO()
    book.save(buffer)
    return len(tickets), buffer.tell()


def child(way, month, trace):
    import django

    django.setup()
    from django.urls import get_resolver

    from dispatch.models import User

    assert get_resolver().url_patterns  # every view's imports (jieba, scikit-learn …) before the baseline
    user = User.objects.get(username="dispatcher")
    base = rss_mib()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    rows, size = (streamed if way == "streamed" else naive)(user, list_params(month))
    seconds = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    print(json.dumps({"way": way, "rows": rows, "bytes": size, "seconds": seconds, "rss_base": base,
                      "rss_peak": rss_mib(), "traced_peak": traced}))


def run(way, month, trace):
    command = [sys.executable, __file__, "--child", way, "--month", month] + (["--trace"] if trace else [])
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--month", default="2026-11")
    parser.add_argument("--child", choices=WAYS)
    parser.add_argument("--trace", action="store_true", help="also a tracemalloc run of each way (slow)")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.month, args.trace)
    bench.benchdb.ensure_postgres_database("bench/export.py")
    database = os.environ["DATABASE_URL"].rsplit("/", 1)[-1]
    print(f"导出Excel benchmark: the dispatcher's list of {args.month} ({database})")
    print(f"{'way':<10}{'rows':>9}{'file MiB':>10}{'seconds':>9}{'rows/s':>9}{'peak RSS MiB':>14}"
          f"{'RSS growth':>12}{'tracemalloc peak MiB':>22}")
    for way in WAYS:
        timed = run(way, args.month, trace=False)
        traced = run(way, args.month, trace=True)["traced_peak"] if args.trace else None
        print(f"{way:<10}{timed['rows']:>9}{timed['bytes'] / 2**20:>10.1f}{timed['seconds']:>9.1f}"
              f"{timed['rows'] / timed['seconds']:>9.0f}{timed['rss_peak']:>14.0f}"
              f"{timed['rss_peak'] - timed['rss_base']:>12.0f}{'-' if traced is None else f'{traced:.1f}':>22}")


if __name__ == "__main__":
    main()
