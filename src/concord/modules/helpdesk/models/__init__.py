"""Helpdesk models, one file per aggregate."""

from concord.modules.helpdesk.models.catalog import CannedReply, Tag, TicketCategory
from concord.modules.helpdesk.models.team import Escalation, Priority, SlaPolicy, Team, TeamHoliday, TeamKind
from concord.modules.helpdesk.models.ticket import (
    OPEN_STATUSES,
    Channel,
    MessageKind,
    Ticket,
    TicketAttachment,
    TicketMessage,
    TicketStatus,
)

__all__ = [
    "OPEN_STATUSES",
    "CannedReply",
    "Channel",
    "Escalation",
    "MessageKind",
    "Priority",
    "SlaPolicy",
    "Tag",
    "Team",
    "TeamHoliday",
    "TeamKind",
    "Ticket",
    "TicketAttachment",
    "TicketCategory",
    "TicketMessage",
    "TicketStatus",
]
