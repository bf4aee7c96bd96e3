"""The outbox page: list events by status and type, inspect one, replay it."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from concord.core.outbox import queries
from concord.core.outbox.errors import ReplayRefusedError
from concord.core.outbox.events import OutboxJSONEncoder
from concord.core.outbox.forms import OutboxFilterForm
from concord.core.outbox.models import OutboxEvent
from concord.core.outbox.services import outbox_event_replay
from concord.core.web.pagination import paginate

PAGE_SIZE = 50


def _event_or_404(request: HttpRequest, event_id: int) -> OutboxEvent:
    try:
        return queries.outbox_event_get(event_id, company_ids=queries.outbox_company_ids_for(request.user))
    except OutboxEvent.DoesNotExist:
        raise Http404(_("No such event.")) from None


@require_GET
@login_required
@permission_required("outbox.view", raise_exception=True)
def event_list(request: HttpRequest) -> HttpResponse:
    company_ids = queries.outbox_company_ids_for(request.user)
    form = OutboxFilterForm(
        request.GET or None, event_types=queries.outbox_event_types(company_ids=company_ids)
    )
    status = event_type = None
    if form.is_valid():
        status = form.cleaned_data["status"] or None
        event_type = form.cleaned_data["event_type"] or None
    events = queries.outbox_events(status=status, event_type=event_type, company_ids=company_ids)
    page = paginate(request, events, per_page=PAGE_SIZE)
    return render(
        request,
        "outbox/list.html",
        {
            "form": form,
            "page": page,
            "counts": queries.outbox_status_counts(company_ids=company_ids),
        },
    )


@require_GET
@login_required
@permission_required("outbox.view", raise_exception=True)
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event_or_404(request, event_id)
    return render(
        request,
        "outbox/detail.html",
        {
            "event": event,
            "payload_json": json.dumps(event.payload, indent=2, ensure_ascii=False, cls=OutboxJSONEncoder),
            "deliveries": queries.outbox_event_deliveries(event=event),
            "can_replay": request.user.has_perm("outbox.replay", event),
        },
    )


@require_POST
@login_required
@permission_required("outbox.replay", raise_exception=True)
def event_replay(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event_or_404(request, event_id)
    if not request.user.has_perm("outbox.replay", event):
        raise PermissionDenied
    try:
        outbox_event_replay(event=event, by=request.user)
    except ReplayRefusedError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The event was queued for delivery again."))
    return redirect("outbox:detail", event_id=event.pk)
