"""The events the helpdesk publishes through the outbox (past tense, ids not objects).

Each is published with the ticket's customer as its aggregate (``parties.party``, id) when there is
one, so the 360° timeline shows it. The mail channel reacts to ``TicketOpened`` (the auto-reply, stored
as a system message whose id travels here) and ``TicketReplied`` (an agent's public reply to an email
ticket): both carry the stored message's id and its generated Message-ID for threading.
"""

from __future__ import annotations

from dataclasses import dataclass

from concord.core.outbox.events import Event

__all__ = ["ConversationHandedOff", "SlaBreached", "TicketOpened", "TicketReplied", "TicketResolved"]


@dataclass(frozen=True)
class TicketOpened(Event):
    """A ticket was opened from a channel; ``auto_reply_message_id`` is the system message to send, if any."""

    ticket_id: int
    company_id: int
    number: str
    subject: str
    channel: str
    party_id: int | None
    team_id: int | None
    priority: str
    contact_email: str
    first_message_id: int
    auto_reply_message_id: int | None
    auto_reply_mail_message_id: str


@dataclass(frozen=True)
class TicketReplied(Event):
    """An agent answered the customer (a public reply); email tickets get it sent by the mail channel."""

    ticket_id: int
    company_id: int
    number: str
    channel: str
    party_id: int | None
    message_id: int
    mail_message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    to_email: str
    subject: str


@dataclass(frozen=True)
class TicketResolved(Event):
    """A ticket was resolved; the customer is asked to rate it at ``rating_path`` (message ``message_id``)."""

    ticket_id: int
    company_id: int
    number: str
    channel: str
    party_id: int | None
    contact_email: str
    rating_path: str
    message_id: int
    mail_message_id: str


@dataclass(frozen=True)
class SlaBreached(Event):
    """A ticket missed an SLA target (``first_response`` or ``resolution``); published once per target."""

    ticket_id: int
    company_id: int
    number: str
    party_id: int | None
    target: str
    due: str
    escalation: str
    escalated_to_id: int | None


@dataclass(frozen=True)
class ConversationHandedOff(Event):
    """A chat or assistant conversation was handed to the agents (published by the chat channel)."""

    ticket_id: int
    company_id: int
    party_id: int | None
    conversation_id: str
    reason: str
