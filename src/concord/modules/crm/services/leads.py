"""Leads: record (by hand, web form, import, API), edit, qualify into a customer and an opportunity, disqualify.

Qualifying checks the parties for duplicates through parties' facade: when some look like the lead, the
caller picks one (``party_id``) or confirms a new one (``create_party``); otherwise a customer is created.
The opportunity goes to the first stage of the default pipeline. Qualifying a qualified lead returns its
opportunity and changes nothing (a double click, a retried API call).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_changes, audit_record, created_changes, deleted_changes
from concord.core.errors import Conflict, ValidationFailed
from concord.core.identity.models import Company, User
from concord.modules.crm.events import LeadCreated, LeadQualified
from concord.modules.crm.models import Campaign, Lead, LeadForm, LeadSource, LeadStatus, Opportunity
from concord.modules.crm.services._support import (
    FieldErrors,
    actor,
    clean_email,
    clean_text,
    member_of,
    party_of,
    publish_crm,
)
from concord.modules.crm.services.opportunities import opportunity_create
from concord.modules.parties.facade import PartySummary, party_create_checked, party_duplicates

__all__ = [
    "LEAD_UPDATABLE",
    "LeadDuplicatesError",
    "lead_create",
    "lead_delete",
    "lead_disqualify",
    "lead_duplicates",
    "lead_qualify",
    "lead_update",
]

LEAD_UPDATABLE = frozenset(
    {"title", "contact_name", "organization_name", "email", "phone", "campaign_id", "notes", "owner"}
)
_AUDITED = [
    "title",
    "contact_name",
    "organization_name",
    "email",
    "phone",
    "source",
    "campaign",
    "status",
    "notes",
    "disqualify_reason",
    "party",
    "opportunity",
    "owner",
    "qualified_at",
]


class LeadDuplicatesError(Conflict):
    """Qualifying would create a customer that looks like existing ones: pick one or confirm a new one."""

    code = "duplicate_party"

    def __init__(self, message: Any, *, duplicates: list[PartySummary]) -> None:
        super().__init__(message)
        self.duplicates = duplicates


def _clean_phone(value: Any) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > 40 or (text and not any(char.isdigit() for char in text)):
        raise ValidationFailed(_("“%(value)s” is not a phone number.") % {"value": text}, field="phone")
    return text


def _campaign_of(company: Company, campaign_id: Any) -> Campaign | None:
    if campaign_id in (None, ""):
        return None
    campaign = Campaign.all_companies.filter(company=company, pk=campaign_id).first()
    if campaign is None:
        raise ValidationFailed(_("Choose a campaign of this company."), field="campaign_id")
    return campaign


def _clean_lead(values: dict[str, Any], *, company: Company, errors: FieldErrors) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, size in (("title", 200), ("contact_name", 200), ("organization_name", 200)):
        if name in values:
            out[name] = clean_text(values[name], max_length=size)
    if "title" in out and not out["title"]:
        errors.add("title", _("Enter a title for the lead (what they are interested in)."))
    if "email" in values:
        out["email"] = errors.check(lambda: clean_email(values["email"]), field="email", default="")
    if "phone" in values:
        out["phone"] = errors.check(lambda: _clean_phone(values["phone"]), field="phone", default="")
    if "campaign_id" in values:
        out["campaign"] = errors.check(
            lambda: _campaign_of(company, values["campaign_id"]), field="campaign_id", default=None
        )
    if "notes" in values:
        out["notes"] = str(values["notes"] or "").strip()
    if "owner" in values:
        out["owner"] = errors.check(
            lambda: member_of(company, values["owner"], field="owner"), field="owner", default=None
        )
    return out


def lead_create(
    *,
    company: Company,
    by: User | None,
    title: str,
    contact_name: str = "",
    organization_name: str = "",
    email: str = "",
    phone: str = "",
    source: str = LeadSource.MANUAL,
    campaign_id: int | None = None,
    notes: str = "",
    owner: User | None = None,
    lead_form: LeadForm | None = None,
) -> Lead:
    """Record a lead: a title and an email or a phone are required; the email is stored lower-cased.

    Raises ``ValidationFailed`` naming every bad field, with nothing saved. Publishes ``LeadCreated``.
    """
    if source not in LeadSource.values:
        raise ValidationFailed(_("Unknown lead source."), field="source")
    errors = FieldErrors()
    values = _clean_lead(
        {
            "title": title,
            "contact_name": contact_name,
            "organization_name": organization_name,
            "email": email,
            "phone": phone,
            "campaign_id": campaign_id,
            "notes": notes,
            "owner": owner,
        },
        company=company,
        errors=errors,
    )
    if (
        not values["email"]
        and not values["phone"]
        and not errors.errors.get("email")
        and not errors.errors.get("phone")
    ):
        errors.add("email", _("Give an email address or a phone number to reach them."))
    errors.raise_if_any()
    with transaction.atomic():
        lead = Lead(company=company, source=source, lead_form=lead_form, **values)
        if lead.owner is None and source == LeadSource.MANUAL:
            lead.owner = actor(by)
        lead.save(force_insert=True)
        audit_record(actor=by, action=AuditAction.CREATE, obj=lead, changes=created_changes(lead, _AUDITED))
        publish_crm(
            LeadCreated(
                lead_id=lead.pk,
                company_id=company.pk,
                title=lead.title,
                source=lead.source,
                email=lead.email,
                campaign_id=lead.campaign_id,
            ),
            by=by,
            company_id=company.pk,
            party_id=None,
            about=lead,
        )
    return lead


def lead_update(*, lead: Lead, by: User | None, **changes: Any) -> Lead:
    """Change a lead's details; it must keep a title and an email or a phone."""
    unknown = sorted(set(changes) - LEAD_UPDATABLE)
    if unknown:
        raise ValidationFailed(
            _("Unknown or read-only field: %(name)s") % {"name": unknown[0]}, field=unknown[0]
        )
    errors = FieldErrors()
    values = _clean_lead(changes, company=lead.company, errors=errors)
    email = values.get("email", lead.email)
    phone = values.get("phone", lead.phone)
    if not email and not phone and not errors.errors:
        errors.add("email", _("Give an email address or a phone number to reach them."))
    errors.raise_if_any()
    with transaction.atomic(), audit_changes(lead, by=by, fields=_AUDITED):
        for name, value in values.items():
            setattr(lead, name, value)
        lead.save()
    return lead


def lead_delete(*, lead: Lead, by: User | None) -> None:
    """Delete a lead that was not qualified (a mistake, spam, an import undone)."""
    if lead.status == LeadStatus.QUALIFIED:
        raise Conflict(_("A qualified lead is kept: its customer and opportunity came from it."))
    with transaction.atomic():
        audit_record(actor=by, action=AuditAction.DELETE, obj=lead, changes=deleted_changes(lead, _AUDITED))
        lead.delete()


def _party_name(lead: Lead) -> tuple[str, str]:
    """The kind and name of the customer a lead becomes: its organisation, else the person."""
    if lead.organization_name:
        return "organization", lead.organization_name
    return "person", lead.contact_name or lead.title


def lead_duplicates(*, lead: Lead) -> list[PartySummary]:
    """Existing parties that look like the customer this lead would become."""
    _kind, name = _party_name(lead)
    return party_duplicates(company_id=lead.company_id, name=name, email=lead.email, phone=lead.phone)


def lead_qualify(
    *,
    lead: Lead,
    by: User | None,
    party_id: int | str | None = None,
    create_party: bool = False,
    opportunity_title: str = "",
    expected_revenue: Decimal | str | int = 0,
    currency: str = "",
) -> Opportunity:
    """Qualify a lead: link (or create) its customer and open an opportunity in the default pipeline.

    ``party_id`` links an existing party of the company. Otherwise the parties that look like the lead
    are looked up: if there are some, ``LeadDuplicatesError`` (409) lists them unless ``create_party``
    confirms a new customer. Idempotent: a qualified lead returns its opportunity. Publishes
    ``LeadQualified`` with the customer as aggregate.
    """
    company = lead.company
    with transaction.atomic():
        locked = Lead.all_companies.select_for_update().get(pk=lead.pk)
        if locked.status == LeadStatus.QUALIFIED and locked.opportunity_id is not None:
            existing = Opportunity.all_companies.get(pk=locked.opportunity_id)
            lead.status, lead.party_id, lead.opportunity_id = (
                locked.status,
                locked.party_id,
                locked.opportunity_id,
            )
            return existing
        created = False
        if party_id not in (None, ""):
            party = party_of(company, int(party_id))
        else:
            kind, name = _party_name(locked)
            duplicates = [] if create_party else lead_duplicates(lead=locked)
            if duplicates:
                raise LeadDuplicatesError(
                    _(
                        "Customers like this one exist already: %(names)s. Pick one, or confirm a new customer."
                    )
                    % {"names": ", ".join(match.name for match in duplicates)},
                    duplicates=duplicates,
                )
            party = party_create_checked(
                company_id=company.pk,
                kind=kind,
                name=name,
                email=locked.email,
                phone=locked.phone,
                is_customer=True,
                by=by,
                confirm_duplicates=True,
            )
            created = True
        opportunity = opportunity_create(
            company=company,
            by=by,
            title=opportunity_title or locked.title,
            party_id=party.id,
            expected_revenue=expected_revenue,
            currency=currency,
            owner=locked.owner or actor(by),
            notes=locked.notes,
            lead=locked,
        )
        with audit_changes(locked, by=by, fields=_AUDITED):
            locked.status = LeadStatus.QUALIFIED
            locked.party_id = party.id
            locked.opportunity = opportunity
            locked.disqualify_reason = ""
            locked.qualified_at = timezone.now()
            locked.save()
        publish_crm(
            LeadQualified(
                lead_id=locked.pk,
                company_id=company.pk,
                title=locked.title,
                party_id=party.id,
                opportunity_id=opportunity.pk,
                party_created=created,
            ),
            by=by,
            company_id=company.pk,
            party_id=party.id,
        )
    lead.status, lead.party_id, lead.opportunity_id = locked.status, locked.party_id, locked.opportunity_id
    lead.qualified_at = locked.qualified_at
    return opportunity


def lead_disqualify(*, lead: Lead, by: User | None, reason: str) -> Lead:
    """Set a lead aside (not interested, unreachable, spam...) with the reason; a qualified one is kept (409)."""
    text = clean_text(reason, max_length=300)
    if not text:
        raise ValidationFailed(_("Say why the lead is disqualified."), field="reason")
    with transaction.atomic():
        locked = Lead.all_companies.select_for_update().get(pk=lead.pk)
        if locked.status == LeadStatus.QUALIFIED:
            raise Conflict(_("This lead is qualified already: work on its opportunity instead."))
        with audit_changes(locked, by=by, fields=_AUDITED):
            locked.status = LeadStatus.DISQUALIFIED
            locked.disqualify_reason = text
            locked.save()
    lead.status, lead.disqualify_reason = locked.status, locked.disqualify_reason
    return lead
