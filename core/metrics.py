"""Prometheus gauges beside django-prometheus's request metrics: Celery queue depth and sweep lag, read on scrape."""

from pathlib import Path

from django.conf import settings
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily

from assessment.clock import heartbeat

QUEUES = ["celery", *settings.WORKER_QUEUES]  # Celery's default queue and the routed ones (settings)


def queue_depths():
    """{queue: messages waiting}: the Redis lists' lengths, or the filesystem broker's files."""
    if settings.REDIS_URL:
        import redis

        connection = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
        return {queue: connection.llen(queue) for queue in QUEUES}
    folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
    return {queue: sum(1 for _ in folder.glob(f"*.{queue}.msg")) for queue in QUEUES}


def _depth_gauge():
    return GaugeMetricFamily("hotline_celery_queue_depth", "Messages waiting in a Celery queue", labels=["queue"])


def _lag_gauge():
    return GaugeMetricFamily("hotline_sweep_lag_seconds", "Seconds since the minute SLA sweep last finished")


class HotlineCollector:
    def describe(self):
        """The names only: without it the registry calls collect() on registration, a database read at import."""
        return [_depth_gauge(), _lag_gauge()]

    def collect(self):
        depth = _depth_gauge()
        try:
            for queue, waiting in queue_depths().items():
                depth.add_metric([queue], waiting)
        except Exception:  # broker down: no sample, /healthz says why
            pass
        yield depth
        lag = _lag_gauge()
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
