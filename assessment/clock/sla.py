"""The SLA API other apps call: the current policy, its limits, the working calendar and clock computation.

How long a limit is comes from here (the policy; defaults in assessment/defaults.py); which limit an order gets
(its tier, its dispatch level) is decided in dispatch/tiers.py."""

import copy
import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from assessment.clock import deadlines
from assessment.clock.choices import LimitKey, LimitUnit
from assessment.clock.overdue import is_past
from assessment.clock.policies import ensure_default_policy
from assessment.models import HolidayOverride, SlaPolicy
from core.errors import InvalidInput


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
        """'running', 'warning' (at or past warn_at) or 'overdue' (past due_at: assessment.clock.overdue)."""
        if is_past(self.due_at, now):
            return "overdue"
        return "warning" if now >= self.warn_at else "running"


_CURRENT_SQL = (f"SELECT id, number, effective_from, created_at, warn_fraction FROM {SlaPolicy._meta.db_table} "
                "WHERE is_current = %s")
_loaded = {}  # database alias -> (row of _CURRENT_SQL, that policy with its limit map read)


def current_policy():
    """The current SLA policy with its limits (the default version 1 is created on first use if there is none).

    Intake runs this on every request, so each process keeps the current policy and its limit map in memory and
    checks with one indexed one-row select that it is still current. Activated versions are read-only, so the
    row identifies the content. The check reads the database, not a shared cache: it sees the caller's own
    transaction, so a policy activated just now is used by the next clock, and a rolled-back activation never is.
    """
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT_SQL, [True])
        row = cursor.fetchone()
    if row is None:
        return ensure_default_policy()
    loaded = _loaded.get(connection.alias)
    if loaded is None or loaded[0] != row:
        policy = SlaPolicy.objects.prefetch_related("limits").get(pk=row[0])
        policy.limit_map()
        loaded = _loaded[connection.alias] = (row, policy)
    return copy.copy(loaded[1])  # callers may change their instance; the limit map is shared and read-only


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
