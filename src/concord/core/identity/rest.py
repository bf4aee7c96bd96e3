"""REST endpoints of identity: the caller (/me), companies, users and roles, personal access tokens.

Handlers parse, check permission, call one service, and answer; rules live in ``services.py`` and
``tokens.py``. Anything the caller may not see answers 404, exactly as if it did not exist.
"""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
from datetime import datetime
from typing import Annotated, Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, FilterLookup, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from concord.core.api.auth import ACCESS_TOKEN_ATTRIBUTE
from concord.core.api.errors import ErrorOut
from concord.core.api.filters import ListFilters
from concord.core.api.pagination import paginated
from concord.core.api.permissions import (
    company_ids_with_perm,
    has_company_perm,
    permission_denied,
    require_perm,
)
from concord.core.errors import PermissionDeniedError
from concord.core.identity import services, tokens
from concord.core.identity.models import AccessToken, Company, Membership, User
from concord.core.identity.permissions import all_permission_codes, permissions_for_roles
from concord.core.identity.roles import Role

router = Router()

_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
# Request attribute: the companies whose users the caller may view (None: all); UserOut reads it.
_VISIBLE_COMPANIES = "_concord_user_companies"


def _caller(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # auth guarantees a User; this narrows the type
        raise PermissionDeniedError(_("Authentication required."))
    return user


# --------------------------------------------------------------------------- schemas
class InputSchema(Schema):
    """Request bodies refuse unknown fields (422 naming them): a typo must not pass silently."""

    model_config = ConfigDict(extra="forbid")


class CompanyRoles(Schema):
    id: int
    code: str
    name: str
    roles: list[str]


class MeOut(Schema):
    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    language: str
    is_superuser: bool
    default_company_id: int | None
    companies: list[CompanyRoles]
    permissions: list[str]


class CompanyOut(Schema):
    id: int
    code: str
    name: str
    legal_name: str
    country: str
    currency: str
    tax_id: str
    branch_code: str
    address: str
    language: str
    timezone: str
    is_active: bool
    created_at: datetime


class CompanyIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    code: str = Field(..., min_length=1, max_length=30)
    country: str = Field(..., min_length=2, max_length=2, description="ISO 3166-1 alpha-2, e.g. TH")
    currency: str = Field(..., min_length=3, max_length=3, description="ISO 4217, e.g. THB")
    legal_name: str = ""
    tax_id: str = ""
    branch_code: str = "00000"
    address: str = ""
    language: str = "en"
    timezone: str = "Asia/Bangkok"


class CompanyPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    code: str | None = Field(None, min_length=1, max_length=30)
    country: str | None = Field(None, min_length=2, max_length=2)
    currency: str | None = Field(None, min_length=3, max_length=3)
    legal_name: str | None = None
    tax_id: str | None = None
    branch_code: str | None = None
    address: str | None = None
    language: str | None = None
    timezone: str | None = None
    is_active: bool | None = None


class CompanyFilters(ListFilters):
    q: Annotated[str | None, FilterLookup(["name__icontains", "code__icontains"])] = Field(
        None, description="Text in the name or code."
    )
    country: Annotated[str | None, FilterLookup("country__iexact")] = None

    ordering_fields = {"name": "name", "code": "code", "id": "pk", "created_at": "created_at"}
    default_ordering = ("name",)


class MembershipOut(Schema):
    id: int
    company_id: int
    role: str
    is_active: bool
    created_at: datetime


class UserOut(Schema):
    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    language: str
    is_active: bool
    is_superuser: bool
    default_company_id: int | None
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj: User, context: dict[str, Any]) -> list[Membership]:
        # Only the memberships in companies the caller may see users of: never leak other companies.
        visible = getattr(context["request"], _VISIBLE_COMPANIES, None)
        rows = list(obj.memberships.all())
        if visible is None:
            return rows
        return [m for m in rows if m.company_id in visible]


class MembershipIn(InputSchema):
    company_id: int
    role: Role


class UserIn(InputSchema):
    username: str = Field(..., min_length=1, max_length=150)
    email: str = ""
    password: str | None = Field(None, description="Omit to create the account without a password.")
    first_name: str = ""
    last_name: str = ""
    language: str = "en"
    memberships: list[MembershipIn] = Field(
        ..., min_length=1, description="At least one role in a company you manage users of."
    )


class UserPatch(InputSchema):
    username: str | None = Field(None, min_length=1, max_length=150)
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    language: str | None = None
    is_active: bool | None = None
    default_company_id: int | None = None


class UserFilters(ListFilters):
    q: Annotated[
        str | None,
        FilterLookup(
            ["username__icontains", "email__icontains", "first_name__icontains", "last_name__icontains"]
        ),
    ] = Field(None, description="Text in the username, email or name.")
    is_active: bool | None = None
    company: int | None = Field(None, description="Only members of this company.")
    role: Role | None = Field(None, description="Only users holding this role (in a visible company).")

    ordering_fields = {"username": "username", "id": "pk", "date_joined": "date_joined"}
    default_ordering = ("username",)

    # ``company`` and ``role`` are applied by ``membership_filter``: they must match one membership,
    # in a company the caller may see, or they would reveal roles held in other companies.
    def filter_company(self, value: int | None) -> Q:
        return Q()

    def filter_role(self, value: Role | None) -> Q:
        return Q()

    def membership_filter(self, visible: list[int] | None) -> Q:
        """Users with an active membership matching ``company`` and ``role`` among ``visible`` companies."""
        if self.company is None and self.role is None:
            return Q()
        condition = Q(memberships__is_active=True)
        if visible is not None:
            condition &= Q(memberships__company_id__in=visible)
        if self.company is not None:
            condition &= Q(memberships__company_id=self.company)
        if self.role is not None:
            condition &= Q(memberships__role=self.role)
        return condition


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    status: str

    @staticmethod
    def resolve_status(obj: AccessToken | dict[str, Any]) -> str:
        # A row, or the dict of the creation answer (a dumped TokenOut plus the raw token).
        return tokens.access_token_status(obj) if isinstance(obj, AccessToken) else str(obj["status"])


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The token itself. Shown only in this answer: store it now.")


class TokenIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    expires_at: datetime | None = None


class TokenFilters(ListFilters):
    ordering_fields = {"created_at": "created_at", "name": "name", "id": "pk"}
    default_ordering = ("-created_at",)


# --------------------------------------------------------------------------- me
@router.get("/me", response={200: MeOut, frozenset({401}): ErrorOut}, tags=["me"])
def me(request: HttpRequest) -> dict[str, Any]:
    """The caller: profile, companies with roles, and the permissions those roles grant."""
    user = _caller(request)
    memberships = user.active_memberships()
    roles = {company_id: set(held) for company_id, held in memberships.roles.items()}
    companies = user.companies().order_by("name", "pk") if user.is_superuser else memberships.companies
    all_roles = set().union(*roles.values()) if roles else set()
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.language,
        "is_superuser": user.is_superuser,
        "default_company_id": user.default_company_id,
        "companies": [
            {"id": c.pk, "code": c.code, "name": c.name, "roles": sorted(roles.get(c.pk, set()))}
            for c in companies
        ],
        "permissions": all_permission_codes()
        if user.is_superuser
        else sorted(permissions_for_roles(all_roles)),
    }


# --------------------------------------------------------------------------- companies
def _visible_company(request: HttpRequest, company_id: int) -> Company:
    return get_object_or_404(_caller(request).companies(), pk=company_id)


@router.get(
    "/companies", response={200: list[CompanyOut], frozenset({401, 422}): ErrorOut}, tags=["companies"]
)
@paginated
def companies_list(request: HttpRequest, filters: Query[CompanyFilters]) -> QuerySet[Company]:
    """The caller's companies (a superuser sees every active company)."""
    return filters.apply(_caller(request).companies())


@router.get(
    "/companies/{company_id}", response={200: CompanyOut, frozenset({401, 404}): ErrorOut}, tags=["companies"]
)
def company_get(request: HttpRequest, company_id: int) -> Company:
    return _visible_company(request, company_id)


@router.post("/companies", response={201: CompanyOut, **_ERRORS}, tags=["companies"])
def company_create(request: HttpRequest, payload: CompanyIn) -> Status[Any]:
    """Set up a new company (needs ``companies.add``)."""
    require_perm(request, "companies.add")
    company = services.company_create(by=_caller(request), **payload.model_dump())
    return Status(201, company)


@router.patch("/companies/{company_id}", response={200: CompanyOut, **_ERRORS}, tags=["companies"])
def company_update(request: HttpRequest, company_id: int, payload: CompanyPatch) -> Company:
    """Change a company's details (needs ``companies.change`` in that company)."""
    company = _visible_company(request, company_id)
    require_perm(request, "companies.change", company)
    return services.company_update(
        company=company, by=_caller(request), **payload.model_dump(exclude_unset=True)
    )


# --------------------------------------------------------------------------- users
def _remember_visible_companies(request: HttpRequest) -> list[int] | None:
    """Note on the request the companies whose users the caller may view (UserOut shows only those)."""
    company_ids = company_ids_with_perm(_caller(request), "users.view")
    setattr(request, _VISIBLE_COMPANIES, None if company_ids is None else set(company_ids))
    return company_ids


def _user_companies(request: HttpRequest) -> list[int] | None:
    """Companies whose users the caller may view; 403 when none. None means every company."""
    company_ids = _remember_visible_companies(request)
    if company_ids is not None and not company_ids:
        raise permission_denied("users.view")
    return company_ids


def _users_in(company_ids: list[int] | None) -> QuerySet[User]:
    users = User.objects.prefetch_related("memberships")
    if company_ids is None:
        return users
    return users.filter(memberships__company_id__in=company_ids).distinct()


def _visible_user(request: HttpRequest, user_id: int) -> User:
    return get_object_or_404(_users_in(_user_companies(request)), pk=user_id)


def _require_change_over(request: HttpRequest, target: User) -> None:
    """Changing a user needs ``users.change`` in a company you share; superusers only by superusers."""
    caller = _caller(request)
    if caller.is_superuser:
        return
    if target.is_superuser:
        raise PermissionDeniedError(_("Only a superuser can change a superuser."))
    # One account serves all its companies: its email (where reset links go), username and active flag
    # reach each of them, so changing it needs ``users.change`` in every company the user works in;
    # an admin of one company must not take over (or lock out) the admin of another.
    held = set(
        target.memberships.filter(is_active=True, company__is_active=True).values_list(
            "company_id", flat=True
        )
    ) or set(target.memberships.values_list("company_id", flat=True))
    if not held or not all(has_company_perm(caller, "users.change", cid) for cid in held):
        raise permission_denied("users.change")


@router.get("/users", response={200: list[UserOut], frozenset({401, 403, 422}): ErrorOut}, tags=["users"])
@paginated
def users_list(request: HttpRequest, filters: Query[UserFilters]) -> QuerySet[User]:
    """Users who share a company with the caller where the caller may view users."""
    visible = _user_companies(request)
    users = _users_in(visible).filter(filters.membership_filter(visible))
    return filters.apply(users).distinct()


@router.get("/users/{user_id}", response={200: UserOut, frozenset({401, 403, 404}): ErrorOut}, tags=["users"])
def user_get(request: HttpRequest, user_id: int) -> User:
    return _visible_user(request, user_id)


@router.post("/users", response={201: UserOut, **_ERRORS}, tags=["users"])
def user_create(request: HttpRequest, payload: UserIn) -> Status[Any]:
    """Create a user with at least one role (needs ``users.add`` in each company given)."""
    caller = _caller(request)
    visible = caller.companies()
    companies: dict[int, Company] = {}
    for grant in payload.memberships:
        company = get_object_or_404(visible, pk=grant.company_id)
        require_perm(request, "users.add", company)
        companies[company.pk] = company
    fields = payload.model_dump(exclude={"memberships"})
    # One account with its first roles is one change: either all of it is saved or none.
    with transaction.atomic():
        user = services.user_create(by=caller, **fields)
        for grant in payload.memberships:
            services.membership_grant(
                user=user, company=companies[grant.company_id], role=grant.role, by=caller
            )
    _remember_visible_companies(request)
    return Status(201, _users_in(None).get(pk=user.pk))


@router.patch("/users/{user_id}", response={200: UserOut, **_ERRORS}, tags=["users"])
def user_update(request: HttpRequest, user_id: int, payload: UserPatch) -> User:
    """Change a user's profile; ``is_active: false`` deactivates them and revokes their tokens."""
    target = _visible_user(request, user_id)
    _require_change_over(request, target)
    services.user_update(user=target, by=_caller(request), **payload.model_dump(exclude_unset=True))
    return _users_in(None).get(pk=target.pk)


@router.post("/users/{user_id}/memberships", response={201: MembershipOut, **_ERRORS}, tags=["users"])
def membership_grant(request: HttpRequest, user_id: int, payload: MembershipIn) -> Status[Any]:
    """Give the user a role in a company (needs ``users.change`` there)."""
    target = _visible_user(request, user_id)
    company = get_object_or_404(_caller(request).companies(), pk=payload.company_id)
    require_perm(request, "users.change", company)
    if target.is_superuser and not _caller(request).is_superuser:
        raise PermissionDeniedError(_("Only a superuser can change a superuser."))
    membership = services.membership_grant(
        user=target, company=company, role=payload.role, by=_caller(request)
    )
    return Status(201, membership)


@router.delete(
    "/users/{user_id}/memberships/{membership_id}", response={200: MembershipOut, **_ERRORS}, tags=["users"]
)
def membership_revoke(request: HttpRequest, user_id: int, membership_id: int) -> Membership:
    """Take a role away (needs ``users.change`` in its company); the row stays, inactive, for history."""
    target = _visible_user(request, user_id)
    visible = getattr(request, _VISIBLE_COMPANIES, None)
    memberships = target.memberships.all()
    if visible is not None:
        memberships = memberships.filter(company_id__in=visible)
    membership = get_object_or_404(memberships, pk=membership_id)
    require_perm(request, "users.change", membership.company)
    if target.is_superuser and not _caller(request).is_superuser:
        raise PermissionDeniedError(_("Only a superuser can change a superuser."))
    return services.membership_revoke(membership=membership, by=_caller(request))


# --------------------------------------------------------------------------- tokens
@router.get("/tokens", response={200: list[TokenOut], frozenset({401, 422}): ErrorOut}, tags=["tokens"])
@paginated
def tokens_list(request: HttpRequest, filters: Query[TokenFilters]) -> QuerySet[AccessToken]:
    """The caller's own access tokens, revoked and expired ones included."""
    return filters.apply(tokens.access_tokens_for(user=_caller(request)))


@router.post("/tokens", response={201: TokenCreatedOut, **_ERRORS}, tags=["tokens"])
def token_create(request: HttpRequest, payload: TokenIn) -> Status[Any]:
    """Create a personal access token; the answer is the only time the token itself is shown.

    Needs a signed-in session: a token cannot mint further tokens, so a leaked one cannot outlive
    its own revocation.
    """
    if getattr(request, ACCESS_TOKEN_ATTRIBUTE, None) is not None:
        raise PermissionDeniedError(
            _("Create access tokens from a signed-in session, not with a token."), code="session_required"
        )
    token, raw = tokens.access_token_create(
        user=_caller(request), name=payload.name, expires_at=payload.expires_at
    )
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "token": raw})


@router.delete("/tokens/{token_id}", response={200: TokenOut, **_ERRORS}, tags=["tokens"])
def token_revoke(request: HttpRequest, token_id: int) -> AccessToken:
    """Revoke one of the caller's tokens (someone else's answers 404)."""
    caller = _caller(request)
    token = get_object_or_404(tokens.access_tokens_for(user=caller), pk=token_id)
    return tokens.access_token_revoke(token=token, by=caller)
