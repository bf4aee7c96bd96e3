"""A customer contact's access to the portal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager

__all__ = ["PortalAccess"]


class PortalAccess(CompanyOwned):
    """A customer's contact allowed to sign in to the portal and see that customer's documents."""

    objects: CompanyScopedManager[PortalAccess]  # typed view of the inherited managers
    all_companies: models.Manager[PortalAccess]

    party = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="portal_accesses",
        verbose_name=_("user"),
    )
    email = models.EmailField(_("email"))
    invited_at = models.DateTimeField(_("invited at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("portal access")
        verbose_name_plural = _("portal accesses")
        ordering = ["company_id", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "user"],
                name="portal_access_one_per_user_and_company",
                violation_error_message=_("This user already has portal access in this company."),
            ),
        ]

    def __str__(self) -> str:
        return self.email
