"""Business-time arithmetic for SLA clocks: pure functions over a team's calendar.

A ``BusinessCalendar`` holds, per weekday (Monday = 0), the working intervals in the team's local time,
as minutes since midnight; an interval whose end is before its start runs overnight into the next day
(22:00-06:00). Holidays close the whole local date (also the morning part of an overnight shift that
started the evening before). A calendar with no working interval at all counts every minute (24/7), so
a team that forgot to set its hours never gets due dates that never come.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

__all__ = [
    "BusinessCalendar",
    "business_add",
    "business_minutes_between",
    "calendar_from_hours",
    "parse_hhmm",
]

_DAY = 24 * 60
_MAX_DAYS = 3 * 366  # a target further than this in business time is a configuration error


def parse_hhmm(text: str) -> int:
    """``"09:30"`` -> 570 minutes; ``"24:00"`` is the end of the day. ``ValueError`` otherwise."""
    hours, _sep, minutes = str(text).strip().partition(":")
    value = int(hours) * 60 + int(minutes or 0)
    if not 0 <= value <= _DAY or not 0 <= int(minutes or 0) < 60:
        raise ValueError(f"not a time of day: {text!r}")
    return value


@dataclass(frozen=True)
class BusinessCalendar:
    """When a team works: intervals per weekday in minutes since local midnight, a time zone, holidays."""

    timezone: str = "UTC"
    weekly: tuple[tuple[tuple[int, int], ...], ...] = ((),) * 7
    holidays: frozenset[dt.date] = field(default_factory=frozenset)

    @property
    def always_open(self) -> bool:
        return not any(self.weekly)

    def _intervals_on(self, day: dt.date) -> list[tuple[int, int]]:
        """The working intervals of local date ``day`` as (start, end) minutes within that date."""
        if day in self.holidays:
            return []
        found: list[tuple[int, int]] = []
        for start, end in self.weekly[day.weekday()]:
            found.append((start, end if end > start else _DAY))
        yesterday = (day - dt.timedelta(days=1)).weekday()
        for start, end in self.weekly[yesterday]:
            if end < start and end > 0:  # the morning part of last night's shift
                found.append((0, end))
        return sorted(found)

    def intervals(
        self, start: dt.datetime, *, backwards_days: int = 0
    ) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Working intervals (UTC-aware) from the local day of ``start`` onwards, in order."""
        zone = ZoneInfo(self.timezone)
        day = start.astimezone(zone).date() - dt.timedelta(days=backwards_days)
        for _offset in range(_MAX_DAYS + backwards_days):
            midnight = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
            for begin, end in self._intervals_on(day):
                yield (
                    (midnight + dt.timedelta(minutes=begin)).astimezone(dt.UTC),
                    (midnight + dt.timedelta(minutes=end)).astimezone(dt.UTC),
                )
            day += dt.timedelta(days=1)


def calendar_from_hours(
    working_hours: Sequence[Iterable[Sequence[str]]] | None,
    *,
    timezone: str,
    holidays: Iterable[dt.date] = (),
) -> BusinessCalendar:
    """A calendar from the stored form: 7 lists of ``["HH:MM", "HH:MM"]`` pairs (Monday first)."""
    days: list[tuple[tuple[int, int], ...]] = []
    rows = list(working_hours or [])
    for index in range(7):
        pairs = rows[index] if index < len(rows) else []
        days.append(tuple((parse_hhmm(pair[0]), parse_hhmm(pair[1])) for pair in pairs if len(pair) == 2))
    try:
        ZoneInfo(timezone)
    except (KeyError, ValueError):
        timezone = "UTC"
    return BusinessCalendar(timezone=timezone, weekly=tuple(days), holidays=frozenset(holidays))


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("business-time arithmetic needs aware datetimes")
    return value


def business_add(start: dt.datetime, minutes: float, calendar: BusinessCalendar) -> dt.datetime:
    """The moment ``minutes`` of working time after ``start`` (which may lie outside working hours)."""
    _aware(start)
    if minutes <= 0:
        return start
    if calendar.always_open:
        return start + dt.timedelta(minutes=minutes)
    remaining = dt.timedelta(minutes=minutes)
    for begin, end in calendar.intervals(start):
        if end <= start:
            continue
        counted_from = max(begin, start)
        available = end - counted_from
        if remaining <= available:
            return counted_from + remaining
        remaining -= available
    raise ValueError("the calendar has no working time within three years")


def business_minutes_between(a: dt.datetime, b: dt.datetime, calendar: BusinessCalendar) -> float:
    """Working minutes from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
    _aware(a)
    _aware(b)
    if b < a:
        return -business_minutes_between(b, a, calendar)
    if calendar.always_open:
        return (b - a).total_seconds() / 60
    total = dt.timedelta(0)
    for begin, end in calendar.intervals(a):
        if begin >= b:
            break
        overlap = min(end, b) - max(begin, a)
        if overlap > dt.timedelta(0):
            total += overlap
    return total.total_seconds() / 60
