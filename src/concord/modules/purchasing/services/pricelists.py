"""Vendor price lists: what each vendor charges for a product, from which quantity, for how long."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import NotFound, ValidationFailed
from concord.core.identity.models import Company
from concord.core.money.currencies import is_valid_currency
from concord.modules.catalog.facade import ProductInfo, product_get
from concord.modules.purchasing.models import VendorPrice
from concord.modules.purchasing.services._support import vendor_of

__all__ = ["product_of", "vendor_price_create", "vendor_price_delete", "vendor_price_update"]

_FIELDS = (
    "vendor_product_code",
    "vendor_product_name",
    "min_quantity",
    "price",
    "currency",
    "lead_time_days",
    "date_start",
    "date_end",
)


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


def _check(values: dict[str, Any]) -> None:
    if values["price"] is None or values["price"] < 0:
        raise ValidationFailed(_("A price cannot be negative."), field="price")
    if values["min_quantity"] < 0:
        raise ValidationFailed(_("The minimum quantity cannot be negative."), field="min_quantity")
    if values["lead_time_days"] < 0:
        raise ValidationFailed(_("The lead time cannot be negative."), field="lead_time_days")
    if not is_valid_currency(values["currency"]):
        raise ValidationFailed(
            _("“%(code)s” is not a currency code.") % {"code": values["currency"]}, field="currency"
        )
    start, end = values["date_start"], values["date_end"]
    if start is not None and end is not None and end < start:
        raise ValidationFailed(_("A price cannot end before it starts."), field="date_end")


def vendor_price_create(
    *,
    company: Company,
    vendor_id: int,
    product_id: int,
    price: Decimal,
    by: Any,
    currency: str = "",
    min_quantity: Decimal = Decimal(0),
    lead_time_days: int = 0,
    vendor_product_code: str = "",
    vendor_product_name: str = "",
    date_start: dt.date | None = None,
    date_end: dt.date | None = None,
) -> VendorPrice:
    """Add a vendor's price for a product (per product unit, from ``min_quantity``, within the dates)."""
    vendor = vendor_of(company, vendor_id)
    product_of(company, product_id)
    values: dict[str, Any] = {
        "vendor_product_code": vendor_product_code.strip(),
        "vendor_product_name": vendor_product_name.strip(),
        "min_quantity": Decimal(min_quantity),
        "price": Decimal(price),
        "currency": (currency or vendor.currency or company.currency).strip().upper(),
        "lead_time_days": int(lead_time_days),
        "date_start": date_start,
        "date_end": date_end,
    }
    _check(values)
    with transaction.atomic():
        entry = VendorPrice.objects.create(
            company=company, vendor_id=vendor.id, product_id=product_id, **values
        )
        audit_record(actor=by, action=AuditAction.CREATE, obj=entry)
    return entry


def vendor_price_update(*, entry: VendorPrice, by: Any, **changes: Any) -> VendorPrice:
    """Change a price list entry (only the fields given: price, currency, dates, lead time, codes)."""
    unknown = set(changes) - set(_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    values = {name: getattr(entry, name) for name in _FIELDS}
    for name, value in changes.items():
        cleaned = value
        if isinstance(value, str):
            cleaned = value.strip().upper() if name == "currency" else value.strip()
        values[name] = cleaned
    _check(values)
    with transaction.atomic():
        locked = VendorPrice.all_companies.select_for_update().get(pk=entry.pk)
        diff = {
            name: [str(getattr(locked, name)), str(value)]
            for name, value in values.items()
            if getattr(locked, name) != value
        }
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save()
        if diff:
            audit_record(actor=by, action=AuditAction.UPDATE, obj=locked, changes=diff)
    return locked


def vendor_price_delete(*, entry: VendorPrice, by: Any) -> None:
    """Remove a price list entry (orders keep the prices they were made with)."""
    with transaction.atomic():
        audit_record(actor=by, action=AuditAction.DELETE, obj=entry)
        entry.delete()
