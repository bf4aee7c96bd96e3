"""The events sales publishes through the outbox (past tense, ids not objects).

Each is published with the customer as its aggregate (``parties.party``, id), so the 360° timeline shows
it; who acted travels on the outbox row.
"""

from __future__ import annotations

from dataclasses import dataclass

from concord.core.outbox.events import Event

__all__ = [
    "QuotationAccepted",
    "QuotationSent",
    "SalesOrderApprovalRequested",
    "SalesOrderApproved",
    "SalesOrderCancelled",
    "SalesOrderConfirmed",
    "SalesOrderDelivered",
    "SalesOrderInvoiced",
]


@dataclass(frozen=True)
class QuotationSent(Event):
    """A quotation (or order) was queued to be emailed with its PDF and its public link."""

    order_id: int
    company_id: int
    partner_id: int
    number: str
    to: tuple[str, ...]
    subject: str
    message: str
    link: str


@dataclass(frozen=True)
class QuotationAccepted(Event):
    """The customer accepted a quotation on its public page (and signed with a name)."""

    order_id: int
    company_id: int
    partner_id: int
    number: str
    signed_by: str


@dataclass(frozen=True)
class SalesOrderApprovalRequested(Event):
    """Confirming an order would exceed the customer's credit limit: a manager must approve it."""

    order_id: int
    company_id: int
    partner_id: int
    number: str
    currency: str
    amount_total: str
    credit_limit: str
    receivable_open: str


@dataclass(frozen=True)
class SalesOrderApproved(Event):
    """A manager approved an order beyond the customer's credit limit."""

    order_id: int
    company_id: int
    partner_id: int
    number: str


@dataclass(frozen=True)
class SalesOrderConfirmed(Event):
    """A quotation became a sales order: its stock is reserved (``delivery_id``), order-policy lines invoiced."""

    order_id: int
    company_id: int
    partner_id: int
    number: str
    quotation_number: str
    currency: str
    amount_untaxed: str
    amount_total: str
    delivery_id: int | None
    opportunity_id: int | None


@dataclass(frozen=True)
class SalesOrderCancelled(Event):
    """An order (or quotation) was cancelled; its open delivery and its invoices with it."""

    order_id: int
    company_id: int
    partner_id: int
    number: str
    reason: str


@dataclass(frozen=True)
class SalesOrderInvoiced(Event):
    """A customer invoice was raised from an order (``source_key`` says at confirmation or per delivery)."""

    order_id: int
    company_id: int
    partner_id: int
    number: str
    invoice_id: int
    source_key: str
    currency: str
    amount_total: str


@dataclass(frozen=True)
class SalesOrderDelivered(Event):
    """A delivery of an order was done (``complete``: everything ordered is delivered)."""

    order_id: int
    company_id: int
    partner_id: int
    number: str
    transfer_id: int
    complete: bool
