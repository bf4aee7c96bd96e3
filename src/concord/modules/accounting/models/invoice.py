"""Customer invoices, vendor bills and their credit notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.core.money.fields import AMOUNT_FIELD_KW, RATE_FIELD_KW, CurrencyField

__all__ = ["Invoice", "InvoiceKind", "InvoiceLine", "InvoiceState"]


class InvoiceKind(models.TextChoices):
    CUSTOMER_INVOICE = "out_invoice", _("Customer invoice")
    CUSTOMER_CREDIT_NOTE = "out_refund", _("Customer credit note")
    VENDOR_BILL = "in_invoice", _("Vendor bill")
    VENDOR_CREDIT_NOTE = "in_refund", _("Vendor credit note")


class InvoiceState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")
    PARTIAL = "partial", _("Partially paid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Invoice(CompanyOwned):
    """An invoice, bill or credit note: what a partner owes us or we owe them, posted to the ledger."""

    objects: CompanyScopedManager[Invoice]  # typed view of the inherited managers
    all_companies: models.Manager[Invoice]

    kind = models.CharField(_("kind"), max_length=12, choices=InvoiceKind.choices)
    partner = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    journal = models.ForeignKey("accounting.Journal", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=40, blank=True, default="")
    date = models.DateField(_("date"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    payment_term = models.ForeignKey(
        "accounting.PaymentTerm", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    currency = CurrencyField()
    rate = models.DecimalField(_("exchange rate"), default=1, **RATE_FIELD_KW)
    state = models.CharField(
        _("state"), max_length=10, choices=InvoiceState.choices, default=InvoiceState.DRAFT
    )
    ref = models.CharField(
        _("reference"), max_length=100, blank=True, help_text=_("The partner's reference.")
    )
    narration = models.TextField(_("terms and notes"), blank=True)
    origin = models.CharField(_("source document"), max_length=80, blank=True)
    source_key = models.CharField(
        _("source key"),
        max_length=120,
        blank=True,
        help_text=_("Idempotency key of the module that made it."),
    )
    reversed_invoice = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    amount_untaxed = models.DecimalField(_("untaxed amount"), default=0, **AMOUNT_FIELD_KW)
    amount_tax = models.DecimalField(_("tax"), default=0, **AMOUNT_FIELD_KW)
    amount_total = models.DecimalField(_("total"), default=0, **AMOUNT_FIELD_KW)
    amount_total_company = models.DecimalField(_("total in company currency"), default=0, **AMOUNT_FIELD_KW)
    amount_residual = models.DecimalField(_("amount due"), default=0, **AMOUNT_FIELD_KW)
    entry = models.OneToOneField(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="invoice"
    )
    cancel_entry = models.OneToOneField(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "source_key"],
                condition=~models.Q(source_key=""),
                name="invoice_source_key_unique",
            ),
            models.UniqueConstraint(
                fields=["company", "journal", "number"],
                condition=~models.Q(number=""),
                name="invoice_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "partner", "state"], name="invoice_partner_state"),
            models.Index(fields=["company", "kind", "date"], name="invoice_kind_date"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft %(kind)s") % {"kind": self.get_kind_display()})

    @property
    def is_customer_side(self) -> bool:
        return self.kind in (InvoiceKind.CUSTOMER_INVOICE, InvoiceKind.CUSTOMER_CREDIT_NOTE)

    @property
    def is_credit_note(self) -> bool:
        return self.kind in (InvoiceKind.CUSTOMER_CREDIT_NOTE, InvoiceKind.VENDOR_CREDIT_NOTE)

    @property
    def is_draft(self) -> bool:
        return self.state == InvoiceState.DRAFT


class InvoiceLine(CompanyOwned):
    """A line of an invoice: a product or service, quantity, price, discount and taxes."""

    objects: CompanyScopedManager[InvoiceLine]  # typed view of the inherited managers
    all_companies: models.Manager[InvoiceLine]

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300)
    account = models.ForeignKey("accounting.Account", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=20, decimal_places=6, default=1)
    unit_price = models.DecimalField(_("unit price"), **AMOUNT_FIELD_KW)
    discount_percent = models.DecimalField(_("discount %"), max_digits=7, decimal_places=4, default=0)
    taxes = models.ManyToManyField("accounting.Tax", blank=True, related_name="+")
    price_subtotal = models.DecimalField(_("subtotal"), default=0, **AMOUNT_FIELD_KW)
    price_total = models.DecimalField(_("total"), default=0, **AMOUNT_FIELD_KW)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "sequence", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0, discount_percent__lte=100),
                name="line_discount_range",
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="invoice_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return self.description
