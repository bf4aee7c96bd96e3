"""The building blocks of a laid-out report: titled tables of typed cells, and the helpers that make them.

``layout.document_for(report)`` turns any report of the selectors into a ``ReportDocument``; the
screens, CSV, XLSX and PDF all show that one layout, so they never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from babel import numbers as babel_numbers
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from concord.core.identity.models import Company
from concord.core.money.currencies import to_babel_locale
from concord.modules.accounting.reports.labels import report_info

__all__ = [
    "AMOUNT",
    "DATE",
    "RATE",
    "TEXT",
    "Cell",
    "Column",
    "ReportDocument",
    "Row",
    "Table",
    "account_name",
    "amount",
    "as_of",
    "blank",
    "date",
    "document",
    "link",
    "period",
    "text",
]

AMOUNT, TEXT, DATE, RATE = "amount", "text", "date", "rate"


@dataclass(frozen=True)
class Cell:
    """A value and how to show it: text, an amount (rounded to its currency), a date or a tax rate."""

    value: Any
    kind: str = TEXT
    url: str = ""

    @property
    def shown(self) -> str:
        """An amount or rate as the active language writes numbers (CLDR, like the ``money`` filter):
        amounts grouped with the decimals they were rounded to, rates without trailing zeros."""
        locale = to_babel_locale(translation.get_language())
        if self.kind == AMOUNT:
            exponent = self.value.as_tuple().exponent
            digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
            pattern = "#,##0" + ("." + "0" * digits if digits else "")
            return str(babel_numbers.format_decimal(self.value, format=pattern, locale=locale))
        if self.kind == RATE:
            return str(babel_numbers.format_decimal(self.value, format="#,##0.####", locale=locale))
        return str(self.value)


@dataclass(frozen=True)
class Row:
    """A table row; ``style`` is "" (a line), "heading", "group", "subtotal" or "total"."""

    cells: tuple[Cell, ...]
    style: str = ""
    level: int = 0


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class ReportDocument:
    """A report ready to show or export: title, company, period and its tables."""

    slug: str
    title: str
    subtitle: str
    company_name: str
    currency: str
    tables: tuple[Table, ...]


def text(value: Any, url: str = "") -> Cell:
    return Cell("" if value is None else str(value), TEXT, url)


def amount(value: Decimal | None) -> Cell:
    return Cell(value, AMOUNT) if value is not None else Cell("", TEXT)


def date(value: dt.date | None) -> Cell:
    return Cell(value, DATE) if value is not None else Cell("", TEXT)


def blank() -> Cell:
    return Cell("")


def period(date_from: dt.date, date_to: dt.date) -> str:
    return _("From %(start)s to %(end)s") % {
        "start": formats.date_format(date_from, "SHORT_DATE_FORMAT"),
        "end": formats.date_format(date_to, "SHORT_DATE_FORMAT"),
    }


def as_of(on: dt.date) -> str:
    return _("As of %(date)s") % {"date": formats.date_format(on, "SHORT_DATE_FORMAT")}


def account_name(name: str, local_name: str) -> str:
    return f"{name} / {local_name}" if local_name and local_name != name else name


def link(url_name: str, **params: Any) -> str:
    return f"{reverse(url_name)}?{urlencode(params, doseq=True)}"


def document(slug: str, subtitle: str, company: Company, *tables: Table) -> ReportDocument:
    return ReportDocument(
        slug=slug,
        title=str(report_info(slug).title),
        subtitle=subtitle,
        company_name=company.legal_name or company.name,
        currency=company.currency,
        tables=tables,
    )
