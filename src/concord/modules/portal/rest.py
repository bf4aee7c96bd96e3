"""REST endpoints of the portal, mounted at /api/v1/portal/: staff invite a customer's contact."""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from concord.core.api.errors import ErrorOut
from concord.core.api.permissions import api_caller, api_company
from concord.modules.portal.services.access import portal_invite

router = Router(tags=["portal"])

_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
INVITE = "portal.invite"


class InvitationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    company_id: int | None = Field(None, description="Defaults to your default company.")
    party_id: int
    email: str


class InvitationOut(Schema):
    id: int
    company_id: int
    party_id: int
    user_id: int
    email: str
    invited_at: dt.datetime
    accepted_at: dt.datetime | None
    active: bool


@router.post("/invitations", response={201: InvitationOut, **_ERRORS})
def invitation_create(request: HttpRequest, payload: InvitationIn) -> Status[Any]:
    """Invite (or re-invite) a customer's contact to the portal (needs ``portal.invite``)."""
    company = api_company(request, payload.company_id, INVITE)
    access = portal_invite(
        company=company,
        party_id=payload.party_id,
        email=payload.email,
        by=api_caller(request),
        link_base=request.build_absolute_uri("/").rstrip("/"),
    )
    return Status(201, access)
