"""Reading import jobs and the importers a user may use."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from concord.core.dataio.models import ImportJob
from concord.core.dataio.specs import ImportSpec, importers_all
from concord.core.identity.models import Company

__all__ = ["import_jobs_recent", "importers_for"]


def importers_for(*, user: Any, company: Company) -> list[ImportSpec]:
    """The importers ``user`` may use in ``company`` (their permission, held in that company)."""
    return [spec for spec in importers_all() if user.has_perm(spec.permission, company)]


def import_jobs_recent(*, company: Company, spec_keys: list[str], limit: int = 20) -> QuerySet[ImportJob]:
    """The company's latest jobs of the given importers, newest first."""
    jobs: QuerySet[ImportJob] = ImportJob.all_companies.filter(company=company, spec_key__in=spec_keys)
    return jobs.select_related("created_by").order_by("-created_at", "-id")[:limit]
