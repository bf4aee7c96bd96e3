"""Printed invoices, credit notes and withholding tax certificates: the context, the HTML and the PDF.

The layout follows the company's country:

- **TH**: the Thai tax invoice ("ใบกำกับภาษี / TAX INVOICE", Revenue Code section 86/4) or credit note
  ("ใบลดหนี้ / CREDIT NOTE", section 86/10, with the invoice it corrects and the difference): seller and
  buyer with tax ID and branch ("สำนักงานใหญ่" for 00000, "สาขาที่ 00001" otherwise), Buddhist-era
  dates, VAT on its own line and the total in Thai words (English words for a foreign currency).
- **KH**: the Cambodian tax invoice in Khmer and English ("វិក្កយបត្រអាករ / TAX INVOICE") with the
  VATTIN of both sides; a USD document shows its totals in KHR too at the invoice's exchange rate, and a
  KHR document shows USD.
- anything else: an English (or the partner's language) invoice.

A draft prints with a "DRAFT" watermark and never with a tax invoice title; a cancelled document with
"CANCELLED". Vendor bills are the supplier's documents, not ours: they print in the plain layout as a
record. The Thai and Khmer wording of the forms is written literally in the country templates (it is the
legal text); their English halves are ``{% translate %}`` strings, and those layouts render with English
active so the document stays bilingual whatever the user's language.

Everything a template shows is prepared here as text (amounts formatted, dates converted), so the
templates hold no arithmetic and the tests can check the context as well as the HTML and the PDF.
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
from django.utils import translation

from concord.core.identity.models import Company
from concord.core.money.currencies import minor_units
from concord.core.money.errors import NoExchangeRateError
from concord.core.money.money import Money
from concord.core.money.queries import exchange_rate_on
from concord.core.money.words import english_amount_text, khmer_amount_text, thai_baht_text
from concord.modules.accounting.documents.dates import khmer_date, thai_date
from concord.modules.accounting.models import (
    IncomeType,
    Invoice,
    InvoiceLine,
    InvoiceState,
    Tax,
    TaxKind,
    WithholdingCertificate,
)
from concord.modules.accounting.taxcalc import TaxRule, line_amounts

__all__ = [
    "WHT_FORM_ROWS",
    "Equivalent",
    "InvoiceDocument",
    "PartyBlock",
    "WhtCertificateDocument",
    "invoice_document",
    "invoice_html",
    "invoice_layout",
    "invoice_pdf",
    "invoice_pdf_filename",
    "wht_certificate_document",
    "wht_certificate_html",
    "wht_certificate_pdf",
    "wht_certificate_pdf_filename",
]

HEAD_OFFICE_BRANCH = "00000"
_LANGUAGES = ("en", "th", "km")
_TEMPLATES = {
    "th": "accounting/documents/invoice_th.html",
    "kh": "accounting/documents/invoice_kh.html",
    "intl": "accounting/documents/invoice.html",
}
# The row of the 50 Tawi form each income type is reported on. Row 5 is "payments under the Revenue
# Department's orders issued under section 3 tredecim" (services, rent, transport, advertising, prizes are
# named there); professional fees are section 40 (6) income, reported under row 6 "other (specify)".
# The template writes the row's specification in Thai. A Thai accountant should confirm this mapping.
WHT_FORM_ROWS: dict[str, str] = {
    "services": "5",
    "transport": "5",
    "advertising": "5",
    "rent": "5",
    "prizes": "5",
    "professional_fees": "6",
    "other": "6",
}
_CURRENCY_PAIR_KH = ("USD", "KHR")


# --------------------------------------------------------------------------------------------- data
@dataclass(frozen=True)
class PartyBlock:
    """One side of a document: who, where, and the tax registration printed for it."""

    name: str
    address_lines: tuple[str, ...] = ()
    tax_id: str = ""
    branch_code: str = ""
    is_person: bool = False

    @property
    def is_head_office(self) -> bool:
        return self.branch_code == HEAD_OFFICE_BRANCH


@dataclass(frozen=True)
class DocumentLine:
    """A printed line: every figure already formatted."""

    number: int
    description: str
    quantity: str
    unit_price: str
    discount: str
    amount: str


@dataclass(frozen=True)
class TaxTotal:
    """One tax of the document summed over its lines (VAT 7 %: base 1,000.00, tax 70.00)."""

    name: str
    kind: str
    rate: str
    base: str
    amount: str

    @property
    def is_vat(self) -> bool:
        return self.kind == TaxKind.VAT


@dataclass(frozen=True)
class Equivalent:
    """The document's totals in a second currency (KHR beside USD, THB beside a foreign currency)."""

    currency: str
    subtotal: str
    tax: str
    total: str
    base_currency: str
    quote_currency: str
    rate: str  # units of quote_currency per 1 base_currency
    words_en: str
    words_km: str
    words_th: str


@dataclass(frozen=True)
class OriginalInvoice:
    """The invoice a credit note corrects, with the figures section 86/10 asks for."""

    number: str
    date: dt.date
    date_th: str
    value: str
    correct_value: str
    difference: str


@dataclass(frozen=True)
class InvoiceDocument:
    """Everything an invoice or credit note template shows."""

    layout: str
    language: str
    kind: str
    kind_label: str
    is_customer_side: bool
    is_credit_note: bool
    is_draft: bool
    is_cancelled: bool
    number: str
    date: dt.date
    date_th: str
    date_km: str
    due_date: dt.date | None
    due_date_th: str
    due_date_km: str
    ref: str
    narration: str
    currency: str
    issuer: PartyBlock
    partner: PartyBlock
    lines: tuple[DocumentLine, ...]
    subtotal: str
    taxes: tuple[TaxTotal, ...]
    tax_total: str
    total: str
    total_words_th: str
    total_words_en: str
    total_words_km: str
    has_discount: bool
    equivalent: Equivalent | None = None
    missing_rate_currency: str = ""
    original: OriginalInvoice | None = None

    @property
    def seller(self) -> PartyBlock:
        return self.issuer if self.is_customer_side else self.partner

    @property
    def buyer(self) -> PartyBlock:
        return self.partner if self.is_customer_side else self.issuer

    @property
    def vat_rates(self) -> str:
        """The VAT rates of the document ("7"), for the VAT line's label."""
        return ", ".join(dict.fromkeys(tax.rate for tax in self.taxes if tax.is_vat))


@dataclass(frozen=True)
class WhtCertificateDocument:
    """Everything the withholding tax certificate (50 Tawi) template shows."""

    number: str
    date: dt.date
    date_th: str
    payer: PartyBlock
    payee: PartyBlock
    form: str
    income_type: str
    income_type_label: str
    form_row: str
    rate: str
    currency: str
    amount_paid: str
    tax_withheld: str
    tax_words_th: str
    tax_words_en: str
    payment_number: str
    copies: tuple[int, ...] = (1, 2)  # the payee's two copies of the form


# ------------------------------------------------------------------------------------------ helpers
def _number(amount: Decimal, currency: str) -> str:
    """``amount`` with thousands separators and the currency's decimals, as tax forms print figures."""
    places = minor_units(currency)
    rounded = Money(amount, currency).rounded().amount
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return str(babel_numbers.format_decimal(rounded, format=pattern, locale="en"))


def _plain(value: Decimal, *, places: int = 6) -> str:
    """A quantity, rate or percentage without trailing zeros: 1, 2.5, 7, 4,000."""
    pattern = "#,##0." + "#" * places
    return str(babel_numbers.format_decimal(value, format=pattern, locale="en"))


def _address_lines(street: str, street2: str, city: str, province: str, postal: str) -> tuple[str, ...]:
    last = " ".join(part for part in (province, postal) if part)
    return tuple(line for line in (street, street2, city, last) if line)


def _company_block(company: Company) -> PartyBlock:
    # The company model has no postal address yet; a text ``address`` field, once it exists, prints here.
    address = str(getattr(company, "address", "") or "")
    return PartyBlock(
        name=company.legal_name or company.name,
        address_lines=tuple(line.strip() for line in address.splitlines() if line.strip()),
        tax_id=company.tax_id,
        branch_code=company.branch_code,
    )


def _party_block(party: Any, company: Company) -> PartyBlock:
    """A party read through accounting's own foreign key: its name, billing address, tax ID, branch."""
    if party is None:
        return _company_block(company)
    addresses = sorted(party.addresses.all(), key=lambda address: (address.kind != "billing", address.pk))
    lines: tuple[str, ...] = ()
    if addresses:
        first = addresses[0]
        lines = _address_lines(first.street, first.street2, first.city, first.province, first.postal_code)
        if first.country and first.country != company.country:
            lines = (*lines, first.country)
    return PartyBlock(
        name=party.name,
        address_lines=lines,
        tax_id=party.tax_id,
        branch_code=party.branch_code,
        is_person=party.kind == "person",
    )


def _layout(invoice: Invoice) -> str:
    if not invoice.is_customer_side:
        return "intl"
    return {"TH": "th", "KH": "kh"}.get(invoice.company.country, "intl")


def _language(invoice: Invoice, layout: str) -> str:
    if layout != "intl":
        return "en"  # bilingual layouts: the Thai or Khmer half is literal, the other half English
    for language in (invoice.partner.language, invoice.company.language):
        if language in _LANGUAGES:
            return language
    return "en"


def _net_unit_price(line: InvoiceLine, taxes: list[Tax]) -> Decimal:
    """The unit price net of taxes included in it, so quantity x unit price - discount = amount."""
    if not any(tax.price_include for tax in taxes) or line.discount_percent >= 100:
        return line.unit_price
    return line.price_subtotal / (line.quantity * (100 - line.discount_percent) / 100)


def _lines_and_taxes(invoice: Invoice) -> tuple[tuple[DocumentLine, ...], tuple[TaxTotal, ...], bool]:
    """The printed lines and the taxes summed per tax, computed as posting computes them."""
    currency = invoice.currency
    lines = list(
        InvoiceLine.all_companies.filter(invoice_id=invoice.pk)
        .prefetch_related("taxes")
        .order_by("sequence", "pk")
    )
    totals: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    taxes_by_id: dict[int, Tax] = {}
    printed: list[DocumentLine] = []
    for index, line in enumerate(lines, start=1):
        taxes = sorted(line.taxes.all(), key=lambda tax: tax.pk)
        if taxes:
            amounts = line_amounts(
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                taxes=[TaxRule(tax.pk, tax.amount_type, tax.amount, tax.price_include) for tax in taxes],
                currency=currency,
            )
            for tax, amount in zip(taxes, amounts.taxes, strict=True):
                taxes_by_id[tax.pk] = tax
                totals[tax.pk][0] += amount.base
                totals[tax.pk][1] += amount.amount
        printed.append(
            DocumentLine(
                number=index,
                description=line.description,
                quantity=_plain(line.quantity),
                unit_price=_number(_net_unit_price(line, taxes), currency),
                discount=f"{_plain(line.discount_percent, places=4)}%" if line.discount_percent else "",
                amount=_number(line.price_subtotal, currency),
            )
        )
    tax_totals = tuple(
        TaxTotal(
            name=taxes_by_id[tax_id].name,
            kind=taxes_by_id[tax_id].kind,
            rate=_plain(taxes_by_id[tax_id].amount, places=4),
            base=_number(base, currency),
            amount=_number(amount, currency),
        )
        for tax_id, (base, amount) in sorted(totals.items())
    )
    return tuple(printed), tax_totals, any(line.discount_percent for line in lines)


def _rate_to_company(invoice: Invoice, currency: str) -> Decimal:
    """Company-currency units per 1 ``currency``: the invoice's own rate for its currency once posted."""
    if currency == invoice.currency and not invoice.is_draft and invoice.rate:
        return invoice.rate
    return exchange_rate_on(company=invoice.company, currency=currency, on_date=invoice.date)


def _equivalent_currency(invoice: Invoice, layout: str) -> str:
    if layout == "kh" and invoice.currency in _CURRENCY_PAIR_KH:
        return _CURRENCY_PAIR_KH[1 - _CURRENCY_PAIR_KH.index(invoice.currency)]
    if invoice.currency != invoice.company.currency:
        return invoice.company.currency
    return ""


def _equivalent(invoice: Invoice, target: str) -> Equivalent:
    """The totals in ``target``: untaxed and tax converted, the total their sum (so the figures add up)."""
    source = invoice.currency
    factor = _rate_to_company(invoice, source) / _rate_to_company(invoice, target)
    subtotal = Money(invoice.amount_untaxed * factor, target).rounded().amount
    tax = Money(invoice.amount_tax * factor, target).rounded().amount
    total = subtotal + tax
    # Show the rate the way people quote it: per dollar (or per foreign unit), never per riel.
    base, quote, per_base = (source, target, factor) if source != "KHR" else (target, source, 1 / factor)
    places = 2 if per_base >= 1 else 6
    return Equivalent(
        currency=target,
        subtotal=_number(subtotal, target),
        tax=_number(tax, target),
        total=_number(total, target),
        base_currency=base,
        quote_currency=quote,
        rate=_plain(per_base, places=places),
        words_en=english_amount_text(total, target),
        words_km=khmer_amount_text(total, target),
        words_th=thai_baht_text(total) if target == "THB" else "",
    )


def _original(invoice: Invoice) -> OriginalInvoice | None:
    original = invoice.reversed_invoice
    if not invoice.is_credit_note or original is None:
        return None
    currency = invoice.currency
    return OriginalInvoice(
        number=original.number or str(original),
        date=original.date,
        date_th=thai_date(original.date),
        value=_number(original.amount_untaxed, currency),
        correct_value=_number(original.amount_untaxed - invoice.amount_untaxed, currency),
        difference=_number(invoice.amount_untaxed, currency),
    )


# ---------------------------------------------------------------------------------------- invoices
def invoice_layout(invoice: Invoice) -> str:
    """Which layout prints ``invoice``: "th", "kh" or "intl" (see the module docstring)."""
    return _layout(invoice)


def invoice_document(invoice: Invoice) -> InvoiceDocument:
    """The printable view of ``invoice`` (read from the database, whatever the current company scope)."""
    invoice = (
        Invoice.all_companies.select_related("company", "partner", "reversed_invoice")
        .prefetch_related("partner__addresses")
        .get(pk=invoice.pk)
    )
    company = invoice.company
    layout = _layout(invoice)
    currency = invoice.currency
    lines, taxes, has_discount = _lines_and_taxes(invoice)
    target = _equivalent_currency(invoice, layout)
    equivalent: Equivalent | None = None
    missing = ""
    if target:
        try:
            equivalent = _equivalent(invoice, target)
        except NoExchangeRateError:
            missing = target
    total = invoice.amount_total
    return InvoiceDocument(
        layout=layout,
        language=_language(invoice, layout),
        kind=invoice.kind,
        kind_label=str(invoice.get_kind_display()),
        is_customer_side=invoice.is_customer_side,
        is_credit_note=invoice.is_credit_note,
        is_draft=invoice.is_draft,
        is_cancelled=invoice.state == InvoiceState.CANCELLED,
        number=invoice.number,
        date=invoice.date,
        date_th=thai_date(invoice.date),
        date_km=khmer_date(invoice.date),
        due_date=invoice.due_date,
        due_date_th=thai_date(invoice.due_date),
        due_date_km=khmer_date(invoice.due_date),
        ref=invoice.ref,
        narration=invoice.narration,
        currency=currency,
        issuer=_company_block(company),
        partner=_party_block(invoice.partner, company),
        lines=lines,
        subtotal=_number(invoice.amount_untaxed, currency),
        taxes=taxes,
        tax_total=_number(invoice.amount_tax, currency),
        total=_number(total, currency),
        total_words_th=thai_baht_text(total) if currency == "THB" else "",
        total_words_en=english_amount_text(total, currency),
        total_words_km=khmer_amount_text(total, currency) if layout == "kh" else "",
        has_discount=has_discount,
        equivalent=equivalent,
        missing_rate_currency=missing,
        original=_original(invoice),
    )


def _render_pdf(template: str, context: dict[str, Any], *, language: str) -> bytes:
    # Imported here: WeasyPrint takes about a second to import, so it loads with the first PDF, not at
    # start-up (the outbox handler and the URL configuration import this module).
    from concord.core.documents.rendering import render_pdf

    return render_pdf(template, context, language=language)


def _invoice_template(invoice: Invoice) -> tuple[str, dict[str, Any], str]:
    document = invoice_document(invoice)
    context = {"company": invoice.company, "doc": document}
    return _TEMPLATES[document.layout], context, document.language


def invoice_html(invoice: Invoice) -> str:
    """The HTML the PDF of ``invoice`` is rendered from (with the document's language active)."""
    template, context, language = _invoice_template(invoice)
    with translation.override(language):
        return render_to_string(template, context)


def invoice_pdf(invoice: Invoice) -> bytes:
    """``invoice`` (or credit note, bill) as a PDF in its company's country layout."""
    template, context, language = _invoice_template(invoice)
    return _render_pdf(template, context, language=language)


def _safe_filename(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "document"


def invoice_pdf_filename(invoice: Invoice) -> str:
    """A file name for the PDF: "INV-2026-00001.pdf", or "draft-42.pdf" before a number is given."""
    if invoice.number:
        return f"{_safe_filename(invoice.number)}.pdf"
    return f"draft-{invoice.pk}.pdf"


# ------------------------------------------------------------------------ withholding certificates
def wht_certificate_document(certificate: WithholdingCertificate) -> WhtCertificateDocument:
    """The printable view of a withholding tax certificate (payer and payee default to the company)."""
    certificate = (
        WithholdingCertificate.all_companies.select_related("company", "payer", "payee", "payment")
        .prefetch_related("payer__addresses", "payee__addresses")
        .get(pk=certificate.pk)
    )
    company = certificate.company
    currency = certificate.currency
    income_type = certificate.income_type or "other"
    label = str(IncomeType(income_type).label) if income_type in IncomeType.values else income_type
    payer = _party_block(certificate.payer, company)
    payee = _party_block(certificate.payee, company)
    return WhtCertificateDocument(
        number=certificate.number,
        date=certificate.date,
        date_th=thai_date(certificate.date),
        payer=payer,
        payee=payee,
        form=certificate.form,
        income_type=income_type,
        income_type_label=label,
        form_row=WHT_FORM_ROWS.get(income_type, "6"),
        rate=_plain(certificate.rate, places=4),
        currency=currency,
        amount_paid=_number(certificate.base, currency),
        tax_withheld=_number(certificate.amount, currency),
        tax_words_th=thai_baht_text(certificate.amount) if currency == "THB" else "",
        tax_words_en=english_amount_text(certificate.amount, currency),
        payment_number=certificate.payment.number,
    )


def _wht_template(certificate: WithholdingCertificate) -> tuple[str, dict[str, Any]]:
    document = wht_certificate_document(certificate)
    thai = certificate.company.country == "TH"
    template = (
        "accounting/documents/wht_certificate_th.html"
        if thai
        else "accounting/documents/wht_certificate.html"
    )
    return template, {"company": certificate.company, "doc": document}


def wht_certificate_html(certificate: WithholdingCertificate) -> str:
    """The HTML the certificate's PDF is rendered from."""
    template, context = _wht_template(certificate)
    with translation.override("en"):
        return render_to_string(template, context)


def wht_certificate_pdf(certificate: WithholdingCertificate) -> bytes:
    """The withholding tax certificate as a PDF: the 50 Tawi form (both copies) for a Thai company."""
    template, context = _wht_template(certificate)
    return _render_pdf(template, context, language="en")


def wht_certificate_pdf_filename(certificate: WithholdingCertificate) -> str:
    """A file name for the certificate's PDF: "WHT-2026-00001.pdf"."""
    return f"{_safe_filename(certificate.number)}.pdf"
