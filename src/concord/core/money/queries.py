"""Reading exchange rates and converting amounts between currencies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext

from concord.core.identity.models import Company
from concord.core.money.errors import NoExchangeRateError
from concord.core.money.models import ExchangeRate
from concord.core.money.money import Money

__all__ = ["convert", "exchange_rate_on", "exchange_rates_for", "rate_currencies_for"]


def exchange_rates_for(*, company: Company, currency: str | None = None) -> QuerySet[ExchangeRate]:
    """The company's recorded rates, newest first per currency, optionally for one currency."""
    rates = ExchangeRate.objects.filter(company=company).select_related("set_by")
    if currency:
        rates = rates.filter(currency=currency)
    return rates.order_by("currency", "-rate_date")


def rate_currencies_for(*, company: Company) -> list[str]:
    """The foreign currencies the company has rates for, alphabetically."""
    return list(
        ExchangeRate.objects.filter(company=company)
        .order_by("currency")
        .values_list("currency", flat=True)
        .distinct()
    )


def exchange_rate_on(*, company: Company, currency: str, on_date: date) -> Decimal:
    """Company-currency units per 1 ``currency`` on ``on_date``: the latest rate on or before that day.

    The company's own currency is 1. Raises ``NoExchangeRateError`` when nothing was recorded yet.
    """
    if currency == company.currency:
        return Decimal(1)
    rate: Decimal | None = (
        ExchangeRate.objects.filter(company=company, currency=currency, rate_date__lte=on_date)
        .order_by("-rate_date")
        .values_list("rate", flat=True)
        .first()
    )
    if rate is None:
        raise NoExchangeRateError(
            gettext("No exchange rate for %(currency)s on or before %(date)s")
            % {"currency": currency, "date": on_date.isoformat()},
            field="currency",
        )
    return rate


def convert(*, money: Money, to_currency: str, company: Company, on_date: date) -> Money:
    """``money`` in ``to_currency`` at the company's rates of ``on_date``, rounded to its minor unit.

    Between two foreign currencies the conversion goes through the company currency (cross rate):
    amount x rate(from) / rate(to), computed exactly and rounded once at the end.
    """
    target = Money.zero(to_currency).currency  # validates and normalises the code
    if money.currency == target:
        return money.rounded()
    in_company_currency = money.amount * exchange_rate_on(
        company=company, currency=money.currency, on_date=on_date
    )
    amount = in_company_currency / exchange_rate_on(company=company, currency=target, on_date=on_date)
    return Money(amount, target).rounded()
