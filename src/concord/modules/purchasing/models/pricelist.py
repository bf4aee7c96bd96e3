"""Vendor price lists."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager
from concord.core.money.fields import AMOUNT_FIELD_KW, CurrencyField

__all__ = ["VendorPrice"]


class VendorPrice(CompanyOwned):
    """What a vendor charges for a product from a minimum quantity, in a validity window, with its lead time."""

    objects: CompanyScopedManager[VendorPrice]  # typed view of the inherited managers
    all_companies: models.Manager[VendorPrice]

    vendor = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    vendor_product_code = models.CharField(_("vendor product code"), max_length=60, blank=True)
    vendor_product_name = models.CharField(_("vendor product name"), max_length=200, blank=True)
    min_quantity = models.DecimalField(
        _("minimum quantity"),
        max_digits=20,
        decimal_places=6,
        default=0,
        help_text=_("In the product's unit."),
    )
    price = models.DecimalField(_("price"), help_text=_("Per product unit."), **AMOUNT_FIELD_KW)
    currency = CurrencyField()
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), default=0)
    date_start = models.DateField(_("valid from"), null=True, blank=True)
    date_end = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("vendor price")
        verbose_name_plural = _("vendor prices")
        ordering = ["product_id", "vendor_id", "min_quantity", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0),
                name="vendor_price_not_negative",
                violation_error_message=_("A price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(min_quantity__gte=0),
                name="vendor_price_min_quantity_not_negative",
                violation_error_message=_("The minimum quantity cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(date_start__isnull=True)
                | models.Q(date_end__isnull=True)
                | models.Q(date_end__gte=models.F("date_start")),
                name="vendor_price_dates_ordered",
                violation_error_message=_("A price cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["company", "product", "vendor"], name="vendor_price_product")]

    def __str__(self) -> str:
        return f"{self.vendor_product_code or self.product_id} @ {self.price} {self.currency}"
