"""Business-time arithmetic: weekends, holidays, overnight shifts, starts outside hours, time zones."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from concord.modules.helpdesk.business_hours import (
    BusinessCalendar,
    business_add,
    business_minutes_between,
    calendar_from_hours,
)

BKK = ZoneInfo("Asia/Bangkok")
OFFICE = [[["09:00", "18:00"]]] * 5 + [[], []]  # Monday-Friday


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """March 2026: the 2nd is a Monday."""
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=BKK)


def office(holidays=()) -> BusinessCalendar:
    return calendar_from_hours(OFFICE, timezone="Asia/Bangkok", holidays=holidays)


def test_within_one_working_day():
    assert business_add(at(2, 10), 60, office()) == at(2, 11)
    assert business_minutes_between(at(2, 10), at(2, 11), office()) == 60


def test_opened_before_hours_starts_at_opening_and_after_hours_rolls_to_the_next_morning():
    assert business_add(at(2, 7, 30), 30, office()) == at(2, 9, 30)
    assert business_add(at(2, 17, 30), 60, office()) == at(3, 9, 30)
    assert business_add(at(2, 21), 60, office()) == at(3, 10)
    assert business_minutes_between(at(2, 17, 30), at(3, 9, 30), office()) == 60


def test_weekend_and_holiday_are_skipped():
    # Friday 17:00 + 2 h: one hour on Friday, then Monday 10:00
    assert business_add(at(6, 17), 120, office()) == at(9, 10)
    # with Monday the 9th a holiday, it is Tuesday 10:00
    assert business_add(at(6, 17), 120, office(holidays=[dt.date(2026, 3, 9)])) == at(10, 10)
    assert business_minutes_between(at(6, 17), at(10, 10), office(holidays=[dt.date(2026, 3, 9)])) == 120
    # a ticket opened on Saturday waits for Monday
    assert business_add(at(7, 11), 15, office()) == at(9, 9, 15)


def test_overnight_shift_runs_into_the_next_day():
    night = calendar_from_hours([[["22:00", "06:00"]]] * 7, timezone="Asia/Bangkok")
    assert business_add(at(2, 23), 120, night) == at(3, 1)
    assert business_add(at(2, 12), 60, night) == at(2, 23)
    assert business_minutes_between(at(2, 21), at(3, 7), night) == 8 * 60


def test_time_zone_and_utc_inputs_agree():
    start_utc = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)  # 10:00 in Bangkok
    assert business_add(start_utc, 60, office()) == at(2, 11)


def test_no_hours_counts_every_minute_and_negative_spans():
    always = BusinessCalendar()
    assert business_add(at(7, 11), 90, always) == at(7, 12, 30)
    assert business_minutes_between(at(2, 11), at(2, 10), office()) == -60


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        business_add(dt.datetime(2026, 3, 2, 10), 10, office())  # noqa: DTZ001  # naive on purpose
