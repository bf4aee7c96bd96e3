"""Sales models, one file per aggregate."""

from concord.modules.sales.models.order import (
    InvoiceStatus,
    OrderState,
    PaymentStatus,
    SaleInvoice,
    SaleInvoiceLine,
    SaleOrder,
    SaleOrderLine,
)
from concord.modules.sales.models.pricelist import CustomerPricing, Pricelist, PricelistItem
from concord.modules.sales.models.settings import InvoicePolicy, ProductSalesPolicy, SalesSettings

__all__ = [
    "CustomerPricing",
    "InvoicePolicy",
    "InvoiceStatus",
    "OrderState",
    "PaymentStatus",
    "Pricelist",
    "PricelistItem",
    "ProductSalesPolicy",
    "SaleInvoice",
    "SaleInvoiceLine",
    "SaleOrder",
    "SaleOrderLine",
    "SalesSettings",
]
