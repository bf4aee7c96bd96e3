"""List screens: ``ListScreen`` (subclass it per list) and the saved-filter actions it posts to.

A module declares a list in a few lines::

    class PartyList(ListScreen):
        list_key = "parties.party"
        title = _("Parties")
        permission = "parties.view"
        filterset_class = PartyFilter
        ordering_fields = {"name": _("Name"), "created_at": _("Created")}
        columns = [Column(key="name", label=_("Name"), link=True), Column(key="email", label=_("Email"))]
        create_url_name = "parties:create"

        def get_queryset(self) -> QuerySet[Party]:
            return Party.objects.all()  # company-scoped by the default manager

        def row_url(self, obj: Party) -> str:
            return reverse("parties:detail", args=[obj.pk])

and mounts it with ``path("", PartyList.as_view(), name="list")``. The query parameters ``ordering``,
``page`` and ``export`` belong to the screen: a FilterSet must not name a filter after them. The screen filters with the
FilterSet, sorts by ``?ordering=`` (only ``ordering_fields``; anything else falls back to the default),
pages, answers htmx requests with the table alone, exports ``?export=csv|xlsx`` and keeps per-user
saved filters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.http import require_POST

from concord.core.errors import DomainError
from concord.core.lists.columns import Column
from concord.core.lists.exports import EXPORT_FORMATS, export_response
from concord.core.lists.forms import SavedFilterForm
from concord.core.lists.models import SavedFilter
from concord.core.lists.queries import saved_filters_for
from concord.core.lists.services import (
    TRANSIENT_PARAMS,
    clean_query_string,
    saved_filter_delete,
    saved_filter_save,
)
from concord.core.web.pagination import paginate

__all__ = ["Column", "ListScreen", "saved_filter_delete_view", "saved_filter_save_view"]

MAX_EXPORT_ROWS = 100_000

_SELECT_WIDGETS = (forms.Select, forms.SelectMultiple)
_CHECK_WIDGETS = (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)


def _style_for_bootstrap(form: forms.Form) -> None:
    """Give each filter widget its Bootstrap class (the FilterSet's form knows nothing of Bootstrap)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, _CHECK_WIDGETS):
            css = "form-check-input"
        elif isinstance(widget, _SELECT_WIDGETS):
            css = "form-select"
        else:
            css = "form-control"
        existing = widget.attrs.get("class", "")
        if css not in existing.split():
            widget.attrs["class"] = f"{existing} {css}".strip()


def _query_with(query: QueryDict, **changes: str | None) -> str:
    """``query`` urlencoded with ``changes`` applied (None removes the parameter)."""
    updated = query.copy()
    for key, value in changes.items():
        if value is None:
            updated.pop(key, None)
        else:
            updated[key] = value
    return updated.urlencode()


def _filters_query(query: QueryDict) -> QueryDict:
    """``query`` without paging/export parameters or empty values: the part worth saving or linking."""
    kept = QueryDict(mutable=True)
    for key, values in query.lists():
        if key in TRANSIENT_PARAMS:
            continue
        for value in values:
            if value != "":
                kept.appendlist(key, value)
    return kept


class ListScreen(LoginRequiredMixin, View):
    """A filterable, sortable, paged, exportable list of one kind of record (see the module docstring)."""

    list_key: ClassVar[str]
    title: ClassVar[Any]
    permission: ClassVar[str]
    permission_add: ClassVar[str | None] = None  # default: the "add" action of ``permission``'s area
    filterset_class: ClassVar[type[django_filters.FilterSet]]
    ordering_fields: ClassVar[dict[str, Any]] = {}
    default_ordering: ClassVar[str] = "name"
    columns: ClassVar[list[Column]] = []
    export_columns: ClassVar[list[Column] | None] = None
    per_page: ClassVar[int] = 50
    max_export_rows: ClassVar[int] = MAX_EXPORT_ROWS
    create_url_name: ClassVar[str | None] = None
    template_name: ClassVar[str] = "lists/list.html"
    partial_template_name: ClassVar[str] = "lists/partials/table.html"

    request: HttpRequest

    # ------------------------------------------------------------------ hooks for subclasses
    def get_queryset(self) -> QuerySet[Any]:
        """The rows before filtering: company-scoped (the default manager of company-owned models is)."""
        raise ImproperlyConfigured(f"{type(self).__name__} must define get_queryset()")

    def row_url(self, obj: Any) -> str:
        """Where a link column of ``obj``'s row goes; its ``get_absolute_url()`` when it has one."""
        get_absolute_url = getattr(obj, "get_absolute_url", None)
        return str(get_absolute_url()) if callable(get_absolute_url) else ""

    def get_filterset(self, queryset: QuerySet[Any]) -> django_filters.FilterSet:
        filterset = self.filterset_class(data=self.request.GET, queryset=queryset, request=self.request)
        _style_for_bootstrap(filterset.form)
        return filterset

    # ------------------------------------------------------------------ request handling
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_ordering(self) -> str:
        """The requested ``?ordering=`` when it names one of ``ordering_fields``, else the default."""
        requested = self.request.GET.get("ordering", "")
        if requested.removeprefix("-") in self.ordering_fields:
            return requested
        return self.default_ordering

    def filtered_queryset(self) -> tuple[django_filters.FilterSet, QuerySet[Any], str]:
        """The FilterSet (for its form), its filtered and sorted rows, and the ordering applied."""
        filterset = self.get_filterset(self.get_queryset())
        # An invalid filter (a malformed date...) shows its error and no rows, not every row.
        rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        ordering = self.get_ordering()
        rows = rows.order_by(ordering, "pk") if ordering else rows.order_by("pk")
        return filterset, rows, ordering

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        filterset, rows, ordering = self.filtered_queryset()
        file_format = request.GET.get("export")
        if file_format in EXPORT_FORMATS:
            return self.export(rows, file_format)
        page = paginate(request, rows, per_page=self.per_page)
        htmx = getattr(request, "htmx", None)
        # A history restore (the user went back and htmx had no snapshot) needs the whole page.
        partial = bool(htmx) and not getattr(htmx, "history_restore_request", False)
        context = self.get_context_data(filterset=filterset, page=page, ordering=ordering, partial=partial)
        response = render(request, self.partial_template_name if partial else self.template_name, context)
        patch_vary_headers(response, ["HX-Request"])
        return response

    def export(self, rows: QuerySet[Any], file_format: str) -> HttpResponseBase:
        """Every filtered, sorted row as CSV or XLSX; too many rows: back to the list with a message."""
        total = rows.count()
        if total > self.max_export_rows:
            messages.error(
                self.request,
                gettext(
                    "This list has %(count)s rows; an export can hold at most %(max)s. "
                    "Narrow the filters and export again."
                )
                % {"count": f"{total:,}", "max": f"{self.max_export_rows:,}"},
            )
            return HttpResponseRedirect(f"{self.request.path}?{_query_with(self.request.GET, export=None)}")
        return export_response(
            queryset=rows,
            columns=self.export_columns or self.columns,
            list_key=self.list_key,
            title=str(self.title),
            file_format=file_format,
        )

    # ------------------------------------------------------------------ context
    def _headers(self, ordering: str) -> list[dict[str, Any]]:
        query = self.request.GET
        headers = []
        for column in self.columns:
            key = column.ordering_key
            sortable = key in self.ordering_fields
            direction = None
            if ordering == key:
                direction = "ascending"
            elif ordering == f"-{key}":
                direction = "descending"
            next_ordering = f"-{key}" if direction == "ascending" else key
            headers.append(
                {
                    "label": column.label,
                    "align": column.align,
                    "sortable": sortable,
                    "direction": direction,
                    "url": f"?{_query_with(query, ordering=next_ordering, page=None, export=None)}"
                    if sortable
                    else "",
                }
            )
        return headers

    def _rows(self, objects: Sequence[Any]) -> list[dict[str, Any]]:
        rows = []
        has_links = any(column.link for column in self.columns)
        for obj in objects:
            url = self.row_url(obj) if has_links else ""
            cells = [
                {"value": column.display(obj), "link": column.link and bool(url), "align": column.align}
                for column in self.columns
            ]
            rows.append({"object": obj, "url": url, "cells": cells})
        return rows

    def _ordering_choices(self, ordering: str) -> list[dict[str, Any]]:
        choices = []
        for key, label in self.ordering_fields.items():
            for value, text in (
                (key, gettext("%(field)s, ascending") % {"field": label}),
                (f"-{key}", gettext("%(field)s, descending") % {"field": label}),
            ):
                choices.append({"value": value, "label": text, "selected": value == ordering})
        return choices

    def _create_url(self) -> str:
        if not self.create_url_name:
            return ""
        permission_add = self.permission_add or f"{self.permission.rsplit('.', 1)[0]}.add"
        return reverse(self.create_url_name) if self.request.user.has_perm(permission_add) else ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        request = self.request
        filterset = kwargs["filterset"]
        page = kwargs["page"]
        ordering = kwargs["ordering"]
        filters = _filters_query(request.GET)
        saved_query = filters.urlencode()
        saved = [
            {
                "object": saved_filter,
                "url": f"{request.path}?{saved_filter.query_string}",
                "active": saved_filter.query_string == saved_query,
            }
            for saved_filter in saved_filters_for(user=request.user, list_key=self.list_key)
        ]
        list_url = f"{request.path}?{saved_query}" if saved_query else request.path
        return {
            "list_key": self.list_key,
            "title": self.title,
            "filter_form": filterset.form,
            "page": page,
            "ordering": ordering,
            "ordering_choices": self._ordering_choices(ordering),
            "headers": self._headers(ordering),
            "rows": self._rows(page.object_list),
            "list_path": request.path,
            "list_url": list_url,
            "filters_query": saved_query,
            "export_links": [
                {"format": "csv", "label": _("Export CSV"), "url": f"?{_query_with(filters, export='csv')}"},
                {
                    "format": "xlsx",
                    "label": _("Export XLSX"),
                    "url": f"?{_query_with(filters, export='xlsx')}",
                },
            ],
            "saved_filters": saved,
            "save_form": SavedFilterForm(
                initial={"list_key": self.list_key, "query_string": saved_query, "next": request.path},
                auto_id="list-saved-filter-%s",
            ),
            "create_url": self._create_url(),
            "is_filtered": bool(saved_query),
            **kwargs,
        }


# ---------------------------------------------------------------------- saved filters
def _back_to(request: HttpRequest, target: str, query_string: str = "") -> HttpResponseRedirect:
    """Back to the list at ``target`` (a local path only), with ``query_string`` applied."""
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("web:home")
    query_string = clean_query_string(query_string)  # re-encoded: nothing raw reaches the header
    return HttpResponseRedirect(f"{target}?{query_string}" if query_string else target)


@login_required
@require_POST
def saved_filter_save_view(request: HttpRequest) -> HttpResponse:
    """Save the list's current filters under the name given, then show the list with them."""
    form = SavedFilterForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        messages.error(request, gettext("The filters were not saved: %(errors)s") % {"errors": errors})
        return _back_to(request, request.POST.get("next", ""), request.POST.get("query_string", ""))
    data = form.cleaned_data
    try:
        saved = saved_filter_save(
            user=request.user, list_key=data["list_key"], name=data["name"], query_string=data["query_string"]
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _back_to(request, data["next"], data["query_string"])
    messages.success(request, gettext("Filters saved as “%(name)s”.") % {"name": saved.name})
    return _back_to(request, data["next"], saved.query_string)


@login_required
@require_POST
def saved_filter_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the user's saved filters (someone else's is not found)."""
    saved = get_object_or_404(SavedFilter, pk=pk, user_id=request.user.pk)
    try:
        saved_filter_delete(saved_filter=saved, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, gettext("Saved filter “%(name)s” deleted.") % {"name": saved.name})
    return _back_to(request, request.POST.get("next", ""))
