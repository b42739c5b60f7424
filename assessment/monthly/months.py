"""Assessment months: a month is its first day (a date); bounds are Beijing-local midnights.

Which months assess an order is defined once, in scorecards.assessed_months (and its SQL twin there): an order
done within its limit in each month with a callback of it, with that month's deciding callback; an overdue one in
the month its limit fell. Facts dated in a month are all known when the month ends, so closing on the 1st is final
and a re-run gives the same rows.
"""

import datetime as dt
import re

from django.utils import timezone

from core.errors import InvalidInput

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def first_of(day):
    return day.replace(day=1)


def parse_month(text, field="month"):
    """'2026-10' → date(2026, 10, 1); anything else is a clear error naming the field."""
    match = MONTH_RE.match((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput("考核月格式应为 YYYY-MM，例如 2026-10", field=field)
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def next_month(month):
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(month):
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def bounds(month):
    """[start, end) of the month as aware datetimes in the project's time zone."""
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(month, dt.time.min, tzinfo=tz)
    return start, dt.datetime.combine(next_month(month), dt.time.min, tzinfo=tz)


def current_month(now=None):
    return first_of(timezone.localdate(now or timezone.now()))


def months_back(month, count):
    """``count`` months ending with ``month``, oldest first."""
    months = [month]
    for _ in range(count - 1):
        months.append(previous_month(months[-1]))
    return list(reversed(months))


def label(month):
    return f"{month.year}年{month.month}月"
