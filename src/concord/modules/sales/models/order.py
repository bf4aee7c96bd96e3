"""Quotations and sales orders (one document), their lines, and the invoices raised from them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.core.money.fields import AMOUNT_FIELD_KW, RATE_FIELD_KW, CurrencyField, DecimalFieldSize

__all__ = [
    "InvoiceStatus",
    "OrderState",
    "PaymentStatus",
    "SaleInvoice",
    "SaleInvoiceLine",
    "SaleOrder",
    "SaleOrderLine",
    "new_access_token",
]

_QUANTITY_KW = DecimalFieldSize(max_digits=20, decimal_places=6)


def new_access_token() -> str:
    """The random token of a quotation's public link (``/sales/q/<token>/``)."""
    return secrets.token_urlsafe(24)


class OrderState(models.TextChoices):
    DRAFT = "draft", _("Quotation")
    SENT = "sent", _("Quotation sent")
    TO_APPROVE = "to_approve", _("To approve")
    SALE = "sale", _("Sales order")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class InvoiceStatus(models.TextChoices):
    NOTHING = "nothing", _("Nothing to invoice")
    TO_INVOICE = "to_invoice", _("To invoice")
    PARTLY = "partly", _("Partly invoiced")
    INVOICED = "invoiced", _("Fully invoiced")


class PaymentStatus(models.TextChoices):
    NOT_PAID = "not_paid", _("Not paid")
    PARTLY = "partly", _("Partly paid")
    PAID = "paid", _("Paid")


class SaleOrder(CompanyOwned):
    """A quotation to a customer that, once confirmed, is the sales order: stock reserved, invoices raised."""

    objects: CompanyScopedManager[SaleOrder]  # typed view of the inherited managers
    all_companies: models.Manager[SaleOrder]

    number = models.CharField(_("quotation number"), max_length=40)
    order_number = models.CharField(_("order number"), max_length=40, blank=True, default="")
    partner = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=OrderState.choices, default=OrderState.DRAFT)
    quote_date = models.DateField(_("quotation date"))
    validity_date = models.DateField(_("valid until"), null=True, blank=True)
    currency = CurrencyField()
    rate = models.DecimalField(
        _("exchange rate"),
        default=1,
        help_text=_("Company currency per unit, at confirmation."),
        **RATE_FIELD_KW,
    )
    pricelist = models.ForeignKey(
        "sales.Pricelist", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opportunity = models.ForeignKey(
        "crm.Opportunity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    customer_ref = models.CharField(_("customer reference"), max_length=100, blank=True)
    terms = models.TextField(_("terms and conditions"), blank=True)
    amount_untaxed = models.DecimalField(_("untaxed amount"), default=0, **AMOUNT_FIELD_KW)
    amount_tax = models.DecimalField(_("tax"), default=0, **AMOUNT_FIELD_KW)
    amount_total = models.DecimalField(_("total"), default=0, **AMOUNT_FIELD_KW)
    amount_total_company = models.DecimalField(
        _("total in company currency"), default=0, help_text=_("At confirmation."), **AMOUNT_FIELD_KW
    )
    invoice_status = models.CharField(
        _("invoicing"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.NOTHING
    )
    payment_status = models.CharField(
        _("payment"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.NOT_PAID
    )
    allow_backorder = models.BooleanField(_("deliver what is in stock, the rest later"), default=False)
    access_token = models.CharField(_("access token"), max_length=64, default=new_access_token)
    signed_by = models.CharField(_("accepted by"), max_length=120, blank=True)
    signed_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    cancel_reason = models.CharField(_("why it was cancelled"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        ordering = ["-quote_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"],
                name="sales_quote_number_unique",
                violation_error_message=_("This quotation number is already used."),
            ),
            models.UniqueConstraint(
                fields=["company", "order_number"],
                condition=~models.Q(order_number=""),
                name="sales_order_number_unique",
                violation_error_message=_("This order number is already used."),
            ),
            models.UniqueConstraint(
                fields=["access_token"],
                name="sales_order_access_token_unique",
                violation_error_message=_("This access token is already used."),
            ),
        ]
        indexes = [
            models.Index(fields=["company", "partner", "state"], name="sales_order_partner_state"),
            models.Index(fields=["company", "state", "quote_date"], name="sales_order_state_date"),
            models.Index(fields=["company", "confirmed_at"], name="sales_order_confirmed"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("sales:order-detail", kwargs={"pk": self.pk})

    def __str__(self) -> str:
        return self.order_number or self.number

    @property
    def is_quotation(self) -> bool:
        return self.state in (OrderState.DRAFT, OrderState.SENT, OrderState.TO_APPROVE)

    @property
    def is_editable(self) -> bool:
        return self.state in (OrderState.DRAFT, OrderState.SENT)

    @property
    def is_order(self) -> bool:
        return self.state in (OrderState.SALE, OrderState.DONE)

    @property
    def source_key(self) -> str:
        """The key of what other modules make for this order (deliveries, invoices)."""
        return f"sales.order:{self.pk}"


class SaleOrderLine(CompanyOwned):
    """A line of a quotation or order: a product, how many in which unit, at what price, with which taxes."""

    objects: CompanyScopedManager[SaleOrderLine]  # typed view of the inherited managers
    all_companies: models.Manager[SaleOrderLine]

    order = models.ForeignKey(SaleOrder, on_delete=models.CASCADE, related_name="lines")
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    product_kind = models.CharField(_("product kind"), max_length=12)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), **_QUANTITY_KW)
    uom = models.ForeignKey("catalog.Uom", on_delete=models.PROTECT, related_name="+")
    product_quantity = models.DecimalField(_("quantity in the product's unit"), **_QUANTITY_KW)
    unit_price = models.DecimalField(_("unit price"), help_text=_("Per the line's unit."), **AMOUNT_FIELD_KW)
    discount_percent = models.DecimalField(_("discount %"), max_digits=7, decimal_places=4, default=0)
    tax_ids = models.JSONField(_("taxes"), default=list, blank=True)
    is_optional = models.BooleanField(
        _("optional"), default=False, help_text=_("Shown on the quotation, not counted unless chosen.")
    )
    is_selected = models.BooleanField(_("chosen"), default=False, help_text=_("An optional line taken."))
    invoice_policy = models.CharField(_("invoice policy"), max_length=10, default="order")
    price_subtotal = models.DecimalField(_("subtotal"), default=0, **AMOUNT_FIELD_KW)
    price_tax = models.DecimalField(_("tax"), default=0, **AMOUNT_FIELD_KW)
    price_total = models.DecimalField(_("total"), default=0, **AMOUNT_FIELD_KW)
    delivered_quantity = models.DecimalField(
        _("delivered quantity"), default=0, help_text=_("In the line's unit."), **_QUANTITY_KW
    )
    invoiced_quantity = models.DecimalField(
        _("invoiced quantity"), default=0, help_text=_("In the line's unit."), **_QUANTITY_KW
    )

    class Meta:
        verbose_name = _("sales order line")
        verbose_name_plural = _("sales order lines")
        ordering = ["order_id", "sequence", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0),
                name="sales_line_quantity_positive",
                violation_error_message=_("The quantity must be more than zero."),
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0),
                name="sales_line_price_not_negative",
                violation_error_message=_("The unit price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0) & models.Q(discount_percent__lte=100),
                name="sales_line_discount_range",
                violation_error_message=_("The discount must be between 0 and 100%."),
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_counted(self) -> bool:
        """Counted in the totals and ordered: every line but an optional one not chosen."""
        return not self.is_optional or self.is_selected

    @property
    def is_stocked(self) -> bool:
        return self.product_kind == "goods"

    @property
    def origin_key(self) -> str:
        """This line's reference on stock moves (inventory's ``origin_key``)."""
        return f"sales.line:{self.pk}"


class SaleInvoice(CompanyOwned):
    """A customer invoice raised in accounting from an order (at confirmation, per delivery, or by hand)."""

    objects: CompanyScopedManager[SaleInvoice]  # typed view of the inherited managers
    all_companies: models.Manager[SaleInvoice]

    order = models.ForeignKey(SaleOrder, on_delete=models.PROTECT, related_name="invoices")
    invoice_id = models.PositiveBigIntegerField(_("invoice"))
    source_key = models.CharField(_("source key"), max_length=120)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sales invoice")
        verbose_name_plural = _("sales invoices")
        ordering = ["order_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "source_key"],
                name="sales_invoice_source_key_unique",
                violation_error_message=_("This invoice was already recorded."),
            ),
        ]

    def __str__(self) -> str:
        return self.source_key


class SaleInvoiceLine(CompanyOwned):
    """How much of an order line one invoice charged (in the order line's unit)."""

    objects: CompanyScopedManager[SaleInvoiceLine]  # typed view of the inherited managers
    all_companies: models.Manager[SaleInvoiceLine]

    invoice = models.ForeignKey(SaleInvoice, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(SaleOrderLine, on_delete=models.PROTECT, related_name="invoice_lines")
    quantity = models.DecimalField(_("quantity"), **_QUANTITY_KW)

    class Meta:
        verbose_name = _("sales invoice line")
        verbose_name_plural = _("sales invoice lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0),
                name="sales_invoice_line_quantity_positive",
                violation_error_message=_("An invoiced quantity must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id}: {self.quantity}"
