"""The events purchasing publishes through the outbox (past tense, ids not objects).

Each is published with the vendor as its aggregate (``parties.party``, id), so the 360° timeline shows
it; who acted travels on the outbox row.
"""

from __future__ import annotations

from dataclasses import dataclass

from concord.core.outbox.events import Event

__all__ = [
    "PurchaseOrderApproved",
    "PurchaseOrderCancelled",
    "PurchaseOrderConfirmed",
    "PurchaseOrderSent",
    "VendorBillCreated",
]


@dataclass(frozen=True)
class PurchaseOrderConfirmed(Event):
    """An order was placed with its vendor (confirmed, and approved where it needed approval)."""

    order_id: int
    company_id: int
    vendor_id: int
    number: str
    currency: str
    amount_untaxed: str
    receipt_id: int | None


@dataclass(frozen=True)
class PurchaseOrderApproved(Event):
    """A manager approved an order above the company's approval amount."""

    order_id: int
    company_id: int
    vendor_id: int
    number: str
    currency: str
    amount_untaxed: str


@dataclass(frozen=True)
class PurchaseOrderSent(Event):
    """Someone asked for an RFQ or order to be emailed, with its PDF, to ``to``; a handler sends it after commit."""

    order_id: int
    company_id: int
    vendor_id: int
    number: str
    to: tuple[str, ...]
    subject: str
    message: str


@dataclass(frozen=True)
class PurchaseOrderCancelled(Event):
    """An RFQ or order was cancelled (its open receipts with it)."""

    order_id: int
    company_id: int
    vendor_id: int
    number: str


@dataclass(frozen=True)
class VendorBillCreated(Event):
    """A draft vendor bill was made in accounting for what an order received and had not yet billed."""

    order_id: int
    company_id: int
    vendor_id: int
    number: str
    invoice_id: int
    source_key: str
    currency: str
    amount_total: str
