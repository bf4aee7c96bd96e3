"""Reading an uploaded CSV or XLSX file into rows keyed by an import spec's column names.

``open_table(stream, filename=..., spec=...)`` checks the file (size, real type, encoding, columns)
and yields a ``Table`` whose ``rows()`` gives ``(row_number, {column_name: text})`` pairs, row numbers
being those a spreadsheet shows (the header is row 1). Anything that cannot be imported raises
``UploadRejected`` with a message for the user; nothing here touches the database.

CSV: UTF-8 with or without a byte-order mark, UTF-16 with one (Excel's "Unicode text"), else Thai
Windows code page 874 / TIS-620 (older Thai Excel exports); the delimiter (comma, semicolon, tab) is
read from the header line. XLSX: the first worksheet, read in openpyxl's streaming read-only mode.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import warnings
import zipfile
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from concord.core.dataio.errors import UploadRejected
from concord.core.dataio.specs import ImportColumn, ImportSpec

__all__ = [
    "CSV_EXTENSIONS",
    "MAX_ROWS",
    "XLSX_EXTENSIONS",
    "BinaryFile",
    "Table",
    "check_upload_size",
    "file_format_for",
    "normalise_header",
    "open_table",
]

MAX_ROWS = 100_000
CSV_EXTENSIONS = frozenset({".csv", ".tsv", ".txt"})
XLSX_EXTENSIONS = frozenset({".xlsx"})
DELIMITERS = (",", ";", "\t")
# A workbook is a zip of XML: refuse one that would expand far beyond any real spreadsheet (zip bomb).
XLSX_EXPANSION_FACTOR = 30

# A seekable binary file object: Django's File or UploadedFile, io.BytesIO, an open file. (Django's
# File classes are not typing.IO subclasses, so the alias stays loose on purpose.)
BinaryFile = Any

_ZIP_MAGIC = b"PK\x03\x04"
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"%PDF", "PDF"),
    (b"\xd0\xcf\x11\xe0", "Excel 97-2003 (.xls)"),
    (_ZIP_MAGIC, "zip"),
)


def check_upload_size(size: int | None) -> None:
    """Refuse a file bigger than ``CONCORD_MAX_UPLOAD_BYTES`` before anything reads it."""
    limit = int(settings.CONCORD_MAX_UPLOAD_BYTES)
    if size is not None and size > limit:
        raise UploadRejected(
            _("This file is %(size)s; files up to %(limit)s can be imported. Split it into smaller files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def file_format_for(filename: str) -> str:
    """``"csv"`` or ``"xlsx"`` from the file name; refuses any other kind of file."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in CSV_EXTENSIONS:
        return "csv"
    if suffix in XLSX_EXTENSIONS:
        return "xlsx"
    if suffix == ".xls":
        raise UploadRejected(
            _("Old Excel files (.xls) cannot be read: save the sheet as .xlsx or CSV and upload that.")
        )
    raise UploadRejected(_("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."))


def normalise_header(text: str) -> str:
    """Compare headers loosely: case, spaces, underscores, dashes and a trailing * do not matter."""
    cleaned = unicodedata.normalize("NFC", str(text)).replace("_", " ").replace("-", " ")
    return " ".join(cleaned.casefold().strip().rstrip("*").split())


def _header_keys(column: ImportColumn) -> set[str]:
    """Every header that names ``column``: its name, and its label in each language Concord speaks."""
    keys = {normalise_header(column.name), normalise_header(str(column.label))}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            keys.add(normalise_header(str(column.label)))
    keys.discard("")
    return keys


@dataclass(frozen=True)
class HeaderMap:
    """How the file's header row maps onto the spec's columns."""

    positions: dict[str, int]  # column name -> index of its cell in each row
    headers: dict[str, str]  # column name -> the header as written in the file
    unknown: list[str] = field(default_factory=list)  # headers that name no column (ignored)


def _map_header(cells: Sequence[str], spec: ImportSpec) -> HeaderMap:
    lookup: dict[str, ImportColumn] = {}
    for column in spec.columns:
        for key in _header_keys(column):
            lookup.setdefault(key, column)
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        text = cell.strip()
        if not text:
            continue
        match = lookup.get(normalise_header(text))
        if match is None:
            unknown.append(text)
            continue
        if match.name in positions:
            raise UploadRejected(
                _('The columns "%(first)s" and "%(second)s" both mean %(column)s: keep one of them.')
                % {"first": headers[match.name], "second": text, "column": match.name}
            )
        positions[match.name] = index
        headers[match.name] = text
    missing = [column for column in spec.required_columns() if column.name not in positions]
    if missing:
        raise UploadRejected(
            _("The file has no column for: %(columns)s. The first row must name the columns.")
            % {"columns": ", ".join(f"{column.name} ({column.label})" for column in missing)}
        )
    return HeaderMap(positions=positions, headers=headers, unknown=unknown)


def _clean_text(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person sees in it (dates ISO 8601, no float noise)."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    elif isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
    elif isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    elif isinstance(value, date | time):
        text = value.isoformat()
    else:
        text = str(value)
    return _clean_text(text)


class Table:
    """The rows of an uploaded file, read lazily (a file is read once per pass, never held whole)."""

    def __init__(self, *, file_format: str, header: HeaderMap, header_row: int, records: Iterable[Any]):
        self.file_format = file_format
        self.header = header
        self._header_row = header_row
        self._records = records
        self._consumed = False

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """``(row_number, row)`` for every non-empty row after the header; at most ``MAX_ROWS``."""
        if self._consumed:
            raise RuntimeError("a Table is read once; open the file again for another pass")
        self._consumed = True
        positions = self.header.positions
        count = 0
        for number, cells in self._records:
            if number <= self._header_row:
                continue
            values = {name: (cells[index] if index < len(cells) else "") for name, index in positions.items()}
            if not any(values.values()) and not any(cells):
                continue  # blank lines between rows are common in hand-made sheets
            count += 1
            if count > MAX_ROWS:
                raise UploadRejected(
                    _("The file has more than %(max)s rows: split it into smaller files.")
                    % {"max": f"{MAX_ROWS:,}"}
                )
            yield number, values


# --------------------------------------------------------------------------- CSV
def _refuse_binary(head: bytes, *, expected: str) -> None:
    for signature, kind in _BINARY_SIGNATURES:
        if head.startswith(signature):
            if kind == "zip":
                raise UploadRejected(
                    _(
                        "This file is an Excel workbook or another zip archive, not CSV text: name it .xlsx if it is a workbook."
                    )
                )
            raise UploadRejected(
                _("This file is a %(kind)s file, not %(expected)s.") % {"kind": kind, "expected": expected}
            )


def decode_csv(data: bytes) -> str:
    """The text of a CSV upload; refuses binary files and unknown encodings."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError:
            pass
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        _refuse_binary(data[:16], expected=_("a CSV text file"))
        if b"\x00" not in data[:8192]:
            for encoding in ("utf-8", "cp874"):
                try:
                    return data.decode(encoding)
                except UnicodeDecodeError:
                    continue
    raise UploadRejected(
        _("This file is not readable text: save it as CSV in UTF-8 (or as an Excel .xlsx workbook).")
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: whichever of , ; or tab occurs most outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            if char in "\r\n":
                if any(counts.values()):
                    break
                continue
            if char in counts:
                counts[char] += 1
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for record in reader:
            number += 1
            yield number, [_clean_text(cell) for cell in record]
    except csv.Error as exc:
        raise UploadRejected(
            _("Row %(row)s is not valid CSV (%(error)s).") % {"row": number + 1, "error": exc}
        ) from exc


def _open_csv(stream: BinaryFile, spec: ImportSpec) -> Table:
    text = decode_csv(stream.read())
    delimiter = sniff_delimiter(text)
    for number, cells in _csv_records(text, delimiter):
        if any(cells):
            header = _map_header(cells, spec)
            return Table(
                file_format="csv",
                header=header,
                header_row=number,
                records=_csv_records(text, delimiter),
            )
    raise UploadRejected(_("The file is empty."))


# --------------------------------------------------------------------------- XLSX
def _check_workbook_archive(stream: BinaryFile) -> None:
    head = stream.read(len(_ZIP_MAGIC))
    stream.seek(0)
    if not head.startswith(_ZIP_MAGIC):
        _refuse_binary(head + stream.read(16), expected=_("an Excel .xlsx workbook"))
        stream.seek(0)
        raise UploadRejected(
            _("This file is not an Excel .xlsx workbook (perhaps a CSV or another file renamed .xlsx).")
        )
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRejected(
            _("This .xlsx file is damaged and cannot be opened. Save it again from Excel and retry.")
        ) from exc
    finally:
        stream.seek(0)
    if not any(member.filename == "[Content_Types].xml" for member in members):
        raise UploadRejected(_("This file is a zip archive, not an Excel .xlsx workbook."))
    expanded = sum(member.file_size for member in members)
    if expanded > XLSX_EXPANSION_FACTOR * int(settings.CONCORD_MAX_UPLOAD_BYTES):
        raise UploadRejected(
            _("This workbook expands to %(size)s of data, too much to import. Split it into smaller files.")
            % {"size": filesizeformat(expanded)}
        )


def _unreadable_workbook(exc: Exception) -> UploadRejected:
    rejected = UploadRejected(
        _("This .xlsx workbook cannot be read (%(error)s). Save it again from Excel, or as CSV, and retry.")
        % {"error": type(exc).__name__}
    )
    rejected.__cause__ = exc
    return rejected


def _xlsx_records(worksheet: Any) -> Generator[tuple[int, list[str]], None, None]:
    try:
        for number, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
            yield number, [cell_text(value) for value in values]
    except UploadRejected:
        raise
    except Exception as exc:  # openpyxl raises many unrelated types on malformed XML; all mean unreadable
        raise _unreadable_workbook(exc) from exc


@contextmanager
def _open_xlsx(stream: BinaryFile, spec: ImportSpec) -> Iterator[Table]:
    import openpyxl

    _check_workbook_archive(stream)
    try:
        with warnings.catch_warnings():
            # Style and data-validation warnings at load time say nothing about the values we read.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook fails in many ways; all mean "unreadable"
        raise _unreadable_workbook(exc) from exc
    try:
        if not workbook.worksheets:
            raise UploadRejected(_("This workbook has no worksheet."))
        worksheet = workbook.worksheets[0]
        worksheet.reset_dimensions()  # some programs write a wrong size; read every row there is
        header: HeaderMap | None = None
        header_row = 0
        records = _xlsx_records(worksheet)
        try:
            for number, cells in records:
                if any(cells):
                    header, header_row = _map_header(cells, spec), number
                    break
        finally:
            records.close()  # closes the sheet's XML stream at once
        if header is None:
            raise UploadRejected(_("The file is empty."))
        yield Table(
            file_format="xlsx",
            header=header,
            header_row=header_row,
            records=_xlsx_records(worksheet),
        )
    finally:
        workbook.close()


@contextmanager
def open_table(stream: BinaryFile, *, filename: str, spec: ImportSpec) -> Iterator[Table]:
    """Check an uploaded file and give its rows; raises ``UploadRejected`` with the reason when it cannot."""
    file_format = file_format_for(filename)
    stream.seek(0)
    if file_format == "xlsx":
        with _open_xlsx(stream, spec) as table:
            yield table
    else:
        yield _open_csv(stream, spec)
