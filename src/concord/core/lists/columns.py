"""Columns of a list screen: what each cell shows on the page and writes into an export."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext

__all__ = ["Column", "csv_safe", "export_value"]

Align = Literal["start", "center", "end"]

# A spreadsheet runs a cell starting with one of these as a formula ("CSV injection").
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column: ``key`` is an attribute path on the row ("name", "company__name"), or ``accessor`` computes
    the value from the row. ``link`` makes the cell a link to the row's page; ``sort_key`` (default
    ``key``) is the ``ordering_fields`` entry its header sorts by, when there is one."""

    key: str
    label: Any
    link: bool = False
    accessor: Callable[[Any], Any] | None = None
    align: Align = "start"
    sort_key: str | None = None

    @property
    def ordering_key(self) -> str:
        return self.sort_key or self.key

    def value(self, obj: Any) -> Any:
        """The raw value of this column for ``obj`` (choice fields give their label)."""
        if self.accessor is not None:
            return self.accessor(obj)
        value: Any = obj
        parts = self.key.split("__")
        for index, part in enumerate(parts):
            if value is None:
                return None
            is_last = index == len(parts) - 1
            display = getattr(value, f"get_{part}_display", None) if is_last else None
            value = display() if callable(display) else getattr(value, part, None)
            if callable(value) and not isinstance(value, models.Model | models.Manager):
                value = value()
        return value

    def display(self, obj: Any) -> Any:
        """The value as the page shows it: yes/no for booleans, an empty string for nothing."""
        value = self.value(obj)
        if value is None:
            return ""
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        return value


def export_value(value: Any) -> Any:
    """A value a spreadsheet cell can hold: numbers and dates stay typed, the rest becomes text.

    Aware datetimes become naive local time (XLSX has no time zones).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, int | float | decimal.Decimal):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, dt.date | dt.time):
        return value
    return str(value)  # lazy translations, Money, related objects: their text


def csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe, so it stays text."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value
