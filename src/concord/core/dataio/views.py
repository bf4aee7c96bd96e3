"""Import screens: the importers, an importer's upload form, a job's preview and its live progress.

Every step needs the importer's own permission (``spec.permission``, e.g. ``parties.add``) in the
company concerned: the active company for an upload, the job's company afterwards. Jobs of companies
the user is not a member of are not found (404), as everywhere in Concord.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from concord.core.dataio.errors import ImportStateError, UploadRejected
from concord.core.dataio.forms import ImportUploadForm
from concord.core.dataio.models import ImportJob, ImportStatus
from concord.core.dataio.parsing import check_upload_size
from concord.core.dataio.queries import import_jobs_recent, importers_for
from concord.core.dataio.services import (
    import_job_cancel,
    import_job_confirm,
    import_job_preview,
    spec_for_key,
)
from concord.core.dataio.specs import ImportSpec
from concord.core.errors import NotFound
from concord.core.identity.models import Company
from concord.core.web.session import active_company

ERRORS_SHOWN = 200
# Multipart framing around the file (boundaries, other fields) on top of the file itself.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


def _company(request: HttpRequest) -> Company:
    company = active_company(request)
    if company is None:
        raise PermissionDenied
    return company


def _spec(key: str) -> ImportSpec:
    try:
        return spec_for_key(key)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _require(request: HttpRequest, spec: ImportSpec, company: Company) -> None:
    if not request.user.has_perm(spec.permission, company):
        raise PermissionDenied


def _job(request: HttpRequest, pk: int) -> tuple[ImportJob, ImportSpec]:
    """The job (404 outside the user's companies) and its importer, if the user may use it (else 403)."""
    job = get_object_or_404(ImportJob.objects.select_related("company", "created_by"), pk=pk)
    spec = _spec(job.spec_key)
    _require(request, spec, job.company)
    return job, spec


@login_required
@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    company = _company(request)
    specs = importers_for(user=request.user, company=company)
    if not specs and not request.user.has_perm("imports.view", company):
        raise PermissionDenied
    jobs = import_jobs_recent(company=company, spec_keys=[spec.key for spec in specs])
    labels = {spec.key: spec.label for spec in specs}
    return render(
        request,
        "dataio/index.html",
        {
            "company": company,
            "specs": specs,
            "jobs": [(job, labels.get(job.spec_key, job.spec_key)) for job in jobs],
        },
    )


def _upload_page(
    request: HttpRequest, spec: ImportSpec, company: Company, form: ImportUploadForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "dataio/upload.html",
        {
            "spec": spec,
            "company": company,
            "form": form,
            "max_size": filesizeformat(settings.CONCORD_MAX_UPLOAD_BYTES),
        },
        status=status,
    )


@csrf_protect
def _upload_post(request: HttpRequest, spec: ImportSpec, company: Company) -> HttpResponse:
    form = ImportUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            job = import_job_preview(
                spec_key=spec.key, company=company, by=request.user, upload=form.cleaned_data["file"]
            )
        except UploadRejected as exc:
            form.add_error("file", str(exc.message))
        else:
            return redirect("dataio:job", pk=job.pk)
    return _upload_page(request, spec, company, form, status=400)


# The body is read only after the size and the permission are checked: a 200 MB upload is refused
# before Django spools it to disk. CSRF is then checked by ``_upload_post`` (Django's documented way
# to act before the body is parsed), since the CSRF middleware would read the body first.
@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, key: str) -> HttpResponse:
    spec = _spec(key)
    company = _company(request)
    _require(request, spec, company)
    if request.method != "POST":
        return _upload_page(request, spec, company, ImportUploadForm())
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > int(settings.CONCORD_MAX_UPLOAD_BYTES) + UPLOAD_OVERHEAD_BYTES:
        form = ImportUploadForm(data={}, files=MultiValueDict())
        form.is_valid()
        form.errors["file"] = form.error_class([_too_big_message(length)])
        return _upload_page(request, spec, company, form, status=413)
    return _upload_post(request, spec, company)


def _too_big_message(size: int) -> str:
    """The service's own refusal, so the wording is the same whichever check caught the file."""
    try:
        check_upload_size(size)
    except UploadRejected as exc:
        return str(exc.message)
    return ""


@login_required
@require_http_methods(["GET"])
def template_csv(request: HttpRequest, key: str) -> HttpResponse:
    """An empty CSV with the importer's column names: a starting point that Excel opens in UTF-8."""
    spec = _spec(key)
    _require(request, spec, _company(request))
    buffer = io.StringIO()
    csv.writer(buffer).writerow(spec.column_names())
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{spec.key}-template.csv"'
    return response


def _preview_context(job: ImportJob, spec: ImportSpec) -> dict[str, Any]:
    """The first rows as a table, its cells flagged where the row has an error in that column."""
    columns = [column for column in spec.columns if column.name in job.column_headers]
    flagged = {(error["row"], error["column"]) for error in job.row_errors or []}
    rows = [
        (
            entry["row"],
            [
                (entry["values"].get(column.name, ""), (entry["row"], column.name) in flagged)
                for column in columns
            ],
        )
        for entry in job.preview_rows
    ]
    headers = []
    for column in columns:
        written = job.column_headers[column.name]
        as_written = "" if written in {column.name, str(column.label)} else written
        headers.append((column, as_written))
    return {
        "columns": headers,
        "preview_rows": rows,
        "missing_columns": [column for column in spec.columns if column.name not in job.column_headers],
    }


def _job_context(job: ImportJob, spec: ImportSpec) -> dict[str, Any]:
    errors = job.row_errors or []
    return {
        "job": job,
        "spec": spec,
        "errors_shown": errors[:ERRORS_SHOWN],
        "errors_kept": len(errors),
        "errors_hidden": max(0, len(errors) - ERRORS_SHOWN),
        "statuses": ImportStatus,
    }


@login_required
@require_http_methods(["GET"])
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job, spec = _job(request, pk)
    context = _job_context(job, spec)
    if job.status == ImportStatus.PREVIEWED:
        context |= _preview_context(job, spec)
    return render(request, "dataio/job.html", context)


@login_required
@require_http_methods(["GET"])
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial the job page polls every second while the job is queued or running."""
    job, spec = _job(request, pk)
    return render(request, "dataio/partials/progress.html", _job_context(job, spec))


@login_required
@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)[0]
    try:
        import_job_confirm(job=job, by=request.user)
    except ImportStateError as exc:
        messages.error(request, str(exc.message))
    return redirect("dataio:job", pk=job.pk)


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)[0]
    try:
        import_job_cancel(job=job, by=request.user)
    except ImportStateError as exc:
        messages.error(request, str(exc.message))
    return redirect("dataio:job", pk=job.pk)
