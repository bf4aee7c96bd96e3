from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned
from concord.core.money.fields import AMOUNT_FIELD_KW, CurrencyField
from concord.core.money.money import Money
from concord.modules.catalog.validation import (
    PRODUCT_IMAGE_EXTENSIONS,
    validate_barcode,
    validate_image_size,
)

__all__ = ["Product", "ProductKind"]

DUPLICATE_REF = "duplicate_internal_ref"
DUPLICATE_BARCODE = "duplicate_barcode"
NEGATIVE_SALE_PRICE = "negative_sale_price"
NEGATIVE_PURCHASE_PRICE = "negative_purchase_price"
BARCODE_DIGITS = "barcode_digits"
# Constraint errors that concern one field: shown on that field, not above the form.
_CONSTRAINT_FIELDS = {
    DUPLICATE_REF: "internal_ref",
    DUPLICATE_BARCODE: "barcode",
    NEGATIVE_SALE_PRICE: "sale_price",
    NEGATIVE_PURCHASE_PRICE: "purchase_price",
    BARCODE_DIGITS: "barcode",
}


class ProductKind(models.TextChoices):
    """What a product is: stocked goods, a service, or a consumable that is bought but not tracked."""

    GOODS = "goods", _("Goods")
    SERVICE = "service", _("Service")
    CONSUMABLE = "consumable", _("Consumable")


class Product(CompanyOwned):
    """Something a company sells or buys: the one record sales, stock, purchasing and manufacturing share."""

    kind = models.CharField(_("kind"), max_length=12, choices=ProductKind.choices, default=ProductKind.GOODS)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    internal_ref = models.CharField(
        _("internal reference"),
        max_length=40,
        blank=True,
        help_text=_("Your own code for the product (SKU), unique in the company."),
    )
    barcode = models.CharField(
        _("barcode"),
        max_length=14,
        blank=True,
        validators=[validate_barcode],
        help_text=_("EAN-13, EAN-8 or UPC-A, unique in the company."),
    )
    category = models.ForeignKey(
        "catalog.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("category"),
    )
    uom = models.ForeignKey(
        "catalog.Uom",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("The unit it is sold and stocked in."),
    )
    purchase_uom = models.ForeignKey(
        "catalog.Uom",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("purchase unit"),
        help_text=_("The unit suppliers sell it in; same kind as the unit (a box of 12 for pieces)."),
    )
    sale_price = models.DecimalField(_("sale price"), default=0, **AMOUNT_FIELD_KW)
    sale_currency = CurrencyField(_("sale currency"))
    purchase_price = models.DecimalField(
        _("cost"), default=0, help_text=_("Purchase price per purchase unit."), **AMOUNT_FIELD_KW
    )
    purchase_currency = CurrencyField(_("purchase currency"))
    image = models.ImageField(
        _("image"),
        upload_to="products/",
        blank=True,
        validators=[FileExtensionValidator(list(PRODUCT_IMAGE_EXTENSIONS)), validate_image_size],
    )
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Archived when unticked."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["company", "name"], name="catalog_product_company_name"),
            models.Index(fields=["company", "is_active", "kind"], name="catalog_product_active_kind"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "internal_ref"],
                condition=~models.Q(internal_ref=""),
                name="catalog_product_ref_unique_per_company",
                violation_error_message=_(
                    "Another product of this company already has this internal reference."
                ),
                violation_error_code=DUPLICATE_REF,
            ),
            models.UniqueConstraint(
                fields=["company", "barcode"],
                condition=~models.Q(barcode=""),
                name="catalog_product_barcode_unique_per_company",
                violation_error_message=_("Another product of this company already has this barcode."),
                violation_error_code=DUPLICATE_BARCODE,
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ProductKind.values),
                name="catalog_product_kind_valid",
                violation_error_message=_("A product is goods, a service or a consumable."),
            ),
            models.CheckConstraint(
                condition=models.Q(sale_price__gte=0),
                name="catalog_product_sale_price_not_negative",
                violation_error_message=_("The sale price cannot be negative."),
                violation_error_code=NEGATIVE_SALE_PRICE,
            ),
            models.CheckConstraint(
                condition=models.Q(purchase_price__gte=0),
                name="catalog_product_purchase_price_not_negative",
                violation_error_message=_("The cost cannot be negative."),
                violation_error_code=NEGATIVE_PURCHASE_PRICE,
            ),
            models.CheckConstraint(
                condition=models.Q(barcode="") | models.Q(barcode__regex=r"^([0-9]{8}|[0-9]{12}|[0-9]{13})$"),
                name="catalog_product_barcode_digits",
                violation_error_message=_("A barcode has 8, 12 or 13 digits."),
                violation_error_code=BARCODE_DIGITS,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def sale_price_money(self) -> Money:
        return Money(self.sale_price, self.sale_currency)

    @property
    def purchase_price_money(self) -> Money:
        return Money(self.purchase_price, self.purchase_currency)

    def clean(self) -> None:
        """Rules across rows the database cannot hold: units of one kind, records of one company."""
        errors: dict[str, list[Any]] = {}
        uom = self.uom if self.uom_id else None
        purchase_uom = self.purchase_uom if self.purchase_uom_id else None
        for field, unit in (("uom", uom), ("purchase_uom", purchase_uom)):
            if unit is not None and unit.company_id not in (None, self.company_id):
                errors.setdefault(field, []).append(_("This unit belongs to another company."))
        if uom is not None and purchase_uom is not None and uom.category_id != purchase_uom.category_id:
            errors.setdefault("purchase_uom", []).append(
                _("The purchase unit must measure the same kind of quantity as the unit (%(category)s).")
                % {"category": uom.category}
            )
        if self.category_id and self.category is not None and self.category.company_id != self.company_id:
            errors.setdefault("category", []).append(_("This category belongs to another company."))
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude: Any = None) -> None:
        """As Django's, but a duplicate reference or barcode is reported on its field."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            errors: dict[str, list[ValidationError]] = {}
            for field, messages in exc.error_dict.items():
                for error in messages:
                    target = (
                        _CONSTRAINT_FIELDS.get(str(error.code), field) if field == NON_FIELD_ERRORS else field
                    )
                    errors.setdefault(target, []).append(error)
            raise ValidationError(errors) from exc
