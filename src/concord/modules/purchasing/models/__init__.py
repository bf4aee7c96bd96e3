"""Purchasing models, one file per aggregate."""

from concord.modules.purchasing.models.bill import PurchaseBill, PurchaseBillLine
from concord.modules.purchasing.models.order import (
    OrderState,
    PurchaseOrder,
    PurchaseOrderLine,
    ReorderRequest,
)
from concord.modules.purchasing.models.pricelist import VendorPrice
from concord.modules.purchasing.models.settings import PurchasingSettings

__all__ = [
    "OrderState",
    "PurchaseBill",
    "PurchaseBillLine",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchasingSettings",
    "ReorderRequest",
    "VendorPrice",
]
