"""Vendor bills raised from purchase orders and the quantities each billed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager

__all__ = ["PurchaseBill", "PurchaseBillLine"]


class PurchaseBill(CompanyOwned):
    """A vendor bill drafted in accounting from a purchase order (the n-th bill of that order)."""

    objects: CompanyScopedManager[PurchaseBill]  # typed view of the inherited managers
    all_companies: models.Manager[PurchaseBill]

    order = models.ForeignKey("purchasing.PurchaseOrder", on_delete=models.PROTECT, related_name="bills")
    sequence = models.PositiveIntegerField(_("bill of the order"))
    invoice_id = models.PositiveBigIntegerField(_("vendor bill"))
    source_key = models.CharField(_("source key"), max_length=120)
    forced = models.BooleanField(_("billed beyond what was received"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("purchase bill")
        verbose_name_plural = _("purchase bills")
        ordering = ["order_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "sequence"],
                name="purchase_bill_sequence_unique",
                violation_error_message=_("This bill number of the order is already used."),
            ),
            models.UniqueConstraint(
                fields=["company", "source_key"],
                name="purchase_bill_source_key_unique",
                violation_error_message=_("This bill was already recorded."),
            ),
        ]

    def __str__(self) -> str:
        return self.source_key


class PurchaseBillLine(CompanyOwned):
    """How much of an order line one bill charged (in the order line's unit)."""

    objects: CompanyScopedManager[PurchaseBillLine]  # typed view of the inherited managers
    all_companies: models.Manager[PurchaseBillLine]

    bill = models.ForeignKey(PurchaseBill, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "purchasing.PurchaseOrderLine", on_delete=models.PROTECT, related_name="bill_lines"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=20, decimal_places=6)

    class Meta:
        verbose_name = _("purchase bill line")
        verbose_name_plural = _("purchase bill lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0),
                name="purchase_bill_line_quantity_positive",
                violation_error_message=_("A billed quantity must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id}: {self.quantity}"
