from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned

__all__ = ["Tag"]


class Tag(CompanyOwned):
    """A label a company puts on parties to group them ("VIP", "Horeca", "Trade fair 2026")."""

    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"],
                name="parties_tag_name_unique_per_company",
                violation_error_message=_("This company already has a tag with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
