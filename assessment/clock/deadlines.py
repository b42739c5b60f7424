"""Deadline arithmetic: pure functions of an aware start time, a limit and a working-day calendar (no ORM).

Every time is read and returned in Asia/Shanghai. Semantics, per limit unit:

- ``hours``: clock hours. due = start + N h; nights, weekends and holidays count.
- ``days`` (calendar days): the same local time N calendar days later; holidays count.
  2026-10-01 10:00 + 7 days = 2026-10-08 10:00.
- ``working_days``: each working day contributes its whole local day (00:00–24:00, 24 h) of *working time*;
  non-working days contribute none (the hotline runs 7×24, the calendar only decides which days count).
  N working days = N × 24 h of working time; due is the first instant at which the clock has accrued it.
  Consequences:
  * started on a working day at time T: due at T on the N-th working day after the start date
    (the start day is day 0). Friday 15:00 + 1 working day = Monday 15:00 (no holiday between).
  * started on a non-working day (weekend, holiday): the clock starts at 00:00 of the next working day, so the
    deadline is the END of the N-th working day, i.e. 24:00, stored as 00:00 of the following calendar day.
    A deadline therefore never falls inside a non-working day; it only touches one at its 24:00 boundary.
- ``warn_at``: the instant at which ``fraction`` (default 0.75) of the limit has elapsed, measured the same way:
  clock time for hours and calendar days (7 days → 5 d 6 h after the start), working time for working days
  (5 working days = 120 h of working time → warn after 90 h of working time, skipping non-working days).

Working days follow China's official holidays and swapped working days (调休) from the ``chinesecalendar``
package, with admin overrides winning over it; outside the package's years: Monday–Friday plus overrides.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

import chinese_calendar

from assessment.clock.choices import LimitUnit
from core.errors import InvalidInput

TZ = ZoneInfo("Asia/Shanghai")
DEFAULT_WARN_FRACTION = Decimal("0.75")
DAY = dt.timedelta(days=1)


class WorkingCalendar(Protocol):
    def is_working_day(self, day: dt.date) -> bool: ...


class ChinaWorkingCalendar:
    """Official working days: overrides first, then chinese_calendar, else Monday–Friday outside its years."""

    def __init__(self, overrides=None):
        self.overrides = dict(overrides or {})  # date -> is_working_day

    def is_working_day(self, day):
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # a year the package has no data for
            return day.weekday() < 5


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: str  # a LimitUnit value

    def __post_init__(self):
        if not isinstance(self.amount, int) or self.amount <= 0:
            raise InvalidInput("时限数值必须是正整数", field="amount")
        if self.unit not in LimitUnit.values:
            raise InvalidInput(f"未知的时限单位：{self.unit}", field="unit")

    def __str__(self):
        return f"{self.amount}{LimitUnit(self.unit).label}"


def due_at(start, limit, calendar):
    """The deadline for ``limit`` counted from ``start``."""
    return _advance(_local(start), limit, calendar, Decimal(1))


def warn_at(start, limit, calendar, fraction=DEFAULT_WARN_FRACTION):
    """The instant at which ``fraction`` of the limit has elapsed (see the module docstring)."""
    fraction = Decimal(str(fraction))
    if not Decimal(0) < fraction < Decimal(1):
        raise InvalidInput("预警比例必须大于0且小于1", field="warn_fraction")
    return _advance(_local(start), limit, calendar, fraction)


def _local(start):
    if not isinstance(start, dt.datetime) or start.tzinfo is None or start.utcoffset() is None:
        raise InvalidInput("起算时间必须是带时区的时间", field="start")
    return start.astimezone(TZ)


def _advance(start, limit, calendar, fraction):
    if limit.unit == LimitUnit.HOURS:
        return start + _scaled(dt.timedelta(hours=limit.amount), fraction)
    if limit.unit == LimitUnit.DAYS:
        if fraction == 1:  # same wall-clock time N days later
            wall = start.replace(tzinfo=None) + limit.amount * DAY
            return wall.replace(tzinfo=TZ)
        return start + _scaled(limit.amount * DAY, fraction)
    return _add_working_time(start, _scaled(limit.amount * DAY, fraction), calendar, limit.amount)


def _scaled(delta, fraction):
    """``delta`` × ``fraction``, to the whole second."""
    return dt.timedelta(seconds=int(Decimal(int(delta.total_seconds())) * fraction))


def _add_working_time(start, amount, calendar, days):
    """The first instant at which ``amount`` of working time has passed since ``start``."""
    remaining, cursor = amount, start
    for _ in range(days * 7 + 366):  # guards against an override table that marks everything non-working
        next_midnight = dt.datetime.combine(cursor.date() + DAY, dt.time(), TZ)
        if calendar.is_working_day(cursor.date()):
            available = next_midnight - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
        cursor = next_midnight
    raise InvalidInput("一年内找不到足够的工作日，请检查节假日调整表", field="calendar")
