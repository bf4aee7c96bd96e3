"""Requests for quotation and purchase orders, their lines, and the reorder requests merged into them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.core.money.fields import AMOUNT_FIELD_KW, RATE_FIELD_KW, CurrencyField, DecimalFieldSize

__all__ = ["OrderState", "PurchaseOrder", "PurchaseOrderLine", "ReorderRequest"]

_QUANTITY_KW = DecimalFieldSize(max_digits=20, decimal_places=6)


class OrderState(models.TextChoices):
    RFQ = "rfq", _("Request for quotation")
    SENT = "sent", _("RFQ sent")
    TO_APPROVE = "to_approve", _("To approve")
    PURCHASE = "purchase", _("Purchase order")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PurchaseOrder(CompanyOwned):
    """A request for quotation that, once confirmed, is the order placed with a vendor."""

    objects: CompanyScopedManager[PurchaseOrder]  # typed view of the inherited managers
    all_companies: models.Manager[PurchaseOrder]

    number = models.CharField(_("number"), max_length=40)
    vendor = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=OrderState.choices, default=OrderState.RFQ)
    order_date = models.DateField(_("order date"))
    currency = CurrencyField()
    rate = models.DecimalField(
        _("exchange rate"),
        default=1,
        help_text=_("Company currency per unit, at confirmation."),
        **RATE_FIELD_KW,
    )
    vendor_ref = models.CharField(_("vendor reference"), max_length=100, blank=True)
    notes = models.TextField(_("terms and notes"), blank=True)
    origin = models.CharField(_("source document"), max_length=120, blank=True)
    from_reorder = models.BooleanField(
        _("from reordering"),
        default=False,
        help_text=_("Drafted by a reorder rule; new needs merge into it."),
    )
    amount_untaxed = models.DecimalField(_("untaxed amount"), default=0, **AMOUNT_FIELD_KW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-order_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"],
                name="purchase_order_number_unique",
                violation_error_message=_("This order number is already used."),
            ),
        ]
        indexes = [
            models.Index(fields=["company", "vendor", "state"], name="purchase_order_vendor_state"),
            models.Index(fields=["company", "state", "order_date"], name="purchase_order_state_date"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_editable(self) -> bool:
        return self.state in (OrderState.RFQ, OrderState.SENT)

    @property
    def is_rfq(self) -> bool:
        return self.state in (OrderState.RFQ, OrderState.SENT, OrderState.TO_APPROVE)

    @property
    def source_key(self) -> str:
        """The key of the receipts made for this order (inventory's idempotency key)."""
        return f"purchasing.order:{self.pk}"


class PurchaseOrderLine(CompanyOwned):
    """A line of a purchase order: a product, how many in which unit, at what price, and when expected."""

    objects: CompanyScopedManager[PurchaseOrderLine]  # typed view of the inherited managers
    all_companies: models.Manager[PurchaseOrderLine]

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    product_kind = models.CharField(
        _("product kind"), max_length=12, help_text=_("Goods, service, consumable.")
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), **_QUANTITY_KW)
    uom = models.ForeignKey("catalog.Uom", on_delete=models.PROTECT, related_name="+")
    product_quantity = models.DecimalField(
        _("quantity in the product's unit"), help_text=_("What the receipt expects."), **_QUANTITY_KW
    )
    unit_price = models.DecimalField(_("unit price"), help_text=_("Per the line's unit."), **AMOUNT_FIELD_KW)
    discount_percent = models.DecimalField(_("discount %"), max_digits=7, decimal_places=4, default=0)
    tax_ids = models.JSONField(
        _("taxes"),
        null=True,
        blank=True,
        help_text=_("Accounting tax ids for the bill; empty: the defaults."),
    )
    planned_date = models.DateField(_("expected on"))
    price_subtotal = models.DecimalField(_("subtotal"), default=0, **AMOUNT_FIELD_KW)
    billed_quantity = models.DecimalField(
        _("billed quantity"), default=0, help_text=_("In the line's unit."), **_QUANTITY_KW
    )

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["order_id", "sequence", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0),
                name="purchase_line_quantity_positive",
                violation_error_message=_("The quantity must be more than zero."),
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0),
                name="purchase_line_price_not_negative",
                violation_error_message=_("The unit price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0) & models.Q(discount_percent__lte=100),
                name="purchase_line_discount_range",
                violation_error_message=_("The discount must be between 0 and 100%."),
            ),
            models.CheckConstraint(
                condition=models.Q(billed_quantity__gte=0),
                name="purchase_line_billed_not_negative",
                violation_error_message=_("The billed quantity cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_stocked(self) -> bool:
        return self.product_kind == "goods"

    @property
    def origin_key(self) -> str:
        """This line's reference on stock moves (inventory's ``origin_key``)."""
        return f"purchasing.line:{self.pk}"


class ReorderRequest(CompanyOwned):
    """A reorder event already merged into an RFQ: a redelivered event finds it and changes nothing."""

    objects: CompanyScopedManager[ReorderRequest]  # typed view of the inherited managers
    all_companies: models.Manager[ReorderRequest]

    event_uuid = models.CharField(_("event"), max_length=64)
    rule_id = models.PositiveBigIntegerField(_("reorder rule"))
    order_line = models.ForeignKey(
        PurchaseOrderLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quantity = models.DecimalField(_("quantity to order"), **_QUANTITY_KW)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reorder request")
        verbose_name_plural = _("reorder requests")
        constraints = [
            models.UniqueConstraint(
                fields=["event_uuid"],
                name="reorder_request_event_unique",
                violation_error_message=_("This reorder event was already applied."),
            ),
        ]

    def __str__(self) -> str:
        return self.event_uuid
