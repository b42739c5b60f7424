"""Measuring tools shared by both sides: a gunicorn server, timed creation rounds, timed GETs, pgbench."""

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import intake_api, procstat


def start_gunicorn(gunicorn, module, cwd, env, workers, log):
    """gunicorn with `workers` sync workers on a free loopback port, its stderr to `log`; (process, port).
    The worker timeout is long: one request of the peer's API list reads the whole table."""
    port = intake_api.free_port()
    command = [gunicorn, module, "-b", f"127.0.0.1:{port}", "-w", str(workers), "--keep-alive", "30",
               "--timeout", "900", "--log-level", "warning"]
    with open(log, "w") as stderr:
        server = subprocess.Popen(command, cwd=cwd, env=env, stderr=stderr)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit(f"gunicorn {module} did not start")


def stop(server):
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


def percentile(values, pct):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


def creation_round(side, seconds):
    """One round of POST /api/tickets/ by intake_api's keep-alive clients on `side`: (tickets/s, latencies ms,
    errors, CPU seconds of its gunicorn master and workers, of PostgreSQL (procstat.postgres_cpu_seconds), busy
    share of the whole machine). Only one side runs at a time, so a round's PostgreSQL CPU is that side's database
    work (and any autovacuum meanwhile)."""
    pids = [side.server.pid, *procstat.worker_pids(side.server.pid)]
    cpu_before, busy_before = procstat.cpu_seconds(pids), procstat.machine_busy_seconds()
    database_before = procstat.postgres_cpu_seconds()
    latencies, errors, elapsed = intake_api.drive(side.port, side.token, side.bodies, seconds)
    cpu = procstat.cpu_seconds(pids) - cpu_before
    database = procstat.postgres_cpu_seconds() - database_before
    busy = (procstat.machine_busy_seconds() - busy_before) / elapsed / (os.cpu_count() or 1)
    return len(latencies) / elapsed, [x * 1000 for x in latencies], errors, cpu, database, busy


def get_ms(port, url, headers):
    """One GET on a fresh connection (sync workers close it after each response): (ms, status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    started = time.perf_counter()
    connection.request("GET", url, headers=headers)
    response = connection.getresponse()
    body = response.read()
    ms = (time.perf_counter() - started) * 1000
    connection.close()
    return ms, response.status, body


def pgbench(dsn_args, database, clients, seconds):
    """Single-row INSERTs into a small table through pgbench (its own prepared statements off, like Django):
    dict with tps, average and p95 latency (ms from pgbench's per-transaction log), or None without pgbench."""
    binary = os.environ.get("PGBENCH", "pgbench")
    try:
        subprocess.run([binary, "--version"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    psql = ["psql", *dsn_args, "-q", "-v", "ON_ERROR_STOP=1", database, "-c"]
    subprocess.run(psql + ["SET client_min_messages = warning; DROP TABLE IF EXISTS intake; "
                           "CREATE TABLE intake (id bigserial PRIMARY KEY, received_at timestamptz NOT NULL "
                           "DEFAULT now(), caller_phone text NOT NULL, content text NOT NULL)"], check=True)
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "insert.sql"
        script.write_text("\\set n random(10000000, 99999999)\n"
                          "INSERT INTO intake (caller_phone, content) VALUES ('139' || :n, '反映问题请处理');\n")
        result = subprocess.run(
            [binary, *dsn_args, "-n", "-c", str(clients), "-j", str(min(clients, os.cpu_count() or 1)),
             "-T", str(int(seconds)), "-f", str(script), "-l", "--log-prefix", str(Path(folder) / "log"), database],
            check=True, capture_output=True, text=True)
        latencies = []
        for log in Path(folder).glob("log*"):
            latencies += [int(line.split()[2]) / 1000 for line in log.read_text().splitlines() if line]
    tps = float(re.search(r"tps = ([\d.]+)", result.stdout).group(1))
    return {"tps": tps, "transactions": len(latencies), "avg": statistics.fmean(latencies),
            "p95": percentile(latencies, 95)}
