"""Printed documents: the Thai tax invoice and credit note, the Cambodian USD/KHR invoice, the 50 Tawi
withholding certificate, and their PDFs (fonts, pixels, text layer).

PDF text extraction garbles Thai (sara am, see ``concord.core.documents.tests.test_rendering``), so the
Thai wording is checked on the HTML the PDF is rendered from, and the PDF itself by its embedded fonts,
its pixels and robust substrings: Latin text, digits and Thai letters with sara am folded.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # fontTools ships no type hints
from PIL import Image
from stdnum.th import moa

from concord.core.documents.rendering import pdf_to_png_pages
from concord.core.identity.roles import Role
from concord.core.money.services import exchange_rate_set
from concord.core.money.words import thai_baht_text
from concord.modules.accounting.documents.dates import buddhist_year, khmer_date, thai_date
from concord.modules.accounting.documents.pdf import (
    invoice_document,
    invoice_html,
    invoice_layout,
    invoice_pdf,
    invoice_pdf_filename,
    wht_certificate_document,
    wht_certificate_html,
    wht_certificate_pdf,
    wht_certificate_pdf_filename,
)
from concord.modules.accounting.models import Tax, WithholdingCertificate
from concord.modules.accounting.services.invoices import (
    InvoiceLineInput,
    credit_note_create,
    invoice_cancel,
    invoice_create,
    invoice_post,
)
from concord.modules.accounting.services.payments import payment_register
from concord.modules.accounting.services.setup import accounting_setup

from .conftest import TODAY, journal, tax

pytestmark = pytest.mark.django_db


def thai_tin(body: str) -> str:
    """A valid 13-digit Thai tax ID from its first twelve digits."""
    return body + moa.calc_check_digit(body)


SELLER_TIN = thai_tin("010555612345")
BUYER_TIN = thai_tin("010556198765")
VENDOR_TIN = thai_tin("010554400011")
PERSON_TIN = thai_tin("310990012345")


# ------------------------------------------------------------------------------------ PDF helpers
def page_texts(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def embedded_fonts(pdf: bytes) -> set[str]:
    """The PostScript names of the font programs embedded in ``pdf`` (every font must be embedded)."""
    document = pypdfium2.PdfDocument(pdf)
    names: set[str] = set()
    try:
        for index in range(len(document)):
            page = document[index]
            for pageobject in page.get_objects():
                if pageobject.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                    continue
                font = pdfium_c.FPDFTextObj_GetFont(pageobject.raw)
                assert pdfium_c.FPDFFont_GetIsEmbedded(font)
                length = ctypes.c_size_t(0)
                pdfium_c.FPDFFont_GetFontData(font, None, 0, ctypes.byref(length))
                data = (ctypes.c_uint8 * length.value)()
                pdfium_c.FPDFFont_GetFontData(font, data, length.value, ctypes.byref(length))
                names.add(TTFont(io.BytesIO(bytes(data)))["name"].getDebugName(6))
            page.close()
        return names
    finally:
        document.close()


def dark_pixels(png: bytes) -> int:
    return sum(Image.open(io.BytesIO(png)).convert("L").histogram()[:128])


def thai_comparable(text: str) -> str:
    """Thai letters only, sara am folded into sara aa and nikhahit dropped (what extraction keeps)."""
    folded = text.replace("\u0e33", "\u0e32")
    return "".join(char for char in folded if "\u0e01" <= char <= "\u0e5b" and char != "\u0e4d")


def khmer_consonants(text: str) -> str:
    return "".join(char for char in text if "\u1780" <= char <= "\u17a2")


# ----------------------------------------------------------- set-ups (test_documents_sending too)
def thai_seller(books: Any) -> Any:
    """The Thai company as a VAT-registered seller: legal name, tax ID, head office."""
    books.legal_name = "บริษัท สยามเทรดดิ้ง จำกัด (Siam Trading Co., Ltd.)"
    books.tax_id = SELLER_TIN
    books.branch_code = "00000"
    books.save()
    return books


def thai_buyer(seller: Any, make_partner: Any) -> Any:
    """A customer at branch 00001 with a tax ID, a billing address and an email."""
    return make_partner(
        seller,
        "Chao Phraya Foods Co., Ltd.",
        tax_id=BUYER_TIN,
        branch_code="00001",
        language="en",  # its emails in English, whatever the Thai catalog holds
        emails=["ap@chaophraya.example"],
        addresses=[
            {
                "street": "99 Rama IV Road",
                "city": "Khlong Toei",
                "province": "Bangkok",
                "postal_code": "10110",
            }
        ],
        payment_terms_days=30,
    )


def cambodian_invoice(cambodia: Any, *, currency: str, unit_price: str) -> Any:
    company, user, partner = cambodia
    vat = Tax.objects.get(company=company, code="VAT10")
    invoice = invoice_create(
        company=company,
        kind="out_invoice",
        partner_id=partner.pk,
        by=user,
        date=TODAY,
        currency=currency,
        lines=[InvoiceLineInput("Rice, 50 kg sacks", Decimal("10"), Decimal(unit_price), tax_ids=(vat.pk,))],
    )
    return invoice_post(invoice=invoice, by=user)


def services_certificate(seller: Any, make_invoice: Any, make_partner: Any, accountant: Any) -> Any:
    """A PND53 certificate: 3 % withheld on 10,000.00 of services paid to a company."""
    vendor = make_partner(
        seller,
        "Isan Steel Works Co., Ltd.",
        is_customer=False,
        tax_id=VENDOR_TIN,
        branch_code="00000",
        addresses=[{"street": "12 Mittraphap Road", "city": "Mueang", "province": "Khon Kaen"}],
    )
    bill = make_invoice("10000", kind="in_invoice", partner=vendor)
    payment = payment_register(
        company=seller,
        partner_id=vendor.pk,
        journal=journal(seller, "BNK1"),
        amount=Decimal("10400"),
        date=TODAY,
        by=accountant,
        invoices=[bill],
        wht_tax=tax(seller, "WHT3"),
    )
    return WithholdingCertificate.objects.get(payment=payment)


# --------------------------------------------------------------------------------------- fixtures
@pytest.fixture
def seller(books):
    return thai_seller(books)


@pytest.fixture
def buyer(seller, make_partner):
    return thai_buyer(seller, make_partner)


@pytest.fixture
def thai_invoice(make_invoice, buyer):
    return make_invoice("1000", partner=buyer)


@pytest.fixture
def certificate(seller, make_invoice, make_partner, accountant):
    return services_certificate(seller, make_invoice, make_partner, accountant)


@pytest.fixture
def cambodia(make_company, make_user, make_partner):
    """A Cambodian company keeping USD books, a riel rate of 4,000 per dollar, an accountant, a customer."""
    company = make_company(
        name="Angkor Trading Co., Ltd.", code="angkor", country="KH", currency="USD", language="km"
    )
    company.tax_id = "K001-900000001"
    company.save()
    accounting_setup(company=company, template="kh", by=None, fiscal_year=2026)
    exchange_rate_set(
        company=company, currency="KHR", rate_date=dt.date(2026, 1, 1), rate=Decimal("0.00025"), by=None
    )
    user = make_user(company=company, roles=(Role.ACCOUNTANT,), username="sokha")
    partner = make_partner(
        company,
        "ក្រុមហ៊ុន មេគង្គ អាហារ",
        tax_id="K002-901234567",
        addresses=[{"street": "St. 271", "city": "Khan Chamkarmon", "province": "Phnom Penh"}],
    )
    return company, user, partner


# ------------------------------------------------------------------------------------------ dates
def test_thai_dates_are_in_the_buddhist_era_and_khmer_dates_name_the_month():
    assert thai_date(dt.date(2026, 3, 10)) == "10 มีนาคม 2569"
    assert thai_date(dt.date(2025, 12, 31)) == "31 ธันวาคม 2568"
    assert buddhist_year(dt.date(2026, 1, 1)) == 2569
    assert khmer_date(dt.date(2026, 3, 10)) == "10 មីនា 2026"
    assert thai_date(None) == khmer_date(None) == ""


# ---------------------------------------------------------------------------- Thai tax invoice
def test_the_thai_tax_invoice_carries_every_item_the_revenue_code_asks_for(thai_invoice):
    document = invoice_document(thai_invoice)
    html = invoice_html(thai_invoice)

    assert invoice_layout(thai_invoice) == "th"
    assert (document.number, document.date_th, document.total) == (
        "INV/2026/00001",
        "10 มีนาคม 2569",
        "1,070.00",
    )
    assert "ใบกำกับภาษี / TAX INVOICE" in html
    assert "บริษัท สยามเทรดดิ้ง จำกัด" in html
    assert SELLER_TIN in html
    assert BUYER_TIN in html
    assert "เลขประจำตัวผู้เสียภาษี" in html
    assert "สำนักงานใหญ่ / Head office" in html  # the seller, branch 00000
    assert "สาขาที่ 00001 / Branch 00001" in html  # the buyer
    assert "Chao Phraya Foods Co., Ltd." in html
    assert "99 Rama IV Road" in html
    assert "Bangkok 10110" in html
    assert "10 มีนาคม 2569" in html  # Buddhist-era date
    assert "Carbon steel wok" in html
    assert "ภาษีมูลค่าเพิ่ม 7% / VAT 7%" in html
    assert ">1,000.00<" in html  # subtotal
    assert ">70.00<" in html  # VAT
    assert ">1,070.00<" in html  # total
    assert thai_baht_text(Decimal("1070")) == "หนึ่งพันเจ็ดสิบบาทถ้วน"
    assert "หนึ่งพันเจ็ดสิบบาทถ้วน" in html
    assert "DRAFT" not in html


def test_the_thai_tax_invoice_pdf_uses_the_noto_fonts_and_shows_the_figures(thai_invoice):
    pdf = invoice_pdf(thai_invoice)

    assert pdf.startswith(b"%PDF-")
    fonts = embedded_fonts(pdf)
    assert {"NotoSansThai-Regular", "NotoSansThai-Bold", "NotoSans-Regular", "NotoSans-Bold"} <= fonts
    (page,) = pdf_to_png_pages(pdf, dpi=60)
    assert dark_pixels(page) > 3000  # header, two party blocks, lines, totals: not a blank page
    (text,) = page_texts(pdf)
    for expected in ("INV/2026/00001", SELLER_TIN, BUYER_TIN, "1,070.00", "70.00", "TAX INVOICE", "2569"):
        assert expected in text, expected
    assert thai_comparable("ใบกำกับภาษี") in thai_comparable(text)
    assert thai_comparable("หนึ่งพันเจ็ดสิบบาทถ้วน") in thai_comparable(text)


def test_a_draft_has_a_watermark_and_no_tax_invoice_title(make_invoice, buyer):
    draft = make_invoice("1000", partner=buyer, post=False)

    html = invoice_html(draft)

    assert "DRAFT / ร่าง" in html
    assert "ใบกำกับภาษี" not in html
    assert "TAX INVOICE" not in html
    assert invoice_pdf_filename(draft) == f"draft-{draft.pk}.pdf"
    (text,) = page_texts(invoice_pdf(draft))
    assert "DRAFT" in text


def test_a_cancelled_invoice_says_so(thai_invoice, accountant):
    invoice_cancel(invoice=thai_invoice, by=accountant)
    assert "ยกเลิก / CANCELLED" in invoice_html(thai_invoice)


def test_the_thai_credit_note_names_the_invoice_it_corrects_and_the_difference(thai_invoice, accountant):
    note = credit_note_create(invoice=thai_invoice, by=accountant, date=TODAY)
    note = invoice_post(invoice=note, by=accountant)

    html = invoice_html(note)

    assert "ใบลดหนี้ / CREDIT NOTE" in html
    assert "ใบกำกับภาษี / TAX INVOICE" not in html
    assert "อ้างถึงใบกำกับภาษีเลขที่ <strong>INV/2026/00001</strong> ลงวันที่ 10 มีนาคม 2569" in html
    assert "Corrects tax invoice INV/2026/00001 of 10 March 2026" in html
    assert note.number in html
    assert "มูลค่าสินค้าหรือบริการตามใบกำกับภาษีเดิม" in html
    assert "ผลต่าง" in html
    assert invoice_pdf_filename(note) == "RINV-2026-00001.pdf"


def test_a_foreign_currency_thai_invoice_shows_baht_and_english_words(books, make_invoice, buyer):
    exchange_rate_set(
        company=books, currency="USD", rate_date=dt.date(2026, 3, 1), rate=Decimal("35"), by=None
    )
    invoice = make_invoice("100", partner=buyer, currency="USD")

    document = invoice_document(invoice)

    assert document.total_words_th == ""
    assert document.total_words_en == "One hundred seven US dollars"
    assert document.equivalent is not None
    assert (document.equivalent.currency, document.equivalent.total) == ("THB", "3,745.00")
    assert document.equivalent.words_th == "สามพันเจ็ดร้อยสี่สิบห้าบาทถ้วน"
    assert "Exchange rate: 1 USD = 35 THB" in invoice_html(invoice)


# -------------------------------------------------------------------------- Cambodian invoice
def test_a_cambodian_usd_invoice_shows_its_totals_in_riel_too(cambodia):
    invoice = cambodian_invoice(cambodia, currency="USD", unit_price="100")

    document = invoice_document(invoice)
    html = invoice_html(invoice)

    assert document.layout == "kh"
    assert (document.subtotal, document.tax_total, document.total) == ("1,000.00", "100.00", "1,100.00")
    assert document.equivalent is not None
    assert (document.equivalent.currency, document.equivalent.total) == ("KHR", "4,400,000")
    assert (document.equivalent.subtotal, document.equivalent.tax) == ("4,000,000", "400,000")
    assert "វិក្កយបត្រអាករ / TAX INVOICE" in html
    assert "K001-900000001" in html
    assert "K002-901234567" in html
    assert "VATTIN" in html
    assert "អាករលើតម្លៃបន្ថែម 10% / VAT 10%" in html
    assert "Exchange rate: 1 USD = 4,000 KHR" in html
    assert ">4,400,000<" in html
    assert "One thousand one hundred US dollars" in html
    assert "មួយពាន់មួយរយដុល្លារ" in html
    assert "10 មីនា 2026 / 10 March 2026" in html
    pdf = invoice_pdf(invoice)
    assert {"NotoSansKhmer-Regular", "NotoSansKhmer-Bold"} <= embedded_fonts(pdf)
    (text,) = page_texts(pdf)
    assert "4,400,000" in text
    assert "1,100.00" in text
    assert "TAX INVOICE" in text
    assert khmer_consonants("វិក្កយបត្រអាករ")[:4] in khmer_consonants(text)


def test_a_cambodian_riel_invoice_shows_its_totals_in_dollars(cambodia):
    invoice = cambodian_invoice(cambodia, currency="KHR", unit_price="400000")

    document = invoice_document(invoice)

    assert document.total == "4,400,000"
    assert document.equivalent is not None
    assert (document.equivalent.currency, document.equivalent.total) == ("USD", "1,100.00")
    assert (document.equivalent.base_currency, document.equivalent.rate) == ("USD", "4,000")
    assert "Exchange rate: 1 USD = 4,000 KHR" in invoice_html(invoice)


def test_other_countries_get_the_plain_layout_in_the_partners_language(make_company, make_partner, make_user):
    company = make_company(name="Lion City Pte. Ltd.", code="lion", country="SG", currency="SGD")
    accounting_setup(company=company, template="ifrs_sme", by=None, fiscal_year=2026)
    user = make_user(company=company, roles=(Role.ACCOUNTANT,), username="wei")
    partner = make_partner(company, "Marina Foods Pte. Ltd.", language="en")
    invoice = invoice_post(
        invoice=invoice_create(
            company=company,
            kind="out_invoice",
            partner_id=partner.pk,
            by=user,
            date=TODAY,
            lines=[InvoiceLineInput("Consulting", Decimal("2"), Decimal("250"), tax_ids=())],
        ),
        by=user,
    )

    html = invoice_html(invoice)

    assert invoice_layout(invoice) == "intl"
    assert ">INVOICE<" in html
    assert "ใบกำกับภาษี" not in html
    assert "Five hundred Singapore dollars" in html or "Five hundred SGD" in html
    assert invoice_pdf(invoice).startswith(b"%PDF-")


# ------------------------------------------------------------------ withholding tax certificate
def test_the_50_tawi_certificate_ticks_pnd53_and_fills_the_services_row(certificate):
    document = wht_certificate_document(certificate)
    html = wht_certificate_html(certificate)

    assert (document.form, document.form_row, document.amount_paid, document.tax_withheld) == (
        "PND53",
        "5",
        "10,000.00",
        "300.00",
    )
    assert "หนังสือรับรองการหักภาษี ณ ที่จ่าย" in html
    assert "ตามมาตรา 50 ทวิ แห่งประมวลรัษฎากร" in html
    assert '<span class="box checked" data-form="PND53">X</span>(7) ภ.ง.ด.53' in html
    assert '<span class="box" data-form="PND3"></span>(4) ภ.ง.ด.3' in html
    assert html.count('class="box checked" data-form=') == 2  # one per copy
    assert html.count('class="income-row filled" data-row="5"') == 2
    assert "(ระบุ) ค่าบริการ" in html
    assert SELLER_TIN in html  # the payer: the company
    assert VENDOR_TIN in html  # the payee
    assert "Isan Steel Works Co., Ltd." in html
    assert "12 Mittraphap Road" in html
    assert "10 มีนาคม 2569" in html  # date paid, Buddhist era
    assert ">10,000.00<" in html
    assert ">300.00<" in html
    assert "สามร้อยบาทถ้วน" in html  # the tax in Thai words
    assert "WHT/2026/00001" in html
    assert "ลงชื่อ" in html
    assert "ผู้จ่ายเงิน" in html


def test_the_certificate_pdf_has_both_copies(certificate):
    pdf = wht_certificate_pdf(certificate)

    assert pdf.startswith(b"%PDF-")
    texts = page_texts(pdf)
    assert len(texts) == 2
    for text in texts:
        assert "WHT/2026/00001" in text
        assert VENDOR_TIN in text
        assert "10,000.00" in text
        assert "300.00" in text
        assert thai_comparable("หนังสือรับรองการหักภาษี") in thai_comparable(text)
    assert all(dark_pixels(page) > 3000 for page in pdf_to_png_pages(pdf, dpi=60))
    assert "NotoSansThai-Regular" in embedded_fonts(pdf)
    assert wht_certificate_pdf_filename(certificate) == "WHT-2026-00001.pdf"


def test_a_person_paid_professional_fees_gets_pnd3_and_the_other_row(
    seller, make_invoice, make_partner, accountant
):
    lawyer = make_partner(seller, "Somsak Jaidee", kind="person", is_customer=False, tax_id=PERSON_TIN)
    bill = make_invoice("5000", kind="in_invoice", partner=lawyer, taxes=())
    payment = payment_register(
        company=seller,
        partner_id=lawyer.pk,
        journal=journal(seller, "BNK1"),
        amount=Decimal("4850"),
        date=TODAY,
        by=accountant,
        invoices=[bill],
        wht_tax=tax(seller, "WHT3P"),
    )
    certificate = WithholdingCertificate.objects.get(payment=payment)

    html = wht_certificate_html(certificate)

    assert certificate.form == "PND3"
    assert '<span class="box checked" data-form="PND3">X</span>(4) ภ.ง.ด.3' in html
    assert '<span class="box" data-form="PND53"></span>(7) ภ.ง.ด.53' in html
    assert 'class="income-row filled" data-row="6"' in html
    assert "ค่าวิชาชีพอิสระ ตามมาตรา 40 (6)" in html
    assert "หนึ่งร้อยห้าสิบบาทถ้วน" in html
