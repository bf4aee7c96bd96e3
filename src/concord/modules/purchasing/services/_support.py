"""Helpers the purchasing services share: who acts, vendors, rates, rounding, publishing."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.core.money.currencies import minor_units
from concord.core.money.errors import NoExchangeRateError
from concord.core.money.queries import exchange_rate_on
from concord.core.outbox.facade import Event, publish
from concord.modules.parties.facade import PartySummary, party_summary

__all__ = ["ZERO", "actor", "actor_id", "company_rate", "publish_for_vendor", "round_to", "vendor_of"]

ZERO = Decimal(0)


def actor_id(by: Any) -> int | None:
    return by.pk if by is not None and getattr(by, "is_authenticated", False) else None


def actor(by: Any) -> Any:
    """The user to store as author (None for the system or an anonymous user)."""
    return by if actor_id(by) is not None else None


def round_to(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half up to ``currency``'s minor unit."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def vendor_of(company: Company, vendor_id: int | None, *, field: str = "vendor_id") -> PartySummary:
    """The vendor as parties' facade sees it: of ``company``, active and a supplier (else a 422 on ``field``)."""
    vendor = party_summary(vendor_id) if vendor_id is not None else None
    if vendor is None or vendor.company_id != company.pk:
        raise ValidationFailed(
            _("The vendor does not belong to %(company)s.") % {"company": company.name}, field=field
        )
    if not vendor.is_active:
        raise ValidationFailed(_("%(name)s is archived.") % {"name": vendor.name}, field=field)
    if not vendor.is_supplier:
        raise ValidationFailed(
            _("%(name)s is not marked as a supplier.") % {"name": vendor.name}, field=field
        )
    return vendor


def company_rate(company: Company, currency: str, on_date: dt.date) -> Decimal:
    """Company-currency units per one ``currency`` on ``on_date``; a missing rate is a 422 on ``currency``."""
    try:
        return exchange_rate_on(company=company, currency=currency, on_date=on_date)
    except NoExchangeRateError as exc:
        raise ValidationFailed(str(exc.message), field="currency") from None


def publish_for_vendor(event: Event, *, by: Any, company_id: int, vendor_id: int) -> None:
    """Publish ``event`` with the vendor as aggregate, so the 360° timeline shows it."""
    publish(event, company_id=company_id, actor_id=actor_id(by), aggregate=("parties.party", vendor_id))
