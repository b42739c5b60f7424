"""The peer, side by side: our intake against django-helpdesk 1.0.0 (PyPI) and against pgbench, in one run.

    .venv/bin/python bench/peer/run.py

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust), Redis on 127.0.0.1:6379, the pgbench binary and PyPI
(the peer's virtualenv is made from bench/peer/requirements.txt on the first run, never in .venv).
Drops and recreates hl_peer_ours, hl_peer_helpdesk, hl_peer_pgbench, then:

1. prepares ours as bench/intake_api.py does (migrate, directory, catalog, demo users; agent token) and the peer
   (bench/peer/helpdesk_site: migrate, e-mail templates, one queue, one staff user with a DRF token);
2. starts both under gunicorn with the same sync worker count, and alternates creation rounds (which side goes
   first swaps every round) with the same keep-alive clients: POST /api/tickets/ on both, ours with the agent's
   token and its intake body, the peer (helpdesk's own REST API, HELPDESK_ACTIVATE_API_ENDPOINT) with the same
   call in its fields. Prints each round, then per side the median tickets/s over rounds, p50/p95 over all
   requests, and gunicorn CPU ms per ticket (the part of the machine each side itself used);
3. fills both to the same ticket count (ours: manage.py generate_tickets --month 2026-11; the peer: one
   INSERT … SELECT of tickets and their follow-ups) and times the first page of each list as the staff user
   who reads it, one warm-up then N runs alternating ours/peer: the REST list (/api/tickets/?limit=50 on both) and
   the HTML page (ours: the agent's /tickets/ search page, as our /tickets/ without a query lists nothing; the
   peer: its /tickets/ page plus the datatables request that fills its table). helpdesk's API list sets custom
   fields on every ticket in the table before paging (one query each), so when its warm-up takes over 10 s the
   warm-up counts and 2 more runs follow (3, not N);
4. pgbench on its own database: single-row INSERTs into a 4-column table, same client count, ~10 s;
5. prints the ratios: ours/peer for creation throughput (of the two medians, and the median of each round's pair,
   which shared the same background load), p95 and the list medians, ours/pgbench.

The machine has 2 cores shared with other jobs: rounds alternate so both sides see the same background load.
Knobs: PEER_ROUNDS (10), PEER_ROUND_SECONDS (10), BENCH_CLIENTS (8, read by bench/intake_api.py), PEER_WORKERS (3),
PEER_ROWS (100000), PEER_LIST_RUNS (7), PEER_PGBENCH_SECONDS (10), PEER_VENV (/tmp/peer-venv), PEER_REDIS_URL
(redis://127.0.0.1:6379/11), PEER_LOG_DIR (/tmp: gunicorn-ours.log, gunicorn-peer.log).
Goal: our intake ≥ 2× the peer's tickets/s.
"""

import os
import statistics
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(BASE_DIR))
DATABASES = {"ours": "hl_peer_ours", "peer": "hl_peer_helpdesk", "pgbench": "hl_peer_pgbench"}
REDIS_URL = os.environ.get("PEER_REDIS_URL", "redis://127.0.0.1:6379/11")
# Before bench.intake_api is imported: it reads DATABASE_URL and Django settings from the environment.
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASES['ours']}"
os.environ["REDIS_URL"] = REDIS_URL

from bench import intake_api  # noqa: E402
from bench.benchdb import recreate_databases  # noqa: E402
from bench.peer import measure  # noqa: E402
from bench.peer.sides import Ours, Peer, database_url  # noqa: E402

ROUNDS = int(os.environ.get("PEER_ROUNDS", 10))
ROUND_SECONDS = float(os.environ.get("PEER_ROUND_SECONDS", 10))
WORKERS = int(os.environ.get("PEER_WORKERS", 3))
ROWS = int(os.environ.get("PEER_ROWS", 100_000))
LIST_RUNS = int(os.environ.get("PEER_LIST_RUNS", 7))
PGBENCH_SECONDS = float(os.environ.get("PEER_PGBENCH_SECONDS", 10))
VENV = os.environ.get("PEER_VENV", "/tmp/peer-venv")
SLOW_WARMUP_MS = 10_000
WARMUP_SECONDS = 5


def creation(sides):
    """Alternating creation rounds; {side: summary}."""
    for side in sides:
        measure.creation_round(side, WARMUP_SECONDS)  # imports, caches
    rates = {side.name: [] for side in sides}
    latencies = {side.name: [] for side in sides}
    errors = {side.name: [] for side in sides}
    cpu = {side.name: 0.0 for side in sides}
    database = {side.name: 0.0 for side in sides}
    busy = {side.name: [] for side in sides}
    for number in range(ROUNDS):
        line = []
        for side in sides if number % 2 == 0 else sides[::-1]:
            rate, ms, errs, seconds, backend, machine = measure.creation_round(side, ROUND_SECONDS)
            rates[side.name].append(rate)
            latencies[side.name] += ms
            errors[side.name] += errs
            cpu[side.name] += seconds
            database[side.name] += backend
            busy[side.name].append(machine)
            line.append(f"{side.name} {rate:6.1f}/s p95 {measure.percentile(ms, 95):6.1f} ms (machine {machine:.0%})")
        print(f"  round {number + 1}: " + "   ".join(line), flush=True)
    summary = {}
    for side in sides:
        name, ms = side.name, latencies[side.name]
        summary[name] = {"rate": statistics.median(rates[name]), "rates": rates[name],
                         "p50": measure.percentile(ms, 50),
                         "p95": measure.percentile(ms, 95), "tickets": len(ms), "errors": errors[name],
                         "cpu_ms": cpu[name] * 1000 / max(1, len(ms)),
                         "database_ms": database[name] * 1000 / max(1, len(ms)), "busy": statistics.median(busy[name])}
        s = summary[name]
        print(f"  {name}: median {s['rate']:.1f} tickets/s over {ROUNDS} rounds, {s['tickets']} tickets, "
              f"p50 {s['p50']:.1f} ms, p95 {s['p95']:.1f} ms, CPU ms/ticket gunicorn {s['cpu_ms']:.1f} "
              f"PostgreSQL {s['database_ms']:.1f}, "
              f"machine busy {s['busy']:.0%} (median), errors {len(s['errors'])} {sorted(set(map(str, s['errors'])))}")
    return summary


def timed_list(side, key):
    """(warm-up ms, runs, once): one warm-up, then LIST_RUNS timed GETs of side's list, or, when the warm-up took
    over SLOW_WARMUP_MS, the warm-up itself and 2 more (a request that long gains nothing from a warm cache). The
    peer's HTML page counts its datatables request with it."""
    keys = [key, "page_data"] if key == "page" and "page_data" in side.lists else [key]

    def once():
        total = 0.0
        for part in keys:
            url, headers = side.lists[part]
            ms, status, body = measure.get_ms(side.port, url, headers)
            assert status == 200, (side.name, url, status, body[:300])
            total += ms
        return total

    warm = once()
    if warm < SLOW_WARMUP_MS:
        return warm, LIST_RUNS, [], once
    return warm, 2, [warm], once


def lists(sides):
    """Each list's first page, both sides alternating run by run; {(side, key): (median, p95, runs)}."""
    figures = {}
    for key in ("api", "page"):
        prepared = {side.name: timed_list(side, key) for side in sides}
        times = {name: list(kept) for name, (_, _, kept, _) in prepared.items()}
        for number in range(max(runs for _, runs, _, _ in prepared.values())):
            for name, (_, runs, _, once) in prepared.items() if number % 2 == 0 else reversed(prepared.items()):
                if number < runs:
                    times[name].append(once())
        for side in sides:
            ms = times[side.name]
            figures[side.name, key] = (statistics.median(ms), measure.percentile(ms, 95), len(ms))
            label = side.lists[key][0] if key == "api" else side.page_label
            print(f"  {side.name} {key:<4} median {figures[side.name, key][0]:8.1f} ms  p95 "
                  f"{figures[side.name, key][1]:8.1f} ms  ({len(ms)} runs, warm-up {prepared[side.name][0]:.0f} ms)"
                  f"  {label}", flush=True)
    return figures


def ratio_table(created, listed, bench):
    ours, peer = created["ours"], created["peer"]
    rows = [
        ("creation tickets/s, ours/peer (goal ≥ 2)", ours["rate"], peer["rate"]),
        ("creation p95 ms, ours/peer (< 1 is better)", ours["p95"], peer["p95"]),
        ("API list page 1 median ms, ours/peer", listed["ours", "api"][0], listed["peer", "api"][0]),
        ("API list page 1 p95 ms, ours/peer", listed["ours", "api"][1], listed["peer", "api"][1]),
        ("HTML list page median ms, ours/peer", listed["ours", "page"][0], listed["peer", "page"][0]),
    ]
    if bench:
        rows += [("tickets/s ours / pgbench single-row INSERT tps", ours["rate"], bench["tps"]),
                 ("p95 ms ours / pgbench INSERT p95", ours["p95"], bench["p95"])]
    print(f"  {'':<50} {'ours':>10} {'other':>10} {'ratio':>8}")
    for label, mine, other in rows:
        print(f"  {label:<50} {mine:10.1f} {other:10.1f} {mine / other if other else float('inf'):8.3g}")
    paired = statistics.median(mine / other for mine, other in zip(ours["rates"], peer["rates"], strict=True))
    label = "creation tickets/s, ours/peer, median of round pairs"
    print(f"  {label:<50} {'':>10} {'':>10} {paired:8.3g}")
    medians = ours["rate"] / peer["rate"]
    verdict = "met" if min(paired, medians) >= 2 else "NOT met"
    print(f"  goal ours ≥ 2× peer tickets/s (both ratios): {verdict} ({medians:.2f}× of the medians, "
          f"{paired:.2f}× of the round pairs)")


def main():
    print(f"cores={os.cpu_count()} gunicorn sync workers={WORKERS} per side, clients={intake_api.CLIENTS}, "
          f"rounds={ROUNDS}×{ROUND_SECONDS:.0f}s per side, rows={ROWS:,}", flush=True)
    recreate_databases(database_url("postgres"), DATABASES.values())  # every run starts fresh
    ours = Ours(DATABASES["ours"], REDIS_URL, WORKERS)
    peer = Peer(DATABASES["peer"], VENV, WORKERS)
    ours.prepare()
    peer.prepare(ours.bodies)
    sides = [ours, peer]
    for side in sides:
        side.start()
    try:
        print("ticket creation, POST /api/tickets/ (alternating rounds):", flush=True)
        created = creation(sides)
        counts = {side.name: side.fill(ROWS) for side in sides}
        print(f"ticket lists at {counts['ours']:,} (ours) / {counts['peer']:,} (peer) tickets:", flush=True)
        listed = lists(sides)
    finally:
        for side in sides:
            measure.stop(side.server)
    print(f"pgbench: single-row INSERTs, {intake_api.CLIENTS} clients, {PGBENCH_SECONDS:.0f} s:", flush=True)
    bench = measure.pgbench(["-h", "127.0.0.1", "-U", "postgres"], DATABASES["pgbench"], intake_api.CLIENTS,
                            PGBENCH_SECONDS)
    if bench:
        print(f"  {bench['tps']:.0f} tps, {bench['transactions']} inserts, latency avg {bench['avg']:.2f} ms, "
              f"p95 {bench['p95']:.2f} ms")
    else:
        print("  pgbench not found (set PGBENCH=/path/to/pgbench): no physical bound")
    print("ratios:")
    ratio_table(created, listed, bench)


if __name__ == "__main__":
    main()
