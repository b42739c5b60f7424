"""Every project task is routed to its queue group, and what runs the workers (run.sh, docker-compose.yml)
consumes every queue, so no task waits on a queue nobody reads."""

import re
import uuid
from pathlib import Path

import yaml
from django.conf import settings

from config.celery import app

ROOT = Path(settings.BASE_DIR)
ALL_QUEUES = {"celery", *settings.WORKER_QUEUES}


def project_tasks():
    app.loader.import_default_modules()  # the autodiscovery a worker does at start
    return {name for name in app.tasks if not name.startswith("celery.")}


def queues_of(command):
    found = re.search(r"-Q\s+(\S+)", command)
    return set(found.group(1).split(",")) if found else set()


def test_every_project_task_has_a_route_to_a_worker_queue():
    tasks = project_tasks()
    assert {"assessment.sweep_clocks", "hotline.train_suggester"} <= tasks
    unrouted = tasks - set(settings.CELERY_TASK_ROUTES)
    assert not unrouted, f"tasks without a queue: {sorted(unrouted)}"
    assert {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} <= set(settings.WORKER_QUEUES)


def test_the_sweep_and_month_close_go_to_separate_queues_through_the_broker():
    expected = {"assessment.sweep_clocks": "clock", "assessment.close_previous_month": "reports",
                "hotline.train_suggester": "training"}
    if not settings.REDIS_URL:
        for name, queue in expected.items():
            assert app.amqp.router.route({}, name)["queue"].name == queue
        return
    import redis

    connection = redis.Redis.from_url(settings.REDIS_URL)
    for name, queue in expected.items():
        before = connection.llen(queue)
        task_id = f"route-test-{uuid.uuid4()}"
        app.tasks[name].apply_async(task_id=task_id)  # a real message; removed below, never run
        try:
            assert connection.llen(queue) == before + 1
        finally:
            for message in connection.lrange(queue, 0, -1):
                if task_id.encode() in message:
                    connection.lrem(queue, 1, message)


def test_the_local_worker_consumes_every_queue():
    lines = (ROOT / "scripts/run.sh").read_text().splitlines()
    worker = next(line for line in lines if line.startswith("celery -A config worker"))
    assert queues_of(worker) == ALL_QUEUES


def test_compose_runs_a_worker_per_queue_group_and_a_replica_for_reports():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    workers = {name: queues_of(service["command"]) for name, service in services.items()
               if "celery -A config worker" in service.get("command", "")}
    assert set().union(*workers.values()) == ALL_QUEUES
    assert all(len(queues) <= 2 for queues in workers.values()), workers  # groups, not one worker for all
    assert "replica" in services["web"]["environment"]["REPORTS_DATABASE_URL"]
    assert "primary_conninfo" in (ROOT / "docker-compose.yml").read_text()
