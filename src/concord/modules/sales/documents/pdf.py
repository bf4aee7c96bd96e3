"""Printed quotations and sales orders: the context, the HTML and the PDF.

The layout follows the customer's language: Thai customers get the bilingual Thai/English form
("ใบเสนอราคา / QUOTATION", "ใบสั่งขาย / SALES ORDER") with Buddhist-era dates, Khmer customers the
bilingual Khmer/English one ("សម្រង់តម្លៃ / QUOTATION"), everyone else English. The bilingual layouts
render with English active (the Thai or Khmer wording is literal in the template, the English halves
translatable), exactly like accounting's invoices, with the same renderer and shipped fonts
(``core.documents``). Everything a template shows is prepared here as text, so it holds no arithmetic;
the figures are the order's, computed with accounting's tax arithmetic, so they match the invoice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel import numbers as babel_numbers
from django.template.loader import render_to_string
from django.utils import formats, translation

from concord.core.money.currencies import minor_units
from concord.core.money.money import Money
from concord.core.money.words import english_amount_text, khmer_amount_text, thai_baht_text
from concord.modules.accounting import facade as accounting
from concord.modules.sales.models import OrderState, SaleOrder, SaleOrderLine

__all__ = [
    "OrderDocument",
    "khmer_date",
    "order_document",
    "order_html",
    "order_layout",
    "order_pdf",
    "order_pdf_filename",
    "thai_date",
]

_TEMPLATES = {
    "th": "sales/documents/order_th.html",
    "km": "sales/documents/order_km.html",
    "en": "sales/documents/order.html",
}
_THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
_KHMER_MONTHS = (
    "មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា",
    "កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ",
)  # fmt: skip
_KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


def thai_date(date: dt.date | None) -> str:
    """The Buddhist-era date Thai documents print: 10 มีนาคม 2569 (Babel has no Buddhist calendar)."""
    return f"{date.day} {_THAI_MONTHS[date.month - 1]} {date.year + 543}" if date else ""


def khmer_date(date: dt.date | None) -> str:
    """The date in Khmer with Khmer digits: ១០ មីនា ២០២៦."""
    return f"{date.day} {_KHMER_MONTHS[date.month - 1]} {date.year}".translate(_KHMER_DIGITS) if date else ""


@dataclass(frozen=True)
class DocumentLine:
    number: int
    description: str
    quantity: str
    uom: str
    unit_price: str
    discount: str
    amount: str
    is_optional: bool


@dataclass(frozen=True)
class TaxTotal:
    name: str
    amount: str


@dataclass(frozen=True)
class OrderDocument:
    """Everything a quotation or order template shows."""

    layout: str
    language: str
    is_quotation: bool
    is_cancelled: bool
    number: str
    date: str
    date_th: str
    date_km: str
    validity_date: str
    validity_date_th: str
    validity_date_km: str
    customer_ref: str
    terms: str
    currency: str
    seller_name: str
    seller_tax_id: str
    seller_address: tuple[str, ...]
    customer_name: str
    customer_address: tuple[str, ...]
    customer_tax_id: str
    salesperson: str
    lines: tuple[DocumentLine, ...]
    optional_lines: tuple[DocumentLine, ...]
    has_discount: bool
    subtotal: str
    taxes: tuple[TaxTotal, ...]
    tax_total: str
    total: str
    total_words_th: str
    total_words_en: str
    total_words_km: str
    signed_by: str


def _number(amount: Decimal, currency: str) -> str:
    places = minor_units(currency)
    rounded = Money(amount, currency).rounded().amount
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return str(babel_numbers.format_decimal(rounded, format=pattern, locale="en"))


def _plain(value: Decimal) -> str:
    return str(babel_numbers.format_decimal(value, format="#,##0.######", locale="en"))


def _address(party: Any) -> tuple[str, ...]:
    addresses = sorted(party.addresses.all(), key=lambda address: (address.kind != "billing", address.pk))
    if not addresses:
        return ()
    first = addresses[0]
    parts = (
        first.street,
        first.street2,
        " ".join(p for p in (first.city, first.province, first.postal_code) if p),
    )
    return tuple(part.strip() for part in parts if part and part.strip())


def order_layout(order: SaleOrder) -> str:
    """ "th", "km" or "en": the customer's language, else the company's, else English."""
    for language in (order.partner.language, order.company.language):
        if language in _TEMPLATES:
            return str(language)
    return "en"


def _tax_totals(order: SaleOrder, lines: list[SaleOrderLine]) -> tuple[TaxTotal, ...]:
    """The tax amounts summed per tax name (the lines keep their own tax, accounting's arithmetic)."""
    names = {tax.id: tax.name for tax in accounting.sale_taxes(order.company_id)}
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.price_tax:
            label = ", ".join(names.get(tax_id, str(tax_id)) for tax_id in line.tax_ids or ())
            totals[label] += line.price_tax
    return tuple(
        TaxTotal(name=name, amount=_number(amount, order.currency)) for name, amount in totals.items()
    )


def order_document(order: SaleOrder) -> OrderDocument:
    """The printable view of ``order`` (read from the database, whatever the current company scope)."""
    order = (
        SaleOrder.all_companies.select_related("company", "partner", "salesperson")
        .prefetch_related("partner__addresses")
        .get(pk=order.pk)
    )
    layout = order_layout(order)
    language = "en" if layout in ("th", "km") else layout
    currency = order.currency
    lines = list(SaleOrderLine.all_companies.filter(order_id=order.pk).select_related("uom"))
    printed: list[DocumentLine] = []
    optional: list[DocumentLine] = []
    for line in lines:
        target = printed if line.is_counted else optional
        target.append(
            DocumentLine(
                number=len(target) + 1,
                description=line.description,
                quantity=_plain(line.quantity),
                uom=line.uom.code,
                unit_price=_number(line.unit_price, currency),
                discount=f"{line.discount_percent.normalize():f}%" if line.discount_percent else "",
                amount=_number(line.price_subtotal, currency),
                is_optional=line.is_optional,
            )
        )
    with translation.override(language):
        date = formats.date_format(order.quote_date)
        validity = formats.date_format(order.validity_date) if order.validity_date else ""
    total = order.amount_total
    company = order.company
    address = str(getattr(company, "address", "") or "")
    salesperson = order.salesperson
    return OrderDocument(
        layout=layout,
        language=language,
        is_quotation=order.is_quotation,
        is_cancelled=order.state == OrderState.CANCELLED,
        number=order.number if order.is_quotation or not order.order_number else order.order_number,
        date=date,
        date_th=thai_date(order.quote_date),
        date_km=khmer_date(order.quote_date),
        validity_date=validity,
        validity_date_th=thai_date(order.validity_date),
        validity_date_km=khmer_date(order.validity_date),
        customer_ref=order.customer_ref,
        terms=order.terms,
        currency=currency,
        seller_name=company.legal_name or company.name,
        seller_tax_id=company.tax_id,
        seller_address=tuple(part.strip() for part in address.splitlines() if part.strip()),
        customer_name=order.partner.name,
        customer_address=_address(order.partner),
        customer_tax_id=order.partner.tax_id,
        salesperson=(salesperson.get_full_name() or salesperson.get_username()) if salesperson else "",
        lines=tuple(printed),
        optional_lines=tuple(optional),
        has_discount=any(line.discount_percent for line in lines),
        subtotal=_number(order.amount_untaxed, currency),
        taxes=_tax_totals(order, [line for line in lines if line.is_counted]),
        tax_total=_number(order.amount_tax, currency),
        total=_number(total, currency),
        total_words_th=thai_baht_text(total) if currency == "THB" and layout == "th" else "",
        total_words_en=english_amount_text(total, currency),
        total_words_km=khmer_amount_text(total, currency) if layout == "km" else "",
        signed_by=order.signed_by,
    )


def _template(order: SaleOrder) -> tuple[str, dict[str, Any], str]:
    document = order_document(order)
    return _TEMPLATES[document.layout], {"doc": document}, document.language


def order_html(order: SaleOrder) -> str:
    """The document's HTML (what the PDF is made from), with its language active."""
    template, context, language = _template(order)
    with translation.override(language):
        return render_to_string(template, context)


def order_pdf(order: SaleOrder) -> bytes:
    """``order`` as a PDF in its customer's layout."""
    # Imported here: WeasyPrint takes about a second to import, so it loads with the first PDF.
    from concord.core.documents.rendering import render_pdf

    template, context, language = _template(order)
    return render_pdf(template, context, language=language)


def order_pdf_filename(order: SaleOrder) -> str:
    """A file name for the PDF: "SQ-2026-00001.pdf"."""
    number = order.number if order.is_quotation or not order.order_number else order.order_number
    return f"{re.sub(r'[^A-Za-z0-9._-]+', '-', number).strip('-.') or 'quotation'}.pdf"
