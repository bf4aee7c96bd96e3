"""A laid-out report as a download: CSV (UTF-8 with a BOM, so Excel shows Thai), XLSX, or PDF.

CSV and XLSX write the document's tables one under the other, headed by the report's title, company
and period; amounts stay numbers (XLSX cells formatted to the currency's minor unit). The PDF is the
print template ``accounting/reports/pdf/report.html`` rendered by the shared WeasyPrint renderer.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

from django.http import HttpResponse
from django.utils import timezone, translation

from concord.core.identity.models import Company
from concord.core.lists.columns import csv_safe
from concord.core.money.currencies import minor_units
from concord.modules.accounting.reports.tables import AMOUNT, ReportDocument, Row

__all__ = ["EXPORT_FORMATS", "PDF_TEMPLATE", "export_response"]

EXPORT_FORMATS = ("csv", "xlsx", "pdf")
PDF_TEMPLATE = "accounting/reports/pdf/report.html"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_UTF8_BOM = "\ufeff"
_BOLD_STYLES = frozenset({"heading", "group", "subtotal", "total"})
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _filename(document: ReportDocument, extension: str) -> str:
    return f"{document.slug}-{timezone.localdate().isoformat()}.{extension}"


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _row_values(row: Row) -> list[Any]:
    return [cell.value for cell in row.cells]


def _lines(document: ReportDocument) -> Iterator[list[Any]]:
    """Every line of the export: the heading, then each table's title, header and rows."""
    yield [document.title]
    yield [document.company_name]
    yield [document.subtitle, document.currency]
    for table in document.tables:
        yield []
        yield [table.title]
        yield [column.label for column in table.columns]
        for row in table.rows:
            yield _row_values(row)


def _csv(document: ReportDocument) -> bytes:
    buffer = io.StringIO()
    buffer.write(_UTF8_BOM)
    writer = csv.writer(buffer)
    for line in _lines(document):
        writer.writerow([csv_safe(value) for value in line])
    return buffer.getvalue().encode("utf-8")


def _xlsx(document: ReportDocument) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _SHEET_TITLE_FORBIDDEN.sub(" ", document.title)[:31] or "Report"
    digits = minor_units(document.currency)
    amount_format = "#,##0" + ("." + "0" * digits if digits else "")
    bold = Font(bold=True)
    sheet.append([document.title])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.append([document.company_name])
    sheet.append([document.subtitle, document.currency])
    for table in document.tables:
        sheet.append([])
        sheet.append([table.title])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.append([column.label for column in table.columns])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in table.rows:
            sheet.append([_xlsx_value(value) for value in _row_values(row)])
            for index, cell in enumerate(sheet[sheet.max_row]):
                source = row.cells[index] if index < len(row.cells) else None
                if source is not None and source.kind == AMOUNT:
                    cell.number_format = amount_format
                if row.style in _BOLD_STYLES:
                    cell.font = bold
    for letter, width in zip("ABCDEFGHIJ", (14, 40, 16, 16, 16, 16, 16, 16, 16, 16), strict=False):
        sheet.column_dimensions[letter].width = width
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _xlsx_value(value: Any) -> Any:
    # Text that looks like a formula stays text: openpyxl would otherwise write "=..." as a formula.
    return csv_safe(value) if isinstance(value, str) else value


def _pdf(document: ReportDocument, company: Company) -> bytes:
    # Imported here: WeasyPrint loads Pango and fonts, which only a PDF download needs.
    from concord.core.documents.rendering import render_pdf

    return render_pdf(
        PDF_TEMPLATE,
        {"document": document, "company": company},
        language=translation.get_language() or "en",
    )


def export_response(document: ReportDocument, *, company: Company, file_format: str) -> HttpResponse:
    """The download of ``document`` in ``file_format`` (one of ``EXPORT_FORMATS``)."""
    if file_format == "csv":
        return _attachment(_csv(document), "text/csv; charset=utf-8", _filename(document, "csv"))
    if file_format == "xlsx":
        return _attachment(_xlsx(document), XLSX_CONTENT_TYPE, _filename(document, "xlsx"))
    if file_format == "pdf":
        return _attachment(_pdf(document, company), "application/pdf", _filename(document, "pdf"))
    raise ValueError(f"unknown export format {file_format!r}")
