"""What other modules may import from parties: plain summaries of a party and the 360° panel hook.

Modules point at parties by foreign key (``models.ForeignKey("parties.Party", on_delete=models.PROTECT)``)
and read them through these functions, never through parties' models or services.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from concord.core.registry import PartyPanel, TimelineEntry
from concord.modules.parties.models import Party
from concord.modules.parties.panels import register_party_panel

__all__ = [
    "PartyPanel",
    "PartySummary",
    "TimelineEntry",
    "party_summaries",
    "party_summary",
    "register_party_panel",
]


@dataclass(frozen=True)
class PartySummary:
    """A party as other modules see it: enough to print it on a document or pick it in a form."""

    id: int
    company_id: int
    kind: str
    name: str
    code: str
    tax_id: str
    branch_code: str
    country: str
    currency: str
    language: str
    payment_terms_days: int
    credit_limit: Decimal
    is_customer: bool
    is_supplier: bool
    is_active: bool


def _summary(party: Party) -> PartySummary:
    return PartySummary(
        id=party.pk,
        company_id=party.company_id,
        kind=party.kind,
        name=party.name,
        code=party.code,
        tax_id=party.tax_id,
        branch_code=party.branch_code,
        country=party.country,
        currency=party.currency,
        language=party.language,
        payment_terms_days=party.payment_terms_days,
        credit_limit=party.credit_limit,
        is_customer=party.is_customer,
        is_supplier=party.is_supplier,
        is_active=party.is_active,
    )


def party_summary(party_id: int) -> PartySummary | None:
    """The party with this id in the current company scope, or None."""
    party = Party.objects.filter(pk=party_id).first()
    return _summary(party) if party is not None else None


def party_summaries(party_ids: list[int]) -> dict[int, PartySummary]:
    """Several parties at once, by id (those outside the scope are left out)."""
    return {party.pk: _summary(party) for party in Party.objects.filter(pk__in=party_ids)}
