"""Domain errors of money: unknown currencies, mixed currencies, missing exchange rates."""

from __future__ import annotations

from concord.core.errors import DomainError, NotFound, ValidationFailed

__all__ = ["CurrencyMismatchError", "InvalidAmountError", "InvalidCurrencyError", "NoExchangeRateError"]


class InvalidCurrencyError(ValidationFailed):
    """The code is not an ISO 4217 currency Concord knows, or not one allowed here."""

    code = "invalid_currency"


class InvalidAmountError(ValidationFailed):
    """The amount is not a finite decimal number (or a rate is not positive)."""

    code = "invalid_amount"


class CurrencyMismatchError(DomainError):
    """Two amounts in different currencies were added, subtracted or compared."""

    code = "currency_mismatch"


class NoExchangeRateError(NotFound):
    """No exchange rate is recorded for the currency on or before the date asked."""

    code = "no_exchange_rate"
