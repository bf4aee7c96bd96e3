"""Shell preferences kept in the user's session: the office (front/back) and the active company.

They are user-interface state, not business records, so they live in the session rather than in a
model. Views and modules read them through these functions, never through raw session keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

if TYPE_CHECKING:
    from concord.core.identity.models import Company

M = TypeVar("M", bound=Model)

OFFICES = ("front", "back")
DEFAULT_OFFICE = "front"
OFFICE_SESSION_KEY = "office"
COMPANY_SESSION_KEY = "company_id"


def current_office(request: HttpRequest) -> str:
    """The office the user works in: ``"front"`` (sales, support...) or ``"back"`` (accounting...)."""
    session = getattr(request, "session", None)
    office = session.get(OFFICE_SESSION_KEY, DEFAULT_OFFICE) if session is not None else DEFAULT_OFFICE
    return office if office in OFFICES else DEFAULT_OFFICE


def office_set(request: HttpRequest, *, office: str) -> None:
    """Remember the chosen office; raises ``ValueError`` for anything but front or back."""
    if office not in OFFICES:
        raise ValueError(f"unknown office {office!r}")
    request.session[OFFICE_SESSION_KEY] = office


def user_companies(request: HttpRequest) -> list[Company]:
    """The active companies the signed-in user may work in (all of them for a superuser)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    cached: list[Company] | None = getattr(request, "_concord_companies", None)
    if cached is None:
        cached = user.active_companies()  # read with the request's memberships, no query of its own
        request._concord_companies = cached  # type: ignore[attr-defined]  # per-request memo on the request
    return cached


def active_company(request: HttpRequest) -> Company | None:
    """The company new records are made in: the session's choice, else the default, else the first."""
    companies = user_companies(request)
    if not companies:
        return None
    by_id = {company.pk: company for company in companies}
    chosen = request.session.get(COMPANY_SESSION_KEY)
    if chosen in by_id:
        return by_id[chosen]
    default_id = getattr(request.user, "default_company_id", None)
    if default_id in by_id:
        return by_id[default_id]
    return companies[0]


def active_company_set(request: HttpRequest, *, company_id: int) -> Company:
    """Make ``company_id`` the active company; raises ``LookupError`` if the user is not a member."""
    for company in user_companies(request):
        if company.pk == company_id:
            request.session[COMPANY_SESSION_KEY] = company.pk
            return company
    raise LookupError(f"company {company_id} is not one of the user's companies")


def active_company_with_perm(request: HttpRequest, permission: str) -> Company:
    """The active company, if the user holds ``permission`` in that very company (not only in another).

    Raises ``PermissionDenied`` (a 403 page) when the user belongs to no company or lacks the permission.
    """
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext

    company = active_company(request)
    if company is None:
        raise PermissionDenied(gettext("You are not a member of any company."))
    if not has_perm_in_company(request, company, permission):
        raise PermissionDenied
    return company


def has_perm_in_company(request: HttpRequest, company: Company, permission: str) -> bool:
    """Whether the user holds ``permission`` in that very company (not only in another)."""
    from concord.core.identity.scope import company_scope

    with company_scope([company.pk]):
        return bool(request.user.has_perm(permission))


def object_with_perm(request: HttpRequest, queryset: QuerySet[M], pk: int, permission: str) -> M:
    """A row of the user's companies (another company's is a 404), if ``permission`` there (else 403)."""
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import get_object_or_404

    obj = get_object_or_404(queryset, pk=pk)
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied
    return obj
