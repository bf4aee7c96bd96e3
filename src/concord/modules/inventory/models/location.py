"""Warehouses and the tree of locations stock sits in, plus the virtual locations it comes from and goes to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager

__all__ = ["Location", "LocationUsage", "Warehouse"]


class LocationUsage(models.TextChoices):
    """What a location is: real shelves (internal) or a virtual counterpart of a move."""

    VIEW = "view", _("View (groups locations)")
    INTERNAL = "internal", _("Internal")
    SUPPLIER = "supplier", _("Suppliers")
    CUSTOMER = "customer", _("Customers")
    INVENTORY = "inventory", _("Inventory loss")
    PRODUCTION = "production", _("Production")
    TRANSIT = "transit", _("Transit")


class Location(CompanyOwned):
    """A place stock can be: a warehouse's stock, a shelf in it, or a virtual supplier/customer/loss location."""

    objects: CompanyScopedManager[Location]
    all_companies: models.Manager[Location]

    name = models.CharField(_("name"), max_length=120)
    full_name = models.CharField(_("full name"), max_length=400, editable=False, default="")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("warehouse"),
    )
    usage = models.CharField(
        _("type"), max_length=12, choices=LocationUsage.choices, default=LocationUsage.INTERNAL
    )
    barcode = models.CharField(_("barcode"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "full_name"],
                name="inventory_location_unique_name",
                violation_error_message=_("A location with this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.name

    @property
    def is_internal(self) -> bool:
        return self.usage == LocationUsage.INTERNAL


class Warehouse(CompanyOwned):
    """A warehouse: a site with its own stock location tree and its own transfer numbering."""

    objects: CompanyScopedManager[Warehouse]
    all_companies: models.Manager[Warehouse]

    code = models.CharField(
        _("short code"), max_length=8, help_text=_("Prefix of its transfer numbers, e.g. WH.")
    )
    name = models.CharField(_("name"), max_length=120)
    view_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", null=True, blank=True, editable=False
    )
    stock_location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("stock location"),
    )
    address = models.TextField(_("address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "code"],
                name="inventory_warehouse_unique_code",
                violation_error_message=_("A warehouse with this code already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
