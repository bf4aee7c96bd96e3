"""Screens of activities: the chatter card's htmx actions, "My activities" and the bell's dropdown.

Views parse, check access through ``targets`` (another company's or an unregistered record is a 404,
a record the user may see but not change a 403), call one service and render. An htmx request gets the
swapped part back (the card, the list, the dropdown); a plain form post goes back to the page it came
from.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concord.core.activities import services
from concord.core.activities.chatter import chatter_context, dom_id
from concord.core.activities.forms import ActivityForm, KindFilterForm, NoteForm
from concord.core.activities.models import Activity, Note
from concord.core.activities.notifications import notifications
from concord.core.activities.queries import activities_open_grouped, target_urls
from concord.core.activities.targets import (
    activity_for_user,
    company_id_of,
    note_for_user,
    target_for_user,
    target_of,
)
from concord.core.errors import DomainError, NotFound, PermissionDeniedError
from concord.core.web.session import user_companies

CHATTER_TEMPLATE = "activities/partials/chatter.html"
MINE_LIST_TEMPLATE = "activities/partials/mine_list.html"


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.headers.get("referer") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("activities:mine")
    return target


def _target(request: HttpRequest, target: str, pk: int, *, change: bool = False) -> models.Model:
    try:
        return target_for_user(request.user, target, pk, change=change)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc


def _activity(request: HttpRequest, pk: int, action: str) -> Activity:
    try:
        return activity_for_user(request.user, pk, action=action)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc


def _note(request: HttpRequest, pk: int) -> Note:
    try:
        return note_for_user(request.user, pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _record_of(row: Activity | Note) -> models.Model:
    target = target_of(row)
    if target is None:
        raise Http404
    return target


def _card(request: HttpRequest, target: models.Model, **extra: Any) -> HttpResponse:
    """The chatter card (htmx) or, for a plain post, back to the page with the outcome as a message."""
    if _is_htmx(request):
        context = chatter_context(request, target, next_url=request.POST.get("next") or None, **extra)
        return render(request, CHATTER_TEMPLATE, context)
    forms = [form for form in extra.values() if hasattr(form, "errors")]
    for form in forms:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return HttpResponseRedirect(_next_url(request))


# --------------------------------------------------------------------------- the chatter card
@login_required
@require_GET
def chatter_card(request: HttpRequest, target: str, pk: int) -> HttpResponse:
    """The card alone (htmx refresh, or a note put back into view mode)."""
    record = _target(request, target, pk)
    return render(request, CHATTER_TEMPLATE, chatter_context(request, record))


@login_required
@require_POST
def activity_schedule(request: HttpRequest, target: str, pk: int) -> HttpResponse:
    record = _target(request, target, pk, change=True)
    company_id = company_id_of(record)
    if company_id is None:
        raise Http404
    form = ActivityForm(request.POST, company_id=company_id, auto_id=f"id_{dom_id(record)}_%s")
    if form.is_valid():
        values = form.cleaned_data
        try:
            services.activity_schedule(
                target=record,
                kind=values["kind"],
                summary=values["summary"],
                due_date=values["due_date"],
                due_time=values["due_time"],
                assigned_to=values["assigned_to"],
                note=values["note"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            if not _is_htmx(request):
                messages.success(request, _("Activity scheduled."))
            return _card(request, record)
    return _card(request, record, activity_form=form)


@login_required
@require_POST
def note_add(request: HttpRequest, target: str, pk: int) -> HttpResponse:
    record = _target(request, target, pk, change=True)
    form = NoteForm(request.POST, auto_id=f"id_{dom_id(record)}_note_%s")
    if form.is_valid():
        try:
            services.note_add(target=record, body=form.cleaned_data["body"], by=request.user)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            return _card(request, record)
    return _card(request, record, note_form=form)


@login_required
@require_POST
def activity_done(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk, "done")
    outcome = request.POST.get("outcome", "")[:2000]
    services.activity_done(activity=activity, by=request.user, outcome=outcome)
    if request.POST.get("from") == "mine":
        if _is_htmx(request):
            return _mine_list(request)
        messages.success(request, _("Activity marked done."))
        return HttpResponseRedirect(reverse("activities:mine"))
    return _card(request, _record_of(activity))


@login_required
@require_POST
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk, "change")
    record = _record_of(activity)
    try:
        services.activity_cancel(activity=activity, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    return _card(request, record)


@login_required
@require_POST
def note_delete(request: HttpRequest, pk: int) -> HttpResponse:
    note = _note(request, pk)
    record = _record_of(note)
    try:
        services.note_delete(note=note, by=request.user)
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    return _card(request, record)


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the card with this note in a form (its author only); POST: save it."""
    note = _note(request, pk)
    if note.author_id != request.user.pk:
        raise PermissionDenied(_("Only the author of a note may change or remove it."))
    record = _record_of(note)
    auto_id = f"id_note-{note.pk}_%s"
    if request.method == "GET":
        form = NoteForm(initial={"body": note.body}, auto_id=auto_id)
        context = chatter_context(request, record, editing_note_id=note.pk, note_edit_form=form)
        return render(request, CHATTER_TEMPLATE, context)
    form = NoteForm(request.POST, auto_id=auto_id)
    if form.is_valid():
        try:
            services.note_update(note=note, body=form.cleaned_data["body"], by=request.user)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            return _card(request, record)
    return _card(request, record, editing_note_id=note.pk, note_edit_form=form)


# --------------------------------------------------------------------------- my activities
def _company_ids(request: HttpRequest) -> list[int]:
    return [company.pk for company in user_companies(request)]


def _mine_context(request: HttpRequest) -> dict[str, Any]:
    source = request.GET if request.method == "GET" else request.POST
    form = KindFilterForm(source if "kind" in source else None)
    grouped = activities_open_grouped(
        user=request.user, company_ids=_company_ids(request), kind=form.chosen_kind()
    )
    urls = target_urls([*grouped.overdue, *grouped.today, *grouped.upcoming])
    groups = [
        ("overdue", _("Overdue"), grouped.overdue),
        ("today", _("Today"), grouped.today),
        ("upcoming", _("Upcoming"), grouped.upcoming),
    ]
    return {
        "form": form,
        "kind": form.chosen_kind() or "",
        "groups": [
            {
                "key": key,
                "title": title,
                "rows": [
                    (activity, urls.get((activity.content_type_id, activity.object_id), ""))
                    for activity in rows
                ],
            }
            for key, title, rows in groups
        ],
        "total": grouped.count,
        "today": timezone.localdate(),
    }


def _mine_list(request: HttpRequest) -> HttpResponse:
    return render(request, MINE_LIST_TEMPLATE, _mine_context(request))


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in user's open activities: overdue, today, upcoming (filter by kind)."""
    context = _mine_context(request)
    template = MINE_LIST_TEMPLATE if _is_htmx(request) else "activities/mine.html"
    return render(request, template, context)


# --------------------------------------------------------------------------- the bell
@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The bell's dropdown, loaded by htmx when it opens."""
    items = notifications(request.user, _company_ids(request))
    return render(request, "activities/partials/bell.html", {"items": items})
