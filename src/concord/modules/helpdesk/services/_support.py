"""Helpers the helpdesk services share: who acts, publishing about the customer, sanitising, Message-IDs."""

from __future__ import annotations

import secrets
from email.utils import parseaddr
from typing import Any

import nh3
from django.conf import settings

from concord.core.outbox.facade import Event, publish

__all__ = [
    "ALLOWED_TAGS",
    "actor",
    "actor_id",
    "html_sanitise",
    "mail_domain",
    "mail_message_id",
    "max_attachment_bytes",
    "publish_for_ticket",
]

ALLOWED_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "u",
    "ul",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def actor_id(by: Any) -> int | None:
    return by.pk if by is not None and getattr(by, "is_authenticated", False) else None


def actor(by: Any) -> Any:
    """The user to store as author (None for the system, a customer or an anonymous visitor)."""
    return by if actor_id(by) is not None else None


def html_sanitise(html: str) -> str:
    """Basic formatting only: no scripts, styles, event handlers, images or forms; links get rel=noopener."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def mail_domain() -> str:
    """The domain of generated Message-IDs: the sender address's, else ``concord.invalid``."""
    address = parseaddr(str(getattr(settings, "DEFAULT_FROM_EMAIL", "")))[1]
    domain = address.rpartition("@")[2].strip().lower()
    return domain if domain and domain != "localhost" else "concord.invalid"


def mail_message_id(ticket_id: int, message_id: int) -> str:
    """``<hd-12-34.a1b2c3d4@example.com>``: unique, and names the ticket for threading."""
    return f"<hd-{ticket_id}-{message_id}.{secrets.token_hex(4)}@{mail_domain()}>"


def max_attachment_bytes() -> int:
    return int(getattr(settings, "CONCORD_HELPDESK_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))


def publish_for_ticket(event: Event, *, by: Any, company_id: int, party_id: int | None) -> None:
    """Publish ``event`` with the customer as aggregate (when known), so the 360° timeline shows it."""
    publish(
        event,
        company_id=company_id,
        actor_id=actor_id(by),
        aggregate=("parties.party", party_id) if party_id is not None else None,
    )
