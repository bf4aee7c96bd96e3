"""Computing a document line's taxes: percentages and fixed amounts, included in the price or added.

Pure functions over plain values, so sales, purchasing and the invoice use the same arithmetic. A line's
amounts are rounded to the currency's minor unit per line (the way Thai and Cambodian tax invoices show
them): the untaxed subtotal, each tax, and the total as their sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from concord.core.money.currencies import minor_units

__all__ = ["LineAmounts", "TaxAmount", "TaxRule", "line_amounts"]

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class TaxRule:
    """What the arithmetic needs of a tax (a group is expanded into its children before)."""

    tax_id: int
    amount_type: str  # "percent" or "fixed"
    amount: Decimal
    price_include: bool


@dataclass(frozen=True)
class TaxAmount:
    tax_id: int
    base: Decimal
    amount: Decimal


@dataclass(frozen=True)
class LineAmounts:
    subtotal: Decimal  # before tax, after discount
    taxes: tuple[TaxAmount, ...]
    total: Decimal


def _round(value: Decimal, currency: str) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def line_amounts(
    *,
    quantity: Decimal,
    unit_price: Decimal,
    discount_percent: Decimal,
    taxes: Sequence[TaxRule],
    currency: str,
) -> LineAmounts:
    """Subtotal, taxes and total of one line. Included taxes are taken out of the price first."""
    gross = quantity * unit_price * (HUNDRED - discount_percent) / HUNDRED
    included = [tax for tax in taxes if tax.price_include]
    included_percent = sum((tax.amount for tax in included if tax.amount_type == "percent"), Decimal(0))
    included_fixed = sum(
        (tax.amount * quantity for tax in included if tax.amount_type == "fixed"), Decimal(0)
    )
    total_if_included = _round(gross, currency)
    subtotal = _round((gross - included_fixed) / (1 + included_percent / HUNDRED), currency)
    amounts: list[TaxAmount] = []
    for tax in taxes:
        raw = tax.amount * quantity if tax.amount_type == "fixed" else subtotal * tax.amount / HUNDRED
        amounts.append(TaxAmount(tax_id=tax.tax_id, base=subtotal, amount=_round(raw, currency)))
    if included:
        # the included taxes absorb the rounding so the line total stays the price the customer saw
        excluded_sum = sum(
            (a.amount for a, t in zip(amounts, taxes, strict=True) if not t.price_include), Decimal(0)
        )
        included_sum = sum(
            (a.amount for a, t in zip(amounts, taxes, strict=True) if t.price_include), Decimal(0)
        )
        drift = total_if_included - subtotal - included_sum
        if drift:
            last = max(i for i, t in enumerate(taxes) if t.price_include)
            fix = amounts[last]
            amounts[last] = TaxAmount(tax_id=fix.tax_id, base=fix.base, amount=fix.amount + drift)
        total = total_if_included + excluded_sum
    else:
        total = subtotal + sum((a.amount for a in amounts), Decimal(0))
    return LineAmounts(subtotal=subtotal, taxes=tuple(amounts), total=total)
