"""Stock valuation: the costing method per category, cost layers (FIFO) and running totals (average cost)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.core.money.fields import AMOUNT_FIELD_KW
from concord.modules.inventory.models.quant import QTY_FIELD_KW

__all__ = ["CategoryCosting", "CostingMethod", "InventorySettings", "ProductCost", "ValuationLayer"]


class CostingMethod(models.TextChoices):
    AVERAGE = "average", _("Weighted average")
    FIFO = "fifo", _("First in, first out")


class InventorySettings(models.Model):
    """A company's inventory settings: the default costing method and whether valued moves post to the ledger."""

    company = models.OneToOneField(
        "identity.Company", on_delete=models.PROTECT, related_name="inventory_settings"
    )
    costing_method = models.CharField(
        _("default costing method"),
        max_length=8,
        choices=CostingMethod.choices,
        default=CostingMethod.AVERAGE,
    )
    post_valuation = models.BooleanField(
        _("post valuation to the ledger"),
        default=True,
        help_text=_(
            "Each valued move posts stock, cost of sales and interim entries (needs accounting set up)."
        ),
    )

    def __str__(self) -> str:
        return f"{self.company_id}: {self.costing_method}"


class CategoryCosting(CompanyOwned):
    """The costing method of one product category (FIFO or weighted average)."""

    objects: CompanyScopedManager[CategoryCosting]
    all_companies: models.Manager[CategoryCosting]

    category = models.OneToOneField("catalog.Category", on_delete=models.CASCADE, related_name="+")
    method = models.CharField(_("costing method"), max_length=8, choices=CostingMethod.choices)


class ProductCost(CompanyOwned):
    """A product's valued stock in the company: quantity and value, locked and updated by every valued move."""

    objects: CompanyScopedManager[ProductCost]
    all_companies: models.Manager[ProductCost]

    product = models.OneToOneField("catalog.Product", on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=8, choices=CostingMethod.choices, default=CostingMethod.AVERAGE)
    quantity = models.DecimalField(default=0, **QTY_FIELD_KW)
    value = models.DecimalField(default=0, **AMOUNT_FIELD_KW)


class ValuationLayer(CompanyOwned):
    """The value one done move added to or took from stock; incoming layers keep what is left for FIFO."""

    objects: CompanyScopedManager[ValuationLayer]
    all_companies: models.Manager[ValuationLayer]

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    move = models.ForeignKey("inventory.Move", on_delete=models.PROTECT, related_name="layers")
    date = models.DateField()
    quantity = models.DecimalField(**QTY_FIELD_KW)  # signed: in > 0, out < 0
    unit_cost = models.DecimalField(**AMOUNT_FIELD_KW)
    value = models.DecimalField(**AMOUNT_FIELD_KW)  # signed, company currency, rounded to its minor unit
    remaining_quantity = models.DecimalField(default=0, **QTY_FIELD_KW)
    remaining_value = models.DecimalField(default=0, **AMOUNT_FIELD_KW)
    entry_id = models.BigIntegerField(null=True, blank=True, help_text="accounting journal entry")
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["company", "product", "remaining_quantity"], name="inventory_layer_open"),
        ]
