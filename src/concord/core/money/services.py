"""Writing exchange rates."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_changes, audit_record, created_changes
from concord.core.identity.models import Company
from concord.core.money.currencies import is_valid_currency
from concord.core.money.errors import InvalidAmountError, InvalidCurrencyError
from concord.core.money.fields import RATE_FIELD_KW
from concord.core.money.models import ExchangeRate, RateSource
from concord.core.money.money import to_decimal

__all__ = ["exchange_rate_set"]

_RATE_QUANTUM = Decimal(1).scaleb(-RATE_FIELD_KW["decimal_places"])
_RATE_LIMIT = Decimal(10) ** (RATE_FIELD_KW["max_digits"] - RATE_FIELD_KW["decimal_places"])


def exchange_rate_set(
    *,
    company: Company,
    currency: str,
    rate_date: date,
    rate: Decimal | int | str,
    by: Any,
    source: str = RateSource.MANUAL,
) -> ExchangeRate:
    """Record the company's rate for ``currency`` on ``rate_date`` (company-currency units per 1 unit).

    Creates the day's rate or replaces it. The rate is rounded half up to 10 decimals.
    """
    code = currency.strip().upper() if isinstance(currency, str) else currency
    if not is_valid_currency(code):
        raise InvalidCurrencyError(
            gettext("Unknown currency %(code)s: use a three-letter ISO 4217 code such as USD.")
            % {"code": currency},
            field="currency",
        )
    if code == company.currency:
        raise InvalidCurrencyError(
            gettext("%(code)s is the company's own currency: its rate is always 1.") % {"code": code},
            field="currency",
        )
    if source not in RateSource.values:
        raise ValueError(f"unknown rate source {source!r}")
    value = to_decimal(rate, what="rate")
    if value >= _RATE_LIMIT:
        raise InvalidAmountError(gettext("This exchange rate is too large."), field="rate")
    value = value.quantize(_RATE_QUANTUM, rounding=ROUND_HALF_UP)
    if value <= 0:
        raise InvalidAmountError(gettext("An exchange rate must be greater than zero."), field="rate")

    set_by = by if getattr(by, "is_authenticated", False) else None
    key = {"company": company, "currency": code, "rate_date": rate_date}
    with transaction.atomic():
        rows = ExchangeRate.all_companies.select_for_update()  # the manager is typed Any in CompanyOwned
        existing: ExchangeRate | None = rows.filter(**key).first()
        if existing is None:
            try:
                with transaction.atomic():  # a savepoint: a concurrent insert of the same day fails alone
                    created: ExchangeRate = ExchangeRate.all_companies.create(
                        **key, rate=value, source=source, set_by=set_by
                    )
            except IntegrityError:
                existing = rows.get(**key)
            else:
                audit_record(
                    actor=by, action=AuditAction.CREATE, obj=created, changes=created_changes(created)
                )
                return created
        with audit_changes(existing, by=by, fields=["rate", "source", "set_by"]):
            existing.rate = value
            existing.source = source
            existing.set_by = set_by
            existing.save(update_fields=["rate", "source", "set_by", "updated_at"])
    return existing
