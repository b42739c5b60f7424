"""The SLA API other apps call: the current policy, its limits, the working calendar and clock computation."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from dispatch.errors import InvalidInput

from . import deadlines
from .choices import LimitKey, LimitUnit
from .models import HolidayOverride, SlaPolicy
from .policies import ensure_default_policy


@dataclass(frozen=True)
class Clock:
    """A computed clock; callers store due_at/warn_at (and policy_number) on their own rows."""

    key: str
    start: dt.datetime
    due_at: dt.datetime
    warn_at: dt.datetime
    limit: deadlines.Limit
    policy_number: int

    def state(self, now):
        """'running', 'warning' (past warn_at) or 'overdue' (at or past due_at)."""
        if now >= self.due_at:
            return "overdue"
        return "warning" if now >= self.warn_at else "running"


def current_policy():
    """The current SLA policy (the default version 1 is created on first use if the table is empty)."""
    return SlaPolicy.objects.filter(is_current=True).first() or ensure_default_policy()


def limit_for(policy, key):
    """The Limit of ``key`` in ``policy``; InvalidInput naming the key if the policy lacks it."""
    if key not in LimitKey.values:
        raise InvalidInput(f"未知的时限项：{key}", field="key")
    try:
        return policy.limit_map()[key]
    except KeyError:
        raise InvalidInput(f"时限策略 v{policy.number} 未配置“{LimitKey(key).label}”", field="key") from None


def working_calendar():
    """The official calendar with every administrator override read once (one query per call)."""
    overrides = dict(HolidayOverride.objects.values_list("date", "is_working_day"))
    return deadlines.ChinaWorkingCalendar(overrides)


def compute_clock(start, key, policy=None, now=None, calendar=None):
    """due_at and warn_at of limit ``key`` counted from ``start`` (default: ``now``, default: the current time)."""
    policy = policy or current_policy()
    start = start or now or timezone.now()
    limit = limit_for(policy, key)
    if calendar is None:  # only working-day limits need the override table
        calendar = working_calendar() if limit.unit == LimitUnit.WORKING_DAYS else deadlines.ChinaWorkingCalendar()
    return Clock(
        key=key,
        start=start,
        due_at=deadlines.due_at(start, limit, calendar),
        warn_at=deadlines.warn_at(start, limit, calendar, policy.warn_fraction),
        limit=limit,
        policy_number=policy.number,
    )
