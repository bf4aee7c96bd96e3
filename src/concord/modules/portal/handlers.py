"""Outbox handler: email a portal invitation with its signed link."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from concord.core.outbox.facade import PublishedEvent
from concord.modules.portal.models import PortalAccess
from concord.modules.portal.services.access import invitation_token

__all__ = ["INVITATION_HANDLER_NAME", "send_invitation_email"]

logger = logging.getLogger(__name__)

INVITATION_HANDLER_NAME = "portal.send_invitation_email"


def send_invitation_email(event: PublishedEvent) -> None:
    """Send the invitation of ``PortalInvitationSent``, unless a newer one or a revocation replaced it."""
    payload = event.payload
    access = PortalAccess.all_companies.select_related("company").filter(pk=payload["access_id"]).first()
    if access is None or not access.active or access.invited_at.isoformat() != payload["invited_at"]:
        logger.info("portal invitation of event %s is no longer current; not sent", event.uuid)
        return
    link = f"{payload.get('link_base', '')}{reverse('portal:invite-accept', args=[invitation_token(access)])}"
    company = access.company.legal_name or access.company.name
    language = access.company.language if access.company.language in ("en", "th", "km") else "en"
    with translation.override(language):
        subject = _("Your access to the %(company)s customer portal") % {"company": company}
        body = _(
            "Hello,\n\n%(company)s invites you to its customer portal, where you can follow your quotations, "
            "orders, invoices and support tickets.\n\nChoose your password here (the link is valid for 7 "
            "days):\n%(link)s\n\nYour user name is %(username)s.\n"
        ) % {"company": company, "link": link, "username": access.user.get_username()}
    EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[access.email],
        headers={"Message-ID": f"<portal-invitation-{event.uuid}@concord.invalid>"},
    ).send(fail_silently=False)
