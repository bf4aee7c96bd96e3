"""Helpers the sales services share: who acts, customers, products, rates, rounding, publishing."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from concord.core.errors import NotFound, ValidationFailed
from concord.core.identity.models import Company
from concord.core.money.currencies import minor_units
from concord.core.money.errors import NoExchangeRateError
from concord.core.money.queries import exchange_rate_on
from concord.core.outbox.facade import Event, publish
from concord.modules.catalog.facade import ProductInfo, product_get
from concord.modules.parties.facade import PartySummary, party_summary

__all__ = [
    "ZERO",
    "actor",
    "actor_id",
    "company_rate",
    "customer_of",
    "plain",
    "product_of",
    "publish_for_customer",
    "round_to",
]

ZERO = Decimal(0)


def actor_id(by: Any) -> int | None:
    return by.pk if by is not None and getattr(by, "is_authenticated", False) else None


def actor(by: Any) -> Any:
    """The user to store as author (None for the system or an anonymous visitor)."""
    return by if actor_id(by) is not None else None


def round_to(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half up to ``currency``'s minor unit."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def plain(number: Decimal) -> str:
    """A quantity without trailing zeros: 3, 2.5."""
    return f"{number.normalize():f}"


def customer_of(company: Company, partner_id: int | None, *, field: str = "partner_id") -> PartySummary:
    """The customer as parties' facade sees it: of ``company`` and active (else a 422 on ``field``)."""
    party = party_summary(partner_id) if partner_id is not None else None
    if party is None or party.company_id != company.pk:
        raise ValidationFailed(
            _("The customer does not belong to %(company)s.") % {"company": company.name}, field=field
        )
    if not party.is_active:
        raise ValidationFailed(_("%(name)s is archived.") % {"name": party.name}, field=field)
    return party


def product_of(company: Company, product_id: int | None, *, field: str = "product_id") -> ProductInfo:
    """The product as the catalog sees it, if it belongs to ``company`` (else a 422 on ``field``)."""
    try:
        product = product_get(product_id) if product_id is not None else None
    except NotFound:
        product = None
    if product is None or product.company_id != company.pk:
        raise ValidationFailed(
            _("The product does not belong to %(company)s.") % {"company": company.name}, field=field
        )
    return product


def company_rate(company: Company, currency: str, on_date: dt.date) -> Decimal:
    """Company-currency units per one ``currency`` on ``on_date``; a missing rate is a 422 on ``currency``."""
    try:
        return exchange_rate_on(company=company, currency=currency, on_date=on_date)
    except NoExchangeRateError as exc:
        raise ValidationFailed(str(exc.message), field="currency") from None


def publish_for_customer(event: Event, *, by: Any, company_id: int, partner_id: int) -> None:
    """Publish ``event`` with the customer as aggregate, so the 360° timeline shows it."""
    publish(event, company_id=company_id, actor_id=actor_id(by), aggregate=("parties.party", partner_id))
