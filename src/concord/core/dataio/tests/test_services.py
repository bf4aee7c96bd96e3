import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from concord.core.audit.models import AuditEntry
from concord.core.dataio.errors import ImportStateError, UploadRejected
from concord.core.dataio.models import ImportJob, ImportJobRecord, ImportStatus
from concord.core.dataio.services import (
    import_job_cancel,
    import_job_confirm,
    import_job_execute,
    import_job_preview,
)
from concord.core.dataio.tests.support import csv_bytes, rate_rows, xlsx_bytes
from concord.core.errors import Conflict, PermissionDeniedError
from concord.core.identity.roles import Role
from concord.core.money.models import ExchangeRate, RateSource
from concord.core.money.services import exchange_rate_set


def upload(data: bytes, name: str = "rates.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def preview(rate_import, company, by, data: bytes, name: str = "rates.csv"):
    return import_job_preview(spec_key=rate_import.key, company=company, by=by, upload=upload(data, name))


def run(job, by, capture):
    with capture(execute=True):
        import_job_confirm(job=job, by=by)
    job.refresh_from_db()
    return job


def test_xlsx_import_writes_every_row_through_the_service_in_batches(
    rate_import, company, accountant, django_capture_on_commit_callbacks
):
    rows = [
        [currency, dt.date(2026, 3, day), 1 + day / 10, "ไทย"]
        for day in range(1, 6)
        for currency in ("USD", "EUR")
    ]
    job = preview(rate_import, company, accountant, xlsx_bytes(rows), "rates.xlsx")
    assert (job.status, job.file_format, job.total_rows, job.error_count) == ("previewed", "xlsx", 10, 0)
    assert ExchangeRate.all_companies.count() == 0  # the preview writes nothing
    stored = str(job.file.name)
    assert job.file.storage.exists(stored)

    job = run(job, accountant, django_capture_on_commit_callbacks)

    assert job.status == ImportStatus.DONE, job.error_message
    assert (job.processed_rows, job.checked_rows) == (10, 10)
    assert rate_import.batches_written == 3  # 4 + 4 + 2
    rates = ExchangeRate.all_companies.filter(company=company)
    assert rates.count() == 10
    assert set(rates.values_list("source", flat=True)) == {RateSource.IMPORT}
    assert str(rates.get(currency="EUR", rate_date=dt.date(2026, 3, 5)).rate.normalize()) == "1.5"
    assert sorted(ImportJobRecord.objects.filter(job=job).values_list("object_id", flat=True)) == sorted(
        rates.values_list("pk", flat=True)
    )
    assert (
        AuditEntry.objects.filter(
            action="create", object_id__in=[str(pk) for pk in rates.values_list("pk", flat=True)]
        ).count()
        == 10
    )
    assert job.started_at is not None
    assert job.finished_at is not None
    assert job.started_at <= job.finished_at
    assert not job.file  # the upload is deleted once done
    assert not job.file.storage.exists(stored)


def test_a_failure_in_batch_3_of_5_removes_batches_1_and_2(
    rate_import, company, accountant, django_capture_on_commit_callbacks
):
    job = preview(rate_import, company, accountant, csv_bytes(rate_rows(20)))  # five batches of four
    assert job.error_count == 0

    def service_refuses(batch_number):
        if batch_number == 3:
            raise Conflict("The rate service refused the batch")

    rate_import.before_batch = service_refuses
    job = run(job, accountant, django_capture_on_commit_callbacks)

    assert job.status == ImportStatus.FAILED
    assert job.error_message == (
        "Rows 10 to 13 could not be imported: The rate service refused the batch. "
        "The 8 records written before were removed again: nothing was imported."
    )
    assert job.processed_rows == 8  # how far it got
    assert rate_import.batches_written == 3
    assert ExchangeRate.all_companies.count() == 0
    assert not ImportJobRecord.objects.filter(job=job).exists()


def test_a_row_taken_meanwhile_fails_the_job_when_its_turn_comes_and_earlier_batches_are_removed(
    rate_import, company, accountant, django_capture_on_commit_callbacks
):
    job = preview(rate_import, company, accountant, csv_bytes(rate_rows(20)))

    def duplicate_created_meanwhile(batch_number):
        # While batch 2 is written, someone else sets the rate of row 10 (2026-01-09), a row of batch 3.
        if batch_number == 2:
            exchange_rate_set(
                company=company, currency="USD", rate_date=dt.date(2026, 1, 9), rate="1", by=None
            )

    rate_import.before_batch = duplicate_created_meanwhile
    job = run(job, accountant, django_capture_on_commit_callbacks)

    assert job.status == ImportStatus.FAILED
    assert job.error_message.startswith("Row 10, column rate_date: USD already has a rate on 2026-01-09. ")
    assert "The 8 records written before were removed again" in job.error_message
    assert job.row_errors == [
        {"row": 10, "column": "rate_date", "message": "USD already has a rate on 2026-01-09"}
    ]
    # only the rate someone else set remains: none of the job's
    assert list(ExchangeRate.all_companies.values_list("rate_date", flat=True)) == [dt.date(2026, 1, 9)]
    assert not ImportJobRecord.objects.filter(job=job).exists()


def test_the_job_rechecks_rows_and_writes_nothing_when_data_changed_since_the_preview(
    rate_import, company, accountant, django_capture_on_commit_callbacks
):
    job = preview(rate_import, company, accountant, csv_bytes(rate_rows(6)))
    exchange_rate_set(company=company, currency="USD", rate_date=dt.date(2026, 1, 6), rate="2", by=None)

    job = run(job, accountant, django_capture_on_commit_callbacks)

    assert job.status == ImportStatus.FAILED
    assert "1 rows are no longer valid" in job.error_message
    assert job.row_errors == [
        {"row": 7, "column": "rate_date", "message": "USD already has a rate on 2026-01-06"}
    ]
    assert rate_import.batches_written == 0
    assert ExchangeRate.all_companies.count() == 1


def test_preview_records_every_row_error_and_blocks_confirmation(rate_import, company, accountant):
    rows = rate_rows(5)
    rows[1][2] = "abc"  # row 3
    rows[3][0] = "XXX"  # row 5
    rows[4][1] = rows[0][1]  # row 6: same day as row 2
    job = preview(rate_import, company, accountant, csv_bytes(rows))
    assert job.error_count == 3
    assert job.row_errors == [
        {"row": 3, "column": "rate", "message": "Not a number"},
        {"row": 5, "column": "currency", "message": "Unknown or own currency 'XXX'"},
        {"row": 6, "column": "rate_date", "message": "USD on 2026-01-01 appears twice in the file"},
    ]
    assert not job.can_confirm
    with pytest.raises(ImportStateError, match="have errors"):
        import_job_confirm(job=job, by=accountant)
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED
    assert ExchangeRate.all_companies.count() == 0


def test_row_errors_are_capped_but_counted(rate_import, company, accountant, monkeypatch):
    monkeypatch.setattr(ImportJob, "ROW_ERRORS_KEPT", 3)
    rows = [["XXX", "2026-01-01", "1", ""] for _ in range(7)]
    job = preview(rate_import, company, accountant, csv_bytes(rows))
    assert job.error_count == 7
    assert [error["row"] for error in job.row_errors] == [2, 3, 4]


def test_a_file_with_a_header_only_is_refused(rate_import, company, accountant):
    with pytest.raises(UploadRejected, match="no rows"):
        preview(rate_import, company, accountant, csv_bytes([]))
    assert not ImportJob.objects.exists()


def test_an_oversize_file_is_refused_before_it_is_read(
    rate_import, company, accountant, settings, monkeypatch
):
    settings.CONCORD_MAX_UPLOAD_BYTES = 50

    def must_not_parse(*args, **kwargs):
        raise AssertionError("parsed a file that is too big")

    monkeypatch.setattr("concord.core.dataio.services.open_table", must_not_parse)
    with pytest.raises(UploadRejected, match="files up to 50"):
        preview(rate_import, company, accountant, csv_bytes(rate_rows(3)))


def test_the_importers_permission_is_needed_in_the_company(rate_import, company, make_company, make_user):
    seller = make_user(company=company, roles=(Role.SALES,))  # currencies.view only
    with pytest.raises(PermissionDeniedError):
        preview(rate_import, company, seller, csv_bytes(rate_rows(1)))
    other = make_company()
    accountant_elsewhere = make_user(company=other, roles=(Role.ACCOUNTANT,))
    with pytest.raises(PermissionDeniedError):
        preview(rate_import, company, accountant_elsewhere, csv_bytes(rate_rows(1)))
    assert not ImportJob.objects.exists()


def test_cancelling_a_preview_and_confirming_twice_are_refused(
    rate_import, company, accountant, django_capture_on_commit_callbacks
):
    job = preview(rate_import, company, accountant, csv_bytes(rate_rows(2)))
    import_job_cancel(job=job, by=accountant)
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED
    assert not job.file
    with pytest.raises(ImportStateError):
        import_job_confirm(job=job, by=accountant)
    with pytest.raises(ImportStateError):
        import_job_cancel(job=job, by=accountant)

    done = run(
        preview(rate_import, company, accountant, csv_bytes(rate_rows(2))),
        accountant,
        django_capture_on_commit_callbacks,
    )
    assert done.status == ImportStatus.DONE
    with pytest.raises(ImportStateError):
        import_job_confirm(job=done, by=accountant)
    assert import_job_execute(job_id=done.pk) is None  # a second delivery of the task does nothing
    assert ExchangeRate.all_companies.count() == 2


def test_cancelling_a_running_job_stops_it_after_the_batch_and_removes_its_rows(
    rate_import, company, accountant, django_capture_on_commit_callbacks
):
    job = preview(rate_import, company, accountant, csv_bytes(rate_rows(12)))

    def cancel_during_batch_2(batch_number):
        if batch_number == 2:
            import_job_cancel(job=ImportJob.all_companies.get(pk=job.pk), by=accountant)

    rate_import.before_batch = cancel_during_batch_2
    job = run(job, accountant, django_capture_on_commit_callbacks)

    assert job.status == ImportStatus.CANCELLED
    assert rate_import.batches_written == 2  # batch 3 never started
    assert "The 8 records written before were removed again" in job.error_message
    assert ExchangeRate.all_companies.count() == 0
    assert job.finished_at is not None


def test_an_unexpected_error_still_removes_what_was_written(
    rate_import, company, accountant, django_capture_on_commit_callbacks, caplog
):
    job = preview(rate_import, company, accountant, csv_bytes(rate_rows(9)))

    def crash(batch_number):
        if batch_number == 2:
            raise RuntimeError("disk on fire")

    rate_import.before_batch = crash
    job = run(job, accountant, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.FAILED
    assert "failed unexpectedly" in job.error_message
    assert ExchangeRate.all_companies.count() == 0
    assert "disk on fire" in caplog.text


def test_thai_headers_and_text_survive_a_semicolon_csv_with_bom(rate_import, company, accountant):
    data = csv_bytes(
        [["USD", "2026-02-01", "36,5".replace(",", "."), "ร้านน้ำมันมะพร้าว"]],
        header=["Currency", "Date", "อัตรา", "หมายเหตุ"],
        delimiter=";",
        bom=True,
    )
    job = preview(rate_import, company, accountant, data)
    assert job.error_count == 0
    assert job.column_headers == {
        "currency": "Currency",
        "rate_date": "Date",
        "rate": "อัตรา",
        "note": "หมายเหตุ",
    }
    assert job.preview_rows == [
        {
            "row": 2,
            "values": {"currency": "USD", "rate_date": "2026-02-01", "rate": "36.5", "note": "ร้านน้ำมันมะพร้าว"},
        }
    ]


def test_the_job_file_is_read_back_from_storage(rate_import, company, accountant):
    data = csv_bytes(rate_rows(3))
    job = preview(rate_import, company, accountant, data)
    with job.file.open("rb") as stored:
        assert stored.read() == data
    assert job.original_name == "rates.csv"
    assert str(job.file.name).startswith(f"imports/{company.pk}/")
    assert "rates" not in str(job.file.name)  # the user's file name is not the stored name
    assert io.BytesIO(data).read()  # sanity: the fixture produced bytes


def test_a_job_whose_worker_died_is_rolled_back_by_the_next_worker(
    rate_import, company, accountant, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from concord.core.dataio.services import import_jobs_recover

    job = preview(rate_import, company, accountant, csv_bytes(rate_rows(10)))
    written = [
        exchange_rate_set(company=company, currency="USD", rate_date=dt.date(2026, 1, day), rate="1", by=None)
        for day in (1, 2, 3, 4)
    ]
    ImportJobRecord.objects.bulk_create([ImportJobRecord(job=job, object_id=rate.pk) for rate in written])
    ImportJob.all_companies.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, processed_rows=4, heartbeat_at=timezone.now() - timedelta(minutes=11)
    )
    other = preview(rate_import, company, accountant, csv_bytes(rate_rows(2, currency="EUR")))
    ImportJob.all_companies.filter(pk=other.pk).update(
        status=ImportStatus.RUNNING, heartbeat_at=timezone.now() - timedelta(minutes=1)
    )

    assert import_jobs_recover() == [job.pk]  # the job still beating is left alone

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "its worker was stopped" in job.error_message
    assert "The 4 records written before were removed again" in job.error_message
    assert ExchangeRate.all_companies.count() == 0
    other.refresh_from_db()
    assert other.status == ImportStatus.RUNNING
    assert import_jobs_recover() == []
