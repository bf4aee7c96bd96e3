"""The events accounting publishes through the outbox (past tense, ids not objects).

Each is published with the partner as its aggregate (``parties.party``, id), so the 360° timeline shows
it; who acted travels on the outbox row.
"""

from __future__ import annotations

from dataclasses import dataclass

from concord.core.outbox.events import Event

__all__ = ["EntryReversed", "InvoiceCancelled", "InvoicePaid", "InvoicePosted", "PaymentRegistered"]


@dataclass(frozen=True)
class InvoicePosted(Event):
    """An invoice, bill or credit note was posted to the ledger and got its number."""

    invoice_id: int
    company_id: int
    partner_id: int
    kind: str
    number: str
    currency: str
    amount_total: str
    source_key: str


@dataclass(frozen=True)
class InvoicePaid(Event):
    """An invoice was paid in full (its amount due reached zero)."""

    invoice_id: int
    company_id: int
    partner_id: int
    number: str
    source_key: str


@dataclass(frozen=True)
class InvoiceCancelled(Event):
    """A posted invoice was cancelled by a reversal entry."""

    invoice_id: int
    company_id: int
    partner_id: int
    number: str
    source_key: str


@dataclass(frozen=True)
class PaymentRegistered(Event):
    """Money was received from or paid to a partner; ``invoice_ids`` are the invoices it settled."""

    payment_id: int
    company_id: int
    partner_id: int
    direction: str
    number: str
    currency: str
    amount: str
    invoice_ids: tuple[int, ...]


@dataclass(frozen=True)
class EntryReversed(Event):
    """A posted journal entry was corrected by a reversal entry."""

    entry_id: int
    reversal_id: int
    company_id: int
    number: str
    reversal_number: str
