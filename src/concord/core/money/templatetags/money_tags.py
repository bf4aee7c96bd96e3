"""Template filters for amounts: ``{{ invoice.total|money:invoice.currency }}``, ``{{ rate|exchange_rate }}``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel import numbers as babel_numbers
from django import template
from django.utils import translation

from concord.core.money.currencies import to_babel_locale
from concord.core.money.formatting import format_money
from concord.core.money.money import Money, to_decimal

register = template.Library()


@register.filter(name="money")
def money_filter(value: Any, currency: str | None = None) -> str:
    """The amount formatted for the active language, rounded to the currency's minor unit.

    ``value`` is a Decimal, int, numeric string or a ``Money`` (then the currency argument may be left
    out). Empty values render as an empty string; a float or an unknown currency raises, so the bug
    shows in development rather than as a wrong figure.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, Money):
        if currency and currency.strip().upper() != value.currency:
            raise template.TemplateSyntaxError(
                f"money filter: {value!r} is not in {currency}; convert it before display"
            )
        money = value
    else:
        if not currency:
            raise template.TemplateSyntaxError("money filter needs a currency: {{ amount|money:'THB' }}")
        money = Money(value, currency)
    return format_money(money, translation.get_language() or "en")


@register.filter(name="exchange_rate")
def exchange_rate_filter(value: Any) -> str:
    """A rate in the active language with its significant decimals only: 36.5, 0.0089, 4,100."""
    if value is None or value == "":
        return ""
    number: Decimal = to_decimal(value, what="rate")
    return str(
        babel_numbers.format_decimal(
            number,
            format="#,##0.##########",
            locale=to_babel_locale(translation.get_language()),
        )
    )
