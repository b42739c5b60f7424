"""/healthz (database, broker/cache, age of the last sweep) and /metrics (latency by view, queue depth, sweep lag)."""

import datetime as dt
import re
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from assessment.tasks import sweep_clocks

pytestmark = pytest.mark.django_db


def sample(text, name, labels=""):
    """The value of one Prometheus sample in an exposition text, or None."""
    match = re.search(rf"^{re.escape(name)}{re.escape(labels)} (\S+)$", text, re.M)
    return float(match.group(1)) if match else None


def test_healthz_is_ok_after_a_sweep_without_login_and_reveals_no_data(client):
    sweep_clocks()
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == {"database", "broker", "sweep"}
    assert body["checks"]["sweep"]["age_seconds"] < 60


def test_healthz_names_a_sweep_that_never_ran_or_stopped(client, time_machine, settings):
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["failing"] == ["sweep"]
    time_machine.move_to(timezone.now(), tick=False)
    sweep_clocks()
    time_machine.shift(dt.timedelta(seconds=settings.SWEEP_MAX_AGE_SECONDS + 60))
    response = client.get("/healthz")
    assert response.status_code == 503 and "未运行" in response.json()["checks"]["sweep"]["error"]
    assert client.get("/healthz?check=database,broker").status_code == 200  # what the web container's probe asks


def test_healthz_names_a_broker_that_is_down(client, settings, tmp_path):
    sweep_clocks()
    if settings.REDIS_URL:
        settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    else:
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "missing")}
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["failing"] == ["broker"]
    assert "error" in response.json()["checks"]["broker"]


def test_healthz_is_not_redirected_to_https_in_production(settings):
    settings.SECURE_SSL_REDIRECT = True
    sweep_clocks()
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/login/").status_code == 301  # every other page goes to https


def test_healthcheck_command_exits_non_zero_when_a_part_fails(capsys):
    with pytest.raises(CommandError, match="sweep"):
        call_command("healthcheck", "--check", "sweep")
    sweep_clocks()
    call_command("healthcheck", "--check", "sweep")
    assert '"status": "ok"' in capsys.readouterr().out


def test_metrics_from_loopback_show_latency_by_view_and_sweep_lag(client, users):
    client.force_login(users["wangjing"])
    client.get("/work/")
    sweep_clocks()
    text = client.get("/metrics").content.decode()  # the test client's REMOTE_ADDR is 127.0.0.1
    assert 'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="hotline:worklist"}' in text
    lag = sample(text, "hotline_sweep_lag_seconds")
    assert lag is not None and lag < 60
    assert sample(text, "hotline_celery_queue_depth", '{queue="celery"}') is not None


def test_metrics_count_messages_waiting_in_the_queue(client, settings, tmp_path):
    if settings.REDIS_URL:
        import redis

        connection = redis.Redis.from_url(settings.REDIS_URL)
        marker = f"healthz-test-{uuid.uuid4()}"
        before = sample(client.get("/metrics").content.decode(), "hotline_celery_queue_depth", '{queue="celery"}')
        connection.lpush("celery", marker, marker)
        try:
            after = sample(client.get("/metrics").content.decode(), "hotline_celery_queue_depth", '{queue="celery"}')
        finally:
            connection.lrem("celery", 0, marker)
        assert after == before + 2
    else:
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path)}
        for i in range(2):
            (tmp_path / f"{i}_{uuid.uuid4()}.celery.msg").write_text("{}")
        (tmp_path / f"9_{uuid.uuid4()}.other.msg").write_text("{}")
        text = client.get("/metrics").content.decode()
        assert sample(text, "hotline_celery_queue_depth", '{queue="celery"}') == 2


def test_metrics_refuse_other_addresses_and_proxied_requests_unless_the_token_is_sent(settings):
    settings.METRICS_TOKEN = "scrape-token-0123456789"
    outside = Client(REMOTE_ADDR="10.1.2.3")
    assert outside.get("/metrics").status_code == 403
    assert outside.get("/metrics", headers={"authorization": "Bearer wrong"}).status_code == 403
    assert Client().get("/metrics", headers={"x-forwarded-for": "203.0.113.9"}).status_code == 403
    response = outside.get("/metrics", headers={"authorization": "Bearer scrape-token-0123456789"})
    assert response.status_code == 200 and b"hotline_celery_queue_depth" in response.content
