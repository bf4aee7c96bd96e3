"""Emailing an invoice with its PDF: a service that queues the email, and the outbox handler that sends it.

``invoice_send`` checks the addresses and the invoice's state and, in one transaction, publishes
``InvoiceEmailQueued`` and writes the audit entry: the email exists only if the request committed.
``send_invoice_email`` (registered as ``accounting.send_invoice_email``) renders the PDF and hands the
message to Django's email backend: SMTP in production, as the ``CONCORD_EMAIL_*`` settings say; locmem in
tests.

Delivery is at least once. The outbox records a handler's success and never re-runs a handler that
succeeded, so a retry of the event (another handler failed, a replay) does not send again. The one
window left is a worker dying after the SMTP server accepted the message but before the success was
recorded: the event is then delivered again and the customer may get the email twice. Both copies carry
the same ``Message-ID``, derived from the event's uuid, so mail systems and clients that de-duplicate
by Message-ID show it once. No email is worth a two-phase commit with an SMTP server.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import ValidationFailed
from concord.core.identity.models import User
from concord.core.money.formatting import format_money
from concord.core.money.money import Money
from concord.core.outbox.facade import PublishedEvent, publish
from concord.modules.accounting.documents.dates import thai_date
from concord.modules.accounting.documents.events import InvoiceEmailQueued
from concord.modules.accounting.documents.pdf import invoice_pdf, invoice_pdf_filename
from concord.modules.accounting.errors import StateError
from concord.modules.accounting.models import Invoice, InvoiceState

__all__ = [
    "MAX_RECIPIENTS",
    "SEND_HANDLER_NAME",
    "invoice_email_defaults",
    "invoice_email_message_id",
    "invoice_send",
    "send_invoice_email",
]

logger = logging.getLogger(__name__)

SEND_HANDLER_NAME = "accounting.send_invoice_email"
MAX_RECIPIENTS = 20
MAX_SUBJECT_CHARS = 200
MAX_MESSAGE_CHARS = 10_000
_LANGUAGES = ("en", "th", "km")


def _actor_id(by: Any) -> int | None:
    return by.pk if by is not None and getattr(by, "is_authenticated", False) else None


def _checked_recipients(to: Sequence[str]) -> list[str]:
    """The addresses, stripped and without repeats; a bad one is refused by name."""
    if isinstance(to, str):  # one address given as a string, not a list of them
        to = [to]
    recipients: list[str] = []
    seen: set[str] = set()
    for raw in to:
        address = str(raw).strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationFailed(
                _("“%(address)s” is not a valid email address.") % {"address": address}, field="to"
            ) from None
        if address.casefold() not in seen:
            seen.add(address.casefold())
            recipients.append(address)
    if not recipients:
        raise ValidationFailed(_("Give at least one email address to send the invoice to."), field="to")
    if len(recipients) > MAX_RECIPIENTS:
        raise ValidationFailed(
            _("An invoice can be sent to at most %(max)s addresses at once.") % {"max": MAX_RECIPIENTS},
            field="to",
        )
    return recipients


def _check_sendable(invoice: Invoice) -> None:
    if invoice.state == InvoiceState.DRAFT:
        raise StateError(_("%(invoice)s is a draft: post it before sending it.") % {"invoice": str(invoice)})
    if invoice.state == InvoiceState.CANCELLED:
        raise StateError(_("%(number)s is cancelled: it cannot be sent.") % {"number": invoice.number})
    if not invoice.is_customer_side:
        raise StateError(_("Only customer invoices and credit notes are sent by email."))


def _email_language(invoice: Invoice) -> str:
    for language in (invoice.partner.language, invoice.company.language):
        if language in _LANGUAGES:
            return language
    return "en"


def invoice_email_defaults(invoice: Invoice) -> tuple[str, str]:
    """The subject and message proposed for emailing ``invoice``, in the partner's language."""
    language = _email_language(invoice)
    company = invoice.company.legal_name or invoice.company.name
    with translation.override(language):
        date = thai_date(invoice.date) if language == "th" else formats.date_format(invoice.date)
        values = {
            "number": str(invoice),
            "company": company,
            "partner": invoice.partner.name,
            "date": date,
            "amount": format_money(Money(invoice.amount_total, invoice.currency), language),
        }
        if invoice.is_credit_note:
            subject = _("Credit note %(number)s from %(company)s") % values
            message = (
                _(
                    "Dear %(partner)s,\n\nPlease find attached our credit note %(number)s of %(date)s "
                    "for %(amount)s.\n\nKind regards,\n%(company)s"
                )
                % values
            )
        else:
            subject = _("Invoice %(number)s from %(company)s") % values
            message = (
                _(
                    "Dear %(partner)s,\n\nPlease find attached our invoice %(number)s of %(date)s "
                    "for %(amount)s.\n\nKind regards,\n%(company)s"
                )
                % values
            )
    return subject, message


def invoice_send(
    *, invoice: Invoice, to: Sequence[str], by: Any, subject: str = "", message: str = ""
) -> int:
    """Queue ``invoice`` (posted, paid or partly paid) to be emailed with its PDF to ``to``.

    A blank subject or message gets the default of ``invoice_email_defaults``. Raises
    ``ValidationFailed`` naming a bad address (field ``to``) and ``StateError`` for a draft, a cancelled
    invoice or a vendor bill. Returns the outbox id of the ``InvoiceEmailQueued`` event; the email goes
    out after commit.
    """
    recipients = _checked_recipients(to)
    subject = " ".join(subject.split())  # one line: a header must not carry line breaks
    message = message.strip()
    if len(subject) > MAX_SUBJECT_CHARS:
        raise ValidationFailed(
            _("The subject can have at most %(max)s characters.") % {"max": MAX_SUBJECT_CHARS},
            field="subject",
        )
    if len(message) > MAX_MESSAGE_CHARS:
        raise ValidationFailed(
            _("The message can have at most %(max)s characters.") % {"max": MAX_MESSAGE_CHARS},
            field="message",
        )
    with transaction.atomic():
        locked = (
            Invoice.all_companies.select_for_update().select_related("company", "partner").get(pk=invoice.pk)
        )
        _check_sendable(locked)
        default_subject, default_message = invoice_email_defaults(locked)
        subject = subject or default_subject
        message = message or default_message
        event_id = publish(
            InvoiceEmailQueued(
                invoice_id=locked.pk,
                company_id=locked.company_id,
                to=tuple(recipients),
                subject=subject,
                message=message,
            ),
            company_id=locked.company_id,
            actor_id=_actor_id(by),
            aggregate=("parties.party", locked.partner_id),
        )
        audit_record(
            actor=by,
            action=AuditAction.OTHER,
            obj=locked,
            changes={"emailed_to": [None, ", ".join(recipients)], "email_subject": [None, subject]},
        )
    return event_id


def invoice_email_message_id(event_uuid: str) -> str:
    """The Message-ID of the email an event sends: the same on every delivery attempt of the event."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "concord.invalid"
    return f"<invoice-{event_uuid}@{domain}>"


def send_invoice_email(event: PublishedEvent) -> None:
    """Outbox handler of ``InvoiceEmailQueued``: render the PDF and send it (see the module docstring)."""
    payload = event.payload
    invoice = (
        Invoice.all_companies.select_related("company", "partner").filter(pk=payload["invoice_id"]).first()
    )
    if invoice is None:  # posted invoices are never deleted; a hand-edited database is all this can be
        logger.warning("invoice %s of outbox event %s no longer exists", payload["invoice_id"], event.uuid)
        return
    reply_to: list[str] = []
    if event.actor_id is not None:
        email = User.objects.filter(pk=event.actor_id).values_list("email", flat=True).first()
        if email:
            reply_to.append(email)
    message = EmailMessage(
        subject=payload["subject"],
        body=payload["message"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(payload["to"]),
        reply_to=reply_to,
        headers={"Message-ID": invoice_email_message_id(event.uuid)},
    )
    message.attach(invoice_pdf_filename(invoice), invoice_pdf(invoice), "application/pdf")
    message.send(fail_silently=False)
