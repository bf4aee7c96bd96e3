"""Warehouses, their locations and the company's virtual locations; inventory settings and tracking."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.modules.inventory.models import (
    CategoryCosting,
    CostingMethod,
    InventorySettings,
    Location,
    LocationUsage,
    ProductTracking,
    Tracking,
    Warehouse,
)

__all__ = [
    "category_costing_set",
    "inventory_settings",
    "location_create",
    "product_tracking_set",
    "virtual_location",
    "warehouse_create",
    "warehouse_default",
]

# The company-wide virtual locations, by usage: their names in the location tree.
_VIRTUAL_NAMES = {
    LocationUsage.SUPPLIER: "Partners/Vendors",
    LocationUsage.CUSTOMER: "Partners/Customers",
    LocationUsage.INVENTORY: "Virtual/Inventory loss",
    LocationUsage.PRODUCTION: "Virtual/Production",
    LocationUsage.TRANSIT: "Virtual/Transit",
}


def actor(by: Any) -> Any:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def inventory_settings(company: Company) -> InventorySettings:
    """The company's inventory settings, created with defaults on first use."""
    found, _created = InventorySettings.objects.get_or_create(company=company)
    return found


def _full_name(name: str, parent: Location | None) -> str:
    return f"{parent.full_name}/{name}" if parent is not None else name


def virtual_location(company: Company, usage: str) -> Location:
    """The company's virtual location of ``usage`` (suppliers, customers, inventory loss, production)."""
    full_name = _VIRTUAL_NAMES[LocationUsage(usage)]
    found = (
        Location.all_companies.filter(company_id=company.pk, usage=usage, warehouse=None)
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    with transaction.atomic():
        parent_name, _sep, name = full_name.rpartition("/")
        parent, _created = Location.all_companies.get_or_create(
            company=company,
            full_name=parent_name,
            defaults={"name": parent_name, "usage": LocationUsage.VIEW},
        )
        location, _created = Location.all_companies.get_or_create(
            company=company, full_name=full_name, defaults={"name": name, "parent": parent, "usage": usage}
        )
        return location


@transaction.atomic
def location_create(
    *,
    company: Company,
    name: str,
    parent: Location,
    by: Any,
    usage: str = LocationUsage.INTERNAL,
    barcode: str = "",
) -> Location:
    """A location under ``parent`` (a shelf in a warehouse's stock)."""
    name = (name or "").strip()
    if not name or "/" in name:
        raise ValidationFailed(_("A location needs a name without '/'."), field="name")
    if parent.company_id != company.pk:
        raise ValidationFailed(_("There is no such parent location."), field="parent")
    if usage not in LocationUsage.values:
        raise ValidationFailed(_("Unknown location type."), field="usage")
    location = Location(
        company=company,
        name=name,
        full_name=_full_name(name, parent),
        parent=parent,
        warehouse_id=parent.warehouse_id,
        usage=usage,
        barcode=barcode,
    )
    try:
        with transaction.atomic():
            location.save()
    except IntegrityError as exc:
        raise ValidationFailed(_("A location with this name already exists."), field="name") from exc
    audit_record(
        actor=actor(by),
        action=AuditAction.CREATE,
        obj=location,
        changes={"full_name": [None, location.full_name]},
    )
    return location


@transaction.atomic
def warehouse_create(*, company: Company, code: str, name: str, by: Any, address: str = "") -> Warehouse:
    """A warehouse with its view location (``code``) and its stock location (``code/Stock``)."""
    code = (code or "").strip().upper()
    name = (name or "").strip()
    if not code or len(code) > 8 or "/" in code:
        raise ValidationFailed(_("A warehouse code is 1 to 8 characters without '/'."), field="code")
    if not name:
        raise ValidationFailed(_("A warehouse needs a name."), field="name")
    if Warehouse.all_companies.filter(company_id=company.pk, code=code).exists():
        raise ValidationFailed(_("A warehouse with this code already exists."), field="code")
    if Location.all_companies.filter(company_id=company.pk, full_name=code).exists():
        raise ValidationFailed(_("A location with this name already exists."), field="code")
    warehouse = Warehouse.all_companies.create(company=company, code=code, name=name, address=address)
    view = Location.all_companies.create(
        company=company, name=code, full_name=code, usage=LocationUsage.VIEW, warehouse=warehouse
    )
    stock = Location.all_companies.create(
        company=company,
        name="Stock",
        full_name=f"{code}/Stock",
        parent=view,
        usage=LocationUsage.INTERNAL,
        warehouse=warehouse,
    )
    warehouse.view_location = view
    warehouse.stock_location = stock
    warehouse.save(update_fields=["view_location", "stock_location"])
    for usage in _VIRTUAL_NAMES:
        virtual_location(company, usage)
    audit_record(
        actor=actor(by),
        action=AuditAction.CREATE,
        obj=warehouse,
        changes={"code": [None, code], "name": [None, name]},
    )
    return warehouse


def warehouse_default(company: Company) -> Warehouse:
    """The company's first active warehouse; a first one ("WH") is made on first use."""
    found = Warehouse.all_companies.filter(company_id=company.pk, is_active=True).order_by("pk").first()
    if found is not None:
        return found
    return warehouse_create(company=company, code="WH", name=_("Main warehouse"), by=None)


@transaction.atomic
def product_tracking_set(*, company: Company, product_id: int, tracking: str, by: Any) -> ProductTracking:
    """Track a product by lot or serial number (or stop tracking it)."""
    if tracking not in Tracking.values:
        raise ValidationFailed(_("Unknown tracking."), field="tracking")
    row, _created = ProductTracking.all_companies.get_or_create(company=company, product_id=product_id)
    old = row.tracking
    row.tracking = tracking
    row.save(update_fields=["tracking"])
    audit_record(actor=actor(by), action=AuditAction.UPDATE, obj=row, changes={"tracking": [old, tracking]})
    return row


@transaction.atomic
def category_costing_set(*, company: Company, category_id: int, method: str, by: Any) -> CategoryCosting:
    """Set a product category's costing method (FIFO or weighted average) for products without stock."""
    if method not in CostingMethod.values:
        raise ValidationFailed(_("Unknown costing method."), field="method")
    row, _created = CategoryCosting.all_companies.get_or_create(
        company=company, category_id=category_id, defaults={"method": method}
    )
    old = row.method
    row.method = method
    row.save(update_fields=["method"])
    audit_record(actor=actor(by), action=AuditAction.UPDATE, obj=row, changes={"method": [old, method]})
    return row
