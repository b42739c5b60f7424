"""The minute sweep's heartbeat: recorded after each run, read by /healthz and /metrics (works across processes)."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessment.clock.models import Heartbeat

SWEEP = "sweep_clocks"


def record(name=SWEEP, now=None):
    now = now or timezone.now()
    if Heartbeat.objects.filter(name=name).update(at=now):
        return
    try:
        with transaction.atomic():
            Heartbeat.objects.create(name=name, at=now)
    except IntegrityError:  # a sweep in another process created it first
        Heartbeat.objects.filter(name=name).update(at=now)


def age_seconds(name=SWEEP, now=None):
    """Seconds since ``name`` last finished, or None if it never has."""
    at = Heartbeat.objects.filter(name=name).values_list("at", flat=True).first()
    if at is None:
        return None
    return max(0.0, ((now or timezone.now()) - at).total_seconds())
