"""REST endpoints of parties, mounted at /api/v1/parties/: CRUD, archive, merge, duplicates, the 360° overview.

Handlers parse, check permission, call one service and answer; the rules live in ``services``. A party
the caller may not see answers 404, exactly as if it did not exist.
"""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from concord.core.api.errors import ErrorOut
from concord.core.api.filters import ListFilters
from concord.core.api.pagination import paginated
from concord.core.api.permissions import (
    company_ids_with_perm,
    has_company_perm,
    permission_denied,
    require_perm,
)
from concord.core.errors import NotFound, PermissionDeniedError
from concord.core.identity.models import Company, User
from concord.core.money.money import Money
from concord.modules.parties import services
from concord.modules.parties.errors import DuplicateMatch, DuplicatePartyError
from concord.modules.parties.models import Address, ContactPoint, Party
from concord.modules.parties.panels import (
    TIMELINE_PANEL_KEY,
    party_balance,
    party_full_timeline,
    visible_panels,
)
from concord.modules.parties.queries import parties_filtered, party_duplicates

router = Router(tags=["parties"])

_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}


def _caller(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDeniedError(_("Authentication required."))
    return user


# --------------------------------------------------------------------------- schemas
class InputSchema(Schema):
    """Request bodies refuse unknown fields (422 naming them): a typo must not pass silently."""

    model_config = ConfigDict(extra="forbid")


class AddressOut(Schema):
    id: int
    kind: str
    street: str
    street2: str
    city: str
    province: str
    postal_code: str
    country: str


class AddressIn(InputSchema):
    kind: str = "billing"
    street: str = Field(..., max_length=200)
    street2: str = ""
    city: str = ""
    province: str = ""
    postal_code: str = ""
    country: str = Field("", description="ISO 3166-1 alpha-2; defaults to the party's country.")


class AddressPatch(InputSchema):
    kind: str | None = None
    street: str | None = Field(None, max_length=200)
    street2: str | None = None
    city: str | None = None
    province: str | None = None
    postal_code: str | None = None
    country: str | None = None


class ContactPointOut(Schema):
    id: int
    kind: str
    value: str
    normalized: str
    is_primary: bool


class ContactPointIn(InputSchema):
    kind: str = Field(..., description="email, phone or mobile")
    value: str = Field(..., max_length=254)
    is_primary: bool = False


class ContactPointPatch(InputSchema):
    value: str | None = Field(None, max_length=254)
    is_primary: bool | None = None


class PartyOut(Schema):
    id: int
    company_id: int
    kind: str
    name: str
    code: str
    organization_id: int | None
    is_customer: bool
    is_supplier: bool
    is_employee_contact: bool
    is_prospect: bool
    tax_id: str
    branch_code: str
    country: str
    website: str
    language: str
    currency: str
    payment_terms_days: int
    credit_limit: Decimal
    salesperson_id: int | None
    tags: list[str]
    notes: str
    is_active: bool
    created_at: datetime
    updated_at: datetime
    contact_points: list[ContactPointOut]
    addresses: list[AddressOut]

    @staticmethod
    def resolve_credit_limit(obj: Party) -> Decimal:
        return Money(obj.credit_limit, obj.company.currency).rounded().amount

    @staticmethod
    def resolve_tags(obj: Party) -> list[str]:
        return sorted(tag.name for tag in obj.tags.all())

    @staticmethod
    def resolve_contact_points(obj: Party) -> list[ContactPoint]:
        return list(obj.contact_points.all())

    @staticmethod
    def resolve_addresses(obj: Party) -> list[Address]:
        return list(obj.addresses.all())


class _PartyFields(InputSchema):
    kind: str = "organization"
    code: str = Field("", max_length=40)
    organization_id: int | None = None
    is_customer: bool = False
    is_supplier: bool = False
    is_employee_contact: bool = False
    is_prospect: bool = False
    tax_id: str = Field("", max_length=40)
    branch_code: str = Field("", max_length=5)
    country: str = Field("", description="ISO 3166-1 alpha-2; defaults to the company's country.")
    website: str = ""
    language: str = Field("", description="en, th or km; defaults from the country.")
    currency: str = Field("", description="ISO 4217; defaults to the company's currency.")
    payment_terms_days: int = Field(0, ge=0, le=3650)
    credit_limit: Decimal = Field(Decimal(0), ge=0)
    salesperson_id: int | None = None
    tags: list[str] = []
    notes: str = ""


class PartyIn(_PartyFields):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    name: str = Field(..., min_length=1, max_length=200)
    emails: list[str] = []
    phones: list[str] = []
    addresses: list[AddressIn] = []
    allow_duplicate: bool = Field(False, description="Create even when likely duplicates exist.")


class PartyPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: str | None = None
    code: str | None = Field(None, max_length=40)
    organization_id: int | None = None
    is_customer: bool | None = None
    is_supplier: bool | None = None
    is_employee_contact: bool | None = None
    is_prospect: bool | None = None
    tax_id: str | None = Field(None, max_length=40)
    branch_code: str | None = Field(None, max_length=5)
    country: str | None = None
    website: str | None = None
    language: str | None = None
    currency: str | None = None
    payment_terms_days: int | None = Field(None, ge=0, le=3650)
    credit_limit: Decimal | None = Field(None, ge=0)
    salesperson_id: int | None = None
    tags: list[str] | None = None
    notes: str | None = None


class PartyFilters(ListFilters):
    q: str | None = Field(None, description="Text in the name, code, tax ID, an email or a phone.")
    kind: str | None = Field(None, description="organization or person")
    is_customer: bool | None = None
    is_supplier: bool | None = None
    tag: str | None = Field(None, description="Only parties with this tag.")
    is_active: bool | None = Field(None, description="false: only archived parties.")

    ordering_fields = {"name": "name", "code": "code", "id": "pk", "created_at": "created_at"}
    default_ordering = ("name",)

    def select(self, company_ids: list[int] | None) -> QuerySet[Party]:
        parties = parties_filtered(
            company_ids=company_ids,
            q=self.q or "",
            kind=self.kind or "",
            is_customer=self.is_customer,
            is_supplier=self.is_supplier,
            tag=self.tag or "",
            is_active=self.is_active,
        )
        return self.order(
            parties.select_related("company").prefetch_related("tags", "contact_points", "addresses")
        )


class DuplicateCheck(Schema):
    name: str = ""
    tax_id: str = ""
    email: str = ""
    phone: str = ""
    country: str = Field("", description="Defaults to the company's country.")
    company_id: int | None = Field(None, description="Defaults to your default company.")


class DuplicateOut(Schema):
    id: int
    name: str
    code: str
    tax_id: str
    is_active: bool
    reasons: list[str]


class DuplicateErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]
    duplicates: list[DuplicateOut]


class DuplicateErrorOut(Schema):
    error: DuplicateErrorDetail


class MergeIn(InputSchema):
    duplicate_id: int = Field(..., description="The party merged into this one, then archived.")


class MergeOut(Schema):
    survivor: PartyOut
    moved: dict[str, int]


class DeleteOut(Schema):
    deleted: bool
    archived: bool


class PanelOut(Schema):
    key: str
    title: str
    data: dict[str, Any]


class TimelineEntryOut(Schema):
    when: datetime
    source: str
    title: str
    detail: str
    actor: str
    url: str


class HeaderOut(Schema):
    credit_limit: Decimal
    company_currency: str
    balance: Decimal | None = Field(None, description="Given only when a module (accounting) provides it.")


class OverviewOut(Schema):
    party: PartyOut
    header: HeaderOut
    panels: list[PanelOut]
    timeline: list[TimelineEntryOut]


# --------------------------------------------------------------------------- helpers
def _duplicates_out(matches: list[DuplicateMatch]) -> list[dict[str, Any]]:
    return [
        {
            "id": match.party.pk,
            "name": match.party.name,
            "code": match.party.code,
            "tax_id": match.party.tax_id,
            "is_active": match.party.is_active,
            "reasons": list(match.reasons),
        }
        for match in matches
    ]


def _with_details(queryset: QuerySet[Party]) -> QuerySet[Party]:
    return queryset.select_related("organization", "company").prefetch_related(
        "tags", "contact_points", "addresses"
    )


def _visible_party(request: HttpRequest, party_id: int, perm: str = "parties.view") -> Party:
    """The party if the caller may ``perm`` it; 404 when it is not visible at all."""
    party = _with_details(Party.objects.all()).filter(pk=party_id).first()
    if party is None or not request.user.has_perm("parties.view", party):
        raise NotFound(_("There is no such party."))
    require_perm(request, perm, party)
    return party


def _company_for_create(request: HttpRequest, company_id: int | None) -> Company:
    user = _caller(request)
    companies = user.companies()
    if company_id is None:
        company_id = user.default_company_id
        if company_id is None or not companies.filter(pk=company_id).exists():
            first = companies.order_by("name", "pk").first()
            company_id = first.pk if first is not None else None
    company = companies.filter(pk=company_id).first() if company_id is not None else None
    if company is None:
        raise NotFound(_("There is no such company."))
    if not has_company_perm(user, "parties.add", company):
        raise permission_denied("parties.add")
    return company


def _resolve_refs(company: Company, values: dict[str, Any]) -> dict[str, Any]:
    """Turn ``organization_id`` / ``salesperson_id`` into the objects the services take."""
    if "organization_id" in values:
        organization_id = values.pop("organization_id")
        organization = None
        if organization_id is not None:
            organization = Party.all_companies.filter(pk=organization_id, company=company).first()
            if organization is None:
                raise NotFound(_("There is no such organisation in this company."), field="organization_id")
        values["organization"] = organization
    if "salesperson_id" in values:
        salesperson_id = values.pop("salesperson_id")
        salesperson = None
        if salesperson_id is not None:
            salesperson = User.objects.filter(pk=salesperson_id, memberships__company=company).first()
            if salesperson is None:
                raise NotFound(_("There is no such user in this company."), field="salesperson_id")
        values["salesperson"] = salesperson
    return values


def _reloaded(party: Party) -> Party:
    return _with_details(Party.all_companies.all()).get(pk=party.pk)


# --------------------------------------------------------------------------- parties
@router.get("/", response={200: list[PartyOut], frozenset({401, 403, 422}): ErrorOut})
@paginated
def party_list(request: HttpRequest, filters: Query[PartyFilters]) -> QuerySet[Party]:
    """Parties of the companies where you may view them."""
    company_ids = company_ids_with_perm(_caller(request), "parties.view")
    if company_ids is not None and not company_ids:
        raise permission_denied("parties.view")
    return filters.select(company_ids)


@router.post(
    "/", response={201: PartyOut, 409: DuplicateErrorOut, frozenset({400, 401, 403, 404, 422}): ErrorOut}
)
def party_create(request: HttpRequest, payload: PartyIn) -> Status[Any]:
    """Record a customer, supplier or contact. Likely duplicates answer 409 listing them, unless
    ``allow_duplicate`` is true."""
    company = _company_for_create(request, payload.company_id)
    values = payload.model_dump(exclude={"company_id"})
    values["addresses"] = [address.model_dump() for address in payload.addresses]
    values = _resolve_refs(company, values)
    try:
        party = services.party_create(company=company, by=_caller(request), **values)
    except DuplicatePartyError as exc:
        body = {
            "error": {
                "code": exc.code,
                "message": str(exc.message),
                "fields": {},
                "duplicates": _duplicates_out(exc.duplicates),
            }
        }
        return Status(409, body)
    return Status(201, _reloaded(party))


@router.get("/duplicates", response={200: list[DuplicateOut], frozenset({401, 403, 404}): ErrorOut})
def party_duplicates_check(request: HttpRequest, check: Query[DuplicateCheck]) -> list[dict[str, Any]]:
    """Existing parties that look like the one described (same tax ID, email or phone, similar name)."""
    user = _caller(request)
    companies = user.companies()
    company = (
        companies.filter(pk=check.company_id).first()
        if check.company_id is not None
        else companies.filter(pk=user.default_company_id or 0).first()
        or companies.order_by("name", "pk").first()
    )
    if company is None:
        raise NotFound(_("There is no such company."))
    if not has_company_perm(user, "parties.view", company):
        raise permission_denied("parties.view")
    matches = party_duplicates(
        company=company,
        name=check.name,
        tax_id=check.tax_id,
        emails=[check.email] if check.email else [],
        phones=[check.phone] if check.phone else [],
        country=check.country.upper() or company.country,
    )
    return _duplicates_out(matches)


@router.get("/{party_id}", response={200: PartyOut, frozenset({401, 403, 404}): ErrorOut})
def party_get(request: HttpRequest, party_id: int) -> Party:
    return _visible_party(request, party_id)


@router.patch("/{party_id}", response={200: PartyOut, **_ERRORS})
def party_update(request: HttpRequest, party_id: int, payload: PartyPatch) -> Party:
    """Change a party's details (only the fields given)."""
    party = _visible_party(request, party_id, "parties.change")
    values = _resolve_refs(party.company, payload.model_dump(exclude_unset=True))
    services.party_update(party=party, by=_caller(request), **values)
    return _reloaded(party)


@router.delete("/{party_id}", response={200: DeleteOut, **_ERRORS})
def party_delete(request: HttpRequest, party_id: int) -> dict[str, bool]:
    """Delete a party nothing refers to; one that is referred to is archived instead."""
    party = _visible_party(request, party_id, "parties.delete")
    deleted = services.party_delete(party=party, by=_caller(request))
    return {"deleted": deleted, "archived": not deleted}


@router.post("/{party_id}/archive", response={200: PartyOut, **_ERRORS})
def party_archive(request: HttpRequest, party_id: int) -> Party:
    party = _visible_party(request, party_id, "parties.change")
    services.party_archive(party=party, by=_caller(request))
    return _reloaded(party)


@router.post("/{party_id}/unarchive", response={200: PartyOut, **_ERRORS})
def party_unarchive(request: HttpRequest, party_id: int) -> Party:
    party = _visible_party(request, party_id, "parties.change")
    services.party_unarchive(party=party, by=_caller(request))
    return _reloaded(party)


@router.post("/{party_id}/merge", response={200: MergeOut, **_ERRORS})
def party_merge(request: HttpRequest, party_id: int, payload: MergeIn) -> dict[str, Any]:
    """Merge another party into this one: every reference moves here, the other is archived."""
    survivor = _visible_party(request, party_id, "parties.merge")
    duplicate = Party.all_companies.filter(pk=payload.duplicate_id).first()
    if duplicate is None or not request.user.has_perm("parties.view", duplicate):
        raise NotFound(_("There is no such party."), field="duplicate_id")
    require_perm(request, "parties.merge", duplicate)
    moved = services.party_merge(survivor=survivor, duplicate=duplicate, by=_caller(request))
    return {"survivor": _reloaded(survivor), "moved": moved}


@router.get("/{party_id}/overview", response={200: OverviewOut, frozenset({401, 403, 404}): ErrorOut})
def party_overview(request: HttpRequest, party_id: int) -> dict[str, Any]:
    """The 360° view in one call: the party, its header figures, every visible panel's data, the timeline."""
    party = _visible_party(request, party_id)
    user = request.user
    panels: list[dict[str, Any]] = []
    timeline: list[dict[str, Any]] | None = None
    for panel in visible_panels(user, party):
        data = panel.data(user, party)
        panels.append({"key": panel.key, "title": str(panel.title), "data": data})
        if panel.key == TIMELINE_PANEL_KEY:  # its data is the merged timeline: read it once
            timeline = data["entries"]
    if timeline is None:
        timeline = [entry.as_dict() for entry in party_full_timeline(user, party)]
    return {
        "party": party,
        "header": {
            "credit_limit": Money(party.credit_limit, party.company.currency).rounded().amount,
            "company_currency": party.company.currency,
            "balance": party_balance(user, party),
        },
        "panels": panels,
        "timeline": timeline,
    }


# --------------------------------------------------------------------------- addresses
def _address(party: Party, address_id: int) -> Address:
    address: Address | None = Address.all_companies.filter(pk=address_id, party=party).first()
    if address is None:
        raise NotFound(_("There is no such address."))
    return address


@router.get("/{party_id}/addresses", response={200: list[AddressOut], frozenset({401, 403, 404}): ErrorOut})
def address_list(request: HttpRequest, party_id: int) -> list[Address]:
    return list(_visible_party(request, party_id).addresses.all())


@router.post("/{party_id}/addresses", response={201: AddressOut, **_ERRORS})
def address_create(request: HttpRequest, party_id: int, payload: AddressIn) -> Status[Any]:
    party = _visible_party(request, party_id, "parties.change")
    return Status(201, services.address_create(party=party, by=_caller(request), **payload.model_dump()))


@router.patch("/{party_id}/addresses/{address_id}", response={200: AddressOut, **_ERRORS})
def address_update(request: HttpRequest, party_id: int, address_id: int, payload: AddressPatch) -> Address:
    party = _visible_party(request, party_id, "parties.change")
    address = _address(party, address_id)
    return services.address_update(
        address=address, by=_caller(request), **payload.model_dump(exclude_unset=True)
    )


@router.delete("/{party_id}/addresses/{address_id}", response={204: None, **_ERRORS})
def address_delete(request: HttpRequest, party_id: int, address_id: int) -> Status[None]:
    party = _visible_party(request, party_id, "parties.change")
    services.address_delete(address=_address(party, address_id), by=_caller(request))
    return Status(204, None)


# --------------------------------------------------------------------------- contact points
def _contact_point(party: Party, contact_id: int) -> ContactPoint:
    contact: ContactPoint | None = ContactPoint.all_companies.filter(pk=contact_id, party=party).first()
    if contact is None:
        raise NotFound(_("There is no such contact point."))
    return contact


@router.get(
    "/{party_id}/contact-points", response={200: list[ContactPointOut], frozenset({401, 403, 404}): ErrorOut}
)
def contact_point_list(request: HttpRequest, party_id: int) -> list[ContactPoint]:
    return list(_visible_party(request, party_id).contact_points.all())


@router.post("/{party_id}/contact-points", response={201: ContactPointOut, **_ERRORS})
def contact_point_create(request: HttpRequest, party_id: int, payload: ContactPointIn) -> Status[Any]:
    party = _visible_party(request, party_id, "parties.change")
    contact = services.contact_point_create(party=party, by=_caller(request), **payload.model_dump())
    return Status(201, contact)


@router.patch("/{party_id}/contact-points/{contact_id}", response={200: ContactPointOut, **_ERRORS})
def contact_point_update(
    request: HttpRequest, party_id: int, contact_id: int, payload: ContactPointPatch
) -> ContactPoint:
    party = _visible_party(request, party_id, "parties.change")
    contact = _contact_point(party, contact_id)
    return services.contact_point_update(
        contact_point=contact, by=_caller(request), **payload.model_dump(exclude_unset=True)
    )


@router.delete("/{party_id}/contact-points/{contact_id}", response={204: None, **_ERRORS})
def contact_point_delete(request: HttpRequest, party_id: int, contact_id: int) -> Status[None]:
    party = _visible_party(request, party_id, "parties.change")
    services.contact_point_delete(contact_point=_contact_point(party, contact_id), by=_caller(request))
    return Status(204, None)
