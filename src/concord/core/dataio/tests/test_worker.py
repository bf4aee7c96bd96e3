"""The real database task backend: a confirmed import waits in the queue until a worker runs it."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from concord.core.dataio import worker
from concord.core.dataio.models import ImportJob, ImportStatus
from concord.core.dataio.services import import_job_confirm, import_job_preview
from concord.core.dataio.tests.support import csv_bytes, rate_rows
from concord.core.money.models import ExchangeRate

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The worker loop commits and checks connections like a real process: it needs real transactions.
pytestmark = pytest.mark.django_db(transaction=True)


def confirmed_job(rate_import, company, accountant, rows: int) -> ImportJob:
    job = import_job_preview(
        spec_key=rate_import.key,
        company=company,
        by=accountant,
        upload=SimpleUploadedFile("rates.csv", csv_bytes(rate_rows(rows))),
    )
    return import_job_confirm(job=job, by=accountant)


def test_the_job_is_queued_in_the_database_and_run_by_the_worker_loop(
    rate_import, company, accountant, settings
):
    settings.TASKS = DATABASE_TASKS
    assert worker.uses_database_backend()
    job = confirmed_job(rate_import, company, accountant, rows=9)

    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED  # nothing runs until a worker takes it
    task = DBTaskResult.objects.get()
    assert task.task_path == "concord.core.dataio.tasks.import_job_run"
    assert ExchangeRate.all_companies.count() == 0

    worker.run_pending_tasks()

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.error_message
    assert ExchangeRate.all_companies.filter(company=company).count() == 9
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.return_value == "done"


def test_the_in_process_worker_thread_runs_queued_imports(rate_import, company, accountant, settings):
    settings.TASKS = DATABASE_TASKS
    job = confirmed_job(rate_import, company, accountant, rows=5)
    thread = worker.start_background_task_worker(interval=0.05)
    assert thread is not None
    assert thread.daemon
    assert worker.start_background_task_worker() is thread  # once per process
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.05)
    finally:
        worker.stop_background_task_worker()
    assert not thread.is_alive()
    assert job.status == ImportStatus.DONE, job.error_message
    assert ExchangeRate.all_companies.count() == 5


def test_no_thread_is_started_when_tasks_do_not_use_the_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert worker.start_background_task_worker() is None
