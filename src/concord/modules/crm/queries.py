"""Reads of CRM: leads and opportunities lists, the board, a party's opportunities, summaries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, QuerySet, Sum
from django.utils import timezone

from concord.core.identity.models import Company
from concord.core.money.errors import NoExchangeRateError
from concord.core.money.money import Money
from concord.core.money.queries import convert
from concord.modules.crm.models import (
    Campaign,
    Lead,
    LeadForm,
    LostReason,
    Opportunity,
    OpportunityStatus,
    Pipeline,
    Stage,
)

__all__ = [
    "BoardColumn",
    "CurrencyTotals",
    "board_columns",
    "campaigns_of",
    "column_totals",
    "company_totals",
    "lead_forms_of",
    "leads_filtered",
    "lost_reasons_of",
    "opportunities_filtered",
    "party_opportunities",
    "pipelines_of",
    "stages_of",
]


def leads_filtered(*, status: str = "", source: str = "", campaign_id: int | None = None) -> QuerySet[Lead]:
    """Leads of the current company scope, newest first."""
    leads = Lead.objects.select_related("campaign", "owner", "party")
    if status:
        leads = leads.filter(status=status)
    if source:
        leads = leads.filter(source=source)
    if campaign_id:
        leads = leads.filter(campaign_id=campaign_id)
    return leads


def opportunities_filtered(
    *,
    status: str = "",
    stage_id: int | None = None,
    owner_id: int | None = None,
    party_id: int | None = None,
    pipeline_id: int | None = None,
) -> QuerySet[Opportunity]:
    """Opportunities of the current company scope with their stage, party and owner."""
    rows = Opportunity.objects.select_related("stage", "pipeline", "party", "owner", "lost_reason")
    if status:
        rows = rows.filter(status=status)
    if stage_id:
        rows = rows.filter(stage_id=stage_id)
    if owner_id:
        rows = rows.filter(owner_id=owner_id)
    if party_id:
        rows = rows.filter(party_id=party_id)
    if pipeline_id:
        rows = rows.filter(pipeline_id=pipeline_id)
    return rows


def pipelines_of(company: Company) -> QuerySet[Pipeline]:
    return Pipeline.objects.filter(company=company).order_by("-is_default", "name", "pk")


def stages_of(pipeline: Pipeline) -> QuerySet[Stage]:
    return Stage.objects.filter(pipeline=pipeline).order_by("sequence", "pk")


def lost_reasons_of(company: Company, *, active_only: bool = False) -> QuerySet[LostReason]:
    reasons = LostReason.objects.filter(company=company)
    return reasons.filter(is_active=True) if active_only else reasons


def campaigns_of(company: Company) -> QuerySet[Campaign]:
    return Campaign.objects.filter(company=company)


def lead_forms_of(company: Company) -> QuerySet[LeadForm]:
    return LeadForm.objects.filter(company=company).select_related("campaign", "owner")


@dataclass
class CurrencyTotals:
    """Counts and sums of opportunities in company currency, with the currencies that had no rate."""

    count: int = 0
    expected_revenue: Decimal = Decimal(0)
    weighted_revenue: Decimal = Decimal(0)
    skipped_currencies: list[str] = field(default_factory=list)


def company_totals(
    company: Company, rows: Iterable[tuple[str, int, Decimal, Decimal]], *, on_date: dt.date
) -> CurrencyTotals:
    """Sum ``(currency, count, revenue, weighted)`` rows in the company currency at ``on_date``'s rates.

    Amounts in a currency without a rate are left out (their currency is listed), counts are not.
    """
    totals = CurrencyTotals()
    for currency, count, revenue, weighted in rows:
        totals.count += count
        try:
            totals.expected_revenue += convert(
                money=Money(revenue or Decimal(0), currency),
                to_currency=company.currency,
                company=company,
                on_date=on_date,
            ).amount
            totals.weighted_revenue += convert(
                money=Money(weighted or Decimal(0), currency),
                to_currency=company.currency,
                company=company,
                on_date=on_date,
            ).amount
        except NoExchangeRateError:
            if currency not in totals.skipped_currencies:
                totals.skipped_currencies.append(currency)
    return totals


@dataclass
class BoardColumn:
    """One kanban column: a stage, its cards and its totals."""

    stage: Stage
    cards: list[Opportunity]
    totals: CurrencyTotals


def _column_statuses(stage: Stage) -> tuple[str, ...]:
    return (OpportunityStatus.WON,) if stage.is_won else (OpportunityStatus.OPEN,)


def board_columns(*, pipeline: Pipeline, owner_id: int | None = None) -> list[BoardColumn]:
    """The board of a pipeline: every stage with its open cards (won ones in a won stage), in order.

    Lost opportunities are not on the board. Three queries whatever the number of cards.
    """
    stages = list(stages_of(pipeline))
    cards = (
        Opportunity.objects.filter(
            pipeline=pipeline, status__in=[OpportunityStatus.OPEN, OpportunityStatus.WON]
        )
        .select_related("party", "owner")
        .order_by("position", "pk")
    )
    if owner_id:
        cards = cards.filter(owner_id=owner_id)
    by_stage: dict[int, list[Opportunity]] = {stage.pk: [] for stage in stages}
    won_stage = {stage.pk for stage in stages if stage.is_won}
    for card in cards:
        if (card.status == OpportunityStatus.WON) == (
            card.stage_id in won_stage
        ) and card.stage_id in by_stage:
            by_stage[card.stage_id].append(card)
    totals = column_totals(pipeline=pipeline, stages=stages, owner_id=owner_id)
    return [BoardColumn(stage=stage, cards=by_stage[stage.pk], totals=totals[stage.pk]) for stage in stages]


def column_totals(
    *, pipeline: Pipeline, stages: list[Stage], owner_id: int | None = None
) -> dict[int, CurrencyTotals]:
    """Totals of each board column (open cards; won cards in a won stage), one query."""
    base = Opportunity.objects.filter(
        pipeline=pipeline, status__in=[OpportunityStatus.OPEN, OpportunityStatus.WON]
    )
    if owner_id:
        base = base.filter(owner_id=owner_id)
    rows = (
        base.values("stage_id", "status", "currency")
        .annotate(
            count=Count("pk"),
            revenue=Sum("expected_revenue"),
            weighted=Sum(F("expected_revenue") * F("probability") / 100),
        )
        .order_by("stage_id", "status", "currency")
    )
    statuses = {stage.pk: _column_statuses(stage) for stage in stages}
    grouped: dict[int, list[tuple[str, int, Decimal, Decimal]]] = {stage.pk: [] for stage in stages}
    for row in rows:
        if row["stage_id"] in grouped and row["status"] in statuses[row["stage_id"]]:
            grouped[row["stage_id"]].append(
                (row["currency"], row["count"], Decimal(row["revenue"] or 0), Decimal(row["weighted"] or 0))
            )
    today = timezone.localdate()
    company = pipeline.company
    return {stage_id: company_totals(company, values, on_date=today) for stage_id, values in grouped.items()}


def party_opportunities(*, party_id: int, limit: int = 10) -> list[Opportunity]:
    """A party's latest opportunities with their stage (one query), for its 360° panel."""
    return list(
        Opportunity.objects.filter(party_id=party_id)
        .select_related("stage")
        .order_by("-created_at", "-pk")[:limit]
    )
