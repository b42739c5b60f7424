"""The real stack: a Celery worker process on Redis sweeps the PostgreSQL test database; warnings and breaches
appear exactly once each, even when the sweep is sent twice at the same time."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from assessment.models import Notification
from hotline.models import TicketEvent

from .clock_helpers import H, S
from .lifecycle_helpers import T0, intake, take_call

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]
STARTUP_TIMEOUT = 30
TASK_TIMEOUT = 20


def _database_url():
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(predicate, timeout, what, log):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    text = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
    pytest.fail(f"{what} within {timeout} s; worker log:\n{text}")


@pytest.fixture
def worker(tmp_path):
    """A worker process (prefork, 2 children) on a private queue, pointed at pytest-django's test database."""
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url.startswith("redis://") or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL=redis://… and DATABASE_URL=postgres://… (a real broker and PostgreSQL)")
    queue, log = f"stack-test-{uuid.uuid4().hex[:8]}", tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": redis_url,
           "DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "-c", "2", "-Q", queue,
         "-n", f"{queue}@%h", "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "info",
         "--logfile", str(log)],
        cwd=Path(settings.BASE_DIR), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(lambda: log.exists() and " ready." in log.read_text(errors="replace"), STARTUP_TIMEOUT,
                  "worker not ready", log)
        yield queue, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _sweep_twice_at_once(queue, log, now):
    from config.celery import app

    ids = [app.send_task("assessment.sweep_clocks", kwargs={"now": now.isoformat()}, queue=queue).id
           for _ in range(2)]
    _wait_for(lambda: all(f"[{i}] succeeded" in log.read_text(errors="replace") for i in ids), TASK_TIMEOUT,
              "both sweeps not finished", log)


def test_worker_sweeps_through_the_broker_each_warning_and_breach_once(demo_users, directory, catalog, worker):
    queue, log = worker
    ticket = take_call(demo_users, directory, catalog["heating"], now=T0)  # 24 h tier, sign within 2 h
    intake.dispatch_ticket(demo_users["agent"], ticket.pk, now=T0)

    _sweep_twice_at_once(queue, log, T0 + 1.5 * H)  # sign limit at 75 %
    assert list(TicketEvent.objects.filter(ticket=ticket, action="warn").values_list("data__key", flat=True)) == [
        "sign"
    ]
    _sweep_twice_at_once(queue, log, T0 + 2 * H + S)  # sign limit passed
    _sweep_twice_at_once(queue, log, T0 + 2 * H + S)  # a retry changes nothing
    actions = list(TicketEvent.objects.filter(ticket=ticket, action__in=["warn", "breach"])
                   .values_list("action", "data__key").order_by("id"))
    assert actions == [("warn", "sign"), ("breach", "sign")]
    heating, center = directory["E002"], directory["C12345"]
    notes = (Notification.objects.filter(ticket=ticket, kind__in=["warn", "breach"])  # not the 派单 notice
             .values_list("recipient", "kind").order_by("kind", "recipient"))
    assert sorted(notes) == sorted([(heating.pk, "warn"), (center.pk, "warn"), (heating.pk, "breach"),
                                    (center.pk, "breach")])
    assert "Traceback" not in log.read_text(errors="replace")
