"""Showing amounts to people: Babel's CLDR currency patterns, with our minor units.

Babel would show the riel with two decimals (CLDR's precision for KHR); we pass it a copy of the
locale's currency pattern whose fraction digits are the currency's ``minor_units`` instead, so KHR
shows whole riel ("40,000៛" in Khmer) while THB and USD keep their two decimals. The amount is
rounded half up by ``Money.rounded()`` first: Babel's own quantization would round half to even.

Dates are not formatted here: Babel has no Buddhist calendar, so Thai Buddhist-era years (2569 for
2026) are a separate concern of date display.
"""

from __future__ import annotations

import copy

from babel import numbers as babel_numbers

from concord.core.money.currencies import to_babel_locale
from concord.core.money.money import Money

__all__ = ["format_money"]


def format_money(money: Money, locale: str = "en") -> str:
    """``money`` rounded to its minor unit in the locale's style: "฿1,250.50" in Thai, "40,000៛" in Khmer."""
    babel_locale = to_babel_locale(locale)
    digits = money.minor_units
    pattern = copy.copy(babel_numbers.parse_pattern(babel_locale.currency_formats["standard"]))
    pattern.frac_prec = (digits, digits)
    return babel_numbers.format_currency(
        money.rounded().amount,
        money.currency,
        format=pattern,
        locale=babel_locale,
        currency_digits=False,
    )
