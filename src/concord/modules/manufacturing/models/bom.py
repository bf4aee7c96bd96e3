"""Bills of materials: what a product is made of, and how much of each component one batch takes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager

__all__ = ["QTY_FIELD_KW", "BillOfMaterials", "BomKind", "BomLine"]

# Quantities as inventory keeps them: 18 digits with 4 decimals.
QTY_FIELD_KW: dict[str, Any] = {"max_digits": 18, "decimal_places": 4}


class BomKind(models.TextChoices):
    NORMAL = "normal", _("Manufacture this product")
    KIT = "kit", _("Kit (exploded into its components)")


class BillOfMaterials(CompanyOwned):
    """A bill of materials: the components that make ``quantity`` of a product."""

    objects: CompanyScopedManager[BillOfMaterials]  # typed view of the inherited managers
    all_companies: models.Manager[BillOfMaterials]

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    code = models.CharField(_("reference"), max_length=40, blank=True)
    kind = models.CharField(_("type"), max_length=8, choices=BomKind.choices, default=BomKind.NORMAL)
    quantity = models.DecimalField(_("quantity produced"), default=1, **QTY_FIELD_KW)
    uom = models.ForeignKey("catalog.Uom", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    is_active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bill of materials")
        verbose_name_plural = _("bills of materials")
        ordering = ["product__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="manufacturing_bom_quantity_positive",
                violation_error_message=_("A bill of materials must produce more than zero."),
            ),
            # One active BOM per product: explosion and the order form never have to choose.
            models.UniqueConstraint(
                fields=["company", "product"],
                condition=Q(is_active=True),
                name="manufacturing_bom_one_active_per_product",
                violation_error_message=_("This product already has an active bill of materials."),
            ),
        ]

    def __str__(self) -> str:
        product = self.product.name if self.product_id else ""
        return f"{self.code} · {product}" if self.code else product


class BomLine(CompanyOwned):
    """A component line of a bill of materials: how much of one product a batch takes."""

    objects: CompanyScopedManager[BomLine]  # typed view of the inherited managers
    all_companies: models.Manager[BomLine]

    bom = models.ForeignKey(BillOfMaterials, on_delete=models.CASCADE, related_name="lines")
    sequence = models.PositiveIntegerField(default=0)
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("component")
    )
    quantity = models.DecimalField(_("quantity"), **QTY_FIELD_KW)
    uom = models.ForeignKey("catalog.Uom", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))

    class Meta:
        verbose_name = _("component line")
        verbose_name_plural = _("component lines")
        ordering = ["bom_id", "sequence", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="manufacturing_bomline_quantity_positive",
                violation_error_message=_("A component quantity must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity.normalize():f} x {self.product}"
