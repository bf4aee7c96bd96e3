"""Campaigns and public lead forms: create, edit, delete."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_changes, audit_record, created_changes, deleted_changes
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company, User
from concord.modules.crm.models import Campaign, CampaignChannel, LeadForm, new_form_token
from concord.modules.crm.services._support import FieldErrors, clean_text, member_of

__all__ = [
    "campaign_create",
    "campaign_delete",
    "campaign_update",
    "lead_form_create",
    "lead_form_delete",
    "lead_form_new_token",
    "lead_form_update",
]


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(_("Write the date as YYYY-MM-DD."), field=field) from None


def _clean_campaign(values: dict[str, Any], *, company: Company, campaign: Campaign | None) -> dict[str, Any]:
    errors = FieldErrors()
    out: dict[str, Any] = {}
    if "name" in values:
        out["name"] = clean_text(values["name"], max_length=150)
        taken = Campaign.all_companies.filter(company=company, name__iexact=out["name"])
        if campaign is not None:
            taken = taken.exclude(pk=campaign.pk)
        if not out["name"]:
            errors.add("name", _("Enter the campaign's name."))
        elif taken.exists():
            errors.add("name", _("Another campaign of this company has this name."))
    if "channel" in values:
        out["channel"] = values["channel"] or CampaignChannel.OTHER
        if out["channel"] not in CampaignChannel.values:
            errors.add("channel", _("Choose one of the channels."))
    for field in ("start_date", "end_date"):
        if field in values:
            try:
                out[field] = _date(values[field], field)
            except ValidationFailed as exc:
                errors.add(field, str(exc.message))
    if "is_active" in values:
        out["is_active"] = bool(values["is_active"])
    start = out.get("start_date", campaign.start_date if campaign else None)
    end = out.get("end_date", campaign.end_date if campaign else None)
    if start and end and end < start:
        errors.add("end_date", _("A campaign ends on or after its start."))
    errors.raise_if_any()
    return out


def campaign_create(
    *,
    company: Company,
    by: User | None,
    name: str,
    channel: str = CampaignChannel.OTHER,
    start_date: dt.date | str | None = None,
    end_date: dt.date | str | None = None,
) -> Campaign:
    """A marketing campaign leads can be attributed to."""
    values = _clean_campaign(
        {"name": name, "channel": channel, "start_date": start_date, "end_date": end_date},
        company=company,
        campaign=None,
    )
    with transaction.atomic():
        campaign = Campaign.all_companies.create(company=company, **values)
        audit_record(actor=by, action=AuditAction.CREATE, obj=campaign, changes=created_changes(campaign))
    return campaign


def campaign_update(*, campaign: Campaign, by: User | None, **changes: Any) -> Campaign:
    """Rename a campaign, change its channel, dates or whether it is still offered."""
    unknown = sorted(set(changes) - {"name", "channel", "start_date", "end_date", "is_active"})
    if unknown:
        raise ValidationFailed(
            _("Unknown or read-only field: %(name)s") % {"name": unknown[0]}, field=unknown[0]
        )
    values = _clean_campaign(changes, company=campaign.company, campaign=campaign)
    with transaction.atomic(), audit_changes(campaign, by=by):
        for name, value in values.items():
            setattr(campaign, name, value)
        campaign.save()
    return campaign


def campaign_delete(*, campaign: Campaign, by: User | None) -> None:
    """Delete a campaign; its leads stay, without a campaign."""
    with transaction.atomic():
        audit_record(actor=by, action=AuditAction.DELETE, obj=campaign, changes=deleted_changes(campaign))
        campaign.delete()


def _clean_form(values: dict[str, Any], *, company: Company) -> dict[str, Any]:
    errors = FieldErrors()
    out: dict[str, Any] = {}
    if "name" in values:
        out["name"] = clean_text(values["name"], max_length=150)
        if not out["name"]:
            errors.add("name", _("Enter the form's name."))
    if "campaign_id" in values:
        out["campaign"] = None
        if values["campaign_id"] not in (None, ""):
            out["campaign"] = Campaign.all_companies.filter(company=company, pk=values["campaign_id"]).first()
            if out["campaign"] is None:
                errors.add("campaign_id", _("Choose a campaign of this company."))
    if "owner" in values:
        out["owner"] = errors.check(
            lambda: member_of(company, values["owner"], field="owner"), field="owner", default=None
        )
    if "thank_you_message" in values:
        out["thank_you_message"] = clean_text(values["thank_you_message"], max_length=300)
    if "is_active" in values:
        out["is_active"] = bool(values["is_active"])
    errors.raise_if_any()
    return out


def lead_form_create(
    *,
    company: Company,
    by: User | None,
    name: str,
    campaign_id: int | None = None,
    owner: User | None = None,
    thank_you_message: str = "",
) -> LeadForm:
    """A public web form with a fresh random token; what visitors send becomes leads of ``company``."""
    values = _clean_form(
        {"name": name, "campaign_id": campaign_id, "owner": owner, "thank_you_message": thank_you_message},
        company=company,
    )
    with transaction.atomic():
        form = LeadForm.all_companies.create(company=company, **values)
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            obj=form,
            changes=created_changes(form, ["name", "campaign", "owner", "is_active"]),
        )
    return form


def lead_form_update(*, lead_form: LeadForm, by: User | None, **changes: Any) -> LeadForm:
    """Change a form's name, default campaign, owner, thank-you message or whether it is open."""
    unknown = sorted(set(changes) - {"name", "campaign_id", "owner", "thank_you_message", "is_active"})
    if unknown:
        raise ValidationFailed(
            _("Unknown or read-only field: %(name)s") % {"name": unknown[0]}, field=unknown[0]
        )
    values = _clean_form(changes, company=lead_form.company)
    fields = ["name", "campaign", "owner", "thank_you_message", "is_active"]
    with transaction.atomic(), audit_changes(lead_form, by=by, fields=fields):
        for name, value in values.items():
            setattr(lead_form, name, value)
        lead_form.save()
    return lead_form


def lead_form_new_token(*, lead_form: LeadForm, by: User | None) -> LeadForm:
    """Give the form a new address (the old one stops working: after spam, or a leaked embed)."""
    with transaction.atomic():
        lead_form.token = new_form_token()
        lead_form.save(update_fields=["token"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=lead_form,
            changes={"token": ["[redacted]", "[redacted]"]},
        )
    return lead_form


def lead_form_delete(*, lead_form: LeadForm, by: User | None) -> None:
    """Delete a form; leads it brought stay."""
    with transaction.atomic():
        audit_record(
            actor=by, action=AuditAction.DELETE, obj=lead_form, changes=deleted_changes(lead_form, ["name"])
        )
        lead_form.delete()
