"""Permission checks for API handlers; a refusal becomes a 403 with the common error body."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from concord.core.errors import PermissionDeniedError
from concord.core.identity.models import Company, User
from concord.core.identity.permissions import permissions_for_roles

__all__ = ["company_ids_with_perm", "has_company_perm", "permission_denied", "require_perm"]


def permission_denied(perm: str) -> PermissionDeniedError:
    """The 403 error naming the permission the caller lacks."""
    return PermissionDeniedError(
        _("You do not have the permission “%(perm)s”.") % {"perm": perm}, code="permission_denied"
    )


def has_company_perm(user: User, perm: str, company: Company | int) -> bool:
    """Whether ``user``'s roles in that very company grant ``perm`` (superusers: always)."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    company_id = company.pk if isinstance(company, Company) else company
    return perm in permissions_for_roles(user.roles_in(company_id))


def company_ids_with_perm(user: User, perm: str) -> list[int] | None:
    """The companies where ``user``'s roles grant ``perm``; None for superusers (every company)."""
    if user.is_superuser:
        return None
    if not user.is_active:
        return []
    roles: dict[int, set[str]] = {}
    for company_id, role in user.memberships.filter(is_active=True, company__is_active=True).values_list(
        "company_id", "role"
    ):
        roles.setdefault(company_id, set()).add(role)
    return sorted(cid for cid, held in roles.items() if perm in permissions_for_roles(held))


def require_perm(request: HttpRequest, perm: str, obj: Any = None) -> None:
    """Raise ``PermissionDeniedError`` (403) unless the caller holds ``perm``.

    Without ``obj``: in any company of the request's scope. With a ``Company``: in that company (the
    role backend only knows objects that *belong* to a company). With another object: the backend's
    check for that object (its company's roles, then any record-level rule).
    """
    user = request.user
    if isinstance(obj, Company):
        allowed = isinstance(user, User) and has_company_perm(user, perm, obj)
    else:
        allowed = user.has_perm(perm, obj)
    if not allowed:
        raise permission_denied(perm)
