"""CRM's public face: what sales, analytics and the dashboard may call.

Functions take ids and plain values and return frozen dataclasses, never ORM objects. Amounts summed
across currencies are in the company currency at today's rates (``end``'s for ``won_lost``); amounts in
a currency without a rate are left out and that currency is named in ``skipped_currencies``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.errors import NotFound
from concord.core.identity.models import Company
from concord.modules.crm.models import Opportunity, OpportunityStatus, Pipeline, Stage
from concord.modules.crm.queries import company_totals
from concord.modules.crm.services import opportunities as opportunity_services

__all__ = [
    "OpportunityInfo",
    "StageSummary",
    "WonLost",
    "opportunity_get",
    "opportunity_mark_won",
    "pipeline_summary",
    "won_lost",
]


@dataclass(frozen=True)
class OpportunityInfo:
    """An opportunity as other modules see it."""

    id: int
    company_id: int
    title: str
    party_id: int
    expected_revenue: Decimal
    currency: str
    status: str
    stage_name: str


@dataclass(frozen=True)
class StageSummary:
    """The open opportunities of one stage: how many, what they may bring, and weighted by probability."""

    stage_id: int
    name: str
    sequence: int
    count: int
    expected_revenue: Decimal
    weighted_revenue: Decimal
    currency: str
    skipped_currencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class WonLost:
    """Opportunities closed in a period: won (with their revenue in company currency) and lost."""

    won_count: int
    won_revenue: Decimal
    lost_count: int
    skipped_currencies: tuple[str, ...] = ()


def _info(opportunity: Opportunity) -> OpportunityInfo:
    return OpportunityInfo(
        id=opportunity.pk,
        company_id=opportunity.company_id,
        title=opportunity.title,
        party_id=opportunity.party_id,
        expected_revenue=opportunity.expected_revenue,
        currency=opportunity.currency,
        status=opportunity.status,
        stage_name=opportunity.stage.name,
    )


def opportunity_get(opportunity_id: int) -> OpportunityInfo | None:
    """The opportunity with this id in the caller's company scope, or None."""
    opportunity = Opportunity.objects.select_related("stage").filter(pk=opportunity_id).first()
    return _info(opportunity) if opportunity is not None else None


def opportunity_mark_won(*, opportunity_id: int, by: Any) -> OpportunityInfo:
    """Mark the opportunity won (idempotent), inside the caller's transaction; ``NotFound`` outside the scope."""
    opportunity = Opportunity.objects.filter(pk=opportunity_id).first()
    if opportunity is None:
        raise NotFound(_("There is no such opportunity."))
    won = opportunity_services.opportunity_mark_won(opportunity=opportunity, by=by)
    return _info(Opportunity.all_companies.select_related("stage").get(pk=won.pk))


def _company(company_id: int) -> Company:
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        raise NotFound(_("There is no such company."))
    return company


def pipeline_summary(*, company_id: int, pipeline_id: int | None = None) -> list[StageSummary]:
    """Open opportunities by stage of the pipeline (default: the company's default one), in stage order.

    Empty when the company has no pipeline yet. Amounts are in company currency at today's rates.
    """
    company = _company(company_id)
    pipelines = Pipeline.objects.filter(company=company)
    pipeline = (
        pipelines.filter(pk=pipeline_id).first()
        if pipeline_id is not None
        else pipelines.order_by("-is_default", "pk").first()
    )
    if pipeline is None:
        return []
    stages = list(Stage.objects.filter(pipeline=pipeline).order_by("sequence", "pk"))
    grouped: dict[int, list[tuple[str, int, Decimal, Decimal]]] = {stage.pk: [] for stage in stages}
    rows = (
        Opportunity.objects.filter(pipeline=pipeline, status=OpportunityStatus.OPEN)
        .values("stage_id", "currency")
        .annotate(
            count=Count("pk"),
            revenue=Sum("expected_revenue"),
            weighted=Sum(F("expected_revenue") * F("probability") / 100),
        )
        .order_by("stage_id", "currency")
    )
    for row in rows:
        if row["stage_id"] in grouped:
            grouped[row["stage_id"]].append(
                (row["currency"], row["count"], Decimal(row["revenue"] or 0), Decimal(row["weighted"] or 0))
            )
    today = timezone.localdate()
    summaries = []
    for stage in stages:
        totals = company_totals(company, grouped[stage.pk], on_date=today)
        summaries.append(
            StageSummary(
                stage_id=stage.pk,
                name=stage.name,
                sequence=stage.sequence,
                count=totals.count,
                expected_revenue=totals.expected_revenue,
                weighted_revenue=totals.weighted_revenue,
                currency=company.currency,
                skipped_currencies=tuple(totals.skipped_currencies),
            )
        )
    return summaries


def won_lost(*, company_id: int, start: dt.date, end: dt.date) -> WonLost:
    """Opportunities won and lost with a close date from ``start`` to ``end`` (both included)."""
    company = _company(company_id)
    closed = Opportunity.objects.filter(company=company, closed_at__date__gte=start, closed_at__date__lte=end)
    lost_count = closed.filter(status=OpportunityStatus.LOST).count()
    rows = (
        closed.filter(status=OpportunityStatus.WON)
        .values("currency")
        .annotate(count=Count("pk"), revenue=Sum("expected_revenue"))
        .order_by("currency")
    )
    totals = company_totals(
        company,
        [(row["currency"], row["count"], Decimal(row["revenue"] or 0), Decimal(0)) for row in rows],
        on_date=end,
    )
    return WonLost(
        won_count=totals.count,
        won_revenue=totals.expected_revenue,
        lost_count=lost_count,
        skipped_currencies=tuple(totals.skipped_currencies),
    )
