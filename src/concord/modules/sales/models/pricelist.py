"""Price lists: what customers pay, per product, category or everything, from a quantity, for a while."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.core.money.fields import AMOUNT_FIELD_KW, CurrencyField

__all__ = ["CustomerPricing", "Pricelist", "PricelistItem"]


class Pricelist(CompanyOwned):
    """A named set of selling prices in one currency ("Retail THB", "Distributors USD")."""

    objects: CompanyScopedManager[Pricelist]  # typed view of the inherited managers
    all_companies: models.Manager[Pricelist]

    name = models.CharField(_("name"), max_length=120)
    currency = CurrencyField()
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"],
                name="sales_pricelist_name_unique",
                violation_error_message=_("Another price list of the company has this name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency})"


class PricelistItem(CompanyOwned):
    """One rule of a price list: for a product, a category or every product, from a minimum quantity,
    a fixed price (per product unit) or a discount off the product's sale price, within dates."""

    objects: CompanyScopedManager[PricelistItem]  # typed view of the inherited managers
    all_companies: models.Manager[PricelistItem]

    pricelist = models.ForeignKey(Pricelist, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    min_quantity = models.DecimalField(
        _("minimum quantity"),
        max_digits=20,
        decimal_places=6,
        default=0,
        help_text=_("In the product's unit."),
    )
    fixed_price = models.DecimalField(
        _("fixed price"), null=True, blank=True, help_text=_("Per product unit."), **AMOUNT_FIELD_KW
    )
    discount_percent = models.DecimalField(
        _("discount %"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Off the product's sale price, when there is no fixed price."),
    )
    date_start = models.DateField(_("valid from"), null=True, blank=True)
    date_end = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("price list rule")
        verbose_name_plural = _("price list rules")
        ordering = ["pricelist_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fixed_price__isnull=True) | models.Q(fixed_price__gte=0),
                name="sales_pricelist_item_price_not_negative",
                violation_error_message=_("A price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(discount_percent__isnull=True)
                | (models.Q(discount_percent__gte=0) & models.Q(discount_percent__lte=100)),
                name="sales_pricelist_item_discount_range",
                violation_error_message=_("The discount must be between 0 and 100%."),
            ),
            models.CheckConstraint(
                condition=models.Q(fixed_price__isnull=False) | models.Q(discount_percent__isnull=False),
                name="sales_pricelist_item_price_or_discount",
                violation_error_message=_("Give a fixed price or a discount."),
            ),
            models.CheckConstraint(
                condition=models.Q(min_quantity__gte=0),
                name="sales_pricelist_item_min_quantity",
                violation_error_message=_("The minimum quantity cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(date_start__isnull=True)
                | models.Q(date_end__isnull=True)
                | models.Q(date_end__gte=models.F("date_start")),
                name="sales_pricelist_item_dates_ordered",
                violation_error_message=_("A price cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pricelist_id}: {self.fixed_price if self.fixed_price is not None else self.discount_percent}"

    @property
    def applies_to(self) -> str:
        if self.product_id is not None:
            return "product"
        if self.category_id is not None:
            return "category"
        return "all"


class CustomerPricing(CompanyOwned):
    """Which price list a customer buys at (sales' own row beside the party)."""

    objects: CompanyScopedManager[CustomerPricing]  # typed view of the inherited managers
    all_companies: models.Manager[CustomerPricing]

    party = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="+")
    pricelist = models.ForeignKey(Pricelist, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("customer price list")
        verbose_name_plural = _("customer price lists")
        constraints = [
            models.UniqueConstraint(
                fields=["party"],
                name="sales_customer_pricing_one_per_party",
                violation_error_message=_("A customer has one price list."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_id} -> {self.pricelist_id}"
