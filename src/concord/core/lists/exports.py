"""Writing every row of a filtered, sorted list to CSV (streamed) or XLSX (openpyxl, write-only)."""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation

from concord.core.lists.columns import Column, csv_safe, export_value

__all__ = ["EXPORT_FORMATS", "export_filename", "export_response"]

EXPORT_FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_UTF8_BOM = "\ufeff"  # lets Excel recognise UTF-8, so Thai and Khmer show correctly
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def export_filename(list_key: str, extension: str) -> str:
    """``parties-party-2025-01-31.csv``: the list and today's date in the active time zone."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", list_key).strip("-") or "export"
    return f"{stem}-{timezone.localdate().isoformat()}.{extension}"


def _rows(queryset: QuerySet[Any], columns: Sequence[Column]) -> Iterator[list[Any]]:
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [export_value(column.value(obj)) for column in columns]


class _Echo:
    """A file-like object whose ``write`` hands back the line, for streaming ``csv.writer`` output."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """The CSV text, line by line. The response is streamed after the view has returned, so the
    request's language and time zone are captured now and restored while the rows are written."""
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield _UTF8_BOM + writer.writerow(header)
        with translation.override(language), timezone.override(zone):
            for row in rows:
                yield writer.writerow([csv_safe(value) for value in row])

    return lines()


def _xlsx_file(title: str, header: list[str], rows: Iterable[list[Any]]) -> Any:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_SHEET_TITLE_FORBIDDEN.sub(" ", title)[:31] or "Sheet")
    sheet.append(header)
    for row in rows:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # text, not a formula openpyxl would write as one
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    # A temporary file, not memory: a 100,000-row export stays off the heap; closed with the response.
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
    workbook.save(output)
    output.seek(0)
    return output


def export_response(
    *, queryset: QuerySet[Any], columns: Sequence[Column], list_key: str, title: str, file_format: str
) -> StreamingHttpResponse | FileResponse:
    """The download of every row of ``queryset`` (already filtered and sorted) in ``file_format``."""
    header = [str(column.label) for column in columns]
    rows = _rows(queryset, columns)
    if file_format == "csv":
        response = StreamingHttpResponse(_csv_lines(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export_filename(list_key, "csv")}"'
        return response
    if file_format == "xlsx":
        return FileResponse(
            _xlsx_file(title, header, rows),
            as_attachment=True,
            filename=export_filename(list_key, "xlsx"),
            content_type=XLSX_CONTENT_TYPE,
        )
    raise ValueError(f"unknown export format {file_format!r}")
