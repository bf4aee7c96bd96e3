"""Unrealised exchange differences: open foreign-currency receivables and payables revalued at a date's rate.

Per partner, account and currency the database sums what is still open, in the document currency and
at the company-currency value it was booked at; each sum is then revalued at the latest rate on or
before ``as_of``. The difference is the unrealised gain (positive) or loss (negative) the company would
book if it revalued today; nothing is posted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from concord.core.identity.models import Company
from concord.core.money.errors import NoExchangeRateError
from concord.core.money.queries import exchange_rate_on
from concord.modules.accounting.reports._base import ZERO, posted_lines, rounder

__all__ = ["FxRevaluation", "FxRevaluationRow", "fx_revaluation"]


@dataclass(frozen=True)
class FxRevaluationRow:
    """What a partner still owes (or is owed) in one foreign currency on one account, revalued."""

    partner_id: int | None
    partner_name: str
    account_code: str
    account_name: str
    currency: str
    open_in_currency: Decimal
    booked: Decimal  # company currency, at the rates the documents were booked at
    rate: Decimal | None  # None when no rate is recorded for the currency on or before the date
    revalued: Decimal | None
    difference: Decimal | None  # positive: unrealised gain


@dataclass(frozen=True)
class FxRevaluation:
    company_id: int
    currency: str
    as_of: dt.date
    rows: tuple[FxRevaluationRow, ...]
    booked: Decimal
    revalued: Decimal
    difference: Decimal
    missing_rates: tuple[str, ...]


def fx_revaluation(*, company: Company, as_of: dt.date) -> FxRevaluation:
    """Open foreign-currency items of receivable and payable accounts on ``as_of``, revalued. Two queries
    plus one per foreign currency (its rate)."""
    money = rounder(company.currency)
    groups = (
        posted_lines(company)
        .filter(date__lte=as_of, reconciled=False, account__reconcile=True)
        .exclude(currency=company.currency)
        .values("partner_id", "partner__name", "account__code", "account__name", "currency")
        .annotate(open_in_currency=Sum("amount_residual_currency"), booked=Sum("amount_residual"))
        .order_by("currency", "partner__name", "account__code")
    )
    rates: dict[str, Decimal | None] = {}
    rows = []
    for group in groups:
        if not group["open_in_currency"] and not group["booked"]:
            continue
        code = group["currency"]
        if code not in rates:
            try:
                rates[code] = exchange_rate_on(company=company, currency=code, on_date=as_of)
            except NoExchangeRateError:
                rates[code] = None
        rate = rates[code]
        booked = money(group["booked"] or ZERO)
        revalued = money((group["open_in_currency"] or ZERO) * rate) if rate is not None else None
        rows.append(
            FxRevaluationRow(
                partner_id=group["partner_id"],
                partner_name=group["partner__name"] or "",
                account_code=group["account__code"],
                account_name=group["account__name"],
                currency=code,
                open_in_currency=rounder(code)(group["open_in_currency"] or ZERO),
                booked=booked,
                rate=rate,
                revalued=revalued,
                difference=revalued - booked if revalued is not None else None,
            )
        )
    priced = [row for row in rows if row.revalued is not None]
    return FxRevaluation(
        company_id=company.pk,
        currency=company.currency,
        as_of=as_of,
        rows=tuple(rows),
        booked=money(sum((row.booked for row in priced), ZERO)),
        revalued=money(sum((row.revalued or ZERO for row in priced), ZERO)),
        difference=money(sum((row.difference or ZERO for row in priced), ZERO)),
        missing_rates=tuple(sorted(code for code, rate in rates.items() if rate is None)),
    )
