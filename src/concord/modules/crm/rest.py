"""REST endpoints of CRM, mounted at /api/v1/crm/.

Handlers parse, check the permission in the object's company (area ``crm``), call one service and
answer; the rules live in ``services``. A row of a company where the caller may not view CRM answers
404, exactly as if it did not exist; a wrong state is a 409, bad input a 422 naming the field. Actions
are explicit endpoints: ``/leads/{id}/qualify``, ``/disqualify``; ``/opportunities/{id}/move``,
``/won``, ``/lost``, ``/reopen``.
"""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from concord.core.api.errors import ErrorOut
from concord.core.api.filters import ListFilters
from concord.core.api.pagination import paginated
from concord.core.api.permissions import api_caller, api_company, row_for_perm, rows_for_perm
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company, User
from concord.modules.crm.models import (
    Lead,
    LeadSource,
    LeadStatus,
    Opportunity,
    OpportunityStatus,
    Pipeline,
    Stage,
)
from concord.modules.crm.services import leads as lead_services
from concord.modules.crm.services import opportunities as opportunity_services
from concord.modules.crm.services.pipelines import pipeline_default

router = Router(tags=["crm"])

M = TypeVar("M", bound=Model)

_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
_READ_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 422}): ErrorOut}

VIEW = "crm.view"
ADD = "crm.add"
CHANGE = "crm.change"


# --------------------------------------------------------------------------- schemas
class InputSchema(Schema):
    """Request bodies refuse unknown fields (422 naming them): a typo must not pass silently."""

    model_config = ConfigDict(extra="forbid")


class LeadIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    title: str = Field(..., max_length=200)
    contact_name: str = Field("", max_length=200)
    organization_name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    campaign_id: int | None = None
    notes: str = ""
    owner_id: int | None = None
    source: LeadSource = Field(LeadSource.API, description="Defaults to api.")


class LeadPatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    contact_name: str | None = Field(None, max_length=200)
    organization_name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    campaign_id: int | None = None
    notes: str | None = None
    owner_id: int | None = None


class LeadOut(Schema):
    id: int
    company_id: int
    title: str
    contact_name: str
    organization_name: str
    email: str
    phone: str
    source: str
    campaign_id: int | None
    status: str
    notes: str
    disqualify_reason: str
    party_id: int | None
    opportunity_id: int | None
    owner_id: int | None
    created_at: dt.datetime


class QualifyIn(InputSchema):
    party_id: int | None = Field(None, description="Link this existing customer instead of creating one.")
    create_party: bool = Field(False, description="Create a new customer even if similar parties exist.")
    opportunity_title: str = Field("", max_length=200)
    expected_revenue: Decimal = Decimal(0)
    currency: str = ""


class DisqualifyIn(InputSchema):
    reason: str = Field(..., max_length=300)


class OpportunityIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    title: str = Field(..., max_length=200)
    party_id: int
    pipeline_id: int | None = Field(None, description="Defaults to the company's default pipeline.")
    stage_id: int | None = Field(None, description="Defaults to the pipeline's first stage.")
    expected_revenue: Decimal = Decimal(0)
    currency: str = Field("", description="Defaults to the company's.")
    probability: int | None = Field(None, description="Omitted: the stage's default.")
    expected_close_date: dt.date | None = None
    owner_id: int | None = None
    notes: str = ""


class OpportunityPatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    party_id: int | None = None
    expected_revenue: Decimal | None = None
    currency: str | None = None
    probability: int | None = Field(None, description="null: follow the stage's default again.")
    expected_close_date: dt.date | None = None
    owner_id: int | None = None
    notes: str | None = None


class OpportunityOut(Schema):
    id: int
    company_id: int
    title: str
    party_id: int
    pipeline_id: int
    stage_id: int
    position: int
    expected_revenue: Decimal
    currency: str
    probability: int
    probability_manual: bool
    expected_close_date: dt.date | None
    owner_id: int | None
    status: str
    lost_reason_id: int | None
    lost_note: str
    lead_id: int | None
    notes: str
    closed_at: dt.datetime | None


class MoveIn(InputSchema):
    stage_id: int
    position: int | None = Field(None, ge=0, description="0-based place in the column; omitted: the end.")


class LostIn(InputSchema):
    reason_id: int | None = None
    reason: str = Field("", max_length=300)


class StageOut(Schema):
    id: int
    pipeline_id: int
    name: str
    sequence: int
    probability: int
    is_won: bool
    is_folded: bool


class PipelineOut(Schema):
    id: int
    company_id: int
    name: str
    is_default: bool


class DuplicateOut(Schema):
    id: int
    name: str
    kind: str
    tax_id: str
    is_active: bool


class DuplicateErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]
    duplicates: list[DuplicateOut]


class DuplicateErrorOut(Schema):
    error: DuplicateErrorDetail


# --------------------------------------------------------------------------- filters
class LeadFilters(ListFilters):
    company_id: int | None = None
    status: LeadStatus | None = None
    source: LeadSource | None = None
    campaign_id: int | None = None
    owner_id: int | None = None

    ordering_fields = {"id": "pk", "created": "created_at", "title": "title"}
    default_ordering = ("-created_at", "-pk")


class OpportunityFilters(ListFilters):
    company_id: int | None = None
    status: OpportunityStatus | None = None
    pipeline_id: int | None = None
    stage_id: int | None = None
    owner_id: int | None = None
    party_id: int | None = None

    ordering_fields = {
        "id": "pk",
        "created": "created_at",
        "close_date": "expected_close_date",
        "revenue": "expected_revenue",
        "position": "position",
    }
    default_ordering = ("-created_at", "-pk")


class PipelineFilters(ListFilters):
    company_id: int | None = None


class StageFilters(ListFilters):
    company_id: int | None = None
    pipeline_id: int | None = None

    ordering_fields = {"id": "pk", "sequence": "sequence"}
    default_ordering = ("pipeline_id", "sequence", "pk")


# --------------------------------------------------------------------------- helpers
def _member(company: Company, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, memberships__company=company, memberships__is_active=True).first()
    if user is None:
        raise ValidationFailed(_("Choose a member of this company."), field="owner_id")
    return user


def _lead(request: HttpRequest, lead_id: int, perm: str) -> Lead:
    return _visible(
        request, Lead.objects.select_related("company"), lead_id, perm, _("There is no such lead.")
    )


def _opportunity(request: HttpRequest, opportunity_id: int, perm: str) -> Opportunity:
    return _visible(
        request,
        Opportunity.objects.select_related("company"),
        opportunity_id,
        perm,
        _("There is no such opportunity."),
    )


# --------------------------------------------------------------------------- leads
@router.get("/leads", response={200: list[LeadOut], **_READ_ERRORS})
@paginated
def lead_list(request: HttpRequest, filters: Query[LeadFilters]) -> QuerySet[Lead]:
    """Leads, newest first; filter by status, source, campaign, owner."""
    return filters.apply(_visible_rows(request, Lead.objects.all()))


@router.post("/leads", response={201: LeadOut, **_ERRORS})
def lead_create(request: HttpRequest, payload: LeadIn) -> Status[Any]:
    """Record a lead (needs ``crm.add``): a title and an email or a phone."""
    company = _company(request, payload.company_id, ADD)
    values = payload.model_dump(exclude={"company_id", "owner_id"})
    lead = lead_services.lead_create(
        company=company, by=_caller(request), owner=_member(company, payload.owner_id), **values
    )
    return Status(201, lead)


@router.get("/leads/{lead_id}", response={200: LeadOut, **_READ_ERRORS})
def lead_get(request: HttpRequest, lead_id: int) -> Lead:
    return _lead(request, lead_id, VIEW)


@router.patch("/leads/{lead_id}", response={200: LeadOut, **_ERRORS})
def lead_update(request: HttpRequest, lead_id: int, payload: LeadPatch) -> Lead:
    """Change the fields given."""
    lead = _lead(request, lead_id, CHANGE)
    changes = payload.model_dump(exclude_unset=True)
    if "owner_id" in changes:
        changes["owner"] = _member(lead.company, changes.pop("owner_id"))
    return lead_services.lead_update(lead=lead, by=_caller(request), **changes)


@router.post(
    "/leads/{lead_id}/qualify",
    response={200: OpportunityOut, 409: DuplicateErrorOut, frozenset({400, 401, 403, 404, 422}): ErrorOut},
)
def lead_qualify(request: HttpRequest, lead_id: int, payload: QualifyIn | None = None) -> Any:
    """Qualify a lead into a customer and an opportunity; idempotent (a qualified lead returns its opportunity).

    If parties look like the lead, 409 lists them: send ``party_id`` to link one or ``create_party``.
    """
    payload = payload or QualifyIn(
        party_id=None, create_party=False, opportunity_title="", expected_revenue=Decimal(0), currency=""
    )
    lead = _lead(request, lead_id, CHANGE)
    try:
        opportunity = lead_services.lead_qualify(lead=lead, by=_caller(request), **payload.model_dump())
    except lead_services.LeadDuplicatesError as exc:
        body = {
            "error": {
                "code": exc.code,
                "message": str(exc.message),
                "fields": {},
                "duplicates": [
                    {"id": p.id, "name": p.name, "kind": p.kind, "tax_id": p.tax_id, "is_active": p.is_active}
                    for p in exc.duplicates
                ],
            }
        }
        return Status(409, body)
    return opportunity


@router.post("/leads/{lead_id}/disqualify", response={200: LeadOut, **_ERRORS})
def lead_disqualify(request: HttpRequest, lead_id: int, payload: DisqualifyIn) -> Lead:
    """Set a lead aside with the reason; a qualified lead is a 409."""
    lead = _lead(request, lead_id, CHANGE)
    return lead_services.lead_disqualify(lead=lead, by=_caller(request), reason=payload.reason)


# --------------------------------------------------------------------------- opportunities
@router.get("/opportunities", response={200: list[OpportunityOut], **_READ_ERRORS})
@paginated
def opportunity_list(request: HttpRequest, filters: Query[OpportunityFilters]) -> QuerySet[Opportunity]:
    """Opportunities, newest first; filter by status, pipeline, stage, owner, customer."""
    return filters.apply(_visible_rows(request, Opportunity.objects.all()))


@router.post("/opportunities", response={201: OpportunityOut, **_ERRORS})
def opportunity_create(request: HttpRequest, payload: OpportunityIn) -> Status[Any]:
    """Open an opportunity (needs ``crm.add``), at the end of its stage's column."""
    company = _company(request, payload.company_id, ADD)
    values = payload.model_dump(exclude={"company_id", "owner_id"})
    opportunity = opportunity_services.opportunity_create(
        company=company, by=_caller(request), owner=_member(company, payload.owner_id), **values
    )
    return Status(201, opportunity)


@router.get("/opportunities/{opportunity_id}", response={200: OpportunityOut, **_READ_ERRORS})
def opportunity_get(request: HttpRequest, opportunity_id: int) -> Opportunity:
    return _opportunity(request, opportunity_id, VIEW)


@router.patch("/opportunities/{opportunity_id}", response={200: OpportunityOut, **_ERRORS})
def opportunity_update(request: HttpRequest, opportunity_id: int, payload: OpportunityPatch) -> Opportunity:
    """Change the fields given (stage and status have their own actions)."""
    opportunity = _opportunity(request, opportunity_id, CHANGE)
    changes = payload.model_dump(exclude_unset=True)
    if "owner_id" in changes:
        changes["owner"] = _member(opportunity.company, changes.pop("owner_id"))
    return opportunity_services.opportunity_update(opportunity=opportunity, by=_caller(request), **changes)


@router.post("/opportunities/{opportunity_id}/move", response={200: OpportunityOut, **_ERRORS})
def opportunity_move(request: HttpRequest, opportunity_id: int, payload: MoveIn) -> Opportunity:
    """Move to a stage of its pipeline at a place in the column; into a won stage it is won."""
    opportunity = _opportunity(request, opportunity_id, CHANGE)
    return opportunity_services.opportunity_move(
        opportunity=opportunity, stage_id=payload.stage_id, position=payload.position, by=_caller(request)
    )


@router.post("/opportunities/{opportunity_id}/won", response={200: OpportunityOut, **_ERRORS})
def opportunity_won(request: HttpRequest, opportunity_id: int) -> Opportunity:
    """Mark won (idempotent)."""
    opportunity = _opportunity(request, opportunity_id, CHANGE)
    return opportunity_services.opportunity_mark_won(opportunity=opportunity, by=_caller(request))


@router.post("/opportunities/{opportunity_id}/lost", response={200: OpportunityOut, **_ERRORS})
def opportunity_lost(request: HttpRequest, opportunity_id: int, payload: LostIn) -> Opportunity:
    """Mark lost with ``reason_id`` (one of the lost reasons) or a ``reason`` text; a won one is a 409."""
    opportunity = _opportunity(request, opportunity_id, CHANGE)
    return opportunity_services.opportunity_mark_lost(
        opportunity=opportunity, by=_caller(request), reason_id=payload.reason_id, reason=payload.reason
    )


@router.post("/opportunities/{opportunity_id}/reopen", response={200: OpportunityOut, **_ERRORS})
def opportunity_reopen(request: HttpRequest, opportunity_id: int) -> Opportunity:
    """Bring a won or lost opportunity back to open."""
    opportunity = _opportunity(request, opportunity_id, CHANGE)
    return opportunity_services.opportunity_reopen(opportunity=opportunity, by=_caller(request))


# --------------------------------------------------------------------------- pipelines and stages
@router.get("/pipelines", response={200: list[PipelineOut], **_READ_ERRORS})
@paginated
def pipeline_list(request: HttpRequest, filters: Query[PipelineFilters]) -> QuerySet[Pipeline]:
    """Pipelines (the default first). A company's "Sales" pipeline is created on first use."""
    pipeline_default(_company(request, filters.company_id, VIEW), by=_caller(request))
    return filters.apply(_visible_rows(request, Pipeline.objects.all()))


@router.get("/stages", response={200: list[StageOut], **_READ_ERRORS})
@paginated
def stage_list(request: HttpRequest, filters: Query[StageFilters]) -> QuerySet[Stage]:
    """Stages in pipeline order; filter by pipeline."""
    return filters.apply(_visible_rows(request, Stage.objects.all()))


# --------------------------------------------------------------------------- access, shared in core.api.permissions
_caller = api_caller
_company = api_company


def _visible_rows(request: HttpRequest, rows: QuerySet[M]) -> QuerySet[M]:
    return rows_for_perm(request, rows, VIEW)


def _visible(request: HttpRequest, rows: QuerySet[M], pk: int, perm: str, missing: str) -> M:
    return row_for_perm(request, rows, pk, perm=perm, view_perm=VIEW, missing=missing)
