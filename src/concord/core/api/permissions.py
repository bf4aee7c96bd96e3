"""Permission checks for API handlers; a refusal becomes a 403 with the common error body."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from concord.core.errors import NotFound, PermissionDeniedError
from concord.core.identity.models import Company, User
from concord.core.identity.permissions import permissions_for_roles

__all__ = [
    "api_caller",
    "api_company",
    "company_ids_with_perm",
    "has_company_perm",
    "permission_denied",
    "require_perm",
    "row_for_perm",
    "rows_for_perm",
]

M = TypeVar("M", bound=Model)


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


def api_caller(request: HttpRequest) -> User:
    """The signed-in user of an API request (403 for anyone else)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDeniedError(_("Authentication required."))
    return user


def api_company(request: HttpRequest, company_id: int | None, perm: str) -> Company:
    """The company named, else the caller's default (else their first); the caller must hold ``perm``."""
    user = api_caller(request)
    companies = user.companies()
    if company_id is None:
        company_id = user.default_company_id
        if company_id is None or not companies.filter(pk=company_id).exists():
            first = companies.order_by("name", "pk").first()
            company_id = first.pk if first is not None else None
    company = companies.filter(pk=company_id).first() if company_id is not None else None
    if company is None:
        raise NotFound(_("There is no such company."), field="company_id")
    if not has_company_perm(user, perm, company):
        raise permission_denied(perm)
    return company


def rows_for_perm(request: HttpRequest, rows: QuerySet[M], view_perm: str) -> QuerySet[M]:
    """``rows`` of the companies where the caller holds ``view_perm``; 403 when there are none."""
    company_ids = company_ids_with_perm(api_caller(request), view_perm)
    if company_ids is None:
        return rows
    if not company_ids:
        raise permission_denied(view_perm)
    return rows.filter(company_id__in=company_ids)


def row_for_perm(
    request: HttpRequest, rows: QuerySet[M], pk: int, *, perm: str, view_perm: str, missing: str
) -> M:
    """The row if the caller may ``perm`` it; 404 (``missing``) when they may not even view it."""
    found = rows.filter(pk=pk).first()
    if found is None or not request.user.has_perm(view_perm, found):
        raise NotFound(missing)
    require_perm(request, perm, found)
    return found
