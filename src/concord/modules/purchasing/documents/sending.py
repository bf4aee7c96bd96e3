"""Emailing an RFQ or order with its PDF: the service that queues it, and the outbox handler that sends it.

``order_send`` checks the addresses and the state and, in one transaction, publishes ``PurchaseOrderSent``,
moves an RFQ to ``sent`` and writes the audit entry: the email exists only if that committed.
``send_order_email`` (registered as ``purchasing.send_order_email``) renders the PDF and hands the
message to Django's email backend, with a Message-ID derived from the event so a redelivery that slipped
past the outbox's bookkeeping is shown once by mail clients.
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
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import Conflict, ValidationFailed
from concord.core.identity.models import User
from concord.core.outbox.facade import PublishedEvent
from concord.modules.purchasing.documents.pdf import order_pdf, order_pdf_filename
from concord.modules.purchasing.events import PurchaseOrderSent
from concord.modules.purchasing.models import OrderState, PurchaseOrder
from concord.modules.purchasing.services._support import publish_for_vendor

__all__ = ["SEND_HANDLER_NAME", "order_email_defaults", "order_send", "send_order_email"]

logger = logging.getLogger(__name__)

SEND_HANDLER_NAME = "purchasing.send_order_email"
MAX_RECIPIENTS = 20
MAX_SUBJECT_CHARS = 200
MAX_MESSAGE_CHARS = 10_000
_LANGUAGES = ("en", "th", "km")


def _checked_recipients(to: Sequence[str]) -> list[str]:
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
        raise ValidationFailed(_("Give at least one email address to send the order to."), field="to")
    if len(recipients) > MAX_RECIPIENTS:
        raise ValidationFailed(
            _("An order can be sent to at most %(max)s addresses at once.") % {"max": MAX_RECIPIENTS},
            field="to",
        )
    return recipients


def order_email_defaults(order: PurchaseOrder) -> tuple[str, str]:
    """The subject and message proposed for emailing ``order``, in the vendor's language."""
    language = next(
        (lang for lang in (order.vendor.language, order.company.language) if lang in _LANGUAGES), "en"
    )
    values = {
        "number": order.number,
        "company": order.company.legal_name or order.company.name,
        "vendor": order.vendor.name,
    }
    with translation.override(language):
        if order.is_rfq:
            subject = _("Request for quotation %(number)s from %(company)s") % values
            message = (
                _(
                    "Dear %(vendor)s,\n\nPlease find attached our request for quotation %(number)s. "
                    "We look forward to your offer.\n\nKind regards,\n%(company)s"
                )
                % values
            )
        else:
            subject = _("Purchase order %(number)s from %(company)s") % values
            message = (
                _(
                    "Dear %(vendor)s,\n\nPlease find attached our purchase order %(number)s. "
                    "Please confirm the delivery date.\n\nKind regards,\n%(company)s"
                )
                % values
            )
    return subject, message


def order_send(
    *, order: PurchaseOrder, to: Sequence[str], by: Any, subject: str = "", message: str = ""
) -> PurchaseOrder:
    """Queue ``order`` to be emailed with its PDF to ``to``; an RFQ becomes ``sent``.

    Raises ``ValidationFailed`` naming a bad address (field ``to``) and ``Conflict`` for a cancelled
    order. The email goes out after commit.
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
            PurchaseOrder.all_companies.select_for_update()
            .select_related("company", "vendor")
            .get(pk=order.pk)
        )
        if locked.state == OrderState.CANCELLED:
            raise Conflict(_("%(number)s is cancelled: it cannot be sent.") % {"number": locked.number})
        default_subject, default_message = order_email_defaults(locked)
        subject = subject or default_subject
        message = message or default_message
        publish_for_vendor(
            PurchaseOrderSent(
                order_id=locked.pk,
                company_id=locked.company_id,
                vendor_id=locked.vendor_id,
                number=locked.number,
                to=tuple(recipients),
                subject=subject,
                message=message,
            ),
            by=by,
            company_id=locked.company_id,
            vendor_id=locked.vendor_id,
        )
        changes: dict[str, list[Any]] = {"emailed_to": [None, ", ".join(recipients)]}
        if locked.state == OrderState.RFQ:
            locked.state = OrderState.SENT
            changes["state"] = [OrderState.RFQ, OrderState.SENT]
        locked.sent_at = timezone.now()
        locked.save(update_fields=["state", "sent_at", "updated_at"])
        audit_record(actor=by, action=AuditAction.OTHER, obj=locked, changes=changes)
    return locked


def order_email_message_id(event_uuid: str) -> str:
    """The Message-ID of the email an event sends: the same on every delivery attempt of the event."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "concord.invalid"
    return f"<purchase-order-{event_uuid}@{domain}>"


def send_order_email(event: PublishedEvent) -> None:
    """Outbox handler of ``PurchaseOrderSent``: render the PDF and send it (see the module docstring)."""
    payload = event.payload
    order = (
        PurchaseOrder.all_companies.select_related("company", "vendor").filter(pk=payload["order_id"]).first()
    )
    if order is None:  # orders are never deleted; a hand-edited database is all this can be
        logger.warning("order %s of outbox event %s no longer exists", payload["order_id"], event.uuid)
        return
    reply_to: list[str] = []
    if event.actor_id is not None:
        email = User.objects.filter(pk=event.actor_id).values_list("email", flat=True).first()
        if email:
            reply_to.append(email)
    mail = EmailMessage(
        subject=payload["subject"],
        body=payload["message"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(payload["to"]),
        reply_to=reply_to,
        headers={"Message-ID": order_email_message_id(event.uuid)},
    )
    mail.attach(order_pdf_filename(order), order_pdf(order), "application/pdf")
    mail.send(fail_silently=False)
