"""Importing exchange rates from CSV or XLSX (/imports/money.exchangerate/): one rate per row.

A row gives a currency, a date and the rate in company-currency units per foreign unit (the direction
of ``ExchangeRate``). A day that already has a rate for the currency is refused rather than replaced:
an import undoes itself by deleting what it created, and deleting a replaced rate would lose the one
it replaced. Change an existing rate on the Exchange rates screen instead.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record, deleted_changes
from concord.core.dataio.specs import ImportColumn, ImportSpec, RowError, importer_register
from concord.core.errors import Conflict
from concord.core.identity.models import Company
from concord.core.money.currencies import is_valid_currency
from concord.core.money.fields import RATE_FIELD_KW
from concord.core.money.models import ExchangeRate, RateSource
from concord.core.money.services import exchange_rate_set

__all__ = ["EXCHANGE_RATE_IMPORT", "ExchangeRateImport"]

# What exchange_rate_set stores: 10 decimals, at most 14 digits before the point.
_RATE_QUANTUM = Decimal(1).scaleb(-RATE_FIELD_KW["decimal_places"])
_RATE_LIMIT = Decimal(10) ** (RATE_FIELD_KW["max_digits"] - RATE_FIELD_KW["decimal_places"])
# Thai and Cambodian files write day/month/year; Thai ones often in the Buddhist era (CE + 543).
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_BUDDHIST_ERA_OFFSET = 543
_BUDDHIST_ERA_FROM = 2400  # no Gregorian rate date comes near this year


def _currency(value: str, *, company: Company) -> str:
    code = value.strip().upper()
    if not code:
        raise RowError("currency", _("Enter the currency's three-letter ISO 4217 code, such as USD."))
    if not is_valid_currency(code):
        raise RowError(
            "currency",
            _("%(value)s is not an ISO 4217 currency code (for example USD).") % {"value": value},
        )
    if code == company.currency:
        raise RowError(
            "currency",
            _("%(code)s is the company's own currency: its rate is always 1.") % {"code": code},
        )
    return code


def _date(value: str) -> dt.date:
    text = value.strip()
    try:
        if match := _DAY_MONTH_YEAR.match(text):
            day, month, year = (int(part) for part in match.groups())
            if year >= _BUDDHIST_ERA_FROM:
                year -= _BUDDHIST_ERA_OFFSET
            return dt.date(year, month, day)
        # A spreadsheet date with a time of day ("2026-03-01 08:00:00") counts by its day.
        return dt.date.fromisoformat(text[:10] if len(text) > 10 and text[10] in " T" else text)
    except ValueError:
        raise RowError(
            "date",
            _("%(value)s is not a date: write YYYY-MM-DD or DD/MM/YYYY.") % {"value": value or _("(empty)")},
        ) from None


def _rate(value: str) -> Decimal:
    text = value.replace(",", "").replace(" ", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise RowError("rate", _("%(value)s is not a number.") % {"value": value or _("(empty)")}) from None
    if not number.is_finite():
        raise RowError("rate", _("%(value)s is not a number.") % {"value": value})
    if number >= _RATE_LIMIT:
        raise RowError("rate", _("This exchange rate is too large."))
    if number.quantize(_RATE_QUANTUM, rounding=ROUND_HALF_UP) <= 0:
        raise RowError("rate", _("An exchange rate must be greater than zero."))
    return number


class ExchangeRateImport(ImportSpec):
    """Exchange rates per currency and date, one per row."""

    key = "money.exchangerate"
    label = gettext_lazy("Exchange rates")
    permission = "currencies.add"
    description = gettext_lazy(
        "One rate per row: the currency (USD), the date (YYYY-MM-DD or DD/MM/YYYY, Buddhist-era years "
        "accepted) and how many units of the company's currency one unit of it buys (36.25). A day that "
        "already has a rate for the currency is refused: change that one on the Exchange rates screen."
    )
    columns = [
        ImportColumn(
            "currency", gettext_lazy("Currency"), required=True, help=gettext_lazy("ISO 4217, e.g. USD")
        ),
        ImportColumn(
            "date", gettext_lazy("Date"), required=True, help=gettext_lazy("YYYY-MM-DD or DD/MM/YYYY")
        ),
        ImportColumn(
            "rate",
            gettext_lazy("Rate"),
            required=True,
            help=gettext_lazy("Units of the company currency for 1 unit of the foreign currency"),
        ),
    ]

    @staticmethod
    def _existing(company: Company, seen: dict[str, Any]) -> set[tuple[str, dt.date]]:
        """The (currency, date) pairs the company has rates for, read once per file."""
        if "_existing" not in seen:
            seen["_existing"] = set(
                ExchangeRate.all_companies.filter(company=company).values_list("currency", "rate_date")
            )
        existing: set[tuple[str, dt.date]] = seen["_existing"]
        return existing

    def validate_row(self, row: dict[str, str], *, company: Any, seen: dict[str, Any]) -> dict[str, Any]:
        currency = _currency(row["currency"], company=company)
        rate_date = _date(row["date"])
        rate = _rate(row["rate"])
        key = (currency, rate_date)
        if key in self._existing(company, seen):
            raise RowError(
                "date",
                _(
                    "%(currency)s already has a rate on %(date)s: change it on the Exchange rates screen, "
                    "or remove this row."
                )
                % {"currency": currency, "date": rate_date.isoformat()},
            )
        in_file: set[tuple[str, dt.date]] = seen.setdefault("in_file", set())
        if key in in_file:
            raise RowError(
                "date",
                _("An earlier row of this file has the rate of %(currency)s on %(date)s.")
                % {"currency": currency, "date": rate_date.isoformat()},
            )
        in_file.add(key)
        return {"currency": currency, "rate_date": rate_date, "rate": rate}

    def write_batch(self, rows: list[dict[str, Any]], *, company: Any, by: Any, job_id: int) -> list[int]:
        ids = []
        for row in rows:
            # Checked again here: a rate entered by hand since the preview must not be overwritten
            # (undoing the import would then delete it).
            if ExchangeRate.all_companies.filter(
                company=company, currency=row["currency"], rate_date=row["rate_date"]
            ).exists():
                raise Conflict(
                    _(
                        "%(currency)s got a rate on %(date)s while the file was imported: nothing was imported."
                    )
                    % {"currency": row["currency"], "date": row["rate_date"].isoformat()},
                    field="date",
                )
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
        with transaction.atomic():
            for rate in ExchangeRate.all_companies.filter(
                company=company, pk__in=ids, source=RateSource.IMPORT
            ):
                audit_record(actor=by, action=AuditAction.DELETE, obj=rate, changes=deleted_changes(rate))
                rate.delete()


# Registered on import: ``MoneyConfig.ready()`` imports this module, once at start-up before the
# registry freezes, which puts the spec at /imports/money.exchangerate/.
EXCHANGE_RATE_IMPORT = importer_register(ExchangeRateImport())
