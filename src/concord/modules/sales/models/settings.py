"""A company's sales settings and each product's invoicing policy."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager

__all__ = ["InvoicePolicy", "ProductSalesPolicy", "SalesSettings"]


class InvoicePolicy(models.TextChoices):
    ORDER = "order", _("Ordered quantities")
    DELIVERY = "delivery", _("Delivered quantities")


class SalesSettings(CompanyOwned):
    """How a company sells: default price list, quote validity, terms, invoicing and credit control."""

    objects: CompanyScopedManager[SalesSettings]  # typed view of the inherited managers
    all_companies: models.Manager[SalesSettings]

    default_pricelist = models.ForeignKey(
        "sales.Pricelist", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quote_validity_days = models.PositiveIntegerField(_("quotation validity (days)"), default=30)
    default_terms = models.TextField(_("default terms and conditions"), blank=True)
    auto_post_invoices = models.BooleanField(
        _("post invoices at once"),
        default=True,
        help_text=_("Invoices made from orders are posted; otherwise they stay drafts for accounting."),
    )
    credit_control = models.BooleanField(
        _("credit control"),
        default=False,
        help_text=_("Orders beyond the customer's credit limit wait for a manager's approval."),
    )
    policy_goods = models.CharField(
        _("invoice goods on"), max_length=10, choices=InvoicePolicy.choices, default=InvoicePolicy.DELIVERY
    )
    policy_services = models.CharField(
        _("invoice services on"), max_length=10, choices=InvoicePolicy.choices, default=InvoicePolicy.ORDER
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sales settings")
        verbose_name_plural = _("sales settings")
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                name="sales_settings_one_per_company",
                violation_error_message=_("A company has one set of sales settings."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Sales settings of %(company)s") % {"company": self.company_id})


class ProductSalesPolicy(CompanyOwned):
    """How one product is invoiced when sold: on order or on delivery (sales' own row beside it)."""

    objects: CompanyScopedManager[ProductSalesPolicy]  # typed view of the inherited managers
    all_companies: models.Manager[ProductSalesPolicy]

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    invoice_policy = models.CharField(_("invoice policy"), max_length=10, choices=InvoicePolicy.choices)

    class Meta:
        verbose_name = _("product invoice policy")
        verbose_name_plural = _("product invoice policies")
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                name="sales_product_policy_one_per_product",
                violation_error_message=_("A product has one invoice policy."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.invoice_policy}"
