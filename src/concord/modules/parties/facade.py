"""What other modules may import from parties: plain summaries of a party and the 360° panel hook.

Modules point at parties by foreign key (``models.ForeignKey("parties.Party", on_delete=models.PROTECT)``)
and read them through these functions, never through parties' models or services.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.core.registry import PartyPanel, TimelineEntry
from concord.modules.parties.models import Party, PartyKind
from concord.modules.parties.panels import register_party_panel
from concord.modules.parties.queries import party_duplicates as _party_duplicates
from concord.modules.parties.services import party_create

__all__ = [
    "PartyPanel",
    "PartySummary",
    "TimelineEntry",
    "party_create_checked",
    "party_duplicates",
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


def _company(company_id: int) -> Company:
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        raise ValidationFailed("unknown company", field="company_id")
    return company


def party_duplicates(
    *, company_id: int, name: str = "", email: str = "", phone: str = "", tax_id: str = ""
) -> list[PartySummary]:
    """Existing parties of the company that look like this one (same tax ID, email or phone, similar name)."""
    company = _company(company_id)
    matches = _party_duplicates(
        company=company,
        name=name,
        tax_id=tax_id,
        emails=[email] if email.strip() else [],
        phones=[phone] if phone.strip() else [],
        country=company.country,
    )
    return [_summary(match.party) for match in matches]


def party_create_checked(
    *,
    company_id: int,
    kind: str,
    name: str,
    email: str = "",
    phone: str = "",
    tax_id: str = "",
    is_customer: bool = False,
    by: Any,
    confirm_duplicates: bool = False,
) -> PartySummary:
    """Create a party (organisation or person) with its email and phone, refusing likely duplicates.

    Raises ``ValidationFailed`` naming the bad field, or a ``Conflict`` (code ``duplicate_party``)
    listing the look-alikes unless ``confirm_duplicates``. Joins the caller's transaction.
    """
    party = party_create(
        company=_company(company_id),
        by=by,
        name=name,
        kind=kind if kind in PartyKind.values else PartyKind.ORGANIZATION,
        tax_id=tax_id,
        is_customer=is_customer,
        emails=[email] if email.strip() else [],
        phones=[phone] if phone.strip() else [],
        allow_duplicate=confirm_duplicates,
    )
    return _summary(party)


def party_find_by_contact(*, company_id: int, email: str = "", phone: str = "") -> PartySummary | None:
    """The company's active party with this email (case-insensitive) or phone (E.164), else None.

    The email is tried first; among several parties sharing a contact, the one where it is primary,
    then the oldest. For the helpdesk, which matches incoming messages to the customer.
    """
    from concord.modules.parties.models import ContactPoint
    from concord.modules.parties.validation import clean_phone

    wanted: list[str] = []
    if email.strip():
        wanted.append(email.strip().casefold())
    if phone.strip():
        company = Company.objects.filter(pk=company_id).first()
        with contextlib.suppress(ValidationFailed):  # a malformed phone simply matches nobody
            wanted.append(clean_phone(phone, country=company.country if company else ""))
    for normalized in wanted:
        contact = (
            ContactPoint.all_companies.filter(
                company_id=company_id, normalized=normalized, party__is_active=True
            )
            .select_related("party")
            .order_by("-is_primary", "party_id")
            .first()
        )
        if contact is not None:
            return _summary(contact.party)
    return None
