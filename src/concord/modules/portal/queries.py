"""Portal reads: who the signed-in portal user is a contact of."""

from __future__ import annotations

from django.db.models import QuerySet

from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.modules.portal.models import PortalAccess

__all__ = ["accesses_of_company", "portal_access_of"]


def portal_access_of(user: User, company: Company) -> PortalAccess | None:
    """The user's active portal access in ``company`` when their only active role there is ``portal``."""
    if not user.is_authenticated or not user.is_active or user.is_superuser:
        return None
    if user.roles_in(company.pk) != {Role.PORTAL.value}:
        return None
    return PortalAccess.all_companies.filter(company=company, user=user, active=True).first()


def accesses_of_company(company: Company) -> QuerySet[PortalAccess]:
    """Every portal access of ``company``, by email."""
    return PortalAccess.all_companies.filter(company=company).select_related("user").order_by("email")
