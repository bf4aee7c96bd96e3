"""A test-only importer over exchange rates, and helpers that build CSV and XLSX files."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl

from concord.core.dataio.specs import ImportColumn, ImportSpec, RowError
from concord.core.errors import Conflict
from concord.core.money.currencies import is_valid_currency
from concord.core.money.models import ExchangeRate, RateSource
from concord.core.money.services import exchange_rate_set

HEADER = ["currency", "rate_date", "rate", "note"]


class RateImport(ImportSpec):
    """Imports exchange rates through ``exchange_rate_set``; four rows per batch to test batching."""

    key = "test.rates"
    label = "Exchange rates (test)"
    permission = "currencies.add"
    batch_size = 4
    columns = [
        ImportColumn("currency", "Currency", required=True),
        ImportColumn("rate_date", "Date", required=True),
        ImportColumn("rate", "อัตรา", required=True),  # a Thai label: headers may use it
        ImportColumn("note", "หมายเหตุ"),
    ]

    def __init__(self) -> None:
        self.batches_written = 0
        self.before_batch: Any = None  # a test hook: called with the batch number before it is written

    def validate_row(self, row: dict[str, str], *, company: Any, seen: dict[str, Any]) -> dict[str, Any]:
        currency = row["currency"].upper()
        if not is_valid_currency(currency) or currency == company.currency:
            raise RowError("currency", f"Unknown or own currency {row['currency']!r}")
        try:
            rate_date = dt.date.fromisoformat(row["rate_date"])
        except ValueError:
            raise RowError("rate_date", "Not a date (YYYY-MM-DD)") from None
        try:
            rate = Decimal(row["rate"])
        except InvalidOperation:
            raise RowError("rate", "Not a number") from None
        if rate <= 0:
            raise RowError("rate", "Must be greater than zero")
        key = f"{currency}:{rate_date}"
        if key in seen:
            raise RowError("rate_date", f"{currency} on {rate_date} appears twice in the file")
        seen[key] = True
        if ExchangeRate.all_companies.filter(
            company=company, currency=currency, rate_date=rate_date
        ).exists():
            raise RowError("rate_date", f"{currency} already has a rate on {rate_date}")
        return {"currency": currency, "rate_date": rate_date, "rate": rate, "note": row["note"]}

    def write_batch(self, rows: list[dict[str, Any]], *, company: Any, by: Any, job_id: int) -> list[int]:
        self.batches_written += 1
        if self.before_batch is not None:
            self.before_batch(self.batches_written)
        ids = []
        for row in rows:
            key = {"company": company, "currency": row["currency"], "rate_date": row["rate_date"]}
            if ExchangeRate.all_companies.filter(**key).exists():
                raise Conflict(f"{row['currency']} already has a rate on {row['rate_date']}")
            rate = exchange_rate_set(
                company=company,
                currency=row["currency"],
                rate_date=row["rate_date"],
                rate=row["rate"],
                by=by,
                source=RateSource.IMPORT,
            )
            ids.append(rate.pk)
        return ids

    def undo(self, ids: list[int], *, company: Any, by: Any) -> None:
        ExchangeRate.all_companies.filter(company=company, pk__in=ids).delete()


def rate_rows(count: int, *, currency: str = "USD", start: dt.date = dt.date(2026, 1, 1)) -> list[list[str]]:
    """``count`` valid rows, one per day."""
    return [
        [currency, (start + dt.timedelta(days=n)).isoformat(), f"{36 + n / 100:.2f}", f"แถว {n + 1}"]
        for n in range(count)
    ]


def csv_bytes(
    rows: list[list[str]],
    *,
    header: list[str] = HEADER,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows: list[list[Any]], *, header: list[str] = HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
