"""PDF rendering: shipped fonts, Thai and Khmer text, page counter, and no network access ever.

What text extraction gives (pypdfium2 5.x on WeasyPrint 70 PDFs, checked while writing these tests):
Latin text comes back exactly ("Page 1 of 2"). Thai does not, for a reason inside WeasyPrint: the
font decomposes sara am (ำ) into two glyphs, nikhahit + sara aa, and WeasyPrint's ToUnicode map gives
each glyph the text of the first cluster it was drawn in. So the nikhahit glyph maps to nothing (pdfium
shows a stray ";" or "9"), the sara aa glyph maps to "ำ" once sara am came first, and every later า
extracts as ำ: "ใบกำกับภาษี" comes out as "ใบก;ำกับภำษี". Tone marks over a consonant that also
carries a shifted mark can be moved to the end of the line ("เพิ่ม" -> "เพิม ... ่"). A word like
"ผู้ซื้อ" (marks over and under) comes out exactly. Khmer is reordered (vowel signs after the next
consonant, stray characters) but keeps its consonants in order. The PDF *looks* right; only its text
layer is imperfect. The tests therefore compare robust subsets (``_thai_comparable``,
``_khmer_consonants``) and check the drawing itself on the rasterised page.
"""

from __future__ import annotations

import copy
import ctypes
import io
import logging
import socket

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from django.core import checks
from django.utils import translation
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # fontTools ships no type hints
from PIL import Image, ImageChops

from concord.core.documents import rendering
from concord.core.documents.apps import check_print_fonts_shipped
from concord.core.documents.rendering import (
    FONTS_DIR,
    SHIPPED_FONT_FILES,
    ResourceRefusedError,
    ShippedFilesFetcher,
    pdf_to_png_pages,
    render_pdf,
)
from concord.core.documents.templatetags.documents_print import css_string, page_counter_css

TEST_TEMPLATES = rendering.APP_DIR / "tests" / "templates"
THAI_TITLE = "ใบกำกับภาษี"  # "tax invoice": sara am, sara aa, a vowel above
THAI_LINE = "ใบกำกับภาษี ผู้ซื้อ ภาษีมูลค่าเพิ่ม น้ำ"  # tone marks over vowels above and below
KHMER_LINE = "វិក្កយបត្រអាករ ព្រះរាជាណាចក្រកម្ពុជា"  # subscript consonants (coeng), vowel signs
SPECIMEN = {
    "company": {"name": "Concord Co., Ltd."},
    "company_address": "1 Sukhumvit Road, Bangkok",
    "thai_line": THAI_LINE,
    "khmer_line": KHMER_LINE,
    "probe_text": THAI_TITLE,
}
DPI = 100
MM = DPI / 25.4  # pixels per millimetre at DPI
# Where the probe div of specimen.html lands: page margin (15 mm left, 16 mm top) + its offsets, with
# two pixels to spare for anti-aliased glyph edges.
PROBE_BOX = (
    round(15 * MM) - 2,
    round((16 + 120) * MM) - 2,
    round((15 + 180) * MM) + 2,
    round((16 + 140) * MM) + 2,
)


@pytest.fixture
def test_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEST_TEMPLATES]
    settings.TEMPLATES = templates


@pytest.fixture
def network_attempts(monkeypatch):
    """Every attempt to open a connection or resolve a name, refused and recorded."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access during a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def _page_texts(pdf: bytes) -> list[str]:
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


def _embedded_fonts(pdf: bytes) -> dict[str, str | None]:
    """{font name in the PDF, without the subset tag: PostScript name inside the embedded font file}."""
    document = pypdfium2.PdfDocument(pdf)
    fonts: dict[str, str | None] = {}
    try:
        for index in range(len(document)):
            page = document[index]
            for pageobject in page.get_objects():
                if pageobject.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                    continue
                font = pdfium_c.FPDFTextObj_GetFont(pageobject.raw)
                size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
                name = ctypes.create_string_buffer(size)
                pdfium_c.FPDFFont_GetBaseFontName(font, name, size)
                assert pdfium_c.FPDFFont_GetIsEmbedded(font), name.value
                length = ctypes.c_size_t(0)
                pdfium_c.FPDFFont_GetFontData(font, None, 0, ctypes.byref(length))
                data = (ctypes.c_uint8 * length.value)()
                pdfium_c.FPDFFont_GetFontData(font, data, length.value, ctypes.byref(length))
                postscript_name = TTFont(io.BytesIO(bytes(data)))["name"].getDebugName(6)
                fonts[name.value.decode().split("+", 1)[-1]] = postscript_name
            page.close()
        return fonts
    finally:
        document.close()


def _thai_comparable(text: str) -> str:
    """The Thai letters of ``text`` with sara am folded into sara aa and nikhahit dropped (see above)."""
    folded = text.replace("\u0e33", "\u0e32")
    return "".join(char for char in folded if "\u0e01" <= char <= "\u0e5b" and char != "\u0e4d")


def _khmer_consonants(text: str) -> str:
    return "".join(char for char in text if "\u1780" <= char <= "\u17a2")


def _dark_pixels(png: bytes, box: tuple[int, int, int, int] | None = None) -> int:
    image = Image.open(io.BytesIO(png)).convert("L")
    if box is not None:
        image = image.crop(box)
    histogram = image.histogram()
    return sum(histogram[:128])


# ------------------------------------------------------------------------------------ the PDF itself
@pytest.mark.usefixtures("test_templates")
def test_render_pdf_returns_one_a4_page_of_pdf():
    pdf = render_pdf("documents_tests/specimen.html", SPECIMEN)

    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    document = pypdfium2.PdfDocument(pdf)
    try:
        assert len(document) == 1
        page = document[0]
        width, height = page.get_size()
        page.close()
    finally:
        document.close()
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4 in millimetres


@pytest.mark.usefixtures("test_templates")
def test_thai_khmer_and_latin_are_drawn_with_the_shipped_noto_fonts():
    fonts = _embedded_fonts(render_pdf("documents_tests/specimen.html", SPECIMEN, language="th"))

    # The PDF names a font after its CSS family, which only our @font-face rules declare, and the
    # embedded program is the Noto file itself: nothing came from the fonts installed on this machine.
    assert fonts == {
        "Concord-Print-Sans": "NotoSans-Regular",
        "Concord-Print-Sans-Bold": "NotoSans-Bold",
        "Concord-Print-Thai": "NotoSansThai-Regular",
        "Concord-Print-Thai-Bold": "NotoSansThai-Bold",
        "Concord-Print-Khmer": "NotoSansKhmer-Regular",
        "Concord-Print-Khmer-Bold": "NotoSansKhmer-Bold",
    }


@pytest.mark.usefixtures("test_templates")
def test_thai_and_khmer_text_can_be_extracted_as_far_as_weasyprint_maps_it():
    (text,) = _page_texts(render_pdf("documents_tests/specimen.html", SPECIMEN))

    # Exact for words whose marks stay in their cluster: vowels above and below, tone marks on them.
    assert "ผู้ซื้อ" in text
    # Robust subset for the rest (module docstring): the letters, with ำ/า folded.
    assert _thai_comparable(THAI_TITLE) in _thai_comparable(text)
    assert _thai_comparable("ภาษีมูลค่า") in _thai_comparable(text)
    assert _khmer_consonants(KHMER_LINE.split(maxsplit=1)[0]) in _khmer_consonants(text)
    # Latin is exact, header and footer included.
    assert "Concord Co., Ltd." in text
    assert "INV/2026/00001" in text
    assert "Concord test footer" in text


@pytest.mark.usefixtures("test_templates")
def test_the_page_shows_the_thai_text_exactly_where_it_was_placed():
    with_probe = pdf_to_png_pages(
        render_pdf("documents_tests/specimen.html", {**SPECIMEN, "show_probe": True}), dpi=DPI
    )[0]
    without_probe = pdf_to_png_pages(
        render_pdf("documents_tests/specimen.html", {**SPECIMEN, "show_probe": False}), dpi=DPI
    )[0]

    assert _dark_pixels(without_probe) > 2000  # header, Thai and Khmer lines, footer: not a blank page
    assert _dark_pixels(without_probe, PROBE_BOX) == 0
    assert _dark_pixels(with_probe, PROBE_BOX) > 500  # 20 pt Thai at 100 dpi: about 1,500 pixels
    # ... and nothing else on the page moved or changed.
    difference = ImageChops.difference(
        Image.open(io.BytesIO(with_probe)).convert("L"), Image.open(io.BytesIO(without_probe)).convert("L")
    ).getbbox()
    assert difference is not None
    left, top, right, bottom = difference
    box_left, box_top, box_right, box_bottom = PROBE_BOX
    assert box_left <= left, difference
    assert box_top <= top, difference
    assert right <= box_right, difference
    assert bottom <= box_bottom, difference


@pytest.mark.usefixtures("test_templates")
def test_page_numbers_count_every_page():
    texts = _page_texts(render_pdf("documents_tests/long.html", {}))

    assert len(texts) == 2
    assert "First page" in texts[0]
    assert "Page 1 of 2" in texts[0]
    assert "Second page" in texts[1]
    assert "Page 2 of 2" in texts[1]


@pytest.mark.usefixtures("test_templates")
def test_the_language_is_active_while_rendering_and_restored_afterwards():
    with translation.override("en"):
        (thai,) = _page_texts(render_pdf("documents_tests/specimen.html", SPECIMEN, language="th"))
        (khmer,) = _page_texts(render_pdf("documents_tests/specimen.html", SPECIMEN, language="km"))
        assert translation.get_language() == "en"
    assert "LANG=th" in thai
    assert "LANG=km" in khmer


@pytest.mark.usefixtures("test_templates")
def test_the_company_block_defaults_to_the_legal_name():
    context = {**SPECIMEN, "company": {"name": "Concord", "legal_name": "Concord Trading Co., Ltd."}}
    (text,) = _page_texts(render_pdf("documents_tests/specimen.html", context))
    assert "Concord Trading Co., Ltd." in text


# ---------------------------------------------------------------------------------- no network, ever
@pytest.mark.usefixtures("test_templates")
def test_remote_and_foreign_resources_are_refused_without_touching_the_network(network_attempts, caplog):
    with caplog.at_level(logging.WARNING, logger="concord.core.documents.rendering"):
        pdf = render_pdf("documents_tests/remote.html", {})

    assert network_attempts == []
    refused = {
        record.args[0]
        for record in caplog.records
        if record.name == "concord.core.documents.rendering" and isinstance(record.args, tuple)
    }
    assert refused == {
        "http://example.com/imported.css",
        "http://example.com/linked.css",
        "https://example.com/font.woff2",
        "https://example.com/background.png",
        "http://example.com/x.png",
        "file://example.com/protocol-relative.png",  # "//host/x" resolves against our file: base
        "ftp://example.com/file.png",
        "file:///etc/hostname",
        "file:///etc/passwd",  # "fonts/../../../etc/passwd"
    }
    (text,) = _page_texts(pdf)
    assert "Body text" in text  # the document still renders, without the refused resources


def test_the_fetcher_serves_shipped_fonts():
    fetcher = ShippedFilesFetcher()
    url = (FONTS_DIR / "NotoSansThai-Regular.ttf").as_uri()

    response = fetcher(url)

    assert response.read() == (FONTS_DIR / "NotoSansThai-Regular.ttf").read_bytes()
    assert fetcher.served == [url]


def test_the_fetcher_serves_inline_data_urls():
    response = ShippedFilesFetcher().fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "https://example.com/x.png",
        "HTTP://EXAMPLE.COM/X.PNG",
        "ftp://example.com/x.png",
        "file:///etc/passwd",
        "file://example.com" + str(FONTS_DIR / "NotoSans-Regular.ttf"),  # a file URL on another host
        (FONTS_DIR / ".." / ".." / "money" / "money.py").as_uri(),  # .. out of fonts/
        (FONTS_DIR / "missing.ttf").as_uri(),
        FONTS_DIR.as_uri(),  # a directory
        "fonts/NotoSans-Regular.ttf",  # relative: WeasyPrint resolves URLs before fetching
        "javascript:alert(1)",
    ],
)
def test_the_fetcher_refuses_everything_else(url, network_attempts):
    fetcher = ShippedFilesFetcher()
    with pytest.raises(ResourceRefusedError):
        fetcher.fetch(url)
    assert fetcher.served == []
    assert network_attempts == []


def test_the_fetcher_refuses_a_symlink_leading_out_of_its_roots(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("not for documents")
    (root / "inside.txt").write_text("shipped")
    (root / "link.txt").symlink_to(secret)
    fetcher = ShippedFilesFetcher(roots=(root,))

    assert fetcher.fetch((root / "inside.txt").as_uri()).read() == b"shipped"
    with pytest.raises(ResourceRefusedError):
        fetcher.fetch((root / "link.txt").as_uri())


# ---------------------------------------------------------------------------- page counter, helpers
@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("Page %(page)s of %(pages)s", '"Page " counter(page) " of " counter(pages)'),
        ("หน้า %(page)s จาก %(pages)s", '"หน้า " counter(page) " จาก " counter(pages)'),
        ("%(page)s/%(pages)s", 'counter(page) "/" counter(pages)'),
        ("%(pages)s ទំព័រ %(page)s", 'counter(pages) " ទំព័រ " counter(page)'),
        ("", '""'),
    ],
)
def test_page_counter_css_builds_a_css_content_value(pattern, expected):
    assert page_counter_css(pattern) == expected


def test_page_counter_css_cannot_break_out_of_the_string_or_the_style_element():
    value = page_counter_css('Page" } body { display: none } </style><script>%(page)s\\')
    assert value == (
        '"Page\\22  } body { display: none } \\3C /style\\3E \\3C script\\3E " counter(page) "\\5C "'
    )
    assert css_string("a\nb") == '"a\\A b"'


@pytest.mark.usefixtures("test_templates")
def test_pdf_to_png_pages_gives_one_png_per_page_at_the_dpi_asked():
    pdf = render_pdf("documents_tests/long.html", {})

    pages = pdf_to_png_pages(pdf, dpi=50)

    assert len(pages) == 2
    for png in pages:
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = Image.open(io.BytesIO(png)).size
        assert abs(width - 210 / 25.4 * 50) < 1  # A4 at 50 dpi
        assert abs(height - 297 / 25.4 * 50) < 1
    with pytest.raises(ValueError, match="dpi"):
        pdf_to_png_pages(pdf, dpi=0)


def test_the_system_check_requires_the_shipped_fonts(monkeypatch, tmp_path):
    assert check_print_fonts_shipped() == []
    assert {path.name for path in FONTS_DIR.glob("*.ttf")} == set(SHIPPED_FONT_FILES)
    assert (FONTS_DIR / "LICENSE").read_text().count("SIL OPEN FONT LICENSE Version 1.1") == 1

    monkeypatch.setattr(rendering, "FONTS_DIR", tmp_path)
    (message,) = check_print_fonts_shipped()
    assert message.id == "documents.E001"
    assert message.level == checks.ERROR
