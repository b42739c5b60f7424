"""Helpers for the clock and sweep tests."""

import datetime as dt

from assessment.models import Clock
from hotline.models import TicketEvent

H = dt.timedelta(hours=1)
S = dt.timedelta(seconds=1)


def open_clock(ticket, prefix, unit=None):
    """The ticket's one running clock whose key starts with ``prefix`` (for ``unit`` when given)."""
    clocks = Clock.objects.filter(ticket=ticket, key__startswith=prefix, stopped_at__isnull=True)
    if unit is not None:
        clocks = clocks.filter(unit=unit)
    return clocks.get()


def events(ticket, action):
    return list(TicketEvent.objects.filter(ticket=ticket, action=action).order_by("id"))


def drop_work_notices():
    """Forget the new-work notices (派单、协办…) the set-up's dispatches left: tests of deadline and urge notices count
    their own; the work notices are tests/test_alerts.py's."""
    from assessment.models import Notification

    Notification.objects.exclude(kind__in=["warn", "breach", "urge"]).delete()
