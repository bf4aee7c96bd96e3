"""Dates as Thai and Cambodian documents print them.

Babel has no Buddhist calendar (its ``@calendar=buddhist`` modifier is silently ignored), so the Thai
Buddhist-era date is written here: the Gregorian year plus 543, with the Thai month name
(``thai_date(date(2026, 3, 10))`` -> "10 มีนาคม 2569"). Cambodian documents use the Gregorian year with
the Khmer month name ("10 មីនា 2026"). Digits stay Arabic, as the Revenue Department's and the GDT's
own forms print them.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["BUDDHIST_ERA_OFFSET", "buddhist_year", "khmer_date", "thai_date"]

BUDDHIST_ERA_OFFSET = 543

_THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
_KHMER_MONTHS = (
    "មករា",
    "កុម្ភៈ",
    "មីនា",
    "មេសា",
    "ឧសភា",
    "មិថុនា",
    "កក្កដា",
    "សីហា",
    "កញ្ញា",
    "តុលា",
    "វិច្ឆិកា",
    "ធ្នូ",
)


def buddhist_year(day: dt.date) -> int:
    """The Thai Buddhist-era year of ``day`` (2569 for 2026); the Thai year has begun on 1 January since 1941."""
    return day.year + BUDDHIST_ERA_OFFSET


def thai_date(day: dt.date | None) -> str:
    """``day`` as a Thai document writes it: "10 มีนาคม 2569" (empty for no date)."""
    if day is None:
        return ""
    return f"{day.day} {_THAI_MONTHS[day.month - 1]} {buddhist_year(day)}"


def khmer_date(day: dt.date | None) -> str:
    """``day`` with the Khmer month name and the Gregorian year: "10 មីនា 2026" (empty for no date)."""
    if day is None:
        return ""
    return f"{day.day} {_KHMER_MONTHS[day.month - 1]} {day.year}"
