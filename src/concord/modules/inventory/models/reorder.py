"""Reorder rules: keep a product between a minimum and a maximum in a warehouse."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.modules.inventory.models.quant import QTY_FIELD_KW

__all__ = ["ReorderRule"]


class ReorderRule(CompanyOwned):
    """A min/max rule: when forecast stock falls below the minimum, order up to the maximum."""

    objects: CompanyScopedManager[ReorderRule]
    all_companies: models.Manager[ReorderRule]

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.CASCADE,
        related_name="reorder_rules",
        verbose_name=_("warehouse"),
    )
    min_quantity = models.DecimalField(_("minimum"), **QTY_FIELD_KW)
    max_quantity = models.DecimalField(_("maximum"), **QTY_FIELD_KW)
    multiple_quantity = models.DecimalField(_("order in multiples of"), default=1, **QTY_FIELD_KW)
    vendor = models.ForeignKey(
        "parties.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preferred vendor"),
        help_text=_("Left empty, purchasing picks the vendor from its price lists."),
    )
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), default=7)
    safety_stock = models.DecimalField(_("safety stock"), default=0, **QTY_FIELD_KW)
    demand_days = models.PositiveIntegerField(
        _("demand window (days)"), default=30, help_text=_("Days of past deliveries the suggestion averages.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_triggered_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["product_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "warehouse"],
                name="inventory_reorder_unique",
                violation_error_message=_("This product already has a reorder rule in this warehouse."),
            ),
            models.CheckConstraint(
                condition=Q(min_quantity__gte=0) & Q(max_quantity__gte=F("min_quantity")),
                name="inventory_reorder_min_max",
                violation_error_message=_("The maximum must be at least the minimum, and neither negative."),
            ),
            models.CheckConstraint(
                condition=Q(multiple_quantity__gt=0), name="inventory_reorder_multiple_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}: {self.min_quantity}-{self.max_quantity}"
