"""The layout of a CSV bank export before it is mapped: its columns, first rows and a guessed mapping.

The import screen shows the columns to choose from, prefilled with what their names suggest (English,
Thai and Khmer headers), and the first rows so the user can check the date format and the signs.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from concord.modules.accounting.bank_formats import CsvMapping, StatementFormatError

__all__ = ["CsvLayout", "csv_layout", "mapping_from"]

_DELIMITERS = (",", ";", "\t", "|")
_ROWS_READ = 40
_SAMPLE_ROWS = 5
_ASCII_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙០១២៣៤៥៦៧៨៩", "01234567890123456789")

# Header words per role, best first; exact names win over names that merely contain a word.
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "date": (
        "date",
        "booking date",
        "transaction date",
        "posting date",
        "value date",
        "วันที่",
        "วันที่ทำรายการ",
        "កាលបរិច្ឆេទ",
        "ថ្ងៃខែ",
    ),
    "debit": ("debit", "withdrawal", "withdrawals", "money out", "paid out", "ถอนเงิน", "ถอน", "เดบิต", "ដក"),
    "credit": ("credit", "deposit", "deposits", "money in", "paid in", "ฝากเงิน", "ฝาก", "เครดิต", "ដាក់ប្រាក់"),
    "amount": ("amount", "จำนวนเงิน", "ចំនួនទឹកប្រាក់"),
    "reference": ("reference", "ref", "ref.", "เลขที่อ้างอิง", "อ้างอิง", "លេខយោង"),
    "description": (
        "description",
        "details",
        "narrative",
        "memo",
        "particulars",
        "รายละเอียด",
        "รายการ",
        "ការពិពណ៌នា",
    ),
    "counterparty": (
        "payer/payee",
        "counterparty",
        "payee",
        "payer",
        "beneficiary",
        "name",
        "ผู้โอน",
        "ผู้รับโอน",
        "ชื่อ",
        "ឈ្មោះ",
    ),
}
_MIN_CONTAINED = 4  # "ref" inside "Preferred" is no reference column

_DATE_FORMATS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\d{4}-\d{1,2}-\d{1,2}"), "%Y-%m-%d"),
    (re.compile(r"^\d{4}/\d{1,2}/\d{1,2}$"), "%Y/%m/%d"),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%d/%m/%Y"),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{2}$"), "%d/%m/%y"),
    (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"), "%d.%m.%Y"),
    (re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$"), "%d-%m-%Y"),
    (re.compile(r"^\d{8}$"), "%Y%m%d"),
)
_DECIMAL_COMMA = re.compile(r"\d,\d{1,2}\)?-?$")
_DECIMAL_POINT = re.compile(r"\d\.\d{1,2}\)?-?$")


@dataclass(frozen=True)
class CsvLayout:
    """What the top of a CSV export looks like, and the mapping its header suggests."""

    columns: tuple[str, ...]
    sample_rows: tuple[tuple[str, ...], ...]
    delimiter: str
    guess: dict[str, str] = field(default_factory=dict)  # role -> column, plus date_format etc.


def _text(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:4096]:
        raise StatementFormatError(_("The file is not a text file: save it as CSV in UTF-8."), field="file")
    for encoding in ("utf-8", "cp874"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StatementFormatError(_("The file is not readable text: save it as UTF-8."), field="file")


def _records(text: str, delimiter: str) -> list[list[str]]:
    head = "\n".join(text.splitlines()[:_ROWS_READ])
    try:
        return [row for row in csv.reader(io.StringIO(head), delimiter=delimiter) if row]
    except csv.Error:
        return []


def _filled(row: list[str]) -> int:
    return sum(1 for cell in row if cell.strip())


def _key(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").split()).casefold()


def _guess_columns(columns: tuple[str, ...]) -> dict[str, str]:
    free = list(columns)
    guess: dict[str, str] = {}
    for role, words in _KEYWORDS.items():
        chosen = next((column for word in words for column in free if _key(column) == word), None)
        if chosen is None:
            chosen = next(
                (
                    column
                    for word in words
                    if len(word) >= _MIN_CONTAINED
                    for column in free
                    if word in _key(column)
                ),
                None,
            )
        if chosen is not None:
            guess[role] = chosen
            free.remove(chosen)
    # One signed amount column wins; money in/out columns count only as a pair.
    if "amount" in guess or not ("debit" in guess and "credit" in guess):
        guess.pop("debit", None)
        guess.pop("credit", None)
    return guess


def _guess_date_format(values: list[str]) -> str:
    for value in values:
        text = value.strip().translate(_ASCII_DIGITS)
        for pattern, date_format in _DATE_FORMATS:
            if not pattern.match(text):
                continue
            if date_format == "%d/%m/%Y" and any(
                int(other.split("/")[1]) > 12
                for other in values
                if other.count("/") == 2 and other.split("/")[1].isdigit()
            ):
                return "%m/%d/%Y"
            return date_format
    return ""


def _guess_separators(values: list[str]) -> dict[str, str]:
    cleaned = [value.strip() for value in values if value.strip()]
    if any(_DECIMAL_COMMA.search(value) for value in cleaned) and not any(
        _DECIMAL_POINT.search(value) for value in cleaned
    ):
        return {"decimal_separator": ",", "thousands_separator": "."}
    return {"decimal_separator": ".", "thousands_separator": ","}


def csv_layout(data: bytes) -> CsvLayout:
    """The columns (from the header row, found below any preamble), the first rows and a guessed mapping."""
    text = _text(data)
    if not text.strip():
        raise StatementFormatError(_("The file is empty."), field="file")
    best: tuple[int, str, list[list[str]]] = (0, ",", [])
    for delimiter in _DELIMITERS:
        records = _records(text, delimiter)
        width = max((_filled(row) for row in records), default=0)
        if width > best[0]:
            best = (width, delimiter, records)
    width, delimiter, records = best
    if width < 2:
        raise StatementFormatError(
            _("No row of the file has two columns or more: is it a CSV export of the bank?"), field="file"
        )
    header_index = next(index for index, row in enumerate(records) if _filled(row) == width)
    header = records[header_index]
    columns = tuple(dict.fromkeys(cell.strip() for cell in header if cell.strip()))
    rows = tuple(tuple(cell.strip() for cell in row) for row in records[header_index + 1 :][:_SAMPLE_ROWS])
    guess = _guess_columns(columns)
    positions = {cell.strip(): index for index, cell in enumerate(header)}

    def values(role: str) -> list[str]:
        position = positions.get(guess.get(role, ""), -1)
        return [row[position] for row in rows if 0 <= position < len(row)]

    date_format = _guess_date_format(values("date"))
    if date_format:
        guess["date_format"] = date_format
    amounts = values("amount") + values("debit") + values("credit")
    if not amounts:  # no amount column recognised: any cell but the date's tells how numbers are written
        date_position = positions.get(guess.get("date", ""), -1)
        amounts = [cell for row in rows for index, cell in enumerate(row) if index != date_position]
    guess.update(_guess_separators(amounts))
    guess["delimiter"] = delimiter
    return CsvLayout(columns=columns, sample_rows=rows, delimiter=delimiter, guess=guess)


def mapping_from(values: dict[str, str]) -> CsvMapping:
    """A ``CsvMapping`` from column choices named as the forms and the API name them (``date_column``...)."""
    return CsvMapping(
        date=values.get("date_column", ""),
        amount=values.get("amount_column", ""),
        debit=values.get("debit_column", ""),
        credit=values.get("credit_column", ""),
        reference=values.get("reference_column", ""),
        description=values.get("description_column", ""),
        counterparty=values.get("counterparty_column", ""),
        date_format=values.get("date_format") or "%Y-%m-%d",
        decimal_separator=values.get("decimal_separator") or ".",
        thousands_separator=values.get("thousands_separator", ","),
        delimiter=values.get("delimiter", ""),
    )
