"""The audit trail screens: the filterable list and one object's history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from concord.core.audit.forms import AuditFilterForm
from concord.core.audit.queries import AUDIT_VIEW, audit_entries_visible_to, audit_model_choices
from concord.core.web.pagination import paginate

PAGE_SIZE = 50


def _require_audit_view(request: HttpRequest) -> None:
    if not request.user.has_perm(AUDIT_VIEW):
        raise PermissionDenied


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    _require_audit_view(request)
    form = AuditFilterForm(request.GET or None, model_choices=audit_model_choices(request.user))
    entries = audit_entries_visible_to(request.user)
    if form.is_bound:
        entries = (
            audit_entries_visible_to(request.user, **form.selector_filters())
            if form.is_valid()
            else entries.none()
        )
    page = paginate(request, entries, per_page=PAGE_SIZE)
    context = {"form": form, "page": page}
    htmx = getattr(request, "htmx", False)
    template = "audit/partials/entries.html" if htmx else "audit/list.html"
    return render(request, template, context)


@login_required
def audit_object_history(request: HttpRequest, app_label: str, model: str, pk: str) -> HttpResponse:
    _require_audit_view(request)
    content_type = ContentType.objects.filter(app_label=app_label, model=model.lower()).first()
    if content_type is None:
        raise Http404
    entries = audit_entries_visible_to(request.user, model=content_type, object_id=pk)
    latest = entries.first()
    if latest is None:  # nothing the user may read: do not reveal whether the object exists
        raise Http404
    page = paginate(request, entries, per_page=PAGE_SIZE)
    context = {
        "content_type": content_type,
        "object_id": pk,
        "object_repr": latest.object_repr,
        "page": page,
    }
    return render(request, "audit/object_history.html", context)
