"""Importing exchange rates: each bad row is named with its column, a clean file is written whole, undo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from concord.core.audit.models import AuditEntry
from concord.core.dataio.models import ImportJob
from concord.core.dataio.services import import_job_confirm, import_job_preview
from concord.core.dataio.specs import importer_get
from concord.core.dataio.tests.support import csv_bytes, xlsx_bytes
from concord.core.errors import Conflict, PermissionDeniedError
from concord.core.identity.roles import Role
from concord.core.money.importing import EXCHANGE_RATE_IMPORT, ExchangeRateImport
from concord.core.money.models import ExchangeRate, RateSource
from concord.core.money.services import exchange_rate_set

pytestmark = pytest.mark.django_db

KEY = "money.exchangerate"
HEADER = ["currency", "date", "rate"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def accountant(company, make_user):
    return make_user(company=company, roles=(Role.ACCOUNTANT,))


def _upload(rows: list[list[Any]], *, header: list[str] = HEADER, xlsx: bool = False) -> SimpleUploadedFile:
    if xlsx:
        return SimpleUploadedFile("rates.xlsx", xlsx_bytes(rows, header=header))
    return SimpleUploadedFile("rates.csv", csv_bytes(rows, header=header), content_type="text/csv")


def test_the_spec_is_registered_at_start_up():
    assert importer_get(KEY) is EXCHANGE_RATE_IMPORT
    assert EXCHANGE_RATE_IMPORT.permission == "currencies.add"
    assert EXCHANGE_RATE_IMPORT.column_names() == ["currency", "date", "rate"]


def test_preview_names_the_row_and_column_of_each_error(company, accountant):
    exchange_rate_set(
        company=company, currency="USD", rate_date=dt.date(2026, 3, 2), rate="36", by=accountant
    )
    upload = _upload(
        [
            ["USD", "2026-03-01", "36.25"],  # fine
            ["XYZ", "2026-03-01", "1"],
            ["THB", "2026-03-01", "1"],  # the company's own currency
            ["EUR", "31/02/2026", "39"],
            ["EUR", "next week", "39"],
            ["EUR", "2026-03-01", "0"],
            ["EUR", "2026-03-02", "-1"],
            ["EUR", "2026-03-03", "abc"],
            ["USD", "2026-03-02", "36.1"],  # already has a rate
            ["usd", "01/03/2026", "36.3"],  # the first row again, written differently
            ["JPY", "2026-03-01", "0.00000000001"],  # rounds to 0 at 10 decimals
        ]
    )
    job = import_job_preview(spec_key=KEY, company=company, by=accountant, upload=upload)
    errors = {(error["row"], error["column"]): error["message"] for error in job.row_errors}
    assert set(errors) == {
        (3, "currency"),
        (4, "currency"),
        (5, "date"),
        (6, "date"),
        (7, "rate"),
        (8, "rate"),
        (9, "rate"),
        (10, "date"),
        (11, "date"),
        (12, "rate"),
    }
    assert "XYZ is not an ISO 4217 currency code" in errors[(3, "currency")]
    assert "THB is the company's own currency" in errors[(4, "currency")]
    assert "31/02/2026 is not a date" in errors[(5, "date")]
    assert "greater than zero" in errors[(7, "rate")]
    assert "abc is not a number" in errors[(9, "rate")]
    assert "USD already has a rate on 2026-03-02" in errors[(10, "date")]
    assert "An earlier row of this file" in errors[(11, "date")]
    assert job.error_count == 10
    assert ExchangeRate.objects.count() == 1  # a preview writes nothing


def test_a_clean_file_is_imported_through_the_service(
    company, accountant, django_capture_on_commit_callbacks
):
    upload = _upload(
        [
            ["USD", "2026-03-01", "36.25"],
            ["usd", "02/03/2569", "36.40"],  # day/month/Buddhist-era year
            ["KHR", "2026-03-01", "0.0089"],
            ["EUR", "2026-03-01", "1,038.5"],  # a thousands separator
        ]
    )
    job = import_job_preview(spec_key=KEY, company=company, by=accountant, upload=upload)
    assert job.error_count == 0, job.row_errors
    with django_capture_on_commit_callbacks(execute=True):
        import_job_confirm(job=job, by=accountant)
    job = ImportJob.all_companies.get(pk=job.pk)
    assert job.status == "done", job.error_message
    stored = {
        (rate.currency, rate.rate_date): (rate.rate, rate.source, rate.set_by)
        for rate in ExchangeRate.objects.filter(company=company)
    }
    assert stored == {
        ("USD", dt.date(2026, 3, 1)): (Decimal("36.25"), RateSource.IMPORT, accountant),
        ("USD", dt.date(2026, 3, 2)): (Decimal("36.40"), RateSource.IMPORT, accountant),
        ("KHR", dt.date(2026, 3, 1)): (Decimal("0.0089"), RateSource.IMPORT, accountant),
        ("EUR", dt.date(2026, 3, 1)): (Decimal("1038.5"), RateSource.IMPORT, accountant),
    }


def test_xlsx_dates_and_labelled_headers(company, accountant):
    upload = _upload(
        [
            ["USD", dt.datetime(2026, 3, 1, 8, 30), 36.25],  # noqa: DTZ001 - spreadsheet cells hold naive times
            ["EUR", dt.date(2026, 3, 1), 39],
        ],
        header=["Currency", "Date", "Rate"],
        xlsx=True,
    )
    job = import_job_preview(spec_key=KEY, company=company, by=accountant, upload=upload)
    assert (job.total_rows, job.error_count) == (2, 0), job.row_errors


def test_importing_needs_the_permission_to_add_rates(company, make_user):
    seller = make_user(company=company, roles=(Role.SALES,))  # may view rates, not set them
    with pytest.raises(PermissionDeniedError):
        import_job_preview(
            spec_key=KEY, company=company, by=seller, upload=_upload([["USD", "2026-03-01", "36"]])
        )


def test_undo_removes_what_the_import_created_and_only_that(company, accountant):
    spec = ExchangeRateImport()
    manual = exchange_rate_set(
        company=company, currency="EUR", rate_date=dt.date(2026, 3, 1), rate="39", by=accountant
    )
    seen: dict[str, Any] = {}
    rows = [
        spec.validate_row(
            {"currency": "USD", "date": "2026-03-01", "rate": "36"}, company=company, seen=seen
        ),
        spec.validate_row(
            {"currency": "USD", "date": "2026-03-02", "rate": "36.1"}, company=company, seen=seen
        ),
    ]
    ids = spec.write_batch(rows, company=company, by=accountant, job_id=1)
    assert ExchangeRate.objects.filter(pk__in=ids).count() == 2
    spec.undo([*ids, manual.pk], company=company, by=accountant)
    assert list(ExchangeRate.objects.values_list("pk", flat=True)) == [manual.pk]  # a manual rate stays
    deleted = AuditEntry.objects.filter(action="delete", object_id__in=[str(pk) for pk in ids])
    assert deleted.count() == 2


def test_a_rate_entered_after_the_preview_is_not_overwritten(company, accountant):
    spec = ExchangeRateImport()
    row = spec.validate_row({"currency": "USD", "date": "2026-03-01", "rate": "36"}, company=company, seen={})
    exchange_rate_set(
        company=company, currency="USD", rate_date=dt.date(2026, 3, 1), rate="35.9", by=accountant
    )
    with pytest.raises(Conflict, match="while the file was imported"):
        spec.write_batch([row], company=company, by=accountant, job_id=1)
    assert ExchangeRate.objects.get().rate == Decimal("35.9")
