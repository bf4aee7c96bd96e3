import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from concord.core.dataio.models import ImportJob, ImportStatus
from concord.core.dataio.services import import_job_preview
from concord.core.dataio.tests.support import PNG_BYTES, csv_bytes, rate_rows, xlsx_bytes
from concord.core.identity.roles import Role
from concord.core.money.models import ExchangeRate
from concord.core.web.testing import unlabelled_fields

UPLOAD = reverse("dataio:upload", args=["test.rates"])


def post_file(client, data: bytes, name: str = "rates.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


def job_url(name: str, job: ImportJob) -> str:
    return reverse(f"dataio:{name}", args=[job.pk])


def test_csv_upload_preview_confirm_and_progress(
    rate_import, signed_in, company, django_capture_on_commit_callbacks
):
    form = signed_in.get(UPLOAD)
    assert form.status_code == 200
    html = form.content.decode()
    assert unlabelled_fields(html) == []
    assert 'enctype="multipart/form-data"' in html
    assert "<code>rate_date</code>" in html  # the columns are explained

    response = post_file(signed_in, csv_bytes(rate_rows(6), delimiter=";", bom=True))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job_url("job", job)

    preview = signed_in.get(job_url("job", job)).content.decode()
    assert "All 6 rows are valid." in preview
    assert "แถว 6" in preview  # the first rows are shown, Thai text intact
    assert f'action="{job_url("job_confirm", job)}"' in preview
    assert ExchangeRate.all_companies.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = signed_in.post(job_url("job_confirm", job))
    assert confirmed.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert ExchangeRate.all_companies.filter(company=company).count() == 6

    page = signed_in.get(job_url("job", job)).content.decode()
    assert "Done: 6 rows imported." in page
    partial = signed_in.get(job_url("job_progress", job)).content.decode()
    assert 'aria-valuenow="100"' in partial
    assert "hx-trigger" not in partial  # finished: polling stops
    assert "<html" not in partial


def test_the_progress_partial_polls_while_the_job_runs_and_reports_counts(
    rate_import, signed_in, company, accountant
):
    job = import_job_preview(
        spec_key=rate_import.key,
        company=company,
        by=accountant,
        upload=SimpleUploadedFile("r.csv", csv_bytes(rate_rows(8))),
    )
    ImportJob.all_companies.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, checked_rows=8, processed_rows=2
    )
    partial = signed_in.get(job_url("job_progress", job)).content.decode()
    assert f'hx-get="{job_url("job_progress", job)}"' in partial
    assert 'hx-trigger="every 1s"' in partial
    assert 'aria-valuenow="25"' in partial
    assert "Imported 2 of 8 rows." in partial
    assert "Cancel the import" in partial

    ImportJob.all_companies.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, checked_rows=3, processed_rows=0
    )
    assert "Checking rows: 3 of 8." in signed_in.get(job_url("job_progress", job)).content.decode()

    ImportJob.all_companies.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, error_message="Row 4, column rate: bad. Nothing was imported."
    )
    failed = signed_in.get(job_url("job_progress", job)).content.decode()
    assert "hx-trigger" not in failed
    assert "Row 4, column rate: bad. Nothing was imported." in failed


def test_preview_names_row_and_column_of_each_error_and_offers_no_confirm(rate_import, signed_in):
    rows = rate_rows(8)
    rows[5][2] = "-3"  # row 7
    rows[6][1] = "24/11/2026"  # row 8
    post_file(signed_in, xlsx_bytes(rows), "rates.xlsx")
    job = ImportJob.objects.get()
    html = signed_in.get(job_url("job", job)).content.decode()
    text = re.sub(r"\s+", " ", html)
    assert "2 rows have errors." in text
    assert "Row 7, column rate: Must be greater than zero" in text
    assert "Row 8, column rate_date: Not a date (YYYY-MM-DD)" in text
    assert '<td class="table-danger" data-error>-3</td>' in html  # the bad cell is marked in the preview
    assert f'action="{job_url("job_confirm", job)}"' not in html  # no Confirm button

    refused = signed_in.post(job_url("job_confirm", job), follow=True)
    assert "have errors" in refused.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED
    assert ExchangeRate.all_companies.count() == 0


def test_unknown_columns_are_shown_as_ignored(rate_import, signed_in):
    header = ["currency", "rate_date", "rate", "note", "Colour"]
    post_file(signed_in, csv_bytes([[*row, "red"] for row in rate_rows(1)], header=header))
    html = signed_in.get(job_url("job", ImportJob.objects.get())).content.decode()
    assert "will be ignored: Colour" in html


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (PNG_BYTES, "rates.xlsx", "This file is a PNG file, not an Excel .xlsx workbook."),
        (b"currency,rate\r\nUSD,1\r\n", "rates.xlsx", "not an Excel .xlsx workbook"),
        (
            csv_bytes(rate_rows(1), header=["currency", "rate"]),
            "rates.csv",
            "The file has no column for: rate_date (Date)",
        ),
        (b"", "rates.csv", "The submitted file is empty."),
    ],
)
def test_a_bad_file_is_refused_on_the_form_and_nothing_is_kept(rate_import, signed_in, data, name, message):
    response = post_file(signed_in, data, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_oversize_upload_is_refused_before_its_body_is_read(rate_import, signed_in, settings):
    settings.CONCORD_MAX_UPLOAD_BYTES = 1000
    big = csv_bytes(rate_rows(3000))
    assert len(big) > 1000 + 64 * 1024
    response = post_file(signed_in, big)
    assert response.status_code == 413
    assert "files up to 1000" in response.content.decode()
    assert not ImportJob.objects.exists()

    slightly_too_big = csv_bytes(rate_rows(60))  # within the multipart allowance: the service refuses it
    assert 1000 < len(slightly_too_big) < 64 * 1024
    response = post_file(signed_in, slightly_too_big)
    assert response.status_code == 400
    assert "files up to 1000" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_upload_checks_csrf(rate_import, accountant, settings):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(accountant)
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("r.csv", csv_bytes(rate_rows(1)))})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_without_the_importers_permission_every_step_is_forbidden(
    rate_import, client, company, make_user, accountant
):
    job = import_job_preview(
        spec_key=rate_import.key,
        company=company,
        by=accountant,
        upload=SimpleUploadedFile("r.csv", csv_bytes(rate_rows(2))),
    )
    seller = make_user(company=company, roles=(Role.SALES,))  # may view rates, not add them
    client.force_login(seller)
    assert client.get(UPLOAD).status_code == 403
    assert post_file(client, csv_bytes(rate_rows(1))).status_code == 403
    assert client.get(reverse("dataio:template", args=["test.rates"])).status_code == 403
    for name in ("job", "job_progress"):
        assert client.get(job_url(name, job)).status_code == 403
    for name in ("job_confirm", "job_cancel"):
        assert client.post(job_url(name, job)).status_code == 403
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED
    assert ImportJob.objects.count() == 1

    index = client.get(reverse("dataio:index"))  # sales may see the screen (imports.view), not this importer
    assert index.status_code == 200
    assert "Exchange rates (test)" not in index.content.decode()


@pytest.mark.usefixtures("rate_import")
def test_another_companys_job_is_not_found(client, make_company, make_user, accountant, company):
    job = import_job_preview(
        spec_key="test.rates",
        company=company,
        by=accountant,
        upload=SimpleUploadedFile("r.csv", csv_bytes(rate_rows(2))),
    )
    other = make_company()
    outsider = make_user(company=other, roles=(Role.ACCOUNTANT,))
    client.force_login(outsider)
    for name in ("job", "job_progress"):
        assert client.get(job_url(name, job)).status_code == 404
    for name in ("job_confirm", "job_cancel"):
        assert client.post(job_url(name, job)).status_code == 404
    index = client.get(reverse("dataio:index")).content.decode()
    assert "r.csv" not in index


def test_an_unknown_importer_is_not_found(signed_in):
    assert signed_in.get(reverse("dataio:upload", args=["nope.nothing"])).status_code == 404


def test_index_lists_usable_importers_and_recent_jobs_and_the_nav_links_it(
    rate_import, signed_in, company, accountant
):
    import_job_preview(
        spec_key=rate_import.key,
        company=company,
        by=accountant,
        upload=SimpleUploadedFile("พิกัด.csv", csv_bytes(rate_rows(2))),
    )
    session = signed_in.session
    session["office"] = "back"
    session.save()
    response = signed_in.get(reverse("dataio:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{UPLOAD}"' in html
    assert "พิกัด.csv" in html
    assert f'href="{reverse("dataio:index")}"' in html  # the navigation's Imports link (back office)


def test_portal_customer_sees_no_imports(rate_import, client, company, make_user):
    client.force_login(make_user(company=company, roles=(Role.PORTAL,)))
    assert client.get(reverse("dataio:index")).status_code == 403


def test_template_lists_the_column_names_with_a_bom(rate_import, signed_in):
    response = signed_in.get(reverse("dataio:template", args=["test.rates"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8") == "\ufeffcurrency,rate_date,rate,note\r\n"


def test_cancel_from_the_preview(rate_import, signed_in):
    post_file(signed_in, csv_bytes(rate_rows(2)))
    job = ImportJob.objects.get()
    response = signed_in.post(job_url("job_cancel", job))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED
    page = signed_in.get(job_url("job", job)).content.decode()
    assert "The import was cancelled. Nothing was imported." in page
