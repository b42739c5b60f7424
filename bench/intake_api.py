"""Benchmark of POST /api/tickets/ (intake) through a real gunicorn server on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench .venv/bin/python bench/intake_api.py

Prepares the database (migrate, directory, catalog, demo users), starts gunicorn on 127.0.0.1 and a random
port, drives intake with keep-alive clients for a bounded time, prints tickets/s and latency percentiles,
where the CPU went (gunicorn workers, PostgreSQL, this client's own threads, everything else on
the machine: the clients share the cores with the server, and so may other jobs), then the queries one intake
runs. Stops the server it started. Tickets are added to the bench database.
Goal on 2 cores: ≥ 200 tickets/s with p95 ≤ 50 ms.
Knobs: BENCH_SECONDS (20), BENCH_CLIENTS (8), BENCH_WORKERS (cores + 1, 2 to 4), BENCH_THREADS (1: sync workers,
which close the connection after each response; more: gthread workers that keep connections alive). On 2 cores
3 sync workers gave the best p95: gthread workers (2×4, 3×2) did more tickets/s but hold each client's connection,
so the load spreads unevenly and p95 and max (seconds) grow.
"""

import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from bench import procstat  # noqa: E402
from bench.benchdb import ensure_postgres_database  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hotline_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

SECONDS = float(os.environ.get("BENCH_SECONDS", 20))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 8))
CORES = os.cpu_count() or 1
WORKERS = int(os.environ.get("BENCH_WORKERS", min(4, max(2, CORES + 1))))
THREADS = int(os.environ.get("BENCH_THREADS", 1))
MANAGE = [sys.executable, str(BASE_DIR / "manage.py")]


def ensure_database():
    ensure_postgres_database("bench/intake_api.py")
    for command in (["migrate", "-v0"], ["load_directory"], ["load_catalog"], ["seed_demo"]):
        subprocess.run(MANAGE + command + ["--skip-checks"], check=True, stdout=subprocess.DEVNULL)


def fixtures():
    """A token for the agent and a pool of valid intake bodies (random streets and street-level leaves)."""
    import django

    django.setup()
    from core.tokens import issue_token
    from dispatch.catalog.selectors import current_version, leaves
    from dispatch.choices import Responsible, UnitKind
    from dispatch.models import Unit, User

    token = issue_token(User.objects.get(username="agent"))  # a token from an earlier run may have expired
    items = [leaf for leaf in leaves(current_version()) if leaf.responsible == Responsible.STREET]
    streets = list(Unit.objects.filter(kind=UnitKind.STREET, is_active=True).select_related("parent"))
    rng = random.Random(12345)
    bodies = []
    for _ in range(2000):
        street, leaf = rng.choice(streets), rng.choice(items)
        bodies.append(json.dumps({
            "channel": "phone", "caller_phone": f"139{rng.randrange(10**8):08d}", "address": f"{street.name}1号院",
            "district": street.parent.code, "street": street.code, "content": f"{leaf.name}：反映问题请处理",
            "request_type": leaf.default_request_type or "complaint", "catalog_item": leaf.pk,
        }, ensure_ascii=False).encode())
    return token.key, bodies


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port):
    command = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}",
               "-w", str(WORKERS), "--threads", str(THREADS), "--keep-alive", "30", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=BASE_DIR, env=dict(os.environ, DEBUG="0"))
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start")


def client_loop(port, token, bodies, until, latencies, errors):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    rng = random.Random()
    while time.perf_counter() < until:
        started = time.perf_counter()
        try:
            connection.request("POST", "/api/tickets/", body=rng.choice(bodies), headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            errors.append("connection")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        if response.status == 201:
            latencies.append(time.perf_counter() - started)
        else:
            errors.append(response.status)
    connection.close()


def cpu_split(server_pid):
    """Who used the CPU while the clients ran: this client, gunicorn, PostgreSQL, everything else."""
    gunicorn = [server_pid, *procstat.worker_pids(server_pid)]
    start = {"gunicorn": procstat.cpu_seconds(gunicorn), "postgres": procstat.postgres_cpu_seconds(),
             "client": time.process_time(), "machine": procstat.machine_busy_seconds()}

    def finish():
        used = {"gunicorn": procstat.cpu_seconds(gunicorn) - start["gunicorn"],
                "postgres": procstat.postgres_cpu_seconds() - start["postgres"],
                "client": time.process_time() - start["client"],
                "machine": procstat.machine_busy_seconds() - start["machine"]}
        used["other"] = max(0.0, used["machine"] - used["client"] - used["gunicorn"] - used["postgres"])
        return used

    return finish


def drive(port, token, bodies, seconds):
    latencies, errors = [], []
    until = time.perf_counter() + seconds
    threads = [threading.Thread(target=client_loop, args=(port, token, bodies, until, latencies, errors))
               for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def queries_per_intake(token, body):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    client.post("/api/tickets/", body, content_type="application/json")  # fills the per-process caches
    with CaptureQueriesContext(connection) as queries:
        client.post("/api/tickets/", body, content_type="application/json")
    return [q["sql"][:110] for q in queries.captured_queries]


def main():
    ensure_database()
    token, bodies = fixtures()
    port = free_port()
    server = start_server(port)
    try:
        drive(port, token, bodies, 2)  # warm-up: connections, imports
        finish = cpu_split(server.pid)
        latencies, errors, elapsed = drive(port, token, bodies, SECONDS)
        cpu = finish()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    ms = sorted(x * 1000 for x in latencies)
    pct = statistics.quantiles(ms, n=100) if len(ms) > 1 else [0] * 99
    print(f"cores={CORES} gunicorn workers={WORKERS} threads={THREADS} clients={CLIENTS} duration={elapsed:.1f}s")
    print(f"tickets={len(ms)} tickets/s={len(ms) / elapsed:.1f} errors={len(errors)} {sorted(set(map(str, errors)))}")
    print(f"latency ms: p50={pct[49]:.1f} p95={pct[94]:.1f} p99={pct[98]:.1f} max={ms[-1] if ms else 0:.1f}")
    per = {name: seconds * 1000 / max(1, len(ms)) for name, seconds in cpu.items()}
    print(f"CPU ms per ticket: gunicorn={per['gunicorn']:.2f} postgres={per['postgres']:.2f} "
          f"client={per['client']:.2f} other processes={per['other']:.2f}; machine busy "
          f"{cpu['machine'] / elapsed / CORES:.0%} of {CORES} cores")
    sqls = queries_per_intake(token, bodies[0])
    print(f"queries per intake in steady state (token auth included): {len(sqls)}")
    for sql in sqls:
        print("   ", sql)


if __name__ == "__main__":
    main()
