"""Thin Celery wrappers. Deadlines are rows swept every minute, never ETA tasks."""

import datetime as dt

from celery import shared_task

from assessment.clock import heartbeat
from assessment.clock import sweep as sweep_service


@shared_task(name="assessment.sweep_clocks", acks_late=True, soft_time_limit=50, time_limit=58, ignore_result=True)
def sweep_clocks(now=None):
    """Warn and flag breaches of every due clock. ``now``: an ISO time, for tests; default the current time.
    Idempotent (the claim is a conditional UPDATE), so acks_late redelivery is safe."""
    moment = dt.datetime.fromisoformat(now) if now else None
    done = sweep_service.sweep(now=moment)
    heartbeat.record(heartbeat.SWEEP)  # the real time of the run, for /healthz and the sweep-lag gauge
    return done


# --- Monthly assessment (beat: see the report / CELERY_BEAT_SCHEDULE entries "close-assessment-month" etc.)

@shared_task(name="assessment.close_previous_month", acks_late=True, ignore_result=True)
def close_previous_month(today=None):
    """On the 1st: compute and freeze last month. Re-runnable: a frozen month is returned unchanged."""
    from django.utils import timezone

    from assessment.monthly import month_close, months

    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    close = month_close.close_month(months.previous_month(months.first_of(day)), freeze=True)
    return f"{close.month:%Y-%m} {close.status}"


@shared_task(name="assessment.refresh_current_month", acks_late=True, ignore_result=True)
def refresh_current_month():
    """Nightly provisional figures of the running month, so leaders see the month as it goes."""
    from assessment.monthly import month_close, months

    month_close.close_month(months.current_month(), freeze=False)


@shared_task(name="assessment.detect_hotspots", acks_late=True, ignore_result=True)
def detect_hotspots():
    """七天一预警: store today's unusual rises of one category in one street."""
    from assessment.monthly import hotspots

    return len(hotspots.detect_rises())
