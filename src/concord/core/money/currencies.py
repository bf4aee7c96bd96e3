"""ISO 4217 currencies: which codes exist, their minor units, names and symbols (CLDR data via Babel).

Minor units come from CLDR (``babel.numbers.get_currency_precision``) except where practice differs
from the standard, listed in ``MINOR_UNIT_OVERRIDES``:

- ``KHR`` (Cambodian riel): ISO 4217 and CLDR give 2 decimals (the *sen*), but sen have not circulated
  for decades; the smallest note is 50 riel, prices, receipts and invoices are written in whole riel
  and the tax administration (GDT) reports riel without decimals. Keeping 2 decimals would show
  "៛40,000.00" and let rounding leave fractions of a riel that nobody can pay, so Concord uses 0.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel import numbers as babel_numbers
from babel.core import get_global
from django.utils.translation import gettext

from concord.core.money.errors import InvalidCurrencyError

__all__ = [
    "MINOR_UNIT_OVERRIDES",
    "currencies_in_use",
    "currency_name",
    "currency_symbol",
    "is_valid_currency",
    "minor_units",
    "to_babel_locale",
]

MINOR_UNIT_OVERRIDES: dict[str, int] = {"KHR": 0}

# Codes ISO 4217 reserves for "no currency" and for testing: never an amount's currency.
_NOT_MONEY = frozenset({"XXX", "XTS"})
_CODE_SHAPE = re.compile(r"^[A-Z]{3}$")


@lru_cache(maxsize=1)
def _known_codes() -> frozenset[str]:
    return frozenset(babel_numbers.list_currencies()) - _NOT_MONEY


@lru_cache(maxsize=1)
def currencies_in_use() -> tuple[str, ...]:
    """Codes that are legal tender somewhere today (about 150), for pickers; sorted.

    ``is_valid_currency`` accepts more: every code CLDR names, including withdrawn ones (DEM, HRK)
    that old documents and imports still carry.
    """
    today = dt.datetime.now(tz=dt.UTC).date()
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes.update(babel_numbers.get_territory_currencies(territory, today, tender=True))
    return tuple(sorted(codes & _known_codes()))


def is_valid_currency(code: object) -> bool:
    """True when ``code`` is an upper-case ISO 4217 code CLDR knows (``"THB"``, not ``"thb"``)."""
    return isinstance(code, str) and bool(_CODE_SHAPE.match(code)) and code in _known_codes()


def _checked(code: str) -> str:
    if not is_valid_currency(code):
        raise InvalidCurrencyError(
            gettext("Unknown currency %(code)s: use a three-letter ISO 4217 code such as THB.")
            % {"code": code},
            field="currency",
        )
    return code


def minor_units(code: str) -> int:
    """Decimals an amount in ``code`` is rounded to: THB 2, JPY 0, BHD 3, KHR 0 (our override)."""
    code = _checked(code)
    if code in MINOR_UNIT_OVERRIDES:
        return MINOR_UNIT_OVERRIDES[code]
    return int(babel_numbers.get_currency_precision(code))


def to_babel_locale(language: str | None) -> Locale:
    """The Babel locale for a Django language code (``"th"``, ``"km"``, ``"en-us"``); English if unknown."""
    if language:
        try:
            return Locale.parse(language.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            pass
    return Locale.parse("en")


def currency_name(code: str, locale: str = "en") -> str:
    """The currency's name in ``locale``: ``currency_name("THB", "th")`` -> "บาท"."""
    return str(babel_numbers.get_currency_name(_checked(code), locale=to_babel_locale(locale)))


def currency_symbol(code: str, locale: str = "en") -> str:
    """The currency's symbol in ``locale``: "฿" in Thai, "THB" in English, "៛" for KHR in Khmer."""
    return str(babel_numbers.get_currency_symbol(_checked(code), locale=to_babel_locale(locale)))
