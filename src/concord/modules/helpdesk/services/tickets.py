"""Tickets from every channel, their conversation and their life: open, reply, note, customer message,
assign, status, resolve (with a rating request), rate, close, merge, link, tags.

Statuses: ``new`` -> ``open`` (someone works on it or the customer wrote) -> ``waiting`` (we answered,
the customer's turn) -> ``resolved`` -> ``closed``. A customer writing on a resolved ticket reopens it;
on a closed one they get a new ticket linked to the old (``follow_up_of``). A merged duplicate is closed
with a pointer to the survivor, which takes its messages.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record, created_changes
from concord.core.errors import Conflict, ValidationFailed
from concord.core.identity.models import Company, User
from concord.core.identity.permissions import permissions_for_roles
from concord.core.numbering.services import sequence_next
from concord.modules.helpdesk.events import TicketOpened, TicketReplied, TicketResolved
from concord.modules.helpdesk.models import (
    Channel,
    MessageKind,
    Priority,
    Tag,
    Team,
    Ticket,
    TicketAttachment,
    TicketCategory,
    TicketMessage,
    TicketStatus,
)
from concord.modules.helpdesk.services._support import (
    actor,
    html_sanitise,
    mail_message_id,
    max_attachment_bytes,
    publish_for_ticket,
)
from concord.modules.helpdesk.services.sla import sla_apply
from concord.modules.parties.facade import party_find_by_contact, party_summary

__all__ = [
    "DOC_TYPE",
    "AttachmentInput",
    "attachment_store",
    "customer_message_add",
    "message_add",
    "ticket_assign",
    "ticket_close",
    "ticket_link",
    "ticket_merge",
    "ticket_note",
    "ticket_open",
    "ticket_open_with_message",
    "ticket_rate",
    "ticket_reply",
    "ticket_resolve",
    "ticket_set_priority",
    "ticket_set_status",
    "ticket_tags_set",
]

DOC_TYPE = "HD"
_AUDITED = ("number", "subject", "party", "channel", "priority", "team", "status", "contact_email")
MAX_BODY = 200_000


@dataclass(frozen=True)
class AttachmentInput:
    """A file to keep with a message."""

    filename: str
    content_type: str
    content: bytes


# --------------------------------------------------------------------------- helpers
def _clean_text(value: str, *, field: str, required: bool = False, max_length: int = MAX_BODY) -> str:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationFailed(_("This field is required."), field=field)
    if len(text) > max_length:
        raise ValidationFailed(_("At most %(max)s characters.") % {"max": max_length}, field=field)
    return text


def _holds(user: Any, perm: str, company_id: int) -> bool:
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_superuser or perm in permissions_for_roles(user.roles_in(company_id))


def _default_team(company: Company) -> Team | None:
    teams = Team.all_companies.filter(company_id=company.pk, is_active=True)
    return teams.filter(kind="support").order_by("pk").first() or teams.order_by("pk").first()


def _team_of(company: Company, team_id: int | None) -> Team | None:
    if team_id is None:
        return _default_team(company)
    team = Team.all_companies.filter(pk=team_id, company_id=company.pk).first()
    if team is None:
        raise ValidationFailed(_("There is no such team."), field="team_id")
    return team


def _locked(ticket: Ticket) -> Ticket:
    # no select_related: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join
    return Ticket.all_companies.select_for_update().get(pk=ticket.pk)


def _save(ticket: Ticket, fields: Sequence[str]) -> None:
    ticket.save(update_fields=[*dict.fromkeys(fields), "updated_at"])


def _audit(ticket: Ticket, by: Any, changes: dict[str, list[Any]]) -> None:
    if changes:
        audit_record(actor=actor(by), action=AuditAction.UPDATE, obj=ticket, changes=changes)


def attachment_store(*, message: TicketMessage, attachment: AttachmentInput) -> TicketAttachment:
    """Keep a file with ``message``; over the size limit it is a ``ValidationFailed`` on ``attachments``."""
    limit = max_attachment_bytes()
    size = len(attachment.content)
    name = (attachment.filename or "attachment").replace("/", "_").replace("\\", "_")[:200] or "attachment"
    if size > limit:
        raise ValidationFailed(
            _("%(name)s is too large (%(size)s MB; at most %(max)s MB).")
            % {"name": name, "size": round(size / 1048576, 1), "max": round(limit / 1048576, 1)},
            field="attachments",
            code="attachment_too_large",
        )
    row = TicketAttachment(
        company_id=message.company_id,
        message=message,
        filename=name,
        content_type=(attachment.content_type or "application/octet-stream")[:120],
        size=size,
    )
    row.file.save(name, ContentFile(attachment.content), save=False)
    row.save(force_insert=True)
    return row


def message_add(
    *,
    ticket: Ticket,
    kind: str,
    by: Any,
    text: str = "",
    html: str = "",
    channel: str | None = None,
    from_name: str = "",
    from_address: str = "",
    message_id: str = "",
    in_reply_to: str = "",
    references: Sequence[str] = (),
    attachments: Sequence[AttachmentInput] = (),
    generate_message_id: bool = False,
) -> TicketMessage:
    """Store one message (HTML sanitised) with its files; joins the caller's transaction."""
    text = _clean_text(text, field="message")
    safe_html = html_sanitise(html[:MAX_BODY]) if html else ""
    if not text and not safe_html and not attachments:
        raise ValidationFailed(_("The message is empty."), field="message")
    message = TicketMessage.all_companies.create(
        company_id=ticket.company_id,
        ticket=ticket,
        kind=kind,
        author=actor(by),
        from_name=from_name[:200],
        from_address=from_address[:254],
        body_text=text,
        body_html=safe_html,
        channel=channel or ticket.channel,
        message_id=message_id[:255],
        in_reply_to=in_reply_to[:255],
        references=" ".join(references),
    )
    if generate_message_id and not message.message_id:
        message.message_id = mail_message_id(ticket.pk, message.pk)
        message.save(update_fields=["message_id"])
    for attachment in attachments:
        attachment_store(message=message, attachment=attachment)
    return message


def _auto_reply_text(ticket: Ticket) -> str:
    with translation.override(ticket.language or "en"):
        return _(
            "Thank you for contacting us. We have received your message and opened ticket %(number)s; "
            "we will answer as soon as we can. Please keep [%(number)s] in the subject when you reply."
        ) % {"number": ticket.number}


# --------------------------------------------------------------------------- open
def ticket_open_with_message(
    *,
    company: Company,
    subject: str,
    message: str,
    channel: str,
    by: Any,
    email: str = "",
    phone: str = "",
    name: str = "",
    party_id: int | None = None,
    team_id: int | None = None,
    priority: str = Priority.NORMAL,
    category_id: int | None = None,
    html: str = "",
    message_id: str = "",
    in_reply_to: str = "",
    references: Sequence[str] = (),
    thread_key: str = "",
    language: str = "",
    attachments: Sequence[AttachmentInput] = (),
    follow_up_of: Ticket | None = None,
    created_at: dt.datetime | None = None,
) -> tuple[Ticket, TicketMessage]:
    """Open a ticket with its first message; return both. See ``ticket_open``."""
    if channel not in Channel.values:
        raise ValidationFailed(_("Unknown channel."), field="channel")
    if priority not in Priority.values:
        raise ValidationFailed(_("Unknown priority."), field="priority")
    subject = _clean_text(subject, field="subject", max_length=300) or _("(no subject)")
    email = (email or "").strip().lower()[:254]
    phone = (phone or "").strip()[:40]
    name = (name or "").strip()[:200]
    party = None
    if party_id is not None:
        party = party_summary(party_id)
        if party is None or party.company_id != company.pk:
            raise ValidationFailed(_("There is no such customer."), field="party_id")
    elif email or phone:
        party = party_find_by_contact(company_id=company.pk, email=email, phone=phone)
    category = None
    if category_id is not None:
        category = TicketCategory.all_companies.filter(pk=category_id, company_id=company.pk).first()
        if category is None:
            raise ValidationFailed(_("There is no such category."), field="category_id")
        if team_id is None and category.team_id is not None:
            team_id = category.team_id
    team = _team_of(company, team_id)
    now = created_at or timezone.now()
    with transaction.atomic():
        ticket = Ticket(
            company=company,
            number=sequence_next(company=company, doc_type=DOC_TYPE, on_date=timezone.localdate(now)),
            subject=subject,
            party_id=party.id if party is not None else None,
            contact_name=name or (party.name if party is not None else ""),
            contact_email=email,
            contact_phone=phone,
            language=(language or (party.language if party is not None else "") or "en")[:8],
            channel=channel,
            priority=priority,
            category=category,
            team=team,
            status=TicketStatus.NEW,
            thread_key=thread_key[:200],
            follow_up_of=follow_up_of,
            created_by=actor(by),
            created_at=now,
        )
        sla_apply(ticket)
        ticket.save(force_insert=True)
        first = message_add(
            ticket=ticket,
            kind=MessageKind.CUSTOMER,
            by=by,  # an agent typing what a caller said is the author; a customer or visitor is None
            text=message,
            html=html,
            channel=channel,
            from_name=name,
            from_address=email or phone,
            message_id=message_id,
            in_reply_to=in_reply_to,
            references=references,
            attachments=attachments,
        )
        if follow_up_of is not None:
            message_add(
                ticket=ticket,
                kind=MessageKind.SYSTEM,
                by=None,
                text=_("Follow-up of the closed ticket %(number)s.") % {"number": follow_up_of.number},
            )
        auto_reply: TicketMessage | None = None
        if channel == Channel.EMAIL and email and (team is None or team.auto_reply):
            auto_reply = message_add(
                ticket=ticket,
                kind=MessageKind.SYSTEM,
                by=None,
                text=_auto_reply_text(ticket),
                channel=Channel.EMAIL,
                in_reply_to=first.message_id,
                references=[first.message_id] if first.message_id else [],
                generate_message_id=True,
            )
        audit_record(
            actor=actor(by), action=AuditAction.CREATE, obj=ticket, changes=created_changes(ticket, _AUDITED)
        )
        publish_for_ticket(
            TicketOpened(
                ticket_id=ticket.pk,
                company_id=company.pk,
                number=ticket.number,
                subject=ticket.subject,
                channel=channel,
                party_id=ticket.party_id,
                team_id=ticket.team_id,
                priority=ticket.priority,
                contact_email=email,
                first_message_id=first.pk,
                auto_reply_message_id=auto_reply.pk if auto_reply is not None else None,
                auto_reply_mail_message_id=auto_reply.message_id if auto_reply is not None else "",
            ),
            by=by,
            company_id=company.pk,
            party_id=ticket.party_id,
        )
    return ticket, first


def ticket_open(
    *,
    company: Company,
    subject: str,
    message: str,
    channel: str,
    by: Any,
    email: str = "",
    phone: str = "",
    name: str = "",
    party_id: int | None = None,
    team_id: int | None = None,
    priority: str = Priority.NORMAL,
    category_id: int | None = None,
    html: str = "",
    thread_key: str = "",
    language: str = "",
    attachments: Sequence[AttachmentInput] = (),
) -> Ticket:
    """Open a ticket from any channel: the customer is matched by email or phone through parties, the
    team's SLA for the priority sets the due times, an email ticket gets its auto-reply stored (the mail
    channel sends it on ``TicketOpened``)."""
    ticket, _first = ticket_open_with_message(
        company=company,
        subject=subject,
        message=message,
        channel=channel,
        by=by,
        email=email,
        phone=phone,
        name=name,
        party_id=party_id,
        team_id=team_id,
        priority=priority,
        category_id=category_id,
        html=html,
        thread_key=thread_key,
        language=language,
        attachments=attachments,
    )
    return ticket


# --------------------------------------------------------------------------- conversation
def _refuse_if_merged(ticket: Ticket) -> None:
    if ticket.merged_into_id is not None:
        raise Conflict(_("This ticket was merged into another one; write there."), code="ticket_merged")


def _thread_headers(ticket: Ticket) -> tuple[str, tuple[str, ...]]:
    """In-Reply-To and References for a new outgoing message: the conversation's Message-IDs so far."""
    ids = list(
        TicketMessage.all_companies.filter(ticket_id=ticket.pk)
        .exclude(message_id="")
        .exclude(kind=MessageKind.INTERNAL_NOTE)
        .order_by("created_at", "pk")
        .values_list("message_id", flat=True)
    )
    return (ids[-1] if ids else ""), tuple(ids[-20:])


def ticket_reply(
    *, ticket: Ticket, text: str, by: Any, html: str = "", attachments: Sequence[AttachmentInput] = ()
) -> TicketMessage:
    """An agent's public reply: the first one records the first response; the ticket waits on the customer.

    Publishes ``TicketReplied`` (the mail channel sends email tickets' replies after commit)."""
    _refuse_if_merged(ticket)
    if ticket.status == TicketStatus.CLOSED:
        raise Conflict(_("The ticket is closed."), code="ticket_closed")
    with transaction.atomic():
        ticket = _locked(ticket)
        in_reply_to, references = _thread_headers(ticket)
        message = message_add(
            ticket=ticket,
            kind=MessageKind.PUBLIC_REPLY,
            by=by,
            text=text,
            html=html,
            channel=ticket.channel,
            from_name=getattr(by, "get_full_name", lambda: "")() or getattr(by, "username", ""),
            in_reply_to=in_reply_to,
            references=references,
            attachments=attachments,
            generate_message_id=True,
        )
        changes: dict[str, list[Any]] = {}
        fields: list[str] = []
        now = message.created_at
        if ticket.first_responded_at is None:
            ticket.first_responded_at = now
            fields.append("first_responded_at")
            changes["first_responded_at"] = [None, now.isoformat()]
            if ticket.first_response_due is not None and now > ticket.first_response_due:
                ticket.first_response_breached = True
                fields.append("first_response_breached")
        if ticket.status in (TicketStatus.NEW, TicketStatus.OPEN):
            changes["status"] = [ticket.status, TicketStatus.WAITING]
            ticket.status = TicketStatus.WAITING
            fields.append("status")
        if ticket.assignee_id is None and isinstance(by, User):
            ticket.assignee = by
            fields.append("assignee")
            changes["assignee"] = [None, by.pk]
        if fields:
            _save(ticket, fields)
        _audit(ticket, by, changes)
        publish_for_ticket(
            TicketReplied(
                ticket_id=ticket.pk,
                company_id=ticket.company_id,
                number=ticket.number,
                channel=ticket.channel,
                party_id=ticket.party_id,
                message_id=message.pk,
                mail_message_id=message.message_id,
                in_reply_to=in_reply_to,
                references=references,
                to_email=ticket.contact_email,
                subject=f"Re: {ticket.subject} [{ticket.number}]",
            ),
            by=by,
            company_id=ticket.company_id,
            party_id=ticket.party_id,
        )
    return message


def ticket_note(
    *, ticket: Ticket, text: str, by: Any, html: str = "", attachments: Sequence[AttachmentInput] = ()
) -> TicketMessage:
    """An internal note: agents see it, the customer never does; no status change."""
    _refuse_if_merged(ticket)
    with transaction.atomic():
        return message_add(
            ticket=ticket,
            kind=MessageKind.INTERNAL_NOTE,
            by=by,
            text=text,
            html=html,
            attachments=attachments,
        )


def customer_message_add(
    *,
    ticket: Ticket,
    text: str,
    by: Any = None,
    html: str = "",
    channel: str | None = None,
    from_name: str = "",
    from_address: str = "",
    message_id: str = "",
    in_reply_to: str = "",
    references: Sequence[str] = (),
    attachments: Sequence[AttachmentInput] = (),
) -> tuple[Ticket, TicketMessage]:
    """The customer wrote: the ticket is open again (a resolved one reopens); on a closed ticket a new
    ticket linked to it is opened. Returns the ticket that took the message, and the message."""
    while ticket.merged_into_id is not None:  # a reply on a merged duplicate goes to the survivor
        ticket = Ticket.all_companies.get(pk=ticket.merged_into_id)
    if ticket.status == TicketStatus.CLOSED:
        return ticket_open_with_message(
            company=ticket.company,
            subject=ticket.subject,
            message=text,
            html=html,
            channel=channel or ticket.channel,
            by=by,
            email=ticket.contact_email,
            phone=ticket.contact_phone,
            name=ticket.contact_name,
            party_id=ticket.party_id,
            team_id=ticket.team_id,
            priority=ticket.priority,
            message_id=message_id,
            in_reply_to=in_reply_to,
            references=references,
            thread_key=ticket.thread_key,
            language=ticket.language,
            attachments=attachments,
            follow_up_of=ticket,
        )
    with transaction.atomic():
        ticket = _locked(ticket)
        message = message_add(
            ticket=ticket,
            kind=MessageKind.CUSTOMER,
            by=by,
            text=text,
            html=html,
            channel=channel,
            from_name=from_name or ticket.contact_name,
            from_address=from_address or ticket.contact_email,
            message_id=message_id,
            in_reply_to=in_reply_to,
            references=references,
            attachments=attachments,
        )
        changes: dict[str, list[Any]] = {}
        fields: list[str] = []
        if ticket.status != TicketStatus.OPEN:
            changes["status"] = [ticket.status, TicketStatus.OPEN]
            if ticket.status == TicketStatus.RESOLVED:
                ticket.resolved_at = None
                fields.append("resolved_at")
                message_add(
                    ticket=ticket, kind=MessageKind.SYSTEM, by=None, text=_("Reopened by the customer.")
                )
            ticket.status = TicketStatus.OPEN
            fields.append("status")
        if fields:
            _save(ticket, fields)
        _audit(ticket, by, changes)
    return ticket, message


# --------------------------------------------------------------------------- assignment and status
def ticket_assign(*, ticket: Ticket, assignee_id: int | None, by: Any, team_id: int | None = None) -> Ticket:
    """Give the ticket to an agent (who must work helpdesk in its company), or to nobody; optionally move it
    to another team (its SLA due times follow)."""
    _refuse_if_merged(ticket)
    assignee: User | None = None
    if assignee_id is not None:
        assignee = User.objects.filter(pk=assignee_id, is_active=True).first()
        if assignee is None or not _holds(assignee, "helpdesk.view", ticket.company_id):
            raise ValidationFailed(_("This person does not work in the helpdesk here."), field="assignee_id")
    with transaction.atomic():
        ticket = _locked(ticket)
        changes: dict[str, list[Any]] = {}
        fields: list[str] = []
        if team_id is not None and team_id != ticket.team_id:
            team = _team_of(ticket.company, team_id)
            changes["team"] = [ticket.team_id, team_id]
            ticket.team = team
            fields += ["team", *sla_apply(ticket)]
        if ticket.assignee_id != (assignee.pk if assignee else None):
            changes["assignee"] = [ticket.assignee_id, assignee.pk if assignee else None]
            ticket.assignee = assignee
            fields.append("assignee")
        if ticket.status == TicketStatus.NEW and assignee is not None:
            ticket.status = TicketStatus.OPEN
            fields.append("status")
        if fields:
            _save(ticket, fields)
        _audit(ticket, by, changes)
    return ticket


def ticket_set_priority(*, ticket: Ticket, priority: str, by: Any) -> Ticket:
    """Change the priority; the SLA due times are recomputed from the ticket's creation."""
    if priority not in Priority.values:
        raise ValidationFailed(_("Unknown priority."), field="priority")
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.priority == priority:
            return ticket
        changes = {"priority": [ticket.priority, priority]}
        ticket.priority = priority
        _save(ticket, ["priority", *sla_apply(ticket)])
        _audit(ticket, by, changes)
    return ticket


def ticket_set_status(*, ticket: Ticket, status: str, by: Any) -> Ticket:
    """Move the ticket to ``status``; resolving and closing go through ``ticket_resolve``/``ticket_close``."""
    if status not in TicketStatus.values:
        raise ValidationFailed(_("Unknown status."), field="status")
    if status == TicketStatus.RESOLVED:
        return ticket_resolve(ticket=ticket, by=by)
    if status == TicketStatus.CLOSED:
        return ticket_close(ticket=ticket, by=by)
    _refuse_if_merged(ticket)
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status == TicketStatus.CLOSED:
            raise Conflict(
                _("A closed ticket cannot be reopened; the customer's next message opens a follow-up."),
                code="ticket_closed",
            )
        if ticket.status == status:
            return ticket
        changes = {"status": [ticket.status, status]}
        fields = ["status"]
        if ticket.status == TicketStatus.RESOLVED:
            ticket.resolved_at = None
            fields.append("resolved_at")
        ticket.status = status
        _save(ticket, fields)
        _audit(ticket, by, changes)
    return ticket


def ticket_resolve(*, ticket: Ticket, by: Any, note: str = "") -> Ticket:
    """Resolve: the clock stops, the customer is asked for a rating (link with a token) and
    ``TicketResolved`` is published. Resolving a resolved ticket changes nothing."""
    _refuse_if_merged(ticket)
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status == TicketStatus.RESOLVED:
            return ticket
        if ticket.status == TicketStatus.CLOSED:
            raise Conflict(_("The ticket is closed."), code="ticket_closed")
        now = timezone.now()
        changes: dict[str, list[Any]] = {"status": [ticket.status, TicketStatus.RESOLVED]}
        ticket.status = TicketStatus.RESOLVED
        ticket.resolved_at = now
        ticket.sla_warning = False
        fields = ["status", "resolved_at", "sla_warning"]
        if ticket.resolution_due is not None and now > ticket.resolution_due:
            ticket.resolution_breached = True
            fields.append("resolution_breached")
        if not ticket.rating_token:
            ticket.rating_token = secrets.token_urlsafe(24)
            fields.append("rating_token")
        _save(ticket, fields)
        if note.strip():
            message_add(ticket=ticket, kind=MessageKind.INTERNAL_NOTE, by=by, text=note)
        rating_path = reverse("helpdesk:rate", args=[ticket.rating_token])
        in_reply_to, references = _thread_headers(ticket)
        with translation.override(ticket.language or "en"):
            ask = _(
                "Your ticket %(number)s is resolved. How did we do? Rate our help from 1 to 5: %(link)s"
            ) % {"number": ticket.number, "link": rating_path}
        request = message_add(
            ticket=ticket,
            kind=MessageKind.SYSTEM,
            by=None,
            text=ask,
            in_reply_to=in_reply_to,
            references=references,
            generate_message_id=True,
        )
        _audit(ticket, by, changes)
        publish_for_ticket(
            TicketResolved(
                ticket_id=ticket.pk,
                company_id=ticket.company_id,
                number=ticket.number,
                channel=ticket.channel,
                party_id=ticket.party_id,
                contact_email=ticket.contact_email,
                rating_path=rating_path,
                message_id=request.pk,
                mail_message_id=request.message_id,
            ),
            by=by,
            company_id=ticket.company_id,
            party_id=ticket.party_id,
        )
    return ticket


def ticket_close(*, ticket: Ticket, by: Any) -> Ticket:
    """Close for good (a later customer message opens a follow-up ticket). Idempotent."""
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status == TicketStatus.CLOSED:
            return ticket
        changes = {"status": [ticket.status, TicketStatus.CLOSED]}
        ticket.status = TicketStatus.CLOSED
        ticket.closed_at = timezone.now()
        ticket.sla_warning = False
        _save(ticket, ["status", "closed_at", "sla_warning"])
        _audit(ticket, by, changes)
    return ticket


def ticket_rate(*, token: str, rating: int, comment: str = "") -> Ticket:
    """The customer's satisfaction (1-5 and a comment) from the rating link; they may change it later."""
    if not token or len(token) > 64:
        raise ValidationFailed(_("This rating link is not valid."), field="token")
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationFailed(_("Choose a rating from 1 to 5."), field="rating")
    comment = _clean_text(comment, field="comment", max_length=4000)
    with transaction.atomic():
        ticket = Ticket.all_companies.select_for_update().filter(rating_token=token).first()
        if ticket is None:
            raise ValidationFailed(_("This rating link is not valid."), field="token")
        changes = {"rating": [ticket.rating, value]}
        ticket.rating = value
        ticket.rating_comment = comment
        ticket.rated_at = timezone.now()
        _save(ticket, ["rating", "rating_comment", "rated_at"])
        _audit(ticket, None, changes)
    return ticket


def ticket_merge(*, duplicate: Ticket, survivor: Ticket, by: Any) -> Ticket:
    """Merge ``duplicate`` into ``survivor``: its messages (and files) move, its tags join, and it is closed
    with a pointer. Refused across companies, into itself, or into a merged or closed ticket."""
    if duplicate.pk == survivor.pk:
        raise ValidationFailed(_("A ticket cannot be merged into itself."), field="survivor_id")
    if duplicate.company_id != survivor.company_id:
        raise ValidationFailed(_("There is no such ticket."), field="survivor_id")
    with transaction.atomic():
        first, second = sorted([duplicate.pk, survivor.pk])  # lock in a fixed order: no deadlock
        locked = {t.pk: t for t in Ticket.all_companies.select_for_update().filter(pk__in=[first, second])}
        duplicate, survivor = locked[duplicate.pk], locked[survivor.pk]
        if duplicate.merged_into_id is not None:
            raise Conflict(_("This ticket was already merged."), code="ticket_merged")
        if survivor.merged_into_id is not None or survivor.status == TicketStatus.CLOSED:
            raise ValidationFailed(_("Merge into an open ticket."), field="survivor_id")
        TicketMessage.all_companies.filter(ticket_id=duplicate.pk).update(ticket_id=survivor.pk)
        survivor.tags.add(*duplicate.tags.all())
        fields: list[str] = []
        if survivor.party_id is None and duplicate.party_id is not None:
            survivor.party_id = duplicate.party_id
            fields.append("party")
        if survivor.status in (TicketStatus.RESOLVED, TicketStatus.WAITING, TicketStatus.NEW):
            survivor.status = TicketStatus.OPEN
            fields.append("status")
        if fields:
            _save(survivor, fields)
        message_add(
            ticket=survivor,
            kind=MessageKind.SYSTEM,
            by=None,
            text=_("Ticket %(number)s was merged into this one.") % {"number": duplicate.number},
        )
        duplicate_status = duplicate.status
        duplicate.merged_into = survivor
        duplicate.status = TicketStatus.CLOSED
        duplicate.closed_at = timezone.now()
        duplicate.sla_warning = False
        _save(duplicate, ["merged_into", "status", "closed_at", "sla_warning"])
        message_add(
            ticket=duplicate,
            kind=MessageKind.SYSTEM,
            by=None,
            text=_("Merged into %(number)s.") % {"number": survivor.number},
        )
        _audit(
            duplicate,
            by,
            {"merged_into": [None, survivor.pk], "status": [duplicate_status, TicketStatus.CLOSED]},
        )
    return survivor


def ticket_link(
    *,
    ticket: Ticket,
    by: Any,
    sales_order_id: int | None = None,
    sales_order_label: str = "",
    invoice_id: int | None = None,
    invoice_label: str = "",
) -> Ticket:
    """Link the ticket to a sales order and/or an invoice (ids resolved by the caller through facades)."""
    with transaction.atomic():
        ticket = _locked(ticket)
        changes = {
            "sales_order_id": [ticket.sales_order_id, sales_order_id],
            "invoice_id": [ticket.invoice_id, invoice_id],
        }
        ticket.sales_order_id, ticket.sales_order_label = sales_order_id, sales_order_label[:60]
        ticket.invoice_id, ticket.invoice_label = invoice_id, invoice_label[:60]
        _save(ticket, ["sales_order_id", "sales_order_label", "invoice_id", "invoice_label"])
        _audit(ticket, by, {k: v for k, v in changes.items() if v[0] != v[1]})
    return ticket


def ticket_link_records(
    *, ticket: Ticket, by: Any, sales_order_id: int | None = None, invoice_id: int | None = None
) -> Ticket:
    """Link the ticket to one of its company's sales orders and/or invoices, found through the sales and
    accounting facades (``None`` unlinks); an id of another company or of nothing is a 422."""
    from concord.modules.accounting import facade as accounting
    from concord.modules.sales import facade as sales

    order_label = invoice_label = ""
    if sales_order_id is not None:
        order = sales.order_get(sales_order_id)
        if order is None or order.company_id != ticket.company_id:
            raise ValidationFailed(_("There is no such sales order."), field="sales_order_id")
        order_label = order.order_number or order.number
    if invoice_id is not None:
        invoice = accounting.invoice_get(invoice_id)
        if invoice is None or invoice.company_id != ticket.company_id:
            raise ValidationFailed(_("There is no such invoice."), field="invoice_id")
        invoice_label = invoice.number or _("Draft")
    return ticket_link(
        ticket=ticket,
        by=by,
        sales_order_id=sales_order_id,
        sales_order_label=order_label,
        invoice_id=invoice_id,
        invoice_label=invoice_label,
    )


def ticket_tags_set(*, ticket: Ticket, names: Sequence[str], by: Any) -> Ticket:
    """Replace the ticket's tags by ``names`` (new tags are created in its company)."""
    cleaned = sorted({name.strip()[:60] for name in names if name.strip()})
    with transaction.atomic():
        tags = []
        for name in cleaned:
            tag = Tag.all_companies.filter(company_id=ticket.company_id, name__iexact=name).first()
            if tag is None:
                tag = Tag.all_companies.create(company_id=ticket.company_id, name=name)
            tags.append(tag)
        before = sorted(ticket.tags.values_list("name", flat=True))
        ticket.tags.set(tags)
        _audit(
            ticket,
            by,
            {"tags": [before, [tag.name for tag in tags]]} if before != [t.name for t in tags] else {},
        )
    return ticket
