from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from concord.core.identity.models.company import Company

__all__ = ["User"]


class User(AbstractUser):
    """A person who signs in to Concord: staff of one or more companies, or a portal customer."""

    email = models.EmailField(_("email address"), blank=True)
    language = models.CharField(_("preferred language"), max_length=8, default="en")
    default_company = models.ForeignKey(
        "identity.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default company"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def company_ids(self) -> list[int]:
        """Ids of the companies this user is an active member of."""
        return list(
            self.memberships.filter(is_active=True, company__is_active=True)
            .values_list("company_id", flat=True)
            .distinct()
        )

    def companies(self) -> models.QuerySet[Company]:
        from concord.core.identity.models.company import Company

        if self.is_superuser:
            return Company.objects.filter(is_active=True)
        return Company.objects.filter(id__in=self.company_ids())

    def roles_in(self, company_id: int) -> set[str]:
        return set(
            self.memberships.filter(company_id=company_id, is_active=True).values_list("role", flat=True)
        )
