from concord.modules.inventory.models.count import CountState, InventoryCount, InventoryCountLine
from concord.modules.inventory.models.location import Location, LocationUsage, Warehouse
from concord.modules.inventory.models.quant import QTY_FIELD_KW, Lot, ProductTracking, Quant, Tracking
from concord.modules.inventory.models.reorder import ReorderRule
from concord.modules.inventory.models.transfer import (
    KIND_PREFIX,
    Move,
    MoveLine,
    MoveState,
    Reservation,
    Transfer,
    TransferKind,
    TransferState,
)
from concord.modules.inventory.models.valuation import (
    CategoryCosting,
    CostingMethod,
    InventorySettings,
    ProductCost,
    ValuationLayer,
)

__all__ = [
    "KIND_PREFIX",
    "QTY_FIELD_KW",
    "CategoryCosting",
    "CostingMethod",
    "CountState",
    "InventoryCount",
    "InventoryCountLine",
    "InventorySettings",
    "Location",
    "LocationUsage",
    "Lot",
    "Move",
    "MoveLine",
    "MoveState",
    "ProductCost",
    "ProductTracking",
    "Quant",
    "ReorderRule",
    "Reservation",
    "Tracking",
    "Transfer",
    "TransferKind",
    "TransferState",
    "ValuationLayer",
    "Warehouse",
]
