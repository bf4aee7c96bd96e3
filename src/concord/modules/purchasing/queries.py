"""Purchasing's selectors: the best vendor price, an order's receipts and its 3-way match, a vendor's orders.

Received quantities are read from inventory at the time of asking (``done_quantities``), never copied:
the match is right the moment a receipt is validated, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from concord.core.identity.models import Company
from concord.core.money.errors import NoExchangeRateError
from concord.core.money.queries import exchange_rate_on
from concord.modules.catalog.facade import uom_convert
from concord.modules.inventory import facade as inventory
from concord.modules.inventory.facade import TransferInfo
from concord.modules.purchasing.models import PurchaseBill, PurchaseOrder, PurchaseOrderLine, VendorPrice

__all__ = [
    "LineMatch",
    "MatchStatus",
    "OrderMatch",
    "best_vendor_price",
    "order_bills",
    "order_lines",
    "order_match",
    "order_transfers",
    "vendor_orders",
    "vendor_prices_valid",
]

ZERO = Decimal(0)


class MatchStatus:
    """How an order's bills stand against what it ordered and received."""

    WAITING = "waiting"  # nothing received (or billable) yet
    TO_BILL = "to_bill"
    FULLY_BILLED = "fully_billed"
    OVER_BILLED = "over_billed"


def vendor_prices_valid(
    *, company_id: int, product_id: int, on_date: dt.date, vendor_id: int | None = None
) -> QuerySet[VendorPrice]:
    """Price list entries of ``product`` valid on ``on_date`` (any minimum quantity), of active vendors."""
    rows = VendorPrice.all_companies.filter(
        company_id=company_id, product_id=product_id, vendor__is_active=True
    ).filter(
        Q(date_start__isnull=True) | Q(date_start__lte=on_date),
        Q(date_end__isnull=True) | Q(date_end__gte=on_date),
    )
    if vendor_id is not None:
        rows = rows.filter(vendor_id=vendor_id)
    return rows


def best_vendor_price(
    *,
    company: Company,
    product_id: int,
    quantity: Decimal,
    on_date: dt.date,
    vendor_id: int | None = None,
) -> VendorPrice | None:
    """The cheapest entry for ``quantity`` (product unit) on ``on_date``, compared in company currency.

    Ties go to the shorter lead time, then the larger minimum quantity (the more specific price). An
    entry in a currency without an exchange rate cannot be compared and is left out.
    """
    candidates = vendor_prices_valid(
        company_id=company.pk, product_id=product_id, on_date=on_date, vendor_id=vendor_id
    ).filter(min_quantity__lte=quantity)
    ranked: list[tuple[Decimal, int, Decimal, int, VendorPrice]] = []
    for entry in candidates:
        try:
            rate = exchange_rate_on(company=company, currency=entry.currency, on_date=on_date)
        except NoExchangeRateError:
            continue
        ranked.append((entry.price * rate, entry.lead_time_days, -entry.min_quantity, entry.pk, entry))
    if not ranked:
        return None
    return min(ranked, key=lambda row: row[:4])[4]


def order_lines(order: PurchaseOrder) -> list[PurchaseOrderLine]:
    return list(PurchaseOrderLine.all_companies.filter(order_id=order.pk).select_related("product", "uom"))


def order_transfers(order: PurchaseOrder) -> list[TransferInfo]:
    """The receipts made for ``order`` (and their backorders), oldest first."""

    key = order.source_key
    found = inventory.transfers_by_source(order.company_id, key)
    # "purchasing.order:1" is also the prefix of order 10's key: keep this order's own transfers and
    # the backorders they split off.
    kept = {t.id: t for t in found if t.source_key == key or t.source_key.startswith(f"{key}:")}
    grew = True
    while grew:
        grew = False
        for transfer in found:
            if transfer.id not in kept and any(t.backorder_id == transfer.id for t in kept.values()):
                kept[transfer.id] = transfer
                grew = True
    return [t for t in found if t.id in kept]


@dataclass(frozen=True)
class LineMatch:
    """One line's 3-way match, in the line's unit: ordered, received (goods only), billed, left to bill."""

    line_id: int
    description: str
    stocked: bool
    uom_code: str
    ordered: Decimal
    received: Decimal
    billed: Decimal

    @property
    def billable(self) -> Decimal:
        """What may be billed without forcing: received goods, or the ordered service."""
        return self.received if self.stocked else self.ordered

    @property
    def to_bill(self) -> Decimal:
        return max(self.billable - self.billed, ZERO)

    @property
    def over_billed(self) -> bool:
        return self.billed > self.billable

    @property
    def complete(self) -> bool:
        """Received in full (goods) and billed in full."""
        return self.billable >= self.ordered and self.billed >= self.ordered


@dataclass(frozen=True)
class OrderMatch:
    order_id: int
    lines: tuple[LineMatch, ...]

    @property
    def status(self) -> str:
        if any(line.over_billed for line in self.lines):
            return MatchStatus.OVER_BILLED
        if any(line.to_bill > 0 for line in self.lines):
            return MatchStatus.TO_BILL
        if self.lines and all(line.complete for line in self.lines):
            return MatchStatus.FULLY_BILLED
        return MatchStatus.WAITING

    @property
    def complete(self) -> bool:
        return bool(self.lines) and all(line.complete for line in self.lines)

    def line(self, line_id: int) -> LineMatch:
        return next(line for line in self.lines if line.line_id == line_id)


def received_by_line(order: PurchaseOrder, lines: list[PurchaseOrderLine]) -> dict[int, Decimal]:
    """What inventory received of each stocked line, in the line's unit."""

    stocked = [line for line in lines if line.is_stocked]
    if not stocked:
        return {}
    done = inventory.done_quantities(order.company_id, [line.origin_key for line in stocked])
    received: dict[int, Decimal] = {}
    for line in stocked:
        in_product_unit = done.get(line.origin_key, ZERO)
        received[line.pk] = (
            in_product_unit
            if line.uom_id == line.product.uom_id or not in_product_unit
            else uom_convert(in_product_unit, line.product.uom_id, line.uom_id)
        )
    return received


def order_match(order: PurchaseOrder, lines: list[PurchaseOrderLine] | None = None) -> OrderMatch:
    """Ordered vs received vs billed per line, and the order's match status."""
    lines = order_lines(order) if lines is None else lines
    received = received_by_line(order, lines)
    return OrderMatch(
        order_id=order.pk,
        lines=tuple(
            LineMatch(
                line_id=line.pk,
                description=line.description,
                stocked=line.is_stocked,
                uom_code=line.uom.code,
                ordered=line.quantity,
                received=received.get(line.pk, ZERO),
                billed=line.billed_quantity,
            )
            for line in lines
        ),
    )


def order_bills(order: PurchaseOrder) -> QuerySet[PurchaseBill]:
    return PurchaseBill.all_companies.filter(order_id=order.pk).order_by("sequence")


def vendor_orders(*, vendor_id: int, limit: int = 10) -> list[PurchaseOrder]:
    """A vendor's latest orders (one query), for the 360° panel."""
    return list(PurchaseOrder.objects.filter(vendor_id=vendor_id).order_by("-order_date", "-pk")[:limit])
