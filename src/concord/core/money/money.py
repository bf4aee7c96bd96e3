"""``Money``: an exact decimal amount with its ISO 4217 currency.

Amounts are ``Decimal`` and never ``float`` (a float cannot hold 0.1 exactly; a ledger must). Arithmetic
keeps full precision; ``rounded()`` rounds half up to the currency's minor unit (``minor_units``), which
is what documents, ledgers and payments store. Adding, subtracting or comparing two currencies is an
error, never a silent conversion: conversion needs a date and a rate (``queries.convert``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext

from concord.core.money.currencies import is_valid_currency, minor_units
from concord.core.money.errors import CurrencyMismatchError, InvalidAmountError, InvalidCurrencyError

__all__ = ["Money", "to_decimal"]

Number = Decimal | int


def to_decimal(value: object, *, what: str = "amount") -> Decimal:
    """``value`` as a finite Decimal; str, int and Decimal are accepted, float and bool are refused."""
    if isinstance(value, float):
        raise TypeError(
            f"{what} must be a Decimal, int or str, not float ({value!r}): floats cannot hold "
            "decimal amounts exactly; pass Decimal('...') or a string"
        )
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"{what} must be a Decimal, int or str, not {type(value).__name__}")
    try:
        number = (
            value
            if isinstance(value, Decimal)
            else Decimal(value.strip() if isinstance(value, str) else value)
        )
    except InvalidOperation:
        raise InvalidAmountError(
            gettext("%(value)s is not a number.") % {"value": value}, field="amount"
        ) from None
    if not number.is_finite():
        raise InvalidAmountError(gettext("An amount must be a finite number."), field="amount")
    return number


def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of money in one currency: ``Money("1250.50", "THB")``."""

    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        code = currency.strip().upper() if isinstance(currency, str) else currency
        if not is_valid_currency(code):
            raise InvalidCurrencyError(
                gettext("Unknown currency %(code)s: use a three-letter ISO 4217 code such as THB.")
                % {"code": currency},
                field="currency",
            )
        object.__setattr__(self, "amount", to_decimal(amount))
        object.__setattr__(self, "currency", code)

    # ------------------------------------------------------------------ construction
    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    # ------------------------------------------------------------------ rounding and splitting
    @property
    def minor_units(self) -> int:
        return minor_units(self.currency)

    def rounded(self) -> Money:
        """This amount rounded half up to the currency's minor unit (THB 0.005 -> 0.01, KHR 0.5 -> 1)."""
        return Money(self.amount.quantize(_quantum(self.currency), rounding=ROUND_HALF_UP), self.currency)

    def allocate(self, ratios: Sequence[Number]) -> list[Money]:
        """Split the rounded amount by ``ratios`` so the parts add up to it exactly.

        Each part is rounded down to the minor unit and the minor units left over go, one each, to the
        parts that lost the most in rounding (earliest first on ties): ``Money("100", "THB")``
        allocated ``[1, 1, 1]`` gives 33.34, 33.33, 33.33.
        """
        weights = [to_decimal(ratio, what="ratio") for ratio in ratios]
        if not weights:
            raise ValueError("allocate() needs at least one ratio")
        if any(weight < 0 for weight in weights):
            raise ValueError("allocation ratios must not be negative")
        total_weight = sum(weights, Decimal(0))
        if total_weight == 0:
            raise ValueError("allocation ratios must not all be zero")

        digits = self.minor_units
        total = self.rounded().amount
        sign = -1 if total < 0 else 1
        units = int(abs(total).scaleb(digits))  # the amount in minor units, exact after rounding
        exact = [Decimal(units) * weight / total_weight for weight in weights]
        shares = [int(share) for share in exact]  # int() truncates toward zero: rounds down here
        leftover = units - sum(shares)
        by_loss = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
        for index in by_loss[:leftover]:
            shares[index] += 1
        return [Money(Decimal(sign * share).scaleb(-digits), self.currency) for share in shares]

    # ------------------------------------------------------------------ arithmetic
    def _same_currency(self, other: Money, operation: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(
                gettext("Cannot %(operation)s %(left)s and %(right)s amounts: convert one first.")
                % {"operation": operation, "left": self.currency, "right": other.currency}
            )

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, gettext("add"))
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, gettext("subtract"))
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, Money):
            raise TypeError("cannot multiply an amount of money by another amount of money")
        return Money(self.amount * to_decimal(factor, what="factor"), self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: object) -> Money:
        if isinstance(divisor, Money):
            raise TypeError("divide by a number; for a ratio of two amounts use a.amount / b.amount")
        return Money(self.amount / to_decimal(divisor, what="divisor"), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    # ------------------------------------------------------------------ comparison
    def _compared(self, other: object) -> Decimal:
        if not isinstance(other, Money):
            raise TypeError(f"cannot compare Money with {type(other).__name__}")
        self._same_currency(other, gettext("compare"))
        return other.amount

    def __lt__(self, other: object) -> bool:
        return self.amount < self._compared(other)

    def __le__(self, other: object) -> bool:
        return self.amount <= self._compared(other)

    def __gt__(self, other: object) -> bool:
        return self.amount > self._compared(other)

    def __ge__(self, other: object) -> bool:
        return self.amount >= self._compared(other)

    # ------------------------------------------------------------------ predicates and display
    def is_zero(self) -> bool:
        return self.amount == 0

    def __str__(self) -> str:
        return f"{self.currency} {self.amount}"

    def __repr__(self) -> str:
        return f"Money({str(self.amount)!r}, {self.currency!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Money, (self.amount, self.currency))
