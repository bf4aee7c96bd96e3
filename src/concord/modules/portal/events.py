"""The events the portal publishes through the outbox (past tense, ids not objects)."""

from __future__ import annotations

from dataclasses import dataclass

from concord.core.outbox.events import Event

__all__ = ["PortalInvitationSent"]


@dataclass(frozen=True)
class PortalInvitationSent(Event):
    """A customer's contact was invited (or re-invited) to the portal; a handler emails the link."""

    access_id: int
    company_id: int
    party_id: int
    email: str
    invited_at: str  # ISO timestamp: the invitation the emailed token belongs to
    link_base: str  # scheme and host the link starts with ("https://erp.example.com")
