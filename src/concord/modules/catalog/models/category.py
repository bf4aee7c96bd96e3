from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned

__all__ = ["CATEGORY_PATH_SEPARATOR", "Category"]

CATEGORY_PATH_SEPARATOR = " / "


class Category(CompanyOwned):
    """A product category of one company, in a tree ("Kitchen / Cookware / Woks")."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    # Kept by the services (a rename rewrites the descendants), so lists sort and filter by it.
    full_path = models.CharField(_("full path"), max_length=500, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["full_path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "full_path"],
                name="catalog_category_path_unique_per_company",
                violation_error_message=_("This company already has a category with this name here."),
            ),
            models.CheckConstraint(
                condition=~models.Q(name__contains="/"),
                name="catalog_category_name_no_slash",
                violation_error_message=_(
                    "A category name cannot contain “/”: it separates levels of the path."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""),
                name="catalog_category_name_not_empty",
                violation_error_message=_("Enter the category's name."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_path or self.name
