"""Party screens: the lists (customers, suppliers, all), the 360° page, the form with inline validation,
archive, delete, merge, and a party's addresses and contact points. Views parse, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from concord.core.errors import DomainError, ValidationFailed
from concord.core.identity.models import User
from concord.core.lists.views import Column, ListScreen
from concord.core.web.session import active_company_with_perm
from concord.modules.parties import services
from concord.modules.parties.errors import DuplicatePartyError
from concord.modules.parties.filters import PartyFilter
from concord.modules.parties.forms import AddressForm, ContactPointForm, MergeForm, PartyForm
from concord.modules.parties.models import Address, ContactPoint, Party
from concord.modules.parties.panels import party_balance, visible_panels
from concord.modules.parties.queries import party_duplicates, party_merge_preview


# --------------------------------------------------------------------------- lists
def _primary(party: Party, kind: str) -> str:
    kinds = {"email"} if kind == "email" else {"phone", "mobile"}
    contacts = [c for c in party.contact_points.all() if c.kind in kinds]
    contacts.sort(key=lambda c: not c.is_primary)
    return contacts[0].value if contacts else ""


class PartyList(ListScreen):
    list_key = "parties.party"
    title = gettext_lazy("Parties")
    permission = "parties.view"
    filterset_class = PartyFilter
    ordering_fields = {
        "name": gettext_lazy("Name"),
        "code": gettext_lazy("Code"),
        "created_at": gettext_lazy("Created"),
    }
    default_ordering = "name"
    columns = [
        Column(key="name", label=gettext_lazy("Name"), link=True),
        Column(key="code", label=gettext_lazy("Code")),
        Column(key="kind", label=gettext_lazy("Kind")),
        Column(key="tax_id", label=gettext_lazy("Tax ID")),
        Column(key="email", label=gettext_lazy("Email"), accessor=lambda party: _primary(party, "email")),
        Column(key="phone", label=gettext_lazy("Phone"), accessor=lambda party: _primary(party, "phone")),
        Column(key="country", label=gettext_lazy("Country")),
        Column(key="is_active", label=gettext_lazy("Active")),
    ]
    export_columns = [
        *columns[:4],
        Column(key="branch_code", label=gettext_lazy("Branch code")),
        *columns[4:7],
        Column(key="is_customer", label=gettext_lazy("Customer")),
        Column(key="is_supplier", label=gettext_lazy("Supplier")),
        Column(key="currency", label=gettext_lazy("Currency")),
        Column(key="credit_limit", label=gettext_lazy("Credit limit"), align="end"),
        Column(key="created_at", label=gettext_lazy("Created")),
    ]
    create_url_name = "parties:create"
    template_name = "parties/list.html"
    preset: dict[str, Any] = {}

    def get_queryset(self) -> QuerySet[Party]:
        return Party.objects.filter(**self.preset).prefetch_related("contact_points")

    def row_url(self, obj: Any) -> str:
        return reverse("parties:detail", args=[obj.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("parties.add"):
            context["import_url"] = reverse("dataio:upload", args=["parties.party"])
        return context


class CustomerList(PartyList):
    list_key = "parties.customers"
    title = gettext_lazy("Customers")
    preset = {"is_customer": True}


class SupplierList(PartyList):
    list_key = "parties.suppliers"
    title = gettext_lazy("Suppliers")
    preset = {"is_supplier": True}


# --------------------------------------------------------------------------- helpers
def _party(request: HttpRequest, party_id: int, permission: str = "parties.view") -> Party:
    """A party of the user's companies (404 otherwise) that the user may ``permission`` (403 otherwise)."""
    party: Party | None = (
        Party.objects.select_related("organization", "salesperson", "company")
        .prefetch_related("addresses", "contact_points", "tags")
        .filter(pk=party_id)
        .first()
    )
    if party is None:
        raise Http404
    if not request.user.has_perm("parties.view", party) or not request.user.has_perm(permission, party):
        raise PermissionDenied
    return party


def _actor(request: HttpRequest) -> User:
    """The signed-in user (every view here requires one), typed for the services."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


# --------------------------------------------------------------------------- 360° page
@login_required
@require_http_methods(["GET"])
def party_detail(request: HttpRequest, party_id: int) -> HttpResponse:
    party = _party(request, party_id)
    user = request.user
    panels = [
        {
            "key": panel.key,
            "title": panel.title,
            "html": render_to_string(panel.template, panel.context(request, party), request=request),
        }
        for panel in visible_panels(user, party)
    ]
    context = {
        "party": party,
        "panels": panels,
        "balance": party_balance(user, party),
        "can_change": user.has_perm("parties.change", party),
        "can_delete": user.has_perm("parties.delete", party),
        "can_merge": user.has_perm("parties.merge", party),
    }
    return render(request, "parties/detail.html", context)


# --------------------------------------------------------------------------- create / edit
def _form_page(
    request: HttpRequest, form: PartyForm, *, party: Party | None, duplicates: Any = (), status: int = 200
) -> HttpResponse:
    return render(
        request,
        "parties/form.html",
        {"form": form, "party": party, "duplicates": duplicates},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def party_create(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, "parties.add")
    if request.method != "POST":
        initial = {name: True for name in ("is_customer", "is_supplier") if request.GET.get(name)}
        return _form_page(request, PartyForm(company=company, initial=initial), party=None)
    form = PartyForm(request.POST, company=company)
    if not form.is_valid():
        return _form_page(request, form, party=None, status=400)
    try:
        party = services.party_create(company=company, by=_actor(request), **form.service_values())
    except DuplicatePartyError as exc:
        return _form_page(request, form, party=None, duplicates=exc.duplicates, status=409)
    except ValidationFailed as exc:
        form.add_domain_error(exc)
        return _form_page(request, form, party=None, status=400)
    messages.success(request, _("%(name)s was created.") % {"name": party.name})
    return redirect("parties:detail", party_id=party.pk)


@login_required
@require_http_methods(["GET", "POST"])
def party_edit(request: HttpRequest, party_id: int) -> HttpResponse:
    party = _party(request, party_id, "parties.change")
    if request.method != "POST":
        form = PartyForm(company=party.company, party=party, initial=PartyForm.initial_for(party))
        return _form_page(request, form, party=party)
    form = PartyForm(request.POST, company=party.company, party=party)
    if not form.is_valid():
        return _form_page(request, form, party=party, status=400)
    try:
        services.party_update(party=party, by=_actor(request), **form.service_values())
    except ValidationFailed as exc:
        form.add_domain_error(exc)
        return _form_page(request, form, party=party, status=400)
    messages.success(request, _("%(name)s was saved.") % {"name": party.name})
    return redirect("parties:detail", party_id=party.pk)


@login_required
@require_POST
def party_validate(request: HttpRequest) -> HttpResponse:
    """Inline validation: the posted form checked as a whole, answered with one field's partial."""
    party_id = request.POST.get("_party", "")
    party = _party(request, int(party_id), "parties.change") if party_id.isdigit() else None
    company = party.company if party is not None else active_company_with_perm(request, "parties.add")
    form = PartyForm(request.POST, company=company, party=party)
    name = request.POST.get("_field", "")
    if name not in form.fields:
        raise Http404
    form.is_valid()
    return render(request, "parties/partials/field.html", {"field": form[name]})


# --------------------------------------------------------------------------- archive / delete / merge
@login_required
@require_POST
def party_archive(request: HttpRequest, party_id: int) -> HttpResponse:
    party = _party(request, party_id, "parties.change")
    services.party_archive(party=party, by=_actor(request))
    messages.success(request, _("%(name)s was archived.") % {"name": party.name})
    return redirect("parties:detail", party_id=party.pk)


@login_required
@require_POST
def party_unarchive(request: HttpRequest, party_id: int) -> HttpResponse:
    party = _party(request, party_id, "parties.change")
    services.party_unarchive(party=party, by=_actor(request))
    messages.success(request, _("%(name)s is active again.") % {"name": party.name})
    return redirect("parties:detail", party_id=party.pk)


@login_required
@require_POST
def party_delete(request: HttpRequest, party_id: int) -> HttpResponse:
    party = _party(request, party_id, "parties.delete")
    name = party.name
    if services.party_delete(party=party, by=_actor(request)):
        messages.success(request, _("%(name)s was deleted.") % {"name": name})
        return redirect("parties:list")
    messages.info(
        request,
        _("%(name)s is referred to elsewhere, so it was archived instead of deleted.") % {"name": name},
    )
    return redirect("parties:detail", party_id=party_id)


@login_required
@require_http_methods(["GET", "POST"])
def party_merge(request: HttpRequest, party_id: int) -> HttpResponse:
    """Choose a duplicate, preview what moves (GET ?duplicate=), confirm (POST)."""
    survivor = _party(request, party_id, "parties.merge")
    emails = [c.value for c in survivor.contact_points.all() if c.is_email]
    phones = [c.normalized for c in survivor.contact_points.all() if not c.is_email]
    candidates = [
        match.party
        for match in party_duplicates(
            company=survivor.company_id,
            name=survivor.name,
            tax_id=survivor.tax_id,
            emails=emails,
            phones=phones,
            country=survivor.country,
            exclude=survivor.pk,
        )
        if match.party.kind == survivor.kind
    ]
    data = request.POST if request.method == "POST" else (request.GET if "duplicate" in request.GET else None)
    form = MergeForm(data, survivor=survivor, candidates=candidates)
    preview = None
    duplicate = None
    if form.is_bound and form.is_valid():
        duplicate = form.cleaned_data["duplicate"]
        if not request.user.has_perm("parties.merge", duplicate):
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("confirm"):
            try:
                moved = services.party_merge(survivor=survivor, duplicate=duplicate, by=_actor(request))
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(
                    request,
                    _("%(duplicate)s was merged into %(survivor)s (%(count)s references moved).")
                    % {"duplicate": duplicate.name, "survivor": survivor.name, "count": sum(moved.values())},
                )
                return redirect("parties:detail", party_id=survivor.pk)
        preview = party_merge_preview(survivor=survivor, duplicate=duplicate)
    return render(
        request,
        "parties/merge.html",
        {
            "party": survivor,
            "form": form,
            "duplicate": duplicate,
            "preview": preview,
            "candidates": candidates,
        },
    )


# --------------------------------------------------------------------------- addresses & contact points
def _back_to_detail(party: Party) -> HttpResponseRedirect:
    return redirect(f"{reverse('parties:detail', args=[party.pk])}#contacts")


def _add_to_party(
    request: HttpRequest,
    party_id: int,
    form_class: type[forms.Form],
    create: Callable[..., Any],
    *,
    success: str,
) -> HttpResponse:
    """Add an address or a contact point from the detail page's small form, then go back to it."""
    party = _party(request, party_id, "parties.change")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            create(party=party, by=_actor(request), **form.cleaned_data)
        except ValidationFailed as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, success)
    else:
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
    return _back_to_detail(party)


@login_required
@require_POST
def address_add(request: HttpRequest, party_id: int) -> HttpResponse:
    return _add_to_party(request, party_id, AddressForm, services.address_create, success=_("Address added."))


@login_required
@require_POST
def address_remove(request: HttpRequest, party_id: int, address_id: int) -> HttpResponse:
    party = _party(request, party_id, "parties.change")
    address = Address.objects.filter(pk=address_id, party=party).first()
    if address is None:
        raise Http404
    services.address_delete(address=address, by=_actor(request))
    messages.success(request, _("Address removed."))
    return _back_to_detail(party)


@login_required
@require_POST
def contact_add(request: HttpRequest, party_id: int) -> HttpResponse:
    return _add_to_party(
        request, party_id, ContactPointForm, services.contact_point_create, success=_("Contact added.")
    )


@login_required
@require_POST
def contact_remove(request: HttpRequest, party_id: int, contact_id: int) -> HttpResponse:
    party = _party(request, party_id, "parties.change")
    contact = ContactPoint.objects.filter(pk=contact_id, party=party).first()
    if contact is None:
        raise Http404
    services.contact_point_delete(contact_point=contact, by=_actor(request))
    messages.success(request, _("Contact removed."))
    return _back_to_detail(party)
