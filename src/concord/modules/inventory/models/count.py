"""Inventory counts: a count sheet of a location, whose differences post to inventory loss."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.modules.inventory.models.quant import QTY_FIELD_KW

__all__ = ["CountState", "InventoryCount", "InventoryCountLine"]


class CountState(models.TextChoices):
    DRAFT = "draft", _("Counting")
    DONE = "done", _("Applied")
    CANCELLED = "cancelled", _("Cancelled")


class InventoryCount(CompanyOwned):
    """A stock count of a location: expected quantities snapshot, counted quantities, differences applied."""

    objects: CompanyScopedManager[InventoryCount]
    all_companies: models.Manager[InventoryCount]

    name = models.CharField(_("name"), max_length=120)
    location = models.ForeignKey(
        "inventory.Location", on_delete=models.PROTECT, related_name="+", verbose_name=_("location")
    )
    date = models.DateField(_("date"))
    state = models.CharField(_("state"), max_length=10, choices=CountState.choices, default=CountState.DRAFT)
    transfer = models.ForeignKey(
        "inventory.Transfer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.name


class InventoryCountLine(CompanyOwned):
    """One counted product (and lot) in one location of a count sheet."""

    objects: CompanyScopedManager[InventoryCountLine]
    all_companies: models.Manager[InventoryCountLine]

    count = models.ForeignKey(InventoryCount, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("inventory.Location", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(
        "inventory.Lot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expected_quantity = models.DecimalField(_("expected"), default=0, **QTY_FIELD_KW)
    counted_quantity = models.DecimalField(_("counted"), null=True, blank=True, **QTY_FIELD_KW)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["count", "product", "location", "lot"],
                name="inventory_countline_unique",
                violation_error_message=_("This product is already on the count sheet."),
            ),
        ]
