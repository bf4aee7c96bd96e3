"""What is on hand: quants per product, location and lot, and the lots and serial numbers themselves."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager

__all__ = ["QTY_FIELD_KW", "Lot", "ProductTracking", "Quant", "Tracking"]

# Quantities: 18 digits with 4 decimals (grams of a tonne, millilitres of a tank).
QTY_FIELD_KW: dict[str, Any] = {"max_digits": 18, "decimal_places": 4}


class Tracking(models.TextChoices):
    NONE = "none", _("Not tracked")
    LOT = "lot", _("By lot")
    SERIAL = "serial", _("By serial number")


class ProductTracking(CompanyOwned):
    """Whether a product's stock is tracked by lot or serial number (a product without a row is not)."""

    objects: CompanyScopedManager[ProductTracking]
    all_companies: models.Manager[ProductTracking]

    product = models.OneToOneField(
        "catalog.Product", on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )
    tracking = models.CharField(_("tracking"), max_length=8, choices=Tracking.choices, default=Tracking.NONE)

    def __str__(self) -> str:
        return f"{self.product_id}: {self.tracking}"


class Lot(CompanyOwned):
    """A lot or serial number of a product: the thread traceability follows."""

    objects: CompanyScopedManager[Lot]
    all_companies: models.Manager[Lot]

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("lot / serial number"), max_length=80)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "product", "name"],
                name="inventory_lot_unique",
                violation_error_message=_("This product already has a lot with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Quant(CompanyOwned):
    """Stock on hand of one product in one internal location (and lot), with how much of it is reserved.

    Kept up to date in the transaction of every move that touches it (never summed from history on
    read); the database refuses negative stock and reservations beyond what is there.
    """

    objects: CompanyScopedManager[Quant]
    all_companies: models.Manager[Quant]

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("inventory.Location", on_delete=models.PROTECT, related_name="quants")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="quants")
    quantity = models.DecimalField(_("on hand"), default=0, **QTY_FIELD_KW)
    reserved_quantity = models.DecimalField(_("reserved"), default=0, **QTY_FIELD_KW)
    incoming_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "location", "lot"],
                condition=Q(lot__isnull=False),
                name="inventory_quant_unique_lot",
            ),
            models.UniqueConstraint(
                fields=["product", "location"],
                condition=Q(lot__isnull=True),
                name="inventory_quant_unique_nolot",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="inventory_quant_not_negative",
                violation_error_message=_("Stock cannot go below zero."),
            ),
            models.CheckConstraint(
                condition=Q(reserved_quantity__gte=0) & Q(reserved_quantity__lte=F("quantity")),
                name="inventory_quant_reserved_within",
                violation_error_message=_("More is reserved than is on hand."),
            ),
        ]
        indexes = [models.Index(fields=["company", "product"], name="inventory_quant_product")]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.location_id}: {self.quantity}"

    @property
    def available_quantity(self) -> Decimal:
        return self.quantity - self.reserved_quantity
