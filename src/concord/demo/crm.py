"""Demo CRM: a pipeline with real opportunities in every stage, won and lost ones, and leads from each source.

Everything goes through the CRM services (events, audit trail, the parties' duplicate check when a lead
is qualified). Leads and opportunities are found again by their title, so reloading creates only what is
missing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from concord.core.identity.models import Company, User
from concord.demo.steps import DemoContext, demo_step
from concord.modules.crm.models import Lead, LeadSource, LostReason, Opportunity
from concord.modules.crm.services.campaigns import campaign_create, lead_form_create
from concord.modules.crm.services.leads import lead_create, lead_disqualify, lead_qualify
from concord.modules.crm.services.opportunities import (
    opportunity_create,
    opportunity_mark_lost,
    opportunity_mark_won,
)
from concord.modules.crm.services.pipelines import lost_reason_create, pipeline_default
from concord.modules.parties.models import Party

_LOST_REASONS = ("Price too high", "Chose a competitor", "No budget this year", "No reply")
_NEEDS = (
    "Kitchen equipment for a new branch",
    "Yearly supply contract",
    "Replacement of old stock",
    "Hotel opening order",
    "Catering event",
    "Restaurant refit",
    "Trial order",
    "Online shop restock",
    "Canteen equipment",
    "Festival season stock",
)
# (stage index or outcome, revenue multiplier): spread over the board, some won, some lost
_OPPORTUNITY_PLAN = (0, 0, 1, 1, 2, 2, 3, "won", "won", "lost", 0, 3, 2, "lost", 1)
_LEADS = (
    ("Website enquiry: bulk woks", "web_form", "new"),
    ("Trade fair contact", "manual", "new"),
    ("Imported from the partner list", "import", "new"),
    ("API: marketplace enquiry", "api", "qualified"),
    ("Email: price list request", "email", "new"),
    ("Spam-looking request", "web_form", "disqualified"),
)


def _salesperson(ctx: DemoContext, company: Company) -> User | None:
    return (
        User.objects.filter(memberships__company=company, memberships__role="sales", is_active=True)
        .order_by("pk")
        .first()
        or ctx.by
    )


def _reasons(ctx: DemoContext, company: Company) -> list[LostReason]:
    for name in _LOST_REASONS:
        if not LostReason.objects.filter(company=company, name=name).exists():
            lost_reason_create(company=company, by=ctx.by, name=name)
    return list(LostReason.objects.filter(company=company).order_by("pk"))


def _opportunities(ctx: DemoContext, company: Company, owner: User | None) -> None:
    rng = ctx.rng(f"crm.opportunities:{company.code}")
    pipeline = pipeline_default(company, by=ctx.by)
    stages = list(pipeline.stages.filter(is_won=False).order_by("sequence", "pk"))
    reasons = _reasons(ctx, company)
    customers = list(
        Party.objects.filter(company=company, is_customer=True, is_active=True).order_by("code")[:12]
    )
    if not customers or not stages:
        return
    for number, plan in enumerate(_OPPORTUNITY_PLAN, start=1):
        customer = customers[number % len(customers)]
        # not naming the customer: qualified demo leads add customers, so the list shifts on a reload
        title = f"{_NEEDS[number % len(_NEEDS)]} #{number}"
        if Opportunity.objects.filter(company=company, title=title).exists():
            continue
        stage = stages[plan % len(stages)] if isinstance(plan, int) else stages[0]
        opportunity = opportunity_create(
            company=company,
            by=ctx.by,
            title=title,
            party_id=customer.pk,
            stage_id=stage.pk,
            expected_revenue=Decimal(rng.randint(8, 250) * 1000),
            currency=company.currency,
            expected_close_date=ctx.today + dt.timedelta(days=rng.randint(-10, 60)),
            owner=owner,
        )
        if plan == "won":
            opportunity_mark_won(opportunity=opportunity, by=ctx.by)
        elif plan == "lost":
            opportunity_mark_lost(opportunity=opportunity, by=ctx.by, reason_id=rng.choice(reasons).pk)
        ctx.count("crm opportunities")


def _leads(ctx: DemoContext, company: Company, owner: User | None) -> None:
    rng = ctx.rng(f"crm.leads:{company.code}")
    campaign = None
    form = None
    for number, (title, source, outcome) in enumerate(_LEADS, start=1):
        if Lead.objects.filter(company=company, title=title).exists():
            continue
        if campaign is None:
            campaign = campaign_create(
                company=company, by=ctx.by, name="Hotel and restaurant season", channel="email"
            )
            form = lead_form_create(
                company=company, by=ctx.by, name="Website contact form", campaign_id=campaign.pk, owner=owner
            )
        lead = lead_create(
            company=company,
            by=ctx.by,
            title=title,
            contact_name=f"Contact {number}",
            organization_name=f"Prospect {company.code.title()} {number} Co., Ltd.",
            email=f"lead{number}@{company.code}-prospects.example",
            phone=f"+66 2 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            source=LeadSource(source),
            campaign_id=campaign.pk,
            owner=owner,
            lead_form=form if source == "web_form" else None,
        )
        if outcome == "qualified":
            lead_qualify(lead=lead, by=ctx.by, create_party=True, expected_revenue=Decimal(45_000))
        elif outcome == "disqualified":
            lead_disqualify(lead=lead, by=ctx.by, reason="Not a real company")
        ctx.count("crm leads")


@demo_step(order=230, key="crm.pipeline")
def crm(ctx: DemoContext) -> None:
    """Each company's pipeline with opportunities in every stage, won and lost ones, and leads."""
    for company in ctx.companies.values():
        owner = _salesperson(ctx, company)
        _opportunities(ctx, company, owner)
        _leads(ctx, company, owner)
