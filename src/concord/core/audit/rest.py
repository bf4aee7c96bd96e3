"""REST endpoints of the audit trail: read-only, limited to the companies where the caller has ``audit.view``."""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from concord.core.api.errors import ErrorOut
from concord.core.api.filters import DateOrDateTime, ListFilters
from concord.core.api.pagination import paginated
from concord.core.api.permissions import permission_denied
from concord.core.audit.models import AuditAction, AuditEntry
from concord.core.audit.queries import audit_company_ids_for, audit_entries_visible_to

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    created_at: datetime
    company_id: int | None
    actor_id: int | None
    actor_username: str | None
    action: str
    model: str = Field(..., description='The changed object\'s type, "app_label.model".')
    object_id: str
    object_repr: str
    changes: dict[str, Any] = Field(..., description="{field: [old, new]}; sensitive values redacted.")
    request_id: str

    @staticmethod
    def resolve_actor_username(obj: AuditEntry) -> str | None:
        return obj.actor.username if obj.actor is not None else None

    @staticmethod
    def resolve_model(obj: AuditEntry) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class AuditFilters(ListFilters):
    """Filters handed to the ``audit_entries`` selector (not applied as raw lookups)."""

    model: str | None = Field(None, description='Object type, "app_label.model", e.g. "identity.company".')
    object_id: str | None = None
    actor: int | None = Field(None, description="Id of the user who acted.")
    action: AuditAction | None = None
    since: DateOrDateTime | None = Field(None, description="From this date or moment (inclusive).")
    until: DateOrDateTime | None = Field(None, description="Up to this date (whole day) or moment.")

    ordering_fields = {"created_at": "created_at", "id": "pk"}
    default_ordering = ("-created_at",)

    def selector_arguments(self) -> dict[str, Any]:
        return {
            "model": self.model or None,
            "object_id": self.object_id or None,
            "actor_id": self.actor,
            "action": self.action,
            "since": self.since,
            "until": self.until,
        }


@router.get(
    "/entries", response={200: list[AuditEntryOut], frozenset({401, 403, 422}): ErrorOut}, tags=["audit"]
)
@paginated
def audit_entries_list(request: HttpRequest, filters: Query[AuditFilters]) -> QuerySet[AuditEntry]:
    """Audit entries, newest first, of the companies where the caller holds ``audit.view``."""
    company_ids = audit_company_ids_for(request.user)
    if company_ids is not None and not company_ids:
        raise permission_denied("audit.view")
    entries = audit_entries_visible_to(request.user, **filters.selector_arguments())
    return filters.order(entries)
