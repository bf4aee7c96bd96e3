"""Manufacturing orders: make a quantity of a product from its bill of materials."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.core.money.fields import AMOUNT_FIELD_KW
from concord.modules.manufacturing.models.bom import QTY_FIELD_KW

__all__ = ["ManufacturingOrder", "OrderComponent", "OrderState"]


class OrderState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ManufacturingOrder(CompanyOwned):
    """A manufacturing order: produce a quantity of a product, consuming the components of its BOM."""

    objects: CompanyScopedManager[ManufacturingOrder]  # typed view of the inherited managers
    all_companies: models.Manager[ManufacturingOrder]

    number = models.CharField(_("number"), max_length=40)
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    bom = models.ForeignKey(
        "manufacturing.BillOfMaterials",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("bill of materials"),
    )
    quantity = models.DecimalField(_("quantity"), **QTY_FIELD_KW)  # in the product's unit
    quantity_produced = models.DecimalField(_("produced"), default=0, **QTY_FIELD_KW)
    planned_date = models.DateField(_("planned date"))
    state = models.CharField(_("status"), max_length=10, choices=OrderState.choices, default=OrderState.DRAFT)
    # Inventory's transfers, by id through its facade (their rows belong to inventory).
    consume_transfer_id = models.PositiveBigIntegerField(_("components transfer"), null=True, blank=True)
    produce_transfer_id = models.PositiveBigIntegerField(_("finished goods transfer"), null=True, blank=True)
    value = models.DecimalField(_("value"), default=0, **AMOUNT_FIELD_KW)  # company currency, set when done
    backorder_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="backorders",
        verbose_name=_("backorder of"),
    )
    origin = models.CharField(_("source document"), max_length=80, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("manufacturing order")
        verbose_name_plural = _("manufacturing orders")
        ordering = ["-planned_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="manufacturing_order_quantity_positive",
                violation_error_message=_("The quantity to produce must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(quantity_produced__gte=0) & Q(quantity_produced__lte=models.F("quantity")),
                name="manufacturing_order_produced_within_quantity",
                violation_error_message=_("An order cannot produce more than its quantity."),
            ),
            models.UniqueConstraint(
                fields=["company", "number"],
                name="manufacturing_order_unique_number",
                violation_error_message=_("A manufacturing order with this number already exists."),
            ),
        ]
        indexes = [models.Index(fields=["company", "state"], name="manufacturing_order_state")]

    def __str__(self) -> str:
        return self.number

    @property
    def source_key(self) -> str:
        """What inventory knows this order by: makes its transfers idempotent."""
        return f"manufacturing.order:{self.pk}"


class OrderComponent(CompanyOwned):
    """A component an order consumes: the BOM exploded for the order's quantity, in the product's unit."""

    objects: CompanyScopedManager[OrderComponent]  # typed view of the inherited managers
    all_companies: models.Manager[OrderComponent]

    order = models.ForeignKey(ManufacturingOrder, on_delete=models.CASCADE, related_name="components")
    sequence = models.PositiveIntegerField(default=0)
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("component")
    )
    quantity = models.DecimalField(_("quantity"), **QTY_FIELD_KW)
    quantity_consumed = models.DecimalField(_("consumed"), default=0, **QTY_FIELD_KW)
    # The sub-assembly's BOM when the component is made here too (a normal BOM, consumed from stock).
    sub_bom = models.ForeignKey(
        "manufacturing.BillOfMaterials", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("order component")
        verbose_name_plural = _("order components")
        ordering = ["order_id", "sequence", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="manufacturing_component_quantity_positive",
                violation_error_message=_("A component quantity must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity.normalize():f} x {self.product}"

    @property
    def origin_key(self) -> str:
        """The line reference inventory's moves carry for this component."""
        return f"manufacturing.component:{self.pk}"
