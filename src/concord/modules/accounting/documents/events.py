"""The events accounting's documents publish through the outbox (past tense, ids not objects)."""

from __future__ import annotations

from dataclasses import dataclass

from concord.core.outbox.events import Event

__all__ = ["InvoiceEmailQueued"]


@dataclass(frozen=True)
class InvoiceEmailQueued(Event):
    """Someone asked for an invoice to be emailed, with its PDF, to ``to``; a handler sends it after commit."""

    invoice_id: int
    company_id: int
    to: tuple[str, ...]
    subject: str
    message: str
