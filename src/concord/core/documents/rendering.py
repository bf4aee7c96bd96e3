"""Printable documents: a Django template rendered to PDF with WeasyPrint, and PDF pages to PNG images.

A document template extends ``documents/base_print.html`` (A4, header with the company block, body,
footer with "Page X of Y"), which declares the shipped Noto fonts with ``@font-face``: Latin, Thai and
Khmer text is drawn with the same font files on every machine, whatever fonts the system has.

Rendering never touches the network. WeasyPrint loads every image, stylesheet and font through
``ShippedFilesFetcher``, which serves only files under this app's ``fonts/`` and ``static/documents/``
(none there yet: a place for shipped images) and inline ``data:`` URLs; anything else (``http://``, ``https://``, other local files, ``..`` escapes)
is refused and logged, and WeasyPrint renders the document without that resource.
"""

from __future__ import annotations

import io
import logging
import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pypdfium2
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = [
    "APP_DIR",
    "FONTS_DIR",
    "SHIPPED_FONT_FILES",
    "STATIC_DIR",
    "ResourceRefusedError",
    "ShippedFilesFetcher",
    "pdf_to_png_pages",
    "render_pdf",
]

logger = logging.getLogger(__name__)

APP_DIR = Path(__file__).resolve().parent
FONTS_DIR = APP_DIR / "fonts"
STATIC_DIR = APP_DIR / "static" / "documents"
# The font files base_print.html declares; the app's system check refuses to start without them.
SHIPPED_FONT_FILES = (
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoSansThai-Regular.ttf",
    "NotoSansThai-Bold.ttf",
    "NotoSansKhmer-Regular.ttf",
    "NotoSansKhmer-Bold.ttf",
)
# Relative URLs in a document ("fonts/NotoSans-Regular.ttf") resolve against the app directory.
_BASE_URL = APP_DIR.as_uri() + "/"


class ResourceRefusedError(ValueError):
    """A document asked for a resource that is not one of our shipped files (a remote URL, say)."""


class ShippedFilesFetcher(URLFetcher):
    """WeasyPrint's URL fetcher for documents: our shipped files and ``data:`` URLs, nothing else.

    ``file:`` URLs are served only when the resolved path (symlinks and ``..`` followed) lies under one
    of ``roots``. Nothing is ever fetched over the network: the parent class's handlers are used only
    for ``data:`` URLs, which carry their content inline.
    """

    def __init__(self, roots: tuple[Path, ...] = (FONTS_DIR, STATIC_DIR)) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)
        self.roots = tuple(root.resolve() for root in roots)
        self.served: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        path = self._shipped_path(url) if scheme == "file" else None
        if path is None:
            logger.warning("Refused to load %s into a PDF: only shipped files may be used", url)
            raise ResourceRefusedError(f"{url} is not a shipped file; documents cannot load it")
        self.served.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    def _shipped_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        try:
            path = Path(url2pathname(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError):  # missing file, or a symlink loop
            return None
        if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
            return path
        return None


def render_pdf(template_name: str, context: Mapping[str, Any], *, language: str = "en") -> bytes:
    """The template rendered with ``language`` active, as PDF bytes.

    ``language`` is a Django language code ("en", "th", "km"): ``{% translate %}`` strings, the
    ``lang`` attribute (which Pango uses for line breaking) and formatting follow it; the caller's
    active language is restored afterwards. Resources load through ``ShippedFilesFetcher`` only.
    """
    with translation.override(language):
        html = render_to_string(template_name, dict(context))
    document = HTML(string=html, base_url=_BASE_URL, url_fetcher=ShippedFilesFetcher())
    pdf: bytes = document.write_pdf(font_config=FontConfiguration())
    return pdf


def pdf_to_png_pages(pdf: bytes, *, dpi: int = 100) -> list[bytes]:
    """Each page of ``pdf`` as a PNG image at ``dpi`` (for tests and previews), first page first.

    pdfium is not thread-safe: call this from one thread at a time.
    """
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, not {dpi}")
    document = pypdfium2.PdfDocument(pdf)
    try:
        images = []
        for index in range(len(document)):
            page = document[index]
            try:
                bitmap = page.render(scale=dpi / 72)  # PDF user space is 72 units per inch
                buffer = io.BytesIO()
                bitmap.to_pil().save(buffer, format="PNG")
                bitmap.close()
                images.append(buffer.getvalue())
            finally:
                page.close()
        return images
    finally:
        document.close()
