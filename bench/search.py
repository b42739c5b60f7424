"""Benchmark: the search page's query at volume, main's query (before) and ours (after), side by side.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_scalesearch_big .venv/bin/python bench/search.py

On an existing generated database (not migrated here: migrate it first). For each user (agent, wangjing) and each
query (工单号, full phone, content words 暖气 and 噪音, a word that matches nothing, an address word) it evaluates
what the page shows (the first 100, newest first) with one warm-up, then 7 runs alternating before and after;
prints median and p95 in ms, and EXPLAIN (ANALYZE) of the slowest "after" query.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.benchdb import ensure_postgres_database  # noqa: E402,F401  (sets the bench-only key)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
RUNS = 7
PAGE = 100  # hotline.views.lists.LIST_LIMIT
USERS = ("agent", "wangjing")


def main_search(user, query):
    """main's search_tickets (before this branch), kept verbatim to compare against."""
    from django.db.models import Q

    from hotline import privacy
    from hotline.selectors import TICKET_DATE, visible_tickets

    tickets = visible_tickets(user)
    query = query.strip()
    head, _, tail = query.rpartition("-")
    if tail.isdigit() and len(tail) < 11 and (not head or TICKET_DATE.match(head)):
        by_id = Q(pk=int(tail))
        if head or not privacy.phone_shaped(query):
            return tickets.filter(by_id), ""
    elif privacy.phone_shaped(query):
        by_id = Q(pk__in=[])
    elif privacy.has_number(query):
        return tickets.none(), privacy.PHONE_SEARCH_NOTE
    else:
        address = Q(address__icontains=query) & Q(address_shown=True)
        found = privacy.with_address_access(tickets, user).filter(Q(content__icontains=query) | address)
        return found, ""
    allowed = privacy.phone_search_q(user)
    by_phone = Q(pk__in=[]) if allowed is None else Q(caller_phone__in=privacy.phone_forms(query)) & allowed
    return tickets.filter(by_id | by_phone), privacy.PHONE_SEARCH_NOTE


def page_of(search, user, query):
    tickets, _ = search(user, query)
    return tickets.order_by("-received_at")[:PAGE]


def timed(search, user, query):
    start = time.perf_counter()
    rows = list(page_of(search, user, query))
    return (time.perf_counter() - start) * 1000, len(rows)


def p95(values):
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def queries(users):
    """(label, query) per user: a ticket number in the user's scope, a phone the user may search by, words."""
    from hotline.models import Ticket
    from hotline.selectors import visible_tickets

    ticket = visible_tickets(users["wangjing"]).order_by("-received_at").first()
    phone = Ticket.objects.order_by("-received_at").values_list("caller_phone", flat=True).first()
    return [
        ("工单号", ticket.number),
        ("完整电话", phone),
        ("内容词 暖气", "暖气"),
        ("内容词 噪音", "噪音"),
        ("无匹配词 量子纠缠", "量子纠缠"),
        ("地址词 望京", "望京"),
    ]


def main():
    import django

    django.setup()
    from django.db import connection

    from dispatch.models import User
    from hotline.selectors import search_tickets

    users = {name: User.objects.get(username=name) for name in USERS}
    rows, slowest = [], (0, None)
    for label, query in queries(users):
        for name in USERS:
            user = users[name]
            timed(main_search, user, query), timed(search_tickets, user, query)  # warm-up
            before, after = [], []
            for _ in range(RUNS):
                before.append(timed(main_search, user, query))
                after.append(timed(search_tickets, user, query))
            b, a = [ms for ms, _ in before], [ms for ms, _ in after]
            if before[0][1] != after[0][1]:
                print(f"!! {label} as {name}: {before[0][1]} rows before, {after[0][1]} after")
            rows.append((label, name, statistics.median(b), p95(b), statistics.median(a), p95(a), after[0][1]))
            if statistics.median(a) > slowest[0]:
                slowest = (statistics.median(a), (user, query, label, name))
    print(f"{'query':<18} {'user':<9} {'before med/p95 ms':>18} {'after med/p95 ms':>18} {'ratio':>7} {'rows':>5}")
    for label, name, bm, bp, am, ap, count in rows:
        print(f"{label:<18} {name:<9} {bm:>9.1f}/{bp:<8.1f} {am:>9.1f}/{ap:<8.1f} {bm / am:>6.1f}× {count:>5}")
    user, query, label, name = slowest[1]
    sql, params = page_of(search_tickets, user, query).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        print(f"\nEXPLAIN of the slowest after: {label} as {name}")
        print("\n".join(line for (line,) in cursor.fetchall()))


if __name__ == "__main__":
    main()
