"""The events CRM publishes through the outbox (past tense, ids not objects).

Each is published with the customer as its aggregate (``parties.party``, id) when there is one, so the
360° timeline shows it; a lead not yet linked to a party is its own aggregate. Who acted travels on the
outbox row.
"""

from __future__ import annotations

from dataclasses import dataclass

from concord.core.outbox.events import Event

__all__ = [
    "LeadCreated",
    "LeadQualified",
    "OpportunityLost",
    "OpportunityStageChanged",
    "OpportunityWon",
]


@dataclass(frozen=True)
class LeadCreated(Event):
    """A lead was recorded (by hand, from a web form, an import, the API or an email)."""

    lead_id: int
    company_id: int
    title: str
    source: str
    email: str
    campaign_id: int | None


@dataclass(frozen=True)
class LeadQualified(Event):
    """A lead was qualified: it is now a customer (``party_id``) with an opportunity."""

    lead_id: int
    company_id: int
    title: str
    party_id: int
    opportunity_id: int
    party_created: bool


@dataclass(frozen=True)
class OpportunityStageChanged(Event):
    """An opportunity moved to another stage of its pipeline."""

    opportunity_id: int
    company_id: int
    party_id: int
    title: str
    from_stage_id: int
    from_stage: str
    to_stage_id: int
    to_stage: str


@dataclass(frozen=True)
class OpportunityWon(Event):
    """An opportunity was won: the customer is buying."""

    opportunity_id: int
    company_id: int
    party_id: int
    title: str
    expected_revenue: str
    currency: str


@dataclass(frozen=True)
class OpportunityLost(Event):
    """An opportunity was lost, and why."""

    opportunity_id: int
    company_id: int
    party_id: int
    title: str
    reason: str
    expected_revenue: str
    currency: str
