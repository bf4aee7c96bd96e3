from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned

__all__ = ["FileFormat", "ImportJob", "ImportJobRecord", "ImportStatus"]


class ImportStatus(models.TextChoices):
    """Where an import job stands."""

    PREVIEWED = "previewed", _("Checked, waiting for confirmation")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = frozenset({ImportStatus.QUEUED, ImportStatus.RUNNING})
FINISHED_STATUSES = frozenset({ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED})


class FileFormat(models.TextChoices):
    """The kind of file that was uploaded."""

    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel workbook (.xlsx)")


def import_upload_path(instance: ImportJob, filename: str) -> str:
    """A random name under imports/<company>/: the user's file name is kept in ``original_name`` only."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"imports/{instance.company_id}/{uuid.uuid4().hex}{suffix}"


class ImportJob(CompanyOwned):
    """One uploaded CSV or XLSX file for one importer: its checked preview, then its all-or-nothing run."""

    spec_key = models.CharField(_("importer"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(_("file"), upload_to=import_upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=4, choices=FileFormat.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    checked_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows imported"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    # [{"row": 7, "column": "tax_id", "message": "..."}], the first ROW_ERRORS_KEPT of error_count
    row_errors: models.JSONField[Any] = models.JSONField(_("row errors"), default=list, blank=True)
    # the first rows as read, for the preview: [{"row": 2, "values": {"name": "..."}}]
    preview_rows: models.JSONField[Any] = models.JSONField(_("preview"), default=list, blank=True)
    column_headers: models.JSONField[Any] = models.JSONField(_("columns"), default=dict, blank=True)
    ignored_columns: models.JSONField[Any] = models.JSONField(_("ignored columns"), default=list, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Touched by the running job after every batch: a running job whose heartbeat stopped lost its
    # worker (killed, crashed) and is rolled back by ``import_jobs_recover``.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    ROW_ERRORS_KEPT = 1000
    PREVIEW_ROWS_KEPT = 20

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["company", "-created_at"], name="importjob_company_recent"),
            models.Index(fields=["status", "heartbeat_at"], name="importjob_status_heartbeat"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(processed_rows__lte=models.F("total_rows")),
                name="importjob_processed_within_total",
                violation_error_message=_("An import cannot write more rows than its file has."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ImportStatus.values),
                name="importjob_status_known",
                violation_error_message=_("Unknown import status."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.spec_key}: {self.original_name} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def can_confirm(self) -> bool:
        return self.status == ImportStatus.PREVIEWED and self.error_count == 0 and self.total_rows > 0

    @property
    def can_cancel(self) -> bool:
        return self.status in {ImportStatus.PREVIEWED, ImportStatus.QUEUED, ImportStatus.RUNNING}

    @property
    def percent_done(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ImportJobRecord(models.Model):
    """A record an import job created: kept so a failed or cancelled job can remove exactly those."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="records")
    object_id = models.BigIntegerField(_("record id"))

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        constraints = [
            models.UniqueConstraint(
                fields=["job", "object_id"],
                name="importjobrecord_once_per_job",
                violation_error_message=_("This record is already listed for the job."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.job_id}: {self.object_id}"
