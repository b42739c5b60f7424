"""Deadline arithmetic (assessment/clock/deadlines.py): pure, no database."""

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from assessment.clock.choices import LimitUnit
from assessment.clock.deadlines import ChinaWorkingCalendar, Limit, due_at, warn_at
from core.errors import InvalidInput

SH = ZoneInfo("Asia/Shanghai")
CHINA = ChinaWorkingCalendar()


class NoWorkingDays:
    def is_working_day(self, day):
        return False


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


def hours(n):
    return Limit(n, LimitUnit.HOURS)


def days(n):
    return Limit(n, LimitUnit.DAYS)


def working_days(n):
    return Limit(n, LimitUnit.WORKING_DAYS)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2025, 9, 28), True),  # Sunday, 调休 for National Day 2025
        (dt.date(2025, 10, 8), False),  # last day of the 2025 National Day holiday
        (dt.date(2025, 10, 11), True),  # Saturday, 调休
        (dt.date(2026, 2, 14), True),  # Saturday, 调休 before Spring Festival 2026
        (dt.date(2026, 2, 23), False),  # Monday, last day of Spring Festival 2026
        (dt.date(2026, 10, 10), True),  # Saturday, 调休 after National Day 2026
        (dt.date(2026, 3, 7), False),  # an ordinary Saturday
    ],
)
def test_official_calendar_knows_2025_and_2026_holidays_and_swapped_days(day, working):
    assert CHINA.is_working_day(day) is working


def test_hour_limits_are_clock_hours_through_night_and_holiday():
    start = at(2026, 10, 1, 23, 30)
    assert due_at(start, hours(2), CHINA) == at(2026, 10, 2, 1, 30)
    assert warn_at(start, hours(2), CHINA) == at(2026, 10, 2, 1, 0)
    assert due_at(start, hours(24), CHINA) == at(2026, 10, 2, 23, 30)
    assert warn_at(start, hours(24), CHINA) == at(2026, 10, 2, 17, 30)


def test_calendar_days_count_holidays_and_keep_the_time_of_day():
    start = at(2026, 10, 1, 10, 0)
    assert due_at(start, days(7), CHINA) == at(2026, 10, 8, 10, 0)
    assert warn_at(start, days(7), CHINA) == at(2026, 10, 6, 16, 0)  # 75 % of 7 days = 5 d 6 h
    assert due_at(at(2026, 2, 10, 8, 0), days(15), CHINA) == at(2026, 2, 25, 8, 0)  # across Spring Festival


def test_five_working_days_from_friday_before_national_day_2025_skip_holiday_and_count_swapped_days():
    # Sun 9-28 (调休), Mon 9-29, Tue 9-30, [10-01..10-08 holiday], Thu 10-09, Fri 10-10
    start = at(2025, 9, 26, 15, 0)
    assert due_at(start, working_days(5), CHINA) == at(2025, 10, 10, 15, 0)
    # 75 % = 90 h of working time: 9 h on 9-26, 24 h each on 9-28, 9-29, 9-30, then 9 h on 10-09
    assert warn_at(start, working_days(5), CHINA) == at(2025, 10, 9, 9, 0)


def test_swapped_saturday_counts_as_a_working_day():
    assert due_at(at(2025, 10, 9, 10, 0), working_days(2), CHINA) == at(2025, 10, 11, 10, 0)  # Sat 10-11 调休
    assert due_at(at(2026, 9, 30, 15, 0), working_days(5), CHINA) == at(2026, 10, 13, 15, 0)  # 10-08, 09, 10, 12, 13
    assert due_at(at(2026, 2, 13, 9, 0), working_days(1), CHINA) == at(2026, 2, 14, 9, 0)  # Sat 2-14 调休


def test_spring_festival_2026_is_skipped():
    # Fri 2-13 → Sat 2-14 (调休) → [2-15..2-23 holiday] → Tue 2-24
    assert due_at(at(2026, 2, 13, 9, 0), working_days(2), CHINA) == at(2026, 2, 24, 9, 0)


def test_working_day_clock_started_on_a_holiday_ends_at_the_end_of_a_working_day():
    start = at(2026, 10, 3, 10, 0)  # National Day holiday; the clock starts at 00:00 on Thu 10-08
    assert due_at(start, working_days(1), CHINA) == at(2026, 10, 9, 0, 0)  # 24:00 on 10-08
    assert warn_at(start, working_days(1), CHINA) == at(2026, 10, 8, 18, 0)
    assert due_at(start, working_days(5), CHINA) == at(2026, 10, 14, 0, 0)  # end of Tue 10-13


def test_working_day_clock_from_friday_skips_an_ordinary_weekend():
    assert due_at(at(2026, 3, 6, 15, 0), working_days(1), CHINA) == at(2026, 3, 9, 15, 0)
    assert due_at(at(2026, 3, 7, 15, 0), working_days(1), CHINA) == at(2026, 3, 10, 0, 0)  # from Saturday
    assert due_at(at(2026, 3, 6, 0, 0), working_days(1), CHINA) == at(2026, 3, 7, 0, 0)  # the whole Friday


def test_override_wins_over_the_package():
    extra_day_off = ChinaWorkingCalendar({dt.date(2025, 10, 10): False})
    assert due_at(at(2025, 9, 26, 15, 0), working_days(5), extra_day_off) == at(2025, 10, 11, 15, 0)
    holiday_worked = ChinaWorkingCalendar({dt.date(2025, 10, 8): True})
    assert due_at(at(2025, 9, 26, 15, 0), working_days(5), holiday_worked) == at(2025, 10, 9, 15, 0)


def test_years_outside_the_package_fall_back_to_monday_to_friday_plus_overrides():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(dt.date(2040, 3, 2))
    friday = at(2040, 3, 2, 10, 0)
    assert due_at(friday, working_days(1), CHINA) == at(2040, 3, 5, 10, 0)
    day_off = ChinaWorkingCalendar({dt.date(2040, 3, 5): False, dt.date(2040, 3, 3): False})
    assert due_at(friday, working_days(1), day_off) == at(2040, 3, 6, 10, 0)
    worked_saturday = ChinaWorkingCalendar({dt.date(2040, 3, 3): True})
    assert due_at(friday, working_days(1), worked_saturday) == at(2040, 3, 3, 10, 0)


def test_start_in_another_time_zone_is_read_as_beijing_time():
    start = dt.datetime(2026, 10, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing
    due = due_at(start, days(7), CHINA)
    assert due == at(2026, 10, 8, 10, 0)
    assert due.utcoffset() == dt.timedelta(hours=8)


def test_warn_fraction_is_configurable():
    assert warn_at(at(2026, 3, 2, 8, 0), hours(2), CHINA, fraction="0.5") == at(2026, 3, 2, 9, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: due_at(dt.datetime(2026, 10, 1, 10, 0), days(7), CHINA),  # naive
        lambda: warn_at(at(2026, 10, 1, 10, 0), days(7), CHINA, fraction=1),
        lambda: warn_at(at(2026, 10, 1, 10, 0), days(7), CHINA, fraction=0),
        lambda: Limit(0, LimitUnit.HOURS),
        lambda: Limit(3, "weeks"),
        lambda: due_at(at(2026, 10, 1), working_days(1), NoWorkingDays()),
    ],
)
def test_bad_input_is_a_domain_error(call):
    with pytest.raises(InvalidInput):
        call()
