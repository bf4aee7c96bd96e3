"""Writing import jobs: preview an upload, confirm it, cancel it, and run it (the background task's body).

The promise is all or nothing without one long transaction. ``import_job_execute`` first re-checks
every row (nothing written), then writes in batches of ``spec.batch_size`` rows, each batch in its own
short transaction that also records the ids it created (``ImportJobRecord``) and the progress. If a
batch fails (a duplicate created meanwhile, a service refusing a row) or the user cancels, the records
of the earlier batches are removed again through ``spec.undo``, batch by batch, and the job ends
failed (or cancelled) with the reason. So a 50,000-row import never holds a lock for minutes, and it
still leaves either every row or none.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import PurePath
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.services import audit_changes
from concord.core.dataio.errors import ImportStateError, UploadRejected
from concord.core.dataio.models import ImportJob, ImportJobRecord, ImportStatus
from concord.core.dataio.parsing import BinaryFile, check_upload_size, open_table
from concord.core.dataio.specs import ImportSpec, RowError, importer_get
from concord.core.errors import DomainError, NotFound, PermissionDeniedError, ValidationFailed
from concord.core.identity.models import Company
from concord.core.identity.scope import company_scope

__all__ = [
    "STALE_AFTER",
    "import_job_cancel",
    "import_job_confirm",
    "import_job_execute",
    "import_job_preview",
    "import_jobs_recover",
    "spec_for_key",
]

logger = logging.getLogger(__name__)

# A batch takes seconds; a running job silent for this long has lost its worker.
STALE_AFTER = timedelta(minutes=10)


def spec_for_key(key: str) -> ImportSpec:
    """The registered importer ``key``; ``NotFound`` when there is none."""
    try:
        return importer_get(key)
    except KeyError:
        raise NotFound(_("There is no importer called %(key)s.") % {"key": key}) from None


def _require_permission(spec: ImportSpec, company: Company, by: Any) -> None:
    if not (by is not None and by.is_authenticated and by.has_perm(spec.permission, company)):
        raise PermissionDeniedError(_("You may not import %(what)s in this company.") % {"what": spec.label})


# --------------------------------------------------------------------------- checking rows
def _row_errors(number: int, exc: Exception) -> list[dict[str, Any]]:
    """The error entries for one invalid row: one per column the exception names."""
    if isinstance(exc, RowError):
        return [{"row": number, "column": exc.column, "message": str(exc.message)}]
    if isinstance(exc, ValidationFailed) and exc.errors:
        return [
            {"row": number, "column": None if column == "__all__" else column, "message": message}
            for column, messages in exc.errors.items()
            for message in messages
        ]
    column = exc.field if isinstance(exc, DomainError) else None
    return [{"row": number, "column": column, "message": str(exc)}]


def _validated(
    spec: ImportSpec, row: dict[str, str], *, company: Company, seen: dict[str, Any]
) -> dict[str, Any]:
    """``spec.validate_row`` with every column present (``""`` for those the file lacks)."""
    full_row = dict.fromkeys(spec.column_names(), "") | row
    return spec.validate_row(full_row, company=company, seen=seen)


@dataclass
class CheckResult:
    """What checking every row of a file found."""

    total_rows: int = 0
    error_count: int = 0  # rows with at least one error
    row_errors: list[dict[str, Any]] = field(default_factory=list)  # capped at ImportJob.ROW_ERRORS_KEPT
    preview_rows: list[dict[str, Any]] = field(default_factory=list)


def _check_rows(
    spec: ImportSpec,
    rows: Any,
    *,
    company: Company,
    on_progress: Callable[[int], None] | None = None,
) -> CheckResult:
    """Validate every row (no writes), keeping the first rows for the preview and the errors."""
    result = CheckResult()
    seen: dict[str, Any] = {}
    for number, row in rows:
        result.total_rows += 1
        if len(result.preview_rows) < ImportJob.PREVIEW_ROWS_KEPT:
            result.preview_rows.append({"row": number, "values": row})
        try:
            _validated(spec, row, company=company, seen=seen)
        except (RowError, DomainError) as exc:
            result.error_count += 1
            room = ImportJob.ROW_ERRORS_KEPT - len(result.row_errors)
            if room > 0:
                result.row_errors.extend(_row_errors(number, exc)[:room])
        if on_progress is not None and result.total_rows % spec.batch_size == 0:
            on_progress(result.total_rows)
    if on_progress is not None:
        on_progress(result.total_rows)
    return result


# --------------------------------------------------------------------------- preview, confirm, cancel
def import_job_preview(*, spec_key: str, company: Company, by: Any, upload: BinaryFile) -> ImportJob:
    """Check an uploaded file row by row and keep it as a job waiting for confirmation. Writes no rows.

    Raises ``UploadRejected`` when the file as a whole cannot be imported (type, size, columns); rows
    with errors are recorded on the job (``error_count``, ``row_errors``) and block confirmation.
    """
    spec = spec_for_key(spec_key)
    _require_permission(spec, company, by)
    check_upload_size(getattr(upload, "size", None))
    filename = PurePath(str(getattr(upload, "name", "") or "")).name
    with company_scope([company.pk]), open_table(upload, filename=filename, spec=spec) as table:
        result = _check_rows(spec, table.rows(), company=company)
        file_format, header = table.file_format, table.header
    if result.total_rows == 0:
        raise UploadRejected(_("The file names its columns but has no rows to import."))

    job = ImportJob(
        company=company,
        spec_key=spec.key,
        created_by=by,
        original_name=filename[:255],
        file_format=file_format,
        total_rows=result.total_rows,
        error_count=result.error_count,
        row_errors=result.row_errors,
        preview_rows=result.preview_rows,
        column_headers=header.headers,
        ignored_columns=header.unknown,
    )
    upload.seek(0)
    job.file.save(filename, upload, save=False)  # to the storage backend first: a row never points nowhere
    try:
        with transaction.atomic():
            job.save()
    except BaseException:
        job.file.delete(save=False)
        raise
    return job


def _enqueue(job_id: int) -> None:
    from concord.core.dataio.tasks import import_job_run

    try:
        import_job_run.enqueue(job_id)
    except Exception:  # the request already committed; the job must not sit queued forever
        logger.exception("import job %s: could not be queued", job_id)
        ImportJob.all_companies.filter(pk=job_id, status=ImportStatus.QUEUED).update(
            status=ImportStatus.FAILED,
            error_message=_("The import could not be queued. Nothing was imported; try again later."),
            finished_at=timezone.now(),
        )


def import_job_confirm(*, job: ImportJob, by: Any) -> ImportJob:
    """Queue a checked job to run in the background (after this transaction commits)."""
    spec = spec_for_key(job.spec_key)
    _require_permission(spec, job.company, by)
    with transaction.atomic():
        locked: ImportJob = ImportJob.all_companies.select_for_update().get(pk=job.pk)
        if locked.status != ImportStatus.PREVIEWED:
            raise ImportStateError(_("This import has already been started or cancelled."))
        if locked.error_count:
            raise ImportStateError(
                _(
                    "Rows of this file have errors: correct the file and upload it again. Nothing was imported."
                )
            )
        with audit_changes(locked, by=by, fields=["status"]):
            locked.status = ImportStatus.QUEUED
            locked.save(update_fields=["status"])
        transaction.on_commit(partial(_enqueue, locked.pk))
    return locked


def import_job_cancel(*, job: ImportJob, by: Any) -> ImportJob:
    """Cancel a job. A running job stops after its current batch and removes what it wrote."""
    spec = spec_for_key(job.spec_key)
    _require_permission(spec, job.company, by)
    with transaction.atomic():
        locked: ImportJob = ImportJob.all_companies.select_for_update().get(pk=job.pk)
        if not locked.can_cancel:
            raise ImportStateError(_("This import has already finished."))
        was_running = locked.status == ImportStatus.RUNNING
        with audit_changes(locked, by=by, fields=["status"]):
            locked.status = ImportStatus.CANCELLED
            update = ["status"]
            if not was_running:  # a running job sets it once it has removed its rows
                locked.finished_at = timezone.now()
                update.append("finished_at")
            locked.save(update_fields=update)
    if not was_running:
        _discard_file(locked)
    return locked


def _discard_file(job: ImportJob) -> None:
    """Delete the uploaded file once the job is over: it holds personal data nobody needs any more."""
    if not job.file:
        return
    try:
        job.file.delete(save=False)
    except OSError:
        logger.warning("import job %s: could not delete %s", job.pk, job.file.name, exc_info=True)
        return
    ImportJob.all_companies.filter(pk=job.pk).update(file="")


# --------------------------------------------------------------------------- the run
class _JobStopped(Exception):  # noqa: N818 - internal control flow, never leaves this module
    """Ends a run early: ``status`` and ``message`` say how (failed with a reason, or cancelled)."""

    def __init__(self, status: str, message: str, row_errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.row_errors = row_errors


def _current_status(job_id: int) -> str | None:
    status: str | None = ImportJob.all_companies.filter(pk=job_id).values_list("status", flat=True).first()
    return status


def _write_batch(
    job: ImportJob, spec: ImportSpec, batch: list[dict[str, Any]], rows: tuple[int, int], by: Any
) -> None:
    """Write one batch in its own transaction, with the ids it created and the progress."""
    status = _current_status(job.pk)
    if status == ImportStatus.CANCELLED:
        raise _JobStopped(ImportStatus.CANCELLED, _("The import was cancelled."))
    if status != ImportStatus.RUNNING:  # taken over by import_jobs_recover: stop writing
        raise _JobStopped(str(status), _("The import stopped unexpectedly (its worker was stopped)."))
    try:
        with transaction.atomic():
            ids = spec.write_batch(batch, company=job.company, by=by, job_id=job.pk)
            ImportJobRecord.objects.bulk_create(
                [ImportJobRecord(job_id=job.pk, object_id=object_id) for object_id in ids], batch_size=500
            )
            ImportJob.all_companies.filter(pk=job.pk).update(
                processed_rows=F("processed_rows") + len(batch), heartbeat_at=timezone.now()
            )
    except (RowError, DomainError) as exc:
        first, last = rows
        raise _JobStopped(
            ImportStatus.FAILED,
            _("Rows %(first)s to %(last)s could not be imported: %(error)s")
            % {"first": first, "last": last, "error": exc},
        ) from exc


def _stored_file(job: ImportJob) -> BinaryFile:
    """The job's upload, opened from the storage backend (the worker may run on another machine)."""
    if not job.file.name:
        raise UploadRejected(_("The uploaded file is no longer stored: upload it again."))
    return job.file.storage.open(job.file.name, "rb")


def _write_rows(job: ImportJob, spec: ImportSpec, by: Any) -> None:
    seen: dict[str, Any] = {}
    batch: list[dict[str, Any]] = []
    first_row = 0
    with (
        _stored_file(job) as stream,
        open_table(stream, filename=job.original_name, spec=spec) as table,
    ):
        for number, row in table.rows():
            try:
                cleaned = _validated(spec, row, company=job.company, seen=seen)
            except (RowError, DomainError) as exc:
                error = _row_errors(number, exc)[0]
                raise _JobStopped(
                    ImportStatus.FAILED,
                    _("Row %(row)s, column %(column)s: %(error)s")
                    % {"row": number, "column": error["column"] or "-", "error": error["message"]},
                    row_errors=_row_errors(number, exc),
                ) from exc
            if not batch:
                first_row = number
            batch.append(cleaned)
            if len(batch) >= spec.batch_size:
                _write_batch(job, spec, batch, (first_row, number), by)
                batch = []
        if batch:
            _write_batch(job, spec, batch, (first_row, number), by)


def _undo(job: ImportJob, spec: ImportSpec, by: Any) -> tuple[int, str]:
    """Remove every record the job created, newest batch first; returns (removed, problem or "")."""
    removed = 0
    records = ImportJobRecord.objects.filter(job_id=job.pk).order_by("-id")
    while chunk := list(records.values_list("id", "object_id")[: spec.batch_size]):
        try:
            with transaction.atomic():
                spec.undo([object_id for _pk, object_id in chunk], company=job.company, by=by)
                ImportJobRecord.objects.filter(id__in=[pk for pk, _object_id in chunk]).delete()
        except Exception:  # report what is left rather than lose the job's outcome
            logger.exception("import job %s: removing its records failed", job.pk)
            left = records.count()
            return removed, _(
                "Removing the records already written failed: %(count)s of them are still there."
            ) % {"count": left}
        removed += len(chunk)
    return removed, ""


def _finish(job: ImportJob, *, status: str, message: str, row_errors: list[dict[str, Any]] | None) -> None:
    fields: dict[str, Any] = {"status": status, "error_message": message, "finished_at": timezone.now()}
    if row_errors is not None:
        fields["row_errors"] = row_errors[: ImportJob.ROW_ERRORS_KEPT]
        fields["error_count"] = len({entry["row"] for entry in row_errors})
    ImportJob.all_companies.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    _discard_file(job)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?。" else f"{text}."


def _stop(job: ImportJob, spec: ImportSpec, by: Any, stopped: _JobStopped) -> None:
    removed, problem = _undo(job, spec, by)
    parts = [_sentence(stopped.message)]
    if removed:
        parts.append(
            _("The %(count)s records written before were removed again: nothing was imported.")
            % {"count": removed}
        )
    elif not problem:
        parts.append(_("Nothing was imported."))
    if problem:
        parts.append(problem)
    _finish(job, status=stopped.status, message=" ".join(parts), row_errors=stopped.row_errors)


def import_job_execute(*, job_id: int) -> ImportJob | None:
    """Run a queued job: re-check every row, then write in batches, all or nothing.

    Returns the finished job, or None when the job was not queued (already run, or cancelled).
    """
    claimed = ImportJob.all_companies.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        checked_rows=0,
        processed_rows=0,
    )
    if not claimed:
        logger.info("import job %s: not queued any more, nothing to run", job_id)
        return None
    job: ImportJob = ImportJob.all_companies.select_related("company", "created_by").get(pk=job_id)
    with company_scope([job.company_id]):
        _run_claimed(job)
    job.refresh_from_db()
    return job


def _recheck_rows(job: ImportJob, spec: ImportSpec) -> None:
    """Check every row again before writing any: data may have changed since the preview."""

    def checked(count: int) -> None:
        ImportJob.all_companies.filter(pk=job.pk).update(checked_rows=count, heartbeat_at=timezone.now())

    with (
        _stored_file(job) as stream,
        open_table(stream, filename=job.original_name, spec=spec) as table,
    ):
        check = _check_rows(spec, table.rows(), company=job.company, on_progress=checked)
    if check.error_count:
        raise _JobStopped(
            ImportStatus.FAILED,
            _("%(count)s rows are no longer valid (the data changed since the preview).")
            % {"count": check.error_count},
            row_errors=check.row_errors,
        )


def _complete(job: ImportJob) -> None:
    done = ImportJob.all_companies.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
        status=ImportStatus.DONE, finished_at=timezone.now()
    )
    if not done:  # cancelled after the last batch: the cancellation still wins
        raise _JobStopped(ImportStatus.CANCELLED, _("The import was cancelled."))


def _run_claimed(job: ImportJob) -> None:
    by = job.created_by
    try:
        spec = importer_get(job.spec_key)
    except KeyError:
        message = _("The importer %(key)s no longer exists. Nothing was imported.") % {"key": job.spec_key}
        _finish(job, status=ImportStatus.FAILED, message=message, row_errors=None)
        return
    try:
        _recheck_rows(job, spec)
        _write_rows(job, spec, by)
        _complete(job)
    except _JobStopped as stopped:
        _stop(job, spec, by, stopped)
    except UploadRejected as exc:  # the stored file can no longer be read
        _stop(job, spec, by, _JobStopped(ImportStatus.FAILED, str(exc.message)))
    except Exception:  # all or nothing holds whatever went wrong; the traceback goes to the log
        logger.exception("import job %s failed", job.pk)
        _stop(job, spec, by, _JobStopped(ImportStatus.FAILED, _("The import failed unexpectedly.")))
    else:
        job.refresh_from_db()
        _discard_file(job)


def import_jobs_recover(*, stale_after: timedelta = STALE_AFTER) -> list[int]:
    """Roll back the jobs whose worker died mid-run (killed, crashed): all or nothing still holds.

    A running job touches ``heartbeat_at`` after every batch; one silent for ``stale_after`` is taken
    over here (the conditional update makes sure only one recoverer does), its records are removed and
    it ends failed. Workers call this when they start. Returns the ids of the recovered jobs.
    """
    limit = timezone.now() - stale_after
    recovered = []
    stale = ImportJob.all_companies.filter(status=ImportStatus.RUNNING, heartbeat_at__lt=limit)
    for job_id, heartbeat in stale.values_list("pk", "heartbeat_at"):
        taken = ImportJob.all_companies.filter(
            pk=job_id, status=ImportStatus.RUNNING, heartbeat_at=heartbeat
        ).update(heartbeat_at=timezone.now())
        if not taken:
            continue  # it woke up, or another worker took it
        job: ImportJob = ImportJob.all_companies.select_related("company", "created_by").get(pk=job_id)
        logger.warning("import job %s: its worker stopped mid-run; removing what it wrote", job_id)
        message = _("The import stopped unexpectedly (its worker was stopped).")
        with company_scope([job.company_id]):
            try:
                spec = importer_get(job.spec_key)
            except KeyError:
                _finish(job, status=ImportStatus.FAILED, message=message, row_errors=None)
            else:
                _stop(job, spec, job.created_by, _JobStopped(ImportStatus.FAILED, message))
        recovered.append(job_id)
    return recovered
