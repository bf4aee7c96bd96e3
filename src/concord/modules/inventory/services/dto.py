"""The plain values inventory's facade takes and returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["MoveInfo", "StockLevel", "StockLine", "TransferInfo", "WarehouseInfo"]


@dataclass(frozen=True)
class StockLine:
    """A line to move: a product, a quantity (in the product's unit unless ``uom_id``), and what it is for."""

    product_id: int
    quantity: Decimal
    uom_id: int | None = None
    unit_cost: Decimal | None = None  # receipts and production: per product unit, company currency
    lot_name: str = ""  # receipts of lot- or serial-tracked products
    origin_key: str = ""  # the caller's line, e.g. "purchasing.line:5"
    description: str = ""


@dataclass(frozen=True)
class MoveInfo:
    id: int
    product_id: int
    quantity: Decimal
    quantity_reserved: Decimal
    quantity_done: Decimal
    state: str
    origin_key: str
    lot_name: str
    value: Decimal


@dataclass(frozen=True)
class TransferInfo:
    """A transfer as other modules see it."""

    id: int
    company_id: int
    kind: str
    number: str
    state: str
    warehouse_id: int
    partner_id: int | None
    origin: str
    source_key: str
    scheduled_date: dt.date
    done_at: dt.datetime | None
    backorder_id: int | None  # the transfer made for what this one did not move
    moves: tuple[MoveInfo, ...]

    @property
    def value(self) -> Decimal:
        return sum((move.value for move in self.moves), Decimal(0))


@dataclass(frozen=True)
class StockLevel:
    product_id: int
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    incoming: Decimal
    outgoing: Decimal


@dataclass(frozen=True)
class WarehouseInfo:
    id: int
    company_id: int
    code: str
    name: str
    stock_location_id: int
