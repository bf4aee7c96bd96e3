"""Helpdesk models, one file per aggregate."""

from concord.modules.helpdesk.models.catalog import CannedReply, Tag, TicketCategory
from concord.modules.helpdesk.models.chat import (
    ChatChannel,
    ChatMessage,
    ChatSender,
    ChatStatus,
    Conversation,
)
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
    "ChatChannel",
    "ChatMessage",
    "ChatSender",
    "ChatStatus",
    "Conversation",
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
