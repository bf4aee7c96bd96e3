from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["GLOBAL_UOM_NAMES", "Uom", "UomCategory", "UomCategoryCode"]


class UomCategoryCode(models.TextChoices):
    """The kinds of quantity a unit measures; units convert only within one kind."""

    UNIT = "unit", _("Units")
    WEIGHT = "weight", _("Weight")
    VOLUME = "volume", _("Volume")
    LENGTH = "length", _("Length")
    TIME = "time", _("Time")


class UomCategory(models.Model):
    """A kind of quantity (count, weight, volume, length, time): shared reference data of every company."""

    code = models.CharField(_("code"), max_length=20, unique=True, choices=UomCategoryCode.choices)

    class Meta:
        verbose_name = _("unit category")
        verbose_name_plural = _("unit categories")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(UomCategoryCode(self.code).label) if self.code in UomCategoryCode.values else self.code


# The seeded units' names, translated on display; a company's own units show the name it typed.
GLOBAL_UOM_NAMES: dict[str, Any] = {
    "pc": _("Piece"),
    "dozen": _("Dozen"),
    "box12": _("Box of 12"),
    "kg": _("Kilogram"),
    "g": _("Gram"),
    "l": _("Litre"),
    "ml": _("Millilitre"),
    "m": _("Metre"),
    "cm": _("Centimetre"),
    "h": _("Hour"),
}


class Uom(models.Model):
    """A unit of measure (piece, box of 12, kg): how many of its category's reference unit one of it is.

    Units without a company are the shared, seeded ones; a company may add its own ("box of 24"),
    which only it sees. The reference unit of a category (ratio 1) is always a shared one.
    """

    company = models.ForeignKey(
        "identity.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("company"),
        help_text=_("Empty for the units every company shares."),
    )
    category = models.ForeignKey(
        UomCategory, on_delete=models.PROTECT, related_name="units", verbose_name=_("category")
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("Short code used in imports, e.g. box24"))
    name = models.CharField(_("name"), max_length=80)
    ratio = models.DecimalField(
        _("ratio"),
        max_digits=20,
        decimal_places=10,
        help_text=_(
            "How many reference units one of this unit is: 12 for a box of 12 pieces, 0.001 for a gram."
        ),
    )
    rounding = models.DecimalField(
        _("rounding precision"),
        max_digits=20,
        decimal_places=10,
        default=1,
        help_text=_(
            "Quantities in this unit are rounded to a multiple of it: 1 for whole pieces, 0.001 for grams of a kilo."
        ),
    )
    is_reference = models.BooleanField(_("reference unit"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit of measure")
        verbose_name_plural = _("units of measure")
        ordering = ["category", "ratio", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(company__isnull=True),
                name="catalog_uom_shared_code_unique",
                violation_error_message=_("A shared unit with this code already exists."),
            ),
            models.UniqueConstraint(
                fields=["company", "code"],
                name="catalog_uom_code_unique_per_company",
                violation_error_message=_("This company already has a unit with this code."),
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(is_reference=True),
                name="catalog_uom_one_reference_per_category",
                violation_error_message=_("A unit category has exactly one reference unit."),
            ),
            models.CheckConstraint(
                condition=models.Q(ratio__gt=0),
                name="catalog_uom_ratio_positive",
                violation_error_message=_("The ratio must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=models.Q(rounding__gt=0),
                name="catalog_uom_rounding_positive",
                violation_error_message=_("The rounding precision must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=models.Q(is_reference=False) | (models.Q(ratio=1) & models.Q(company__isnull=True)),
                name="catalog_uom_reference_is_shared_with_ratio_one",
                violation_error_message=_("A reference unit is a shared unit with ratio 1."),
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Za-z0-9_.-]+$"),
                name="catalog_uom_code_format",
                violation_error_message=_("A unit code uses letters, digits, dot, dash or underscore only."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.display_name)

    @property
    def display_name(self) -> Any:
        if self.company_id is None and self.code in GLOBAL_UOM_NAMES:
            return GLOBAL_UOM_NAMES[self.code]
        return self.name
