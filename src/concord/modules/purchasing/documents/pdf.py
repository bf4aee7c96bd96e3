"""Printed RFQs and purchase orders: the context, the HTML and the PDF.

Thai companies print a bilingual form ("ใบขอเสนอราคา / REQUEST FOR QUOTATION", "ใบสั่งซื้อ / PURCHASE
ORDER") with Buddhist-era dates, rendered with English active so the document stays bilingual whatever
the user's language (the Thai wording is literal in the template, the English halves translatable).
Others print in the vendor's language (English, Thai or Khmer), else the company's. Everything the
template shows is prepared here as text, so the template holds no arithmetic.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, translation

from concord.core.money.formatting import format_money
from concord.core.money.money import Money
from concord.modules.purchasing.models import OrderState, PurchaseOrder, PurchaseOrderLine, VendorPrice

__all__ = ["OrderDocument", "order_document", "order_html", "order_pdf", "order_pdf_filename", "thai_date"]

_LANGUAGES = ("en", "th", "km")
_TEMPLATES = {"th": "purchasing/documents/order_th.html", "intl": "purchasing/documents/order.html"}
_THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)


def thai_date(date: dt.date) -> str:
    """The Buddhist-era date Thai documents print: 10 มีนาคม 2569 (Babel has no Buddhist calendar)."""
    return f"{date.day} {_THAI_MONTHS[date.month - 1]} {date.year + 543}"


@dataclass(frozen=True)
class DocumentLine:
    number: int
    description: str
    vendor_code: str
    planned_date: str
    quantity: str
    uom: str
    unit_price: str
    discount: str
    amount: str


@dataclass(frozen=True)
class OrderDocument:
    """Everything an order template shows."""

    layout: str
    language: str
    is_rfq: bool
    is_cancelled: bool
    number: str
    date: str
    date_th: str
    vendor_ref: str
    notes: str
    currency: str
    buyer_name: str
    buyer_tax_id: str
    vendor_name: str
    vendor_address: tuple[str, ...]
    vendor_tax_id: str
    lines: tuple[DocumentLine, ...]
    has_discount: bool
    subtotal: str


def _number(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _quantity(amount: Decimal) -> str:
    return f"{amount.normalize():f}"


def _vendor_address(order: PurchaseOrder) -> tuple[str, ...]:
    addresses = sorted(
        order.vendor.addresses.all(), key=lambda address: (address.kind != "billing", address.pk)
    )
    if not addresses:
        return ()
    first = addresses[0]
    parts = (
        first.street,
        first.street2,
        " ".join(p for p in (first.city, first.province, first.postal_code) if p),
    )
    return tuple(part.strip() for part in parts if part and part.strip())


def _language(order: PurchaseOrder, layout: str) -> str:
    if layout == "th":
        return "en"
    for language in (order.vendor.language, order.company.language):
        if language in _LANGUAGES:
            return language
    return "en"


def _vendor_codes(order: PurchaseOrder, lines: list[PurchaseOrderLine]) -> dict[int, str]:
    rows = VendorPrice.all_companies.filter(
        company_id=order.company_id,
        vendor_id=order.vendor_id,
        product_id__in={line.product_id for line in lines},
    ).exclude(vendor_product_code="")
    return {row.product_id: row.vendor_product_code for row in rows}


def order_document(order: PurchaseOrder) -> OrderDocument:
    """The printable view of ``order``."""
    order = (
        PurchaseOrder.all_companies.select_related("company", "vendor")
        .prefetch_related("vendor__addresses")
        .get(pk=order.pk)
    )
    layout = "th" if order.company.country == "TH" else "intl"
    language = _language(order, layout)
    lines = list(PurchaseOrderLine.all_companies.filter(order_id=order.pk).select_related("uom"))
    codes = _vendor_codes(order, lines)
    with translation.override(language):
        printed = tuple(
            DocumentLine(
                number=index,
                description=line.description,
                vendor_code=codes.get(line.product_id, ""),
                planned_date=thai_date(line.planned_date)
                if layout == "th"
                else formats.date_format(line.planned_date),
                quantity=_quantity(line.quantity),
                uom=line.uom.name,
                unit_price=_number(line.unit_price),
                discount=f"{line.discount_percent.normalize():f}%" if line.discount_percent else "",
                amount=_number(line.price_subtotal),
            )
            for index, line in enumerate(lines, start=1)
        )
        date = formats.date_format(order.order_date)
        subtotal = format_money(Money(order.amount_untaxed, order.currency), language)
    return OrderDocument(
        layout=layout,
        language=language,
        is_rfq=order.state in (OrderState.RFQ, OrderState.SENT, OrderState.TO_APPROVE),
        is_cancelled=order.state == OrderState.CANCELLED,
        number=order.number,
        date=date,
        date_th=thai_date(order.order_date),
        vendor_ref=order.vendor_ref,
        notes=order.notes,
        currency=order.currency,
        buyer_name=order.company.legal_name or order.company.name,
        buyer_tax_id=order.company.tax_id,
        vendor_name=order.vendor.name,
        vendor_address=_vendor_address(order),
        vendor_tax_id=order.vendor.tax_id,
        lines=printed,
        has_discount=any(line.discount_percent for line in lines),
        subtotal=subtotal,
    )


def _template(order: PurchaseOrder) -> tuple[str, dict[str, Any], str]:
    document = order_document(order)
    return _TEMPLATES[document.layout], {"doc": document}, document.language


def order_html(order: PurchaseOrder) -> str:
    """The order's document as HTML (what the PDF is made from)."""
    template, context, language = _template(order)
    with translation.override(language):
        return render_to_string(template, context)


def order_pdf(order: PurchaseOrder) -> bytes:
    """``order`` as a PDF in its company's layout."""
    # Imported here: WeasyPrint takes about a second to import, so it loads with the first PDF.
    from concord.core.documents.rendering import render_pdf

    template, context, language = _template(order)
    return render_pdf(template, context, language=language)


def order_pdf_filename(order: PurchaseOrder) -> str:
    """A file name for the PDF: "PO-2026-00001.pdf"."""
    return f"{re.sub(r'[^A-Za-z0-9._-]+', '-', order.number).strip('-.') or 'order'}.pdf"
