"""Emailing a quotation or order with its PDF and its public link: the service and the outbox handler.

``order_send`` checks the addresses and the state and, in one transaction, publishes ``QuotationSent``,
moves a draft quotation to ``sent`` and writes the audit entry: the email exists only if that committed.
``send_order_email`` (registered as ``sales.send_order_email``) renders the PDF after commit and hands
the message to Django's email backend, with a Message-ID derived from the event so a redelivery is
shown once by mail clients. The link carries the order's random access token (``/sales/q/<token>/``):
the customer's page to read, download and accept the quotation without signing in.
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
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import Conflict, ValidationFailed
from concord.core.identity.models import User
from concord.core.outbox.facade import PublishedEvent
from concord.modules.sales.documents.pdf import order_pdf, order_pdf_filename
from concord.modules.sales.events import QuotationSent
from concord.modules.sales.models import OrderState, SaleOrder
from concord.modules.sales.services._support import publish_for_customer

__all__ = ["SEND_HANDLER_NAME", "order_email_defaults", "order_public_path", "order_send", "send_order_email"]

logger = logging.getLogger(__name__)

SEND_HANDLER_NAME = "sales.send_order_email"
MAX_RECIPIENTS = 20
MAX_SUBJECT_CHARS = 200
MAX_MESSAGE_CHARS = 10_000
_LANGUAGES = ("en", "th", "km")


def order_public_path(order: SaleOrder) -> str:
    """The path of the customer's page of ``order`` (no sign-in: the token is the key)."""
    return reverse("sales:quote-public", args=[order.access_token])


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
        raise ValidationFailed(_("Give at least one email address to send the quotation to."), field="to")
    if len(recipients) > MAX_RECIPIENTS:
        raise ValidationFailed(
            _("A quotation can be sent to at most %(max)s addresses at once.") % {"max": MAX_RECIPIENTS},
            field="to",
        )
    return recipients


def order_email_defaults(order: SaleOrder) -> tuple[str, str]:
    """The subject and message proposed for emailing ``order``, in the customer's language."""
    language = next(
        (lang for lang in (order.partner.language, order.company.language) if lang in _LANGUAGES), "en"
    )
    values = {
        "number": str(order),
        "company": order.company.legal_name or order.company.name,
        "customer": order.partner.name,
    }
    with translation.override(language):
        if order.is_quotation:
            subject = _("Quotation %(number)s from %(company)s") % values
            message = (
                _(
                    "Dear %(customer)s,\n\nPlease find attached our quotation %(number)s. You can read and "
                    "accept it online at the link below.\n\nKind regards,\n%(company)s"
                )
                % values
            )
        else:
            subject = _("Sales order %(number)s from %(company)s") % values
            message = (
                _(
                    "Dear %(customer)s,\n\nPlease find attached our order confirmation %(number)s.\n\n"
                    "Kind regards,\n%(company)s"
                )
                % values
            )
    return subject, message


def order_send(
    *, order: SaleOrder, to: Sequence[str], by: Any, subject: str = "", message: str = "", base_url: str = ""
) -> SaleOrder:
    """Queue ``order`` to be emailed with its PDF and its public link (``base_url`` + the token path,
    e.g. ``https://erp.example.com``) to ``to``; a draft quotation becomes ``sent``.

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
            SaleOrder.all_companies.select_for_update().select_related("company", "partner").get(pk=order.pk)
        )
        if locked.state == OrderState.CANCELLED:
            raise Conflict(_("%(number)s is cancelled: it cannot be sent.") % {"number": locked})
        default_subject, default_message = order_email_defaults(locked)
        link = f"{base_url.rstrip('/')}{order_public_path(locked)}"
        publish_for_customer(
            QuotationSent(
                order_id=locked.pk,
                company_id=locked.company_id,
                partner_id=locked.partner_id,
                number=str(locked),
                to=tuple(recipients),
                subject=subject or default_subject,
                message=message or default_message,
                link=link,
            ),
            by=by,
            company_id=locked.company_id,
            partner_id=locked.partner_id,
        )
        changes: dict[str, list[Any]] = {"emailed_to": [None, ", ".join(recipients)]}
        if locked.state == OrderState.DRAFT:
            locked.state = OrderState.SENT
            changes["state"] = [OrderState.DRAFT, OrderState.SENT]
        locked.sent_at = timezone.now()
        locked.save(update_fields=["state", "sent_at", "updated_at"])
        audit_record(actor=by, action=AuditAction.OTHER, obj=locked, changes=changes)
    return locked


def order_email_message_id(event_uuid: str) -> str:
    """The Message-ID of the email an event sends: the same on every delivery attempt of the event."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "concord.invalid"
    return f"<sales-order-{event_uuid}@{domain}>"


def send_order_email(event: PublishedEvent) -> None:
    """Outbox handler of ``QuotationSent``: render the PDF and send it (see the module docstring)."""
    payload = event.payload
    order = (
        SaleOrder.all_companies.select_related("company", "partner").filter(pk=payload["order_id"]).first()
    )
    if order is None:  # orders are never deleted; a hand-edited database is all this can be
        logger.warning("order %s of outbox event %s no longer exists", payload["order_id"], event.uuid)
        return
    reply_to: list[str] = []
    if event.actor_id is not None:
        email = User.objects.filter(pk=event.actor_id).values_list("email", flat=True).first()
        if email:
            reply_to.append(email)
    body = payload["message"]
    if payload.get("link"):
        body = f"{body}\n\n{payload['link']}"
    mail = EmailMessage(
        subject=payload["subject"],
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(payload["to"]),
        reply_to=reply_to,
        headers={"Message-ID": order_email_message_id(event.uuid)},
    )
    mail.attach(order_pdf_filename(order), order_pdf(order), "application/pdf")
    mail.send(fail_silently=False)
