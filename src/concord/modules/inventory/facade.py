"""Inventory's public face: what sales, purchasing and manufacturing call.

Functions take ids and plain values and return frozen dataclasses, never ORM objects. Each runs inside
the caller's transaction (atomic, joining an outer one): "confirm the order and reserve its stock"
commits both or neither. Quantities are in the product's unit unless a line names another unit of the
same kind (``uom_id``); ``origin_key`` is the caller's own line reference ("sales.line:12"), echoed in
events and in ``done_quantities``. ``source_key`` makes creating calls idempotent: a second call with the
same key answers with the transfer the first one made.

Only stocked goods move: lines for services and consumables are skipped (they need no stock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from concord.modules.inventory.services import levels as level_services
from concord.modules.inventory.services import transfers as transfer_services
from concord.modules.inventory.services.dto import (
    MoveInfo,
    StockLevel,
    StockLine,
    TransferInfo,
    WarehouseInfo,
)

__all__ = [
    "MoveInfo",
    "StockLevel",
    "StockLine",
    "TransferInfo",
    "WarehouseInfo",
    "done_quantities",
    "product_unit_cost",
    "production_done",
    "receipt_create",
    "stock_levels",
    "stock_reserve",
    "transfer_cancel",
    "transfer_create",
    "transfer_get",
    "transfer_update_lines",
    "transfer_validate",
    "transfers_by_source",
    "warehouse_default",
]


def warehouse_default(company_id: int) -> WarehouseInfo:
    """The company's first active warehouse, created with its locations on first use."""
    return transfer_services.warehouse_default_info(company_id)


def stock_reserve(
    *,
    company_id: int,
    lines: Sequence[StockLine],
    by: Any,
    partner_id: int | None = None,
    warehouse_id: int | None = None,
    allow_backorder: bool = False,
    origin: str = "",
    source_key: str = "",
    scheduled_date: dt.date | None = None,
) -> TransferInfo:
    """Create a delivery for ``lines`` and reserve its stock now.

    Raises ``InsufficientStockError`` ("only N available") when a line cannot be reserved in full,
    unless ``allow_backorder``: then what is there is reserved and the rest waits. Safe under
    concurrency: a reservation is a conditional update of the quant row, so competing orders never
    take the same units.
    """
    return transfer_services.transfer_create_info(
        company_id=company_id,
        kind="delivery",
        lines=lines,
        by=by,
        partner_id=partner_id,
        warehouse_id=warehouse_id,
        allow_backorder=allow_backorder,
        origin=origin,
        source_key=source_key,
        scheduled_date=scheduled_date,
        reserve=True,
    )


def receipt_create(
    *,
    company_id: int,
    lines: Sequence[StockLine],
    by: Any,
    partner_id: int | None = None,
    warehouse_id: int | None = None,
    origin: str = "",
    source_key: str = "",
    scheduled_date: dt.date | None = None,
) -> TransferInfo:
    """Create a receipt (from suppliers into stock); ``unit_cost`` on a line values what arrives."""
    return transfer_services.transfer_create_info(
        company_id=company_id,
        kind="receipt",
        lines=lines,
        by=by,
        partner_id=partner_id,
        warehouse_id=warehouse_id,
        origin=origin,
        source_key=source_key,
        scheduled_date=scheduled_date,
        reserve=False,
    )


def transfer_create(
    *,
    company_id: int,
    kind: str,
    lines: Sequence[StockLine],
    by: Any,
    partner_id: int | None = None,
    warehouse_id: int | None = None,
    allow_backorder: bool = True,
    origin: str = "",
    source_key: str = "",
    scheduled_date: dt.date | None = None,
    reserve: bool = True,
) -> TransferInfo:
    """Any transfer: ``kind`` is receipt, delivery, internal or consume (components to production)."""
    return transfer_services.transfer_create_info(
        company_id=company_id,
        kind=kind,
        lines=lines,
        by=by,
        partner_id=partner_id,
        warehouse_id=warehouse_id,
        allow_backorder=allow_backorder,
        origin=origin,
        source_key=source_key,
        scheduled_date=scheduled_date,
        reserve=reserve,
    )


def transfer_validate(
    transfer_id: int,
    *,
    by: Any,
    quantities: Mapping[int, Decimal] | None = None,
    lots: Mapping[int, Sequence[tuple[str, Decimal]]] | None = None,
    backorder: bool = True,
    allow_extra: bool = False,
) -> TransferInfo:
    """Process a transfer: move what is done (``quantities``: move id -> quantity; default all).

    ``lots`` names the lots or serials per move (move id -> [(name, quantity)]); without it a
    delivery uses the reserved lots. With ``backorder`` what was not done goes to a new transfer,
    else it is dropped. Receiving more than ordered needs ``allow_extra``.
    """
    return transfer_services.transfer_validate_info(
        transfer_id, by=by, quantities=quantities, lots=lots, backorder=backorder, allow_extra=allow_extra
    )


def transfer_cancel(transfer_id: int, *, by: Any) -> TransferInfo:
    """Cancel an open transfer and release its reservations; a done transfer cannot be cancelled."""
    return transfer_services.transfer_cancel_info(transfer_id, by=by)


def transfer_update_lines(
    transfer_id: int, *, lines: Sequence[StockLine], by: Any, allow_backorder: bool | None = None
) -> TransferInfo:
    """Replace an open transfer's lines (an order changed): release, then reserve the new quantities."""
    return transfer_services.transfer_update_lines_info(
        transfer_id, lines=lines, by=by, allow_backorder=allow_backorder
    )


def transfer_get(transfer_id: int) -> TransferInfo | None:
    """The transfer with this id in the caller's company scope, or None."""
    return transfer_services.transfer_info_or_none(transfer_id)


def transfers_by_source(company_id: int, source_prefix: str) -> list[TransferInfo]:
    """Transfers whose ``source_key`` is ``source_prefix`` or starts with it and ":", with their backorders.

    ``"purchasing.order:1"`` finds that order's receipts (and ``"purchasing.order:1:..."``), never order 10's.
    """
    return transfer_services.transfers_by_source_info(company_id, source_prefix)


def done_quantities(company_id: int, origin_keys: Sequence[str]) -> dict[str, Decimal]:
    """How much of each origin line was moved by done moves (in the product's unit)."""
    return level_services.done_quantities(company_id, origin_keys)


def stock_levels(
    company_id: int, product_ids: Sequence[int], *, warehouse_id: int | None = None
) -> dict[int, StockLevel]:
    """On hand, reserved, available, incoming and outgoing per product (in internal locations)."""
    return level_services.stock_levels(company_id, product_ids, warehouse_id=warehouse_id)


def product_unit_cost(company_id: int, product_id: int) -> Decimal:
    """The product's current unit cost in stock (average or next FIFO layer), in company currency."""
    return level_services.product_unit_cost(company_id, product_id)


def production_done(
    *,
    consume_transfer_id: int,
    produce: Sequence[StockLine],
    by: Any,
    quantities: Mapping[int, Decimal] | None = None,
    origin: str = "",
    source_key: str = "",
    extra_cost: Decimal = Decimal(0),
) -> TransferInfo:
    """Finish production: validate the components transfer, then receive ``produce`` from production.

    The finished goods are valued at what the components cost (plus ``extra_cost``), spread over the
    produce lines by quantity unless a line carries its own ``unit_cost`` share.
    """
    return transfer_services.production_done_info(
        consume_transfer_id=consume_transfer_id,
        produce=produce,
        by=by,
        quantities=quantities,
        origin=origin,
        source_key=source_key,
        extra_cost=extra_cost,
    )
