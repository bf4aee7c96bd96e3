"""Importing leads from CSV or XLSX: the ``crm.lead`` spec for the import framework.

A row is checked as the lead form checks it (a title, an email or a phone, a valid email); the campaign
is named by its name. Rows become leads with the source ``import``; a failed job deletes them again.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concord.core.dataio.specs import ImportColumn, ImportSpec, RowError
from concord.core.errors import ValidationFailed
from concord.modules.crm.models import Campaign, Lead, LeadSource
from concord.modules.crm.services._support import clean_email, clean_text
from concord.modules.crm.services.leads import lead_create, lead_delete

__all__ = ["LeadImport"]


def _campaigns(seen: dict[str, Any], company: Any) -> dict[str, int]:
    if "_campaigns" not in seen:
        seen["_campaigns"] = {
            name.casefold(): pk
            for pk, name in Campaign.all_companies.filter(company=company).values_list("pk", "name")
        }
    campaigns: dict[str, int] = seen["_campaigns"]
    return campaigns


class LeadImport(ImportSpec):
    """Leads from a spreadsheet (a fair's visitor list, a purchased list, an old CRM)."""

    key = "crm.lead"
    label = gettext_lazy("Leads")
    permission = "crm.add"
    description = gettext_lazy(
        "One lead per row: a title and an email or a phone. The campaign is the name of an existing campaign."
    )
    columns = [
        ImportColumn("title", gettext_lazy("Title"), required=True),
        ImportColumn("contact_name", gettext_lazy("Contact name")),
        ImportColumn("organization_name", gettext_lazy("Organisation")),
        ImportColumn("email", gettext_lazy("Email")),
        ImportColumn("phone", gettext_lazy("Phone")),
        ImportColumn("campaign", gettext_lazy("Campaign")),
        ImportColumn("notes", gettext_lazy("Notes")),
    ]

    def validate_row(self, row: dict[str, str], *, company: Any, seen: dict[str, Any]) -> dict[str, Any]:
        title = clean_text(row.get("title", ""), max_length=200)
        if not title:
            raise RowError("title", _("Enter a title for the lead (what they are interested in)."))
        try:
            email = clean_email(row.get("email", ""))
        except ValidationFailed as exc:
            raise RowError("email", exc.message) from None
        phone = " ".join(row.get("phone", "").split())
        if len(phone) > 40:
            raise RowError("phone", _("A phone number has at most 40 characters."))
        if not email and not phone:
            raise RowError("email", _("Give an email address or a phone number to reach them."))
        campaign_name = clean_text(row.get("campaign", ""), max_length=150)
        campaign_id = None
        if campaign_name:
            campaign_id = _campaigns(seen, company).get(campaign_name.casefold())
            if campaign_id is None:
                raise RowError(
                    "campaign", _("There is no campaign named %(name)s.") % {"name": campaign_name}
                )
        return {
            "title": title,
            "contact_name": row.get("contact_name", ""),
            "organization_name": row.get("organization_name", ""),
            "email": email,
            "phone": phone,
            "campaign_id": campaign_id,
            "notes": row.get("notes", "").strip(),
        }

    def write_batch(self, rows: list[dict[str, Any]], *, company: Any, by: Any, job_id: int) -> list[int]:
        return [lead_create(company=company, by=by, source=LeadSource.IMPORT, **row).pk for row in rows]

    def undo(self, ids: list[int], *, company: Any, by: Any) -> None:
        for lead in Lead.all_companies.filter(company=company, pk__in=ids):
            lead_delete(lead=lead, by=by)
