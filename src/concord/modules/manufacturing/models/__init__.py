"""Manufacturing models, one file per aggregate."""

from concord.modules.manufacturing.models.bom import QTY_FIELD_KW, BillOfMaterials, BomKind, BomLine
from concord.modules.manufacturing.models.order import (
    ManufacturingOrder,
    OrderComponent,
    OrderState,
)

__all__ = [
    "QTY_FIELD_KW",
    "BillOfMaterials",
    "BomKind",
    "BomLine",
    "ManufacturingOrder",
    "OrderComponent",
    "OrderState",
]
