"""Taxes (VAT, withholding tax), products' default taxes and payment terms."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.core.money.fields import AMOUNT_FIELD_KW

__all__ = [
    "IncomeType",
    "PaymentTerm",
    "ProductTax",
    "Tax",
    "TaxAmountType",
    "TaxKind",
    "TaxScope",
]


class TaxKind(models.TextChoices):
    VAT = "vat", _("VAT")
    WHT = "wht", _("Withholding tax")
    OTHER = "other", _("Other")


class TaxAmountType(models.TextChoices):
    PERCENT = "percent", _("Percentage")
    FIXED = "fixed", _("Fixed amount per unit")
    GROUP = "group", _("Group of taxes")


class TaxScope(models.TextChoices):
    SALE = "sale", _("Sales")
    PURCHASE = "purchase", _("Purchases")
    BOTH = "both", _("Sales and purchases")


class IncomeType(models.TextChoices):
    """The kinds of income Thai withholding tax rates depend on."""

    NONE = "", _("Not withholding")
    TRANSPORT = "transport", _("Transport")
    ADVERTISING = "advertising", _("Advertising")
    SERVICES = "services", _("Services")
    PROFESSIONAL_FEES = "professional_fees", _("Professional fees")
    RENT = "rent", _("Rent")
    PRIZES = "prizes", _("Prizes")
    OTHER = "other", _("Other income")


class Tax(CompanyOwned):
    """A tax a document line or payment can carry: VAT 7%, withholding 3% on services, a fixed duty."""

    objects: CompanyScopedManager[Tax]  # typed view of the inherited managers
    all_companies: models.Manager[Tax]

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=TaxKind.choices, default=TaxKind.VAT)
    amount_type = models.CharField(
        _("computation"), max_length=8, choices=TaxAmountType.choices, default=TaxAmountType.PERCENT
    )
    amount = models.DecimalField(_("rate or amount"), **AMOUNT_FIELD_KW)
    price_include = models.BooleanField(_("included in price"), default=False)
    scope = models.CharField(_("used on"), max_length=8, choices=TaxScope.choices, default=TaxScope.BOTH)
    sale_account = models.ForeignKey(
        "accounting.Account",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account on sales"),
    )
    purchase_account = models.ForeignKey(
        "accounting.Account",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account on purchases"),
    )
    income_type = models.CharField(
        _("income type"), max_length=20, choices=IncomeType.choices, blank=True, default=""
    )
    children = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="groups", verbose_name=_("taxes of the group")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("tax")
        verbose_name_plural = _("taxes")
        ordering = ["company", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "code"],
                name="tax_code_unique",
                violation_error_message=_("Another tax of the company has this code."),
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="tax_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class ProductTax(CompanyOwned):
    """A tax a product's document lines get by default."""

    objects: CompanyScopedManager[ProductTax]  # typed view of the inherited managers
    all_companies: models.Manager[ProductTax]

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    tax = models.ForeignKey(Tax, on_delete=models.CASCADE, related_name="product_links")

    class Meta:
        verbose_name = _("product tax")
        verbose_name_plural = _("product taxes")
        constraints = [models.UniqueConstraint(fields=["product", "tax"], name="product_tax_unique")]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.tax_id}"


class PaymentTerm(CompanyOwned):
    """When an invoice falls due: N days after its date, optionally counted from the end of that month."""

    objects: CompanyScopedManager[PaymentTerm]  # typed view of the inherited managers
    all_companies: models.Manager[PaymentTerm]

    name = models.CharField(_("name"), max_length=60)
    days = models.PositiveIntegerField(_("days"), default=0)
    end_of_month = models.BooleanField(_("from the end of the month"), default=False)

    class Meta:
        verbose_name = _("payment term")
        verbose_name_plural = _("payment terms")
        ordering = ["company", "days"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="payment_term_name_unique")]

    def __str__(self) -> str:
        return self.name
