"""What every report selector shares: the posted lines of one company, its chart, sums and rounding.

Every figure is summed by the database (``values(...).annotate(Sum(Case(When(...))))`` grouped by
account, partner or tax); Python only walks the aggregated rows and the chart of accounts, never the
journal lines themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.expressions import CombinedExpression
from django.utils.translation import gettext as _

from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.core.money.currencies import minor_units
from concord.modules.accounting.models import Account, FiscalYear, JournalLine

__all__ = [
    "ZERO",
    "AccountInfo",
    "Rounder",
    "accounts_of",
    "ancestors",
    "check_limit",
    "check_period",
    "debit_minus_credit",
    "fiscal_year_start",
    "posted_lines",
    "rounder",
    "sum_if",
]

ZERO = Decimal(0)
MAX_LINES = 10_000  # the most ledger lines one call returns; page on with ``offset``

Rounder = Callable[[Decimal | None], Decimal]


@dataclass(frozen=True)
class AccountInfo:
    """An account of the chart as the reports show it, with its depth in the group hierarchy."""

    id: int
    code: str
    name: str
    local_name: str
    account_type: str
    subtype: str
    parent_id: int | None
    is_group: bool
    level: int


def _amount_field() -> DecimalField[Decimal, Decimal]:
    return DecimalField(max_digits=28, decimal_places=6)


def debit_minus_credit() -> CombinedExpression:
    """The signed amount of a line, debit positive."""
    return CombinedExpression(F("debit"), "-", F("credit"), output_field=_amount_field())


def sum_if(condition: Q | None, expression: Any) -> Sum:
    """``SUM(CASE WHEN condition THEN expression ELSE 0 END)``: one column of a grouped aggregate
    (``SUM(expression)`` without a condition)."""
    if condition is None:
        return Sum(expression, output_field=_amount_field())
    return Sum(
        Case(When(condition, then=expression), default=Value(ZERO), output_field=_amount_field()),
        output_field=_amount_field(),
    )


def posted_lines(company: Company) -> QuerySet[JournalLine]:
    """The posted journal lines of ``company``.

    Explicitly filtered by company on the unscoped manager: a report is always of one company (the
    caller checked the user may see it), and the scope's ``company IN (...)`` would only add work.
    """
    return JournalLine.all_companies.filter(company_id=company.pk, posted=True)


def rounder(currency: str) -> Rounder:
    """A function rounding a sum (None for "no rows") half up to ``currency``'s minor unit."""
    exponent = Decimal(1).scaleb(-minor_units(currency))

    def round_amount(amount: Decimal | None) -> Decimal:
        rounded = (amount or ZERO).quantize(exponent, rounding=ROUND_HALF_UP)
        return rounded if rounded else abs(rounded)  # never "-0.00"

    return round_amount


def check_period(date_from: dt.date, date_to: dt.date) -> None:
    """Refuse a period that ends before it starts (422 in the API, a form error on screen)."""
    if date_from > date_to:
        raise ValidationFailed(_("The start date must be on or before the end date."), field="date_from")


def check_limit(limit: int, offset: int) -> None:
    """Refuse a page of ledger lines that is empty by construction or larger than ``MAX_LINES``."""
    if not 1 <= limit <= MAX_LINES:
        raise ValidationFailed(
            _("Ask for between 1 and %(max)s lines at a time.") % {"max": f"{MAX_LINES:,}"}, field="limit"
        )
    if offset < 0:
        raise ValidationFailed(_("The offset cannot be negative."), field="offset")


def fiscal_year_start(company: Company, on: dt.date) -> dt.date:
    """The first day of the company's fiscal year holding ``on``; 1 January when none was defined."""
    start = (
        FiscalYear.all_companies.filter(company_id=company.pk, date_start__lte=on, date_end__gte=on)
        .values_list("date_start", flat=True)
        .first()
    )
    return start if start is not None else dt.date(on.year, 1, 1)


def accounts_of(company: Company, *, subtypes: Iterable[str] | None = None) -> dict[int, AccountInfo]:
    """The company's accounts (optionally only some subtypes) by id, in chart order (groups before their
    children, siblings by code), each with its depth. One query; a chart has hundreds of rows, not millions.
    """
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in Account.all_companies.filter(company_id=company.pk)
        .order_by("code")
        .values("id", "code", "name", "local_name", "account_type", "subtype", "parent_id", "is_group")
    ]
    by_id = {row["id"]: row for row in rows}
    children: dict[int | None, list[dict[str, Any]]] = {}
    for row in rows:
        parent = row["parent_id"] if row["parent_id"] in by_id else None
        children.setdefault(parent, []).append(row)
    ordered: dict[int, AccountInfo] = {}
    visited: set[int] = set()
    wanted = frozenset(subtypes) if subtypes is not None else None

    def visit(parent: int | None, level: int) -> None:
        for row in children.get(parent, []):
            if row["id"] in visited:  # a cycle in bad data: show each account once
                continue
            visited.add(row["id"])
            if wanted is None or row["subtype"] in wanted:
                ordered[row["id"]] = AccountInfo(level=level, **row)
            visit(row["id"], level + 1)

    visit(None, 0)
    for row in rows:  # only a cycle of parents (bad data) leaves rows unvisited: list them at the top
        if row["id"] not in visited:
            visited.add(row["id"])
            if wanted is None or row["subtype"] in wanted:
                ordered[row["id"]] = AccountInfo(level=0, **{**row, "parent_id": None})
    return ordered


def ancestors(account_id: int, chart: dict[int, AccountInfo]) -> list[int]:
    """The ids of the groups above ``account_id``, nearest first."""
    found: list[int] = []
    parent = chart[account_id].parent_id
    while parent is not None and parent in chart and parent not in found:
        found.append(parent)
        parent = chart[parent].parent_id
    return found
