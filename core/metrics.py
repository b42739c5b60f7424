"""Prometheus gauges beside django-prometheus's request metrics: Celery queue depth and sweep lag, read on scrape."""

from pathlib import Path

from django.conf import settings
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily

from assessment.clock import heartbeat

QUEUE = "celery"  # Celery's default queue


def queue_depth():
    """Messages waiting in the default queue: the Redis list's length, or the filesystem broker's files."""
    if settings.REDIS_URL:
        import redis

        return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).llen(QUEUE)
    folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
    return sum(1 for _ in folder.glob(f"*.{QUEUE}.msg"))


class HotlineCollector:
    def collect(self):
        depth = GaugeMetricFamily("hotline_celery_queue_depth", "Messages waiting in a Celery queue", labels=["queue"])
        try:
            depth.add_metric([QUEUE], queue_depth())
        except Exception:  # broker down: no sample, /healthz says why
            pass
        yield depth
        lag = GaugeMetricFamily("hotline_sweep_lag_seconds", "Seconds since the minute SLA sweep last finished")
        try:
            age = heartbeat.age_seconds(heartbeat.SWEEP)
        except Exception:  # database down
            age = None
        if age is not None:
            lag.add_metric([], age)
        yield lag


_collector = None


def register():
    """Once per process (the URL module imports this)."""
    global _collector
    if _collector is None:
        _collector = HotlineCollector()
        REGISTRY.register(_collector)
