"""The calls sales makes into CRM, in one place: an order's opportunity, won when the order is confirmed.

Sales depends on CRM (a nullable foreign key to ``crm.Opportunity`` and its facade), never the reverse.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from concord.modules.crm import facade as crm

OpportunityInfo = crm.OpportunityInfo

__all__ = ["OpportunityInfo", "opportunity_get", "opportunity_mark_won", "pipeline_summary", "won_lost"]


def opportunity_get(opportunity_id: int) -> crm.OpportunityInfo | None:
    """CRM's view of the opportunity (id, company_id, title, party_id, status, ...) or None."""
    return crm.opportunity_get(opportunity_id)


def opportunity_mark_won(*, opportunity_id: int, by: Any) -> None:
    """Mark the opportunity won (CRM keeps it idempotent: a won one stays won)."""
    crm.opportunity_mark_won(opportunity_id=opportunity_id, by=by)


def pipeline_summary(*, company_id: int) -> list[crm.StageSummary]:
    """Open opportunities by stage of the company's pipeline (CRM's grouped figures)."""
    return crm.pipeline_summary(company_id=company_id)


def won_lost(*, company_id: int, start: dt.date, end: dt.date) -> crm.WonLost:
    """Opportunities won and lost between ``start`` and ``end``."""
    return crm.won_lost(company_id=company_id, start=start, end=end)
