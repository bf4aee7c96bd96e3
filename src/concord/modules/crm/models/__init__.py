"""CRM models, one file per aggregate."""

from concord.modules.crm.models.campaign import Campaign, CampaignChannel, LeadForm, new_form_token
from concord.modules.crm.models.lead import Lead, LeadSource, LeadStatus
from concord.modules.crm.models.opportunity import Opportunity, OpportunityStatus
from concord.modules.crm.models.pipeline import LostReason, Pipeline, Stage

__all__ = [
    "Campaign",
    "CampaignChannel",
    "Lead",
    "LeadForm",
    "LeadSource",
    "LeadStatus",
    "LostReason",
    "Opportunity",
    "OpportunityStatus",
    "Pipeline",
    "Stage",
    "new_form_token",
]
