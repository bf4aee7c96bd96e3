from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.scope import ActiveMemberships, remember_memberships, remembered_memberships

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

    def active_memberships(self) -> ActiveMemberships:
        """This user's active memberships in active companies: roles per company and the companies.

        One query; inside a web request (see ``CompanyScopeMiddleware``) it is made once and reused
        by the company scope, permission checks and the company switcher until a membership or a
        company is saved. Outside a request it is read afresh on every call.
        """
        remembered = remembered_memberships(self.pk)
        if remembered is not None:
            return remembered
        rows = (
            self.memberships.filter(is_active=True, company__is_active=True)
            .select_related("company")
            .order_by("company__name", "company_id", "role")
        )
        roles: dict[int, set[str]] = {}
        companies: list[Company] = []
        for membership in rows:
            if membership.company_id not in roles:
                roles[membership.company_id] = set()
                companies.append(membership.company)
            roles[membership.company_id].add(membership.role)
        memberships = ActiveMemberships(
            user_id=self.pk,
            roles={company_id: frozenset(held) for company_id, held in roles.items()},
            companies=tuple(companies),
        )
        remember_memberships(memberships)
        return memberships

    def company_ids(self) -> list[int]:
        """Ids of the companies this user is an active member of."""
        return sorted(self.active_memberships().roles)

    def companies(self) -> models.QuerySet[Company]:
        from concord.core.identity.models.company import Company

        if self.is_superuser:
            return Company.objects.filter(is_active=True)
        return Company.objects.filter(id__in=self.company_ids())

    def active_companies(self) -> list[Company]:
        """The active companies this user works in, by name (every active company for a superuser)."""
        from concord.core.identity.models.company import Company

        if self.is_superuser:
            return list(Company.objects.filter(is_active=True).order_by("name"))
        return list(self.active_memberships().companies)

    def roles_in(self, company_id: int) -> set[str]:
        return set(
            self.memberships.filter(company_id=company_id, is_active=True).values_list("role", flat=True)
        )
