"""Writes of the web chat: channels, conversations started by the widget, visitors', the assistant's and
agents' messages, the hand-off to a person (a ticket with the transcript) and the close.

Text is stored plain (control characters dropped, length capped) and always rendered escaped.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import Conflict, ValidationFailed
from concord.core.identity.models import Company
from concord.modules.helpdesk.events import ConversationHandedOff
from concord.modules.helpdesk.models import (
    Channel,
    ChatChannel,
    ChatMessage,
    ChatSender,
    ChatStatus,
    Conversation,
    MessageKind,
    Ticket,
)
from concord.modules.helpdesk.services import tickets as ticket_services
from concord.modules.helpdesk.services._support import actor, publish_for_ticket
from concord.modules.parties.facade import party_find_by_contact, party_summary

__all__ = [
    "MAX_CHAT_TEXT",
    "PARTY_SALT",
    "agent_message_send",
    "chat_channel_for_company",
    "conversation_close",
    "conversation_hand_off",
    "conversation_start",
    "conversation_take",
    "party_from_signed",
    "visitor_message_send",
    "wants_a_person",
]

MAX_CHAT_TEXT = 2000
PARTY_SALT = "concord.chat.party"
PARTY_MAX_AGE_SECONDS = 86400
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# "talk to a person" in the three languages; the assistant's handoff skill covers the rest.
_PERSON = re.compile(
    r"\b(human|person|agent|operator|someone|real people|staff)\b|เจ้าหน้าที่|พนักงาน|คุยกับคน|មនុស្ស|បុគ្គលិក",
    re.IGNORECASE,
)


def _clean(text: str) -> str:
    value = _CONTROL.sub("", str(text or "")).strip()
    if not value:
        raise ValidationFailed(_("The message is empty."), field="text")
    if len(value) > MAX_CHAT_TEXT:
        raise ValidationFailed(
            _("A message is at most %(max)d characters.") % {"max": MAX_CHAT_TEXT}, field="text"
        )
    return value


def wants_a_person(text: str) -> bool:
    """Whether the visitor asks for a person ("talk to a human", "ขอคุยกับเจ้าหน้าที่")."""
    return bool(_PERSON.search(text))


def party_from_signed(value: str, *, company_id: int) -> int | None:
    """The party id of a portal user's signed value (``signing.dumps``), if valid and of this company."""
    if not value:
        return None
    try:
        data = signing.loads(value, salt=PARTY_SALT, max_age=PARTY_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("company") != company_id:
        return None
    party = data.get("party")
    return party if isinstance(party, int) else None


def chat_channel_for_company(company_id: int) -> ChatChannel:
    """The company's chat channel, created on first use."""
    channel = ChatChannel.all_companies.filter(company_id=company_id).order_by("pk").first()
    if channel is not None:
        return channel
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        raise ValidationFailed(_("There is no such company."), field="company_id")
    with transaction.atomic():
        channel = ChatChannel.all_companies.create(
            company_id=company_id,
            token=secrets.token_urlsafe(24),
            name=_("Web chat"),
            greeting=_("Hello! How can we help you today?"),
        )
        audit_record(
            actor=None, action=AuditAction.CREATE, obj=channel, changes={"name": [None, channel.name]}
        )
    return channel


def _add(
    conversation: Conversation, sender: str, text: str, *, skill: str = "", by: Any = None
) -> ChatMessage:
    message = ChatMessage.all_companies.create(
        company_id=conversation.company_id,
        conversation=conversation,
        sender=sender,
        author=actor(by),
        text=text[: MAX_CHAT_TEXT * 2],
        skill=skill[:40],
    )
    Conversation.all_companies.filter(pk=conversation.pk).update(updated_at=timezone.now())
    return message


def _locked(conversation: Conversation) -> Conversation:
    return Conversation.all_companies.select_for_update().get(pk=conversation.pk)


def _match_email(conversation: Conversation, email: str, name: str) -> None:
    email = (email or "").strip().lower()[:254]
    name = (name or "").strip()[:200]
    fields: list[str] = []
    if name and name != conversation.visitor_name:
        conversation.visitor_name = name
        fields.append("visitor_name")
    if email and "@" in email and email != conversation.visitor_email:
        conversation.visitor_email = email
        fields.append("visitor_email")
        if conversation.party_id is None:
            party = party_find_by_contact(company_id=conversation.company_id, email=email)
            if party is not None:
                conversation.party_id = party.id
                fields.append("party")
    if fields:
        conversation.save(update_fields=[*fields, "updated_at"])


def conversation_start(
    *, channel: ChatChannel, visitor_key: str = "", party_signed: str = "", name: str = "", email: str = ""
) -> Conversation:
    """Resume the visitor's open conversation on this channel (same key), or start one with the greeting."""
    if not channel.active:
        raise Conflict(_("This chat is not available."), code="chat_inactive")
    party_id = party_from_signed(party_signed, company_id=channel.company_id)
    if party_id is not None:
        summary = party_summary(party_id)
        if summary is None or summary.company_id != channel.company_id:
            party_id = None
    key = (visitor_key or "").strip()[:64]
    if key:
        existing = (
            Conversation.all_companies.filter(channel=channel, visitor_key=key)
            .exclude(status=ChatStatus.CLOSED)
            .order_by("-pk")
            .first()
        )
        if existing is not None:
            with transaction.atomic():
                if party_id is not None and existing.party_id is None:
                    existing.party_id = party_id
                    existing.save(update_fields=["party", "updated_at"])
                _match_email(existing, email, name)
            return existing
    with transaction.atomic():
        conversation = Conversation.all_companies.create(
            company_id=channel.company_id,
            channel=channel,
            visitor_key=key if len(key) >= 16 else secrets.token_urlsafe(24),
            party_id=party_id,
        )
        _match_email(conversation, email, name)
        if channel.greeting:
            _add(conversation, ChatSender.BOT, channel.greeting, skill="greeting")
    return conversation


def _history(conversation: Conversation, limit: int = 10) -> list[tuple[str, str]]:
    rows = list(
        ChatMessage.all_companies.filter(conversation=conversation)
        .exclude(sender=ChatSender.SYSTEM)
        .order_by("-pk")
        .values_list("sender", "text")[:limit]
    )
    roles: dict[str, str] = {
        ChatSender.VISITOR: "user",
        ChatSender.BOT: "assistant",
        ChatSender.AGENT: "agent",
    }
    return [(roles.get(sender, "assistant"), text) for sender, text in reversed(rows)]


def _assistant(conversation: Conversation, text: str) -> tuple[str, str, bool, tuple[tuple[str, str], ...]]:
    """The assistant's reply as (text, skill, handoff, links); a failing assistant hands off."""
    from concord.modules.assistant.facade import assistant_reply  # the assistant imports the helpdesk facade

    history = _history(conversation)[:-1]  # without the message just stored
    try:
        reply = assistant_reply(
            company_id=conversation.company_id, text=text, party_id=conversation.party_id, history=history
        )
    except Exception:  # noqa: BLE001 - a broken assistant must not lose the visitor: a person takes over
        return _("Let me find a person to help you."), "unknown", True, ()
    return reply.text, reply.skill, reply.handoff, tuple(reply.links)


def _reply_with_links(text: str, links: tuple[tuple[str, str], ...]) -> str:
    if not links:
        return text
    lines = [text, ""] + [f"{title}: {url}" for title, url in links]
    return "\n".join(lines)


def visitor_message_send(
    *, conversation: Conversation, text: str, name: str = "", email: str = ""
) -> list[ChatMessage]:
    """Store the visitor's message; the assistant answers unless a person has it; maybe hand off.

    Returns the messages stored (the visitor's first)."""
    value = _clean(text)
    if conversation.status == ChatStatus.CLOSED:
        raise Conflict(_("This chat is closed; start a new one."), code="chat_closed")
    stored: list[ChatMessage] = []
    with transaction.atomic():
        conversation = _locked(conversation)
        _match_email(conversation, email, name)
        stored.append(_add(conversation, ChatSender.VISITOR, value))
        if conversation.status != ChatStatus.BOT:
            return stored  # an agent has it (or is coming): no bot answer
        answer, skill, handoff, links = _assistant(conversation, value)
        stored.append(_add(conversation, ChatSender.BOT, _reply_with_links(answer, links), skill=skill))
        if handoff or wants_a_person(value):
            stored.extend(
                _hand_off(conversation, reason="assistant" if handoff else "visitor_asked", by=None)
            )
    return stored


def _line(message: ChatMessage) -> str:
    who = {
        ChatSender.VISITOR: _("Visitor"),
        ChatSender.BOT: _("Assistant"),
        ChatSender.AGENT: _("Agent"),
        ChatSender.SYSTEM: _("System"),
    }.get(ChatSender(message.sender), message.sender)
    if message.sender == ChatSender.AGENT and message.author is not None:
        who = message.author.get_full_name() or message.author.get_username()
    return f"[{timezone.localtime(message.created_at):%H:%M}] {who}: {message.text}"


def _transcript(conversation: Conversation, after_id: int = 0) -> tuple[str, int]:
    rows = list(
        ChatMessage.all_companies.filter(conversation=conversation, pk__gt=after_id)
        .select_related("author")
        .order_by("pk")
    )
    return "\n".join(_line(row) for row in rows), (rows[-1].pk if rows else after_id)


def _open_ticket(conversation: Conversation, by: Any) -> Ticket:
    transcript, last_id = _transcript(conversation)
    first_visitor = (
        ChatMessage.all_companies.filter(conversation=conversation, sender=ChatSender.VISITOR)
        .order_by("pk")
        .values_list("text", flat=True)
        .first()
    )
    ticket = ticket_services.ticket_open(
        company=conversation.company,
        subject=_("Chat: %(text)s") % {"text": (first_visitor or _("web chat"))[:80]},
        message=_("Chat transcript:") + "\n" + (transcript or _("(no messages)")),
        channel=Channel.CHAT,
        by=by,
        email=conversation.visitor_email,
        name=conversation.visitor_name,
        party_id=conversation.party_id,
        thread_key=f"chat:{conversation.pk}",
    )
    conversation.ticket = ticket
    conversation.transcript_upto_id = last_id
    if conversation.party_id is None and ticket.party_id is not None:
        conversation.party_id = ticket.party_id
    conversation.save(update_fields=["ticket", "transcript_upto_id", "party", "updated_at"])
    return ticket


def _hand_off(conversation: Conversation, *, reason: str, by: Any) -> list[ChatMessage]:
    """Inside the caller's transaction on a locked conversation."""
    conversation.status = ChatStatus.WAITING
    conversation.save(update_fields=["status", "updated_at"])
    ticket = conversation.ticket
    if ticket is None:
        ticket = _open_ticket(conversation, by)
    note = _add(
        conversation, ChatSender.SYSTEM, _("We are passing you to a person; an agent will join shortly.")
    )
    conversation.transcript_upto_id = note.pk
    conversation.save(update_fields=["transcript_upto_id", "updated_at"])
    audit_record(
        actor=actor(by),
        action=AuditAction.UPDATE,
        obj=conversation,
        changes={"status": [ChatStatus.BOT, ChatStatus.WAITING], "ticket": [None, ticket.pk]},
    )
    publish_for_ticket(
        ConversationHandedOff(
            ticket_id=ticket.pk,
            company_id=conversation.company_id,
            party_id=conversation.party_id,
            conversation_id=str(conversation.pk),
            reason=reason,
        ),
        by=by,
        company_id=conversation.company_id,
        party_id=conversation.party_id,
    )
    return [note]


def conversation_hand_off(*, conversation: Conversation, reason: str, by: Any) -> Conversation:
    """Pass the conversation to the agents: status waiting, a chat ticket with the transcript, the event."""
    if conversation.status in (ChatStatus.CLOSED, ChatStatus.WAITING, ChatStatus.AGENT):
        raise Conflict(_("This chat is already with the agents or closed."), code="chat_not_bot")
    with transaction.atomic():
        conversation = _locked(conversation)
        _hand_off(conversation, reason=reason, by=by)
    return conversation


def conversation_take(*, conversation: Conversation, by: Any) -> Conversation:
    """An agent takes the chat (status agent); the visitor is told; the ticket is assigned to them."""
    if conversation.status == ChatStatus.CLOSED:
        raise Conflict(_("This chat is closed."), code="chat_closed")
    with transaction.atomic():
        conversation = _locked(conversation)
        if conversation.status == ChatStatus.AGENT and conversation.assigned_agent_id == by.pk:
            return conversation
        before = conversation.status
        conversation.status = ChatStatus.AGENT
        conversation.assigned_agent = by
        conversation.save(update_fields=["status", "assigned_agent", "updated_at"])
        name = by.get_full_name() or by.get_username()
        _add(conversation, ChatSender.SYSTEM, _("%(name)s joined the chat.") % {"name": name}, by=by)
        if conversation.ticket is not None and conversation.ticket.is_open:
            ticket_services.ticket_assign(ticket=conversation.ticket, assignee_id=by.pk, by=by)
        audit_record(
            actor=actor(by),
            action=AuditAction.UPDATE,
            obj=conversation,
            changes={"status": [before, ChatStatus.AGENT], "assigned_agent": [None, by.pk]},
        )
    return conversation


def agent_message_send(*, conversation: Conversation, text: str, by: Any) -> ChatMessage:
    """An agent answers in the chat (taking it first if nobody has); the widget shows it on its next poll."""
    value = _clean(text)
    if conversation.status == ChatStatus.CLOSED:
        raise Conflict(_("This chat is closed."), code="chat_closed")
    if conversation.status != ChatStatus.AGENT or conversation.assigned_agent_id != by.pk:
        conversation = conversation_take(conversation=conversation, by=by)
    with transaction.atomic():
        conversation = _locked(conversation)
        return _add(conversation, ChatSender.AGENT, value, by=by)


def conversation_close(*, conversation: Conversation, by: Any) -> Conversation:
    """Close the chat: the transcript since the hand-off is appended to its ticket (opened now if none)."""
    if conversation.status == ChatStatus.CLOSED:
        return conversation
    with transaction.atomic():
        conversation = _locked(conversation)
        before = conversation.status
        _add(conversation, ChatSender.SYSTEM, _("The chat was closed. Thank you!"), by=by)
        if conversation.ticket_id is None:
            _open_ticket(conversation, by)
        else:
            ticket = conversation.ticket
            assert ticket is not None  # noqa: S101 - ticket_id is set
            rows = list(
                ChatMessage.all_companies.filter(
                    conversation=conversation, pk__gt=conversation.transcript_upto_id
                )
                .select_related("author")
                .order_by("pk")
            )
            kinds = {
                ChatSender.VISITOR: MessageKind.CUSTOMER,
                ChatSender.AGENT: MessageKind.PUBLIC_REPLY,
            }
            for row in rows:
                ticket_services.message_add(
                    ticket=ticket,
                    kind=kinds.get(ChatSender(row.sender), MessageKind.SYSTEM),
                    by=row.author if row.sender == ChatSender.AGENT else None,
                    text=_line(row),
                    channel=Channel.CHAT,
                    from_name=conversation.visitor_name if row.sender == ChatSender.VISITOR else "",
                    from_address=conversation.visitor_email if row.sender == ChatSender.VISITOR else "",
                )
            if rows:
                conversation.transcript_upto_id = rows[-1].pk
        conversation.status = ChatStatus.CLOSED
        conversation.save(update_fields=["status", "transcript_upto_id", "updated_at"])
        audit_record(
            actor=actor(by),
            action=AuditAction.UPDATE,
            obj=conversation,
            changes={"status": [before, ChatStatus.CLOSED]},
        )
    return conversation
