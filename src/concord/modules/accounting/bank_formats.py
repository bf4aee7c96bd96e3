"""Reading bank statement files (CSV, OFX, ISO 20022 camt.053) into plain statement dataclasses.

Pure parsing: no models, no database. ``detect_format`` says which parser a file needs; ``parse_csv``
(with a ``CsvMapping`` naming the columns), ``parse_ofx`` and ``parse_camt053`` return a
``ParsedStatement`` whose lines carry signed amounts (+ money in, - money out) in the statement
currency, and a ``unique_id`` that stays the same when the same file, or an overlapping one, is
imported again. ``unique_id`` is unique within one account's statements only (banks number FITIDs and
AcctSvcrRefs per account), so whoever stores it scopes it by bank account.

Anything that cannot be read raises ``StatementFormatError`` with a message for the user naming the row,
transaction or element at fault.

OFX is read by a small tolerant parser of our own rather than ``ofxtools``: ofxtools' model layer
refuses whole files for spec details unrelated to the transactions (elements out of order, a missing
LANGUAGE in the sign-on block, a TRNTYPE outside the spec's list, a header without every attribute),
warns on a NAME longer than 32 characters (an error under a warnings-as-errors test run), and converts
posting times to UTC, which moves a transaction posted before 07:00 in Bangkok to the previous day.
camt.053 is read with ``defusedxml`` (no DTDs, so no entity bombs or external entities), matching
elements by local name because the namespace changes with every schema version.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import html
import io
import re
import unicodedata
import xml.etree.ElementTree as ET  # Element and ParseError only: untrusted XML goes through defusedxml
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

import defusedxml
import defusedxml.ElementTree as DefusedET
from django.utils.translation import gettext as _

from concord.core.dataio.parsing import sniff_delimiter
from concord.core.errors import ValidationFailed

__all__ = [
    "MAX_LINES",
    "CsvMapping",
    "ParsedLine",
    "ParsedStatement",
    "StatementFormatError",
    "detect_format",
    "parse_camt053",
    "parse_csv",
    "parse_ofx",
]

MAX_LINES = 100_000
# Thai exports write Buddhist-era years (CE + 543); no Gregorian statement year comes near 2400.
BUDDHIST_ERA_OFFSET = 543
BUDDHIST_ERA_THRESHOLD = 2400


class StatementFormatError(ValidationFailed):
    """A bank statement file cannot be read; the message names the row or element at fault."""

    code = "statement_format"


@dataclass(frozen=True)
class ParsedLine:
    """One transaction of a statement, as the bank reported it."""

    date: date
    amount: Decimal  # signed: + money in, - money out, in the statement currency
    reference: str  # bank reference / FITID / AcctSvcrRef / EndToEndId
    description: str  # free text / memo / remittance info (Ustrd)
    counterparty: str  # payer/payee name when given
    counterparty_account: str
    unique_id: str  # stable id for de-duplication on re-import (see the module docstring)


@dataclass(frozen=True)
class ParsedStatement:
    """A bank statement read from a file: the account, its period and balances, and its lines."""

    format: str  # "csv", "ofx", "camt053"
    account_number: str
    currency: str  # ISO 4217, "" when the file does not say (csv)
    reference: str  # statement id when given
    date_start: date | None
    date_end: date | None
    balance_start: Decimal | None
    balance_end: Decimal | None
    lines: tuple[ParsedLine, ...]


@dataclass(frozen=True)
class CsvMapping:
    """Which CSV columns (by header name) hold what, and how dates and amounts are written."""

    date: str  # column header name
    amount: str = ""  # a signed amount column, or
    debit: str = ""  # separate money-out column (positive numbers) and
    credit: str = ""  # money-in column
    reference: str = ""
    description: str = ""
    counterparty: str = ""
    date_format: str = "%Y-%m-%d"  # strptime format, e.g. "%d/%m/%Y"
    decimal_separator: str = "."
    thousands_separator: str = ","
    delimiter: str = ""  # "" = sniff


# --------------------------------------------------------------------------- shared helpers
def _fail(message: str) -> StatementFormatError:
    return StatementFormatError(message)


def _clean(text: str | None) -> str:
    """Whitespace collapsed to single spaces (bank memos wrap and pad freely)."""
    return " ".join((text or "").split())


def _too_many_lines() -> StatementFormatError:
    return _fail(
        _("The file has more than %(limit)s transactions: split it into smaller files.")
        % {"limit": f"{MAX_LINES:,}"}
    )


def _no_transactions() -> StatementFormatError:
    return _fail(_("The statement has no transactions."))


def _fingerprint(line: ParsedLine, occurrence: int) -> str:
    """A stable id for a line the bank gave none: the same line in the same place hashes the same."""
    parts = (
        line.date.isoformat(),
        format(line.amount.normalize(), "f"),
        line.reference,
        line.description,
        str(occurrence),
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _with_unique_ids(lines: Iterable[ParsedLine]) -> tuple[ParsedLine, ...]:
    """Fill in missing ids (hash with an occurrence index) and make repeated bank ids distinct.

    Some banks repeat a FITID or AcctSvcrRef within one file (batch bookings); the second and later
    lines get ``#2``, ``#3``... so each line keeps its own id, stable as long as the file order is.
    """
    seen_keys: Counter[tuple[date, Decimal, str, str]] = Counter()
    seen_ids: Counter[str] = Counter()
    result = []
    for line in lines:
        unique_id = line.unique_id
        if not unique_id:
            key = (line.date, line.amount, line.reference, line.description)
            unique_id = _fingerprint(line, seen_keys[key])
            seen_keys[key] += 1
        seen_ids[unique_id] += 1
        if seen_ids[unique_id] > 1:
            unique_id = f"{unique_id}#{seen_ids[unique_id]}"
        result.append(replace(line, unique_id=unique_id))
    return tuple(result)


def _decode_text(data: bytes, encodings: Sequence[str]) -> str:
    """The text of a file: a BOM decides (UTF-8, UTF-16), else the first of ``encodings`` that fits."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
    except UnicodeDecodeError:
        raise _fail(
            _("The file is not readable text: its byte-order mark does not match its content.")
        ) from None
    if b"\x00" in data[:4096]:
        raise _fail(
            _("The file is not a text file (or is UTF-16 without a byte-order mark): save it as UTF-8.")
        )
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _fail(_("The file is not readable text: save it as UTF-8."))


def _merge(fmt: str, parts: Sequence[ParsedStatement]) -> ParsedStatement:
    """One statement from several of the same account (a camt file often holds one per day)."""
    accounts = sorted({(part.account_number, part.currency) for part in parts})
    if len(accounts) > 1:
        raise _fail(
            _("The file holds statements for several accounts (%(accounts)s): import one account at a time.")
            % {"accounts": ", ".join(f"{number} {currency}".strip() for number, currency in accounts)}
        )
    lines = tuple(line for part in parts for line in part.lines)
    if not lines:
        raise _no_transactions()
    if len(lines) > MAX_LINES:
        raise _too_many_lines()
    starts = [part.date_start for part in parts if part.date_start is not None]
    ends = [part.date_end for part in parts if part.date_end is not None]
    return ParsedStatement(
        format=fmt,
        account_number=parts[0].account_number,
        currency=parts[0].currency,
        reference=", ".join(part.reference for part in parts if part.reference),
        date_start=min(starts) if starts else min(line.date for line in lines),
        date_end=max(ends) if ends else max(line.date for line in lines),
        balance_start=parts[0].balance_start,
        balance_end=parts[-1].balance_end,
        lines=_with_unique_ids(lines),
    )


# --------------------------------------------------------------------------- format detection
def detect_format(data: bytes, filename: str = "") -> str:
    """Which parser a statement file needs: "ofx", "camt053" or "csv" (content first, then extension)."""
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    upper = text.lstrip().upper()
    if upper.startswith("OFXHEADER") or "<OFX>" in upper or re.search(r"<\?OFX\s", upper):
        return "ofx"
    if upper.startswith("<"):
        return "camt053"
    suffix = PurePath(filename).suffix.lower()
    if suffix in {".ofx", ".qfx"}:
        return "ofx"
    if suffix == ".xml":
        return "camt053"
    return "csv"


# --------------------------------------------------------------------------- CSV
_AMOUNT_DIGITS = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
# Thai and Khmer digits, which some exports use for dates and amounts.
_ASCII_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙០១២៣៤៥៦៧៨៩", "01234567890123456789")


def _strip_currency(text: str) -> str:
    """Drop a currency code or symbol written before or after the number ("THB 1,200.00", "฿1,200")."""
    text = text.strip()
    if len(text) > 3 and text[:3].isalpha() and text[:3].isupper():
        text = text[3:].lstrip()
    elif len(text) > 3 and text[-3:].isalpha() and text[-3:].isupper():
        text = text[:-3].rstrip()
    if text and _is_currency_symbol(text[0]):
        text = text[1:].lstrip()
    elif text and _is_currency_symbol(text[-1]):
        text = text[:-1].rstrip()
    return text


def _is_currency_symbol(char: str) -> bool:
    return unicodedata.category(char) == "Sc"


def _parse_csv_amount(raw: str, mapping: CsvMapping) -> Decimal | None:
    """The signed amount in a cell, None when the cell does not hold a number."""
    decimal_separator = mapping.decimal_separator or "."
    thousands = mapping.thousands_separator
    if thousands == decimal_separator:
        # "1.234,50" with only the decimal separator changed: the other one groups thousands.
        thousands = "." if decimal_separator == "," else ","
    text = raw.strip().translate(_ASCII_DIGITS).replace("\u00a0", " ").replace("\u202f", " ")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text.startswith(("-", "+")):
        negative, text = negative != (text[0] == "-"), text[1:].strip()
    elif text.endswith("-"):
        negative, text = not negative, text[:-1].strip()
    unsigned = text
    text = _strip_currency(text)
    if text != unsigned and text.startswith(("-", "+")):  # "THB -1,200.00": the sign after the currency
        negative, text = negative != (text[0] == "-"), text[1:].strip()
    # Every grouping mark becomes one placeholder, so the groups can be checked whatever marked them.
    for separator in {thousands, " ", "'"} - {decimal_separator, ""}:
        text = text.replace(separator, "\x00")
    whole, point, fraction = text.partition(decimal_separator)
    if "\x00" in fraction or not _grouped_correctly(whole.split("\x00")):
        return None
    digits = whole.replace("\x00", "")
    text = f"{digits}.{fraction}" if point else digits
    if not _AMOUNT_DIGITS.fullmatch(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:  # the pattern admits only plain decimals; kept as a guard
        return None
    return -value if negative else value


def _grouped_correctly(groups: list[str]) -> bool:
    """Thousands groups of three ("1,234,567"), or the Indian lakh grouping ("12,34,567").

    A misread separator shows up here: "1,5" under a "." decimal mapping is refused, not read as 15.
    """
    if len(groups) == 1:
        return True
    first, *middle, last = groups
    if len(last) != 3 or not 1 <= len(first) <= 3:
        return False
    return all(len(group) == 3 for group in middle) or (
        len(first) <= 2 and all(len(group) == 2 for group in middle)
    )


def _parse_csv_date(raw: str, date_format: str) -> date | None:
    """The date in a cell, reading Buddhist-era years (2569 = 2026); None when it is not a date."""
    text = raw.strip().translate(_ASCII_DIGITS)
    try:
        parsed = datetime.strptime(text, date_format)  # noqa: DTZ007 - a calendar date; no time zone applies
    except ValueError:
        # 29/02/2567 BE is 29 February 2024, a leap day, but strptime checks 2567 (not a leap year):
        # move a Buddhist-era year to the Common Era before parsing.
        shifted = re.sub(
            r"(?<!\d)(\d{4})(?!\d)",
            lambda match: (
                str(int(match[1]) - BUDDHIST_ERA_OFFSET)
                if int(match[1]) > BUDDHIST_ERA_THRESHOLD
                else match[1]
            ),
            text,
        )
        if shifted == text:
            return None
        try:
            return datetime.strptime(shifted, date_format).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            return None
    if parsed.year > BUDDHIST_ERA_THRESHOLD:
        try:
            return parsed.date().replace(year=parsed.year - BUDDHIST_ERA_OFFSET)
        except ValueError:  # 29 February of a Buddhist year whose Common Era year is not a leap year
            return None
    return parsed.date()


def _check_mapping(mapping: CsvMapping) -> None:
    if not mapping.date:
        raise _fail(_("The column mapping does not say which column holds the date."))
    if mapping.amount and (mapping.debit or mapping.credit):
        raise _fail(
            _("The column mapping names both an amount column and debit/credit columns: choose one way.")
        )
    if not mapping.amount and not (mapping.debit and mapping.credit):
        raise _fail(
            _("The column mapping needs either an amount column or both a debit and a credit column.")
        )


def _header_key(text: str) -> str:
    return _clean(text.replace("\ufeff", "")).casefold()


def _find_header(records: list[tuple[int, list[str]]], mapping: CsvMapping) -> int:
    """The index (in ``records``) of the header row: the first row naming the date column.

    Bank exports often put a few lines about the account above the header; they are skipped.
    """
    wanted = _header_key(mapping.date)
    for index, (_number, cells) in enumerate(records):
        if wanted in {_header_key(cell) for cell in cells}:
            return index
    for index, (_number, cells) in enumerate(records):
        if any(cell.strip() for cell in cells):
            return index
    raise _fail(_("The file is empty."))  # text, but only delimiters


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """``(row number, cells)``, numbered as a spreadsheet numbers rows (blank lines count)."""
    # Strict: a stray quote that would swallow the rest of the file is an error, not one long cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    try:
        for record in reader:
            number += 1
            yield number, record
    except csv.Error as exc:
        raise _fail(
            _("Row %(row)d is not valid CSV (%(error)s).") % {"row": number + 1, "error": exc}
        ) from None


def _header_position(text: str, mapping: CsvMapping) -> int:
    """Where the header line starts, so the delimiter is sniffed there and not in a preamble line."""
    wanted = _header_key(mapping.date)
    offset = 0
    for line in text.splitlines(keepends=True):
        if wanted and wanted in _header_key(line):
            return offset
        offset += len(line)
    return 0


def parse_csv(data: bytes, mapping: CsvMapping) -> ParsedStatement:
    """Read a CSV bank export whose columns ``mapping`` names (UTF-8, UTF-16 with BOM, or TIS-620)."""
    _check_mapping(mapping)
    text = _decode_text(data, ("utf-8", "cp874"))
    if not text.strip():
        raise _fail(_("The file is empty."))
    delimiter = mapping.delimiter or sniff_delimiter(text[_header_position(text, mapping) :])

    rows = _csv_rows(text, delimiter)
    preamble: list[tuple[int, list[str]]] = []
    # The header is within the first few rows; reading a bounded preamble keeps memory flat.
    for record in rows:
        preamble.append(record)
        if _header_key(mapping.date) in {_header_key(cell) for cell in record[1]} or len(preamble) >= 50:
            break
    header_index = _find_header(preamble, mapping)
    header_row, header = preamble[header_index]
    columns: dict[str, int] = {}
    for position, cell in enumerate(header):
        columns.setdefault(_header_key(cell), position)

    wanted = {
        "date": mapping.date,
        "amount": mapping.amount,
        "debit": mapping.debit,
        "credit": mapping.credit,
        "reference": mapping.reference,
        "description": mapping.description,
        "counterparty": mapping.counterparty,
    }
    positions: dict[str, int] = {}
    for role, name in wanted.items():
        if not name:
            continue
        if _header_key(name) not in columns:
            raise _fail(
                _("Row %(row)d: the column '%(column)s' is missing (the header has: %(columns)s).")
                % {
                    "row": header_row,
                    "column": name,
                    "columns": ", ".join(cell.strip() for cell in header if cell.strip()),
                }
            )
        positions[role] = columns[_header_key(name)]

    def records() -> Iterator[tuple[int, list[str]]]:
        yield from preamble[header_index + 1 :]
        yield from rows

    lines: list[ParsedLine] = []
    for number, cells in records():
        if not any(cell.strip() for cell in cells):
            continue
        if len(lines) >= MAX_LINES:
            raise _too_many_lines()
        lines.append(_csv_line(number, cells, positions, wanted, mapping))
    if not lines:
        raise _fail(_("The file has a header row but no transactions."))

    return ParsedStatement(
        format="csv",
        account_number="",
        currency="",
        reference="",
        date_start=min(line.date for line in lines),
        date_end=max(line.date for line in lines),
        balance_start=None,
        balance_end=None,
        lines=_with_unique_ids(lines),
    )


def _csv_line(
    number: int,
    cells: list[str],
    positions: dict[str, int],
    names: dict[str, str],
    mapping: CsvMapping,
) -> ParsedLine:
    """One data row as a statement line."""

    def cell(role: str) -> str:
        if role not in positions:
            return ""
        position = positions[role]
        if position >= len(cells):
            if role in {"reference", "description", "counterparty"}:
                return ""  # some exporters drop empty cells at the end of a row
            raise _fail(
                _("Row %(row)d: the column '%(column)s' is missing.") % {"row": number, "column": names[role]}
            )
        return cells[position].strip()

    def amount(role: str) -> Decimal | None:
        raw = cell(role)
        if not raw:
            return None
        value = _parse_csv_amount(raw, mapping)
        if value is None:
            raise _fail(
                _("Row %(row)d: '%(value)s' in the column '%(column)s' is not an amount.")
                % {"row": number, "value": raw, "column": names[role]}
            )
        return value

    raw_date = cell("date")
    if not raw_date:
        raise _fail(_("Row %(row)d: the date is empty.") % {"row": number})
    line_date = _parse_csv_date(raw_date, mapping.date_format)
    if line_date is None:
        raise _fail(
            _("Row %(row)d: '%(value)s' is not a date in the format %(format)s.")
            % {"row": number, "value": raw_date, "format": mapping.date_format}
        )

    if mapping.amount:
        signed = amount("amount")
        if signed is None:
            raise _fail(_("Row %(row)d: the amount is empty.") % {"row": number})
    else:
        # Money out and money in are both written as positive numbers; some banks print the debit
        # as "-500.00", so the column, not the sign, says which way the money went.
        debit, credit = amount("debit"), amount("credit")
        if not debit and not credit:
            if debit is None and credit is None:
                raise _fail(
                    _(
                        "Row %(row)d: neither the column '%(debit)s' nor the column '%(credit)s' has an amount."
                    )
                    % {"row": number, "debit": mapping.debit, "credit": mapping.credit}
                )
            signed = Decimal(0)
        elif debit and credit:
            raise _fail(
                _("Row %(row)d: both the column '%(debit)s' and the column '%(credit)s' have an amount.")
                % {"row": number, "debit": mapping.debit, "credit": mapping.credit}
            )
        else:
            signed = abs(credit) if credit else -abs(debit or Decimal(0))

    return ParsedLine(
        date=line_date,
        amount=signed,
        reference=_clean(cell("reference")),
        description=_clean(cell("description")),
        counterparty=_clean(cell("counterparty")),
        counterparty_account="",
        unique_id="",
    )


# --------------------------------------------------------------------------- OFX
# OFX 1.x is SGML (leaf elements need no end tag), 2.x is XML; one tolerant tokenizer reads both.
_OFX_TAG = re.compile(r"<(?P<close>/)?\s*(?P<tag>[A-Za-z][A-Za-z0-9._]*)\s*(?P<empty>/)?\s*>")
# What ends each kind of markup that is not an element; searched with str.find, so an unterminated
# comment costs one scan of the file, not one per "<".
_OFX_SKIPPED = (("<![CDATA[", "]]>"), ("<!--", "-->"), ("<?", ">"), ("<!", ">"))
_OFX_CHARSETS = {
    "UTF-8": "utf-8",
    "UNICODE": "utf-8",
    "1252": "cp1252",
    "ISO-8859-1": "latin-1",
    "8859-1": "latin-1",
    "874": "cp874",
    "TIS-620": "cp874",
}
_OFX_AMOUNT = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")


def _ofx_encodings(data: bytes) -> tuple[str, ...]:
    """The encodings to try: the one the header declares, then UTF-8, Windows-1252, Latin-1 (never fails)."""
    head = data[:2048].decode("ascii", errors="replace").upper()
    declared = ""
    xml_declaration = re.search(r"<\?XML[^>]*ENCODING=[\"']([\w.-]+)[\"']", head)
    if xml_declaration:
        declared = xml_declaration[1]
    else:
        for field in ("ENCODING", "CHARSET"):
            match = re.search(rf"{field}:\s*([\w.-]+)", head)
            if match and match[1] in _OFX_CHARSETS:
                declared = _OFX_CHARSETS[match[1]]
                if field == "ENCODING" and declared == "utf-8":
                    break
    try:
        codec = codecs.lookup(declared).name if declared else ""
    except LookupError:
        codec = ""
    return tuple(dict.fromkeys(name for name in (codec, "utf-8", "cp1252", "latin-1") if name))


def _ofx_incomplete() -> StatementFormatError:
    return _fail(_("The OFX file is incomplete: it ends before </OFX> (the download may have been cut off)."))


def _ofx_tokens(text: str, position: int) -> Iterator[tuple[str, str]]:
    """``("text", characters)``, ``("open", TAG)``, ``("empty", TAG)`` and ``("close", TAG)`` in order."""
    while (opening := text.find("<", position)) != -1:
        yield "text", html.unescape(text[position:opening])
        skipped = None
        if text.startswith(("<!", "<?"), opening):
            skipped = next((pair for pair in _OFX_SKIPPED if text.startswith(pair[0], opening)), None)
        if skipped is not None:
            begin, end = skipped
            closing = text.find(end, opening + len(begin))
            if closing == -1:
                raise _ofx_incomplete()
            if begin == "<![CDATA[":
                yield "text", text[opening + len(begin) : closing]
            position = closing + len(end)
            continue
        match = _OFX_TAG.match(text, opening)
        if match is None:  # a bare "<" in SGML text
            yield "text", "<"
            position = opening + 1
            continue
        position = match.end()
        kind = "close" if match["close"] else "empty" if match["empty"] else "open"
        yield kind, match["tag"].upper()
    yield "text", html.unescape(text[position:])


def _ofx_tree(text: str) -> ET.Element:
    """The <OFX> element, built from OFX 1.x SGML or 2.x XML text.

    An element followed by text is a leaf, whether or not its end tag follows (SGML makes it optional);
    an element followed by another tag is an aggregate, closed by its end tag, which also closes any
    empty leaf still open inside it.
    """
    start = re.search(r"<OFX\s*>", text, re.IGNORECASE)
    if start is None:
        raise _fail(_("The file is not an OFX statement: no <OFX> element."))
    holder = ET.Element("DOCUMENT")
    stack = [holder]
    # The element opened last, while no other tag has followed it: text now makes it a leaf.
    candidate: ET.Element | None = None
    buffer: list[str] = []
    for kind, value in _ofx_tokens(text, start.start()):
        if kind == "text":
            buffer.append(value)
            continue
        content = "".join(buffer).strip()
        buffer.clear()
        if candidate is not None and content:
            candidate.text = content
            if stack[-1] is candidate:
                stack.pop()
        candidate = None
        if kind == "close":
            names = [element.tag for element in stack]
            if value in names[1:]:
                del stack[len(names) - 1 - names[::-1].index(value) :]
            if value == "OFX" and len(stack) == 1:
                return holder[0]
            continue
        element = ET.SubElement(stack[-1], value)
        if kind == "open":
            stack.append(element)
            candidate = element
    raise _ofx_incomplete()


def _ofx_value(element: ET.Element, tag: str) -> str:
    """The text of the first ``tag`` at or below ``element`` (an empty SGML leaf may nest what follows)."""
    for found in element.iter(tag):
        return _clean(found.text)
    return ""


def _ofx_date(value: str) -> date | None:
    """The calendar date of an OFX datetime (YYYYMMDD[HHMMSS[.XXX]][[offset:TZ]]), as the bank wrote it.

    The time zone is not applied: the bank's own date is the one its statement and balances use.
    """
    match = re.match(r"(\d{4})(\d{2})(\d{2})", value)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _ofx_amount(value: str) -> Decimal | None:
    if not _OFX_AMOUNT.fullmatch(value):
        return None
    return Decimal(value.replace(",", "."))


def _statement_date(element: str, value: str, parse: Callable[[str], date | None]) -> date | None:
    if not value:
        return None
    parsed = parse(value)
    if parsed is None:
        raise _fail(
            _("The statement's <%(element)s> '%(value)s' is not a date.")
            % {"element": element, "value": value}
        )
    return parsed


def _missing(number: int, element: str) -> StatementFormatError:
    return _fail(
        _("Transaction %(number)d: the element <%(element)s> is missing.")
        % {"number": number, "element": element}
    )


def _not_a_date(number: int, element: str, value: str) -> StatementFormatError:
    return _fail(
        _("Transaction %(number)d: <%(element)s> '%(value)s' is not a date.")
        % {"number": number, "element": element, "value": value}
    )


def _not_an_amount(number: int, element: str, value: str) -> StatementFormatError:
    return _fail(
        _("Transaction %(number)d: <%(element)s> '%(value)s' is not an amount.")
        % {"number": number, "element": element, "value": value}
    )


def _ofx_line(number: int, transaction: ET.Element) -> ParsedLine:
    raw_date = _ofx_value(transaction, "DTPOSTED")
    if not raw_date:
        raise _missing(number, "DTPOSTED")
    posted = _ofx_date(raw_date)
    if posted is None:
        raise _not_a_date(number, "DTPOSTED", raw_date)
    raw_amount = _ofx_value(transaction, "TRNAMT")
    if not raw_amount:
        raise _missing(number, "TRNAMT")
    amount = _ofx_amount(raw_amount)
    if amount is None:
        raise _not_an_amount(number, "TRNAMT", raw_amount)
    fitid = _ofx_value(transaction, "FITID")
    counterparty_account = ""
    for tag in ("BANKACCTTO", "CCACCTTO"):
        for target in transaction.iter(tag):
            counterparty_account = _ofx_value(target, "ACCTID")
            break
    return ParsedLine(
        date=posted,
        amount=amount,
        reference=(_ofx_value(transaction, "REFNUM") or _ofx_value(transaction, "CHECKNUM") or fitid),
        description=_ofx_value(transaction, "MEMO"),
        counterparty=_ofx_value(transaction, "NAME"),
        counterparty_account=counterparty_account,
        unique_id=fitid,
    )


def _ofx_statement(statement: ET.Element, first_number: int) -> ParsedStatement:
    currency = _ofx_value(statement, "CURDEF").upper()
    if currency and not re.fullmatch(r"[A-Z]{3}", currency):
        raise _fail(
            _("The statement's currency <CURDEF> '%(value)s' is not a three-letter ISO 4217 code.")
            % {"value": currency}
        )
    account_number = ""
    for tag in ("BANKACCTFROM", "CCACCTFROM"):
        for account in statement.iter(tag):
            account_number = _ofx_value(account, "ACCTID")
            break
        if account_number:
            break
    balance_end = None
    for ledger in statement.iter("LEDGERBAL"):
        raw_balance = _ofx_value(ledger, "BALAMT")
        if raw_balance:
            balance_end = _ofx_amount(raw_balance)
            if balance_end is None:
                raise _fail(
                    _("The statement's <%(element)s> '%(value)s' is not an amount.")
                    % {"element": "LEDGERBAL/BALAMT", "value": raw_balance}
                )
        break
    transactions = list(statement.iter("STMTTRN"))
    if len(transactions) > MAX_LINES:
        raise _too_many_lines()
    return ParsedStatement(
        format="ofx",
        account_number=account_number,
        currency=currency,
        reference="",
        date_start=_statement_date("DTSTART", _ofx_value(statement, "DTSTART"), _ofx_date),
        date_end=_statement_date("DTEND", _ofx_value(statement, "DTEND"), _ofx_date),
        balance_start=None,
        balance_end=balance_end,
        lines=tuple(
            _ofx_line(number, transaction)
            for number, transaction in enumerate(transactions, start=first_number)
        ),
    )


def parse_ofx(data: bytes) -> ParsedStatement:
    """Read an OFX 1.x (SGML) or 2.x (XML) bank or credit card statement."""
    text = _decode_text(data, _ofx_encodings(data))
    if not text.strip():
        raise _fail(_("The file is empty."))
    ofx = _ofx_tree(text)
    statements = [element for element in ofx.iter() if element.tag in {"STMTRS", "CCSTMTRS"}]
    if not statements:
        raise _fail(_("The OFX file holds no bank or credit card statement (no <STMTRS> element)."))
    parts = []
    number = 1
    for statement in statements:
        part = _ofx_statement(statement, number)
        number += len(part.lines)
        parts.append(part)
    return _merge("ofx", parts)


# --------------------------------------------------------------------------- camt.053
_CAMT_AMOUNT = re.compile(r"\d+(?:\.\d+)?")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _kids(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _kid(element: ET.Element | None, *path: str) -> ET.Element | None:
    """The first element along ``path`` (local names, any namespace), or None."""
    for name in path:
        if element is None:
            return None
        element = next((child for child in element if _local(child.tag) == name), None)
    return element


def _kid_text(element: ET.Element | None, *path: str) -> str:
    return _clean(getattr(_kid(element, *path), "text", ""))


def _iso_date(value: str) -> date | None:
    """The date of an ISO 8601 date or date-time ("2026-03-15", "2026-03-15T10:20:00+07:00")."""
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _camt_date(holder: ET.Element | None) -> str:
    return _kid_text(holder, "Dt") or _kid_text(holder, "DtTm")


def _camt_account(account: ET.Element | None) -> str:
    return _kid_text(account, "Id", "IBAN") or _kid_text(account, "Id", "Othr", "Id")


def _camt_balances(statement: ET.Element) -> dict[str, Decimal]:
    balances: dict[str, Decimal] = {}
    for balance in _kids(statement, "Bal"):
        code = _kid_text(balance, "Tp", "CdOrPrtry", "Cd") or _kid_text(balance, "Tp", "CdOrPrtry", "Prtry")
        raw = _kid_text(balance, "Amt")
        if not _CAMT_AMOUNT.fullmatch(raw):
            raise _fail(
                _("The statement's <%(element)s> '%(value)s' is not an amount.")
                % {"element": " ".join(part for part in ("Bal", code, "Amt") if part), "value": raw}
            )
        amount = Decimal(raw)
        if _kid_text(balance, "CdtDbtInd") == "DBIT":
            amount = -amount
        balances.setdefault(code, amount)
    return balances


def _camt_line(number: int, entry: ET.Element, currency: str) -> ParsedLine:
    amount_element = _kid(entry, "Amt")
    if amount_element is None:
        raise _missing(number, "Amt")
    raw_amount = _clean(amount_element.text)
    if not _CAMT_AMOUNT.fullmatch(raw_amount):
        raise _not_an_amount(number, "Amt", raw_amount)
    entry_currency = amount_element.get("Ccy", "")
    if currency and entry_currency and entry_currency != currency:
        raise _fail(
            _(
                "Transaction %(number)d: the amount is in %(entry_currency)s but the account is in %(currency)s."
            )
            % {"number": number, "entry_currency": entry_currency, "currency": currency}
        )
    direction = _kid_text(entry, "CdtDbtInd")
    if direction not in {"CRDT", "DBIT"}:
        raise _fail(
            _("Transaction %(number)d: <CdtDbtInd> is '%(value)s', not CRDT or DBIT.")
            % {"number": number, "value": direction}
        )
    amount = Decimal(raw_amount) if direction == "CRDT" else -Decimal(raw_amount)

    booked: date | None = None
    for element in ("BookgDt", "ValDt"):
        raw_date = _camt_date(_kid(entry, element))
        if raw_date:
            booked = _iso_date(raw_date)
            if booked is None:
                raise _not_a_date(number, element, raw_date)
            break
    if booked is None:
        raise _missing(number, "BookgDt")

    details = [tx for block in _kids(entry, "NtryDtls") for tx in _kids(block, "TxDtls")]
    single = details[0] if len(details) == 1 else None
    end_to_end = _kid_text(single, "Refs", "EndToEndId")
    if end_to_end.upper() == "NOTPROVIDED":
        end_to_end = ""
    servicer_reference = _kid_text(entry, "AcctSvcrRef") or _kid_text(single, "Refs", "AcctSvcrRef")
    description = " ".join(
        text
        for tx in details
        for remittance in _kids(tx, "RmtInf")
        for text in (_clean(item.text) for item in _kids(remittance, "Ustrd"))
        if text
    )
    if not description:  # a structured creditor reference (RF..., an invoice number) instead
        description = " ".join(
            text for tx in details if (text := _kid_text(tx, "RmtInf", "Strd", "CdtrRefInf", "Ref"))
        )
    description = description or _kid_text(single, "AddtlTxInf") or _kid_text(entry, "AddtlNtryInf")
    # Money in: the other side paid us (the debtor); money out: we paid them (the creditor).
    party = "Dbtr" if direction == "CRDT" else "Cdtr"
    parties = _kid(single, "RltdPties")
    party_element = _kid(parties, party)
    name = ""
    if party_element is not None:
        name = next(
            (_clean(node.text) for node in party_element.iter() if _local(node.tag) == "Nm" and node.text),
            "",
        )
    return ParsedLine(
        date=booked,
        amount=amount,
        reference=end_to_end or servicer_reference or _kid_text(entry, "NtryRef"),
        description=description,
        counterparty=name,
        counterparty_account=_camt_account(_kid(parties, f"{party}Acct")),
        unique_id=servicer_reference,
    )


def _camt_status(entry: ET.Element) -> str:
    status = _kid(entry, "Sts")
    if status is None:
        return ""
    return _clean(status.text) or _kid_text(status, "Cd") or _kid_text(status, "Prtry")


def _camt_statement(statement: ET.Element, first_number: int) -> tuple[ParsedStatement, int]:
    """One <Stmt>, and how many <Ntry> elements it holds (booked or not, for numbering)."""
    account = _kid(statement, "Acct")
    entries = _kids(statement, "Ntry")
    if len(entries) > MAX_LINES:
        raise _too_many_lines()
    currency = _kid_text(account, "Ccy")
    if not currency:
        amounts = [_kid(element, "Amt") for element in [*_kids(statement, "Bal"), *entries]]
        currency = next((amount.get("Ccy", "") for amount in amounts if amount is not None), "")
    balances = _camt_balances(statement)
    lines = tuple(
        _camt_line(number, entry, currency)
        for number, entry in enumerate(entries, start=first_number)
        # Pending and information-only entries are not in the booked balance; they come back booked.
        if _camt_status(entry) in {"", "BOOK"}
    )
    period = _kid(statement, "FrToDt")
    parsed = ParsedStatement(
        format="camt053",
        account_number=_camt_account(account),
        currency=currency,
        reference=_kid_text(statement, "Id"),
        date_start=_statement_date("FrToDt/FrDtTm", _kid_text(period, "FrDtTm"), _iso_date),
        date_end=_statement_date("FrToDt/ToDtTm", _kid_text(period, "ToDtTm"), _iso_date),
        balance_start=balances.get("OPBD", balances.get("PRCD")),
        balance_end=balances.get("CLBD"),
        lines=lines,
    )
    return parsed, len(entries)


def parse_camt053(data: bytes) -> ParsedStatement:
    """Read an ISO 20022 camt.053 bank-to-customer statement (001.02 and later versions)."""
    if not data.removeprefix(codecs.BOM_UTF8).strip():
        raise _fail(_("The file is empty."))
    try:
        root: ET.Element = DefusedET.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise _fail(
            _(
                "The file contains a document type declaration (DTD) or entities, which bank statements never use: it was refused for safety."
            )
        ) from None
    except ET.ParseError as exc:
        line, column = exc.position
        raise _fail(
            _("The file is not well-formed XML (line %(line)d, column %(column)d).")
            % {"line": line, "column": column}
        ) from None
    except LookupError:  # <?xml ... encoding="..."?> names a codec Python does not have
        raise _fail(_("The file declares a character encoding that is not known.")) from None
    containers = [root] if _local(root.tag) == "BkToCstmrStmt" else _kids(root, "BkToCstmrStmt")
    statements = [statement for container in containers for statement in _kids(container, "Stmt")]
    if not statements:
        raise _fail(_("The file is not a camt.053 statement: no <Stmt> element."))
    parts = []
    number = 1
    for statement in statements:
        part, count = _camt_statement(statement, number)
        number += count
        if number - 1 > MAX_LINES:
            raise _too_many_lines()
        parts.append(part)
    return _merge("camt053", parts)
