"""CRM's screens: the kanban board, opportunities, leads (with qualification), settings, the public web form.

Views parse, check permission in the object's company, call one service and render; the rules live in
``services``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concord.core.errors import DomainError
from concord.core.identity.models import Company, User
from concord.core.lists.views import Column, ListScreen
from concord.core.web.session import active_company_with_perm, has_perm_in_company, object_with_perm
from concord.modules.crm.forms import (
    CampaignEditForm,
    DisqualifyForm,
    LeadEditForm,
    LeadFilter,
    LeadFormEditForm,
    LostForm,
    LostReasonForm,
    OpportunityFilter,
    OpportunityForm,
    PipelineForm,
    QualifyForm,
    StageForm,
    customers_of,
)
from concord.modules.crm.models import (
    Campaign,
    Lead,
    LeadForm,
    LeadStatus,
    LostReason,
    Opportunity,
    OpportunityStatus,
    Pipeline,
    Stage,
)
from concord.modules.crm.queries import (
    board_columns,
    campaigns_of,
    column_totals,
    lead_forms_of,
    lost_reasons_of,
    pipelines_of,
    stages_of,
)
from concord.modules.crm.services import campaigns as campaign_services
from concord.modules.crm.services import leads as lead_services
from concord.modules.crm.services import opportunities as opportunity_services
from concord.modules.crm.services import pipelines as pipeline_services
from concord.modules.crm.webform import public_form

VIEW, ADD, CHANGE, DELETE, SETTINGS = "crm.view", "crm.add", "crm.change", "crm.delete", "crm.settings"


def _amount(obj: Opportunity) -> str:
    return f"{obj.expected_revenue:,.2f} {obj.currency}"


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    cancel_url: str,
    save: Callable[[dict[str, Any]], str],
    intro: str = "",
) -> HttpResponse:
    """A one-form page: on a valid POST ``save(cleaned_data)`` runs the service and names where to go."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                target = save(form.cleaned_data)
            except DomainError as exc:
                form.add_domain_error(exc)  # type: ignore[attr-defined]  # every CRM form has the mixin
            else:
                return redirect(target)
        status = 400
    return render(
        request,
        "crm/form.html",
        {"form": form, "title": title, "submit": submit, "cancel_url": cancel_url, "intro": intro},
        status=status,
    )


def _actor(request: HttpRequest) -> User:
    """The signed-in user (every view here requires one), typed for the services."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# --------------------------------------------------------------------------- board
def _board_pipeline(request: HttpRequest, company: Company) -> Pipeline:
    default = pipeline_services.pipeline_default(company, by=_actor(request))
    chosen = request.GET.get("pipeline", "")
    if chosen.isdigit():
        return get_object_or_404(Pipeline.objects.filter(company=company), pk=int(chosen))
    return default


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The kanban board of a pipeline: one column per stage, cards to drag between them."""
    company = active_company_with_perm(request, VIEW)
    pipeline = _board_pipeline(request, company)
    owner = request.GET.get("owner", "")
    return render(
        request,
        "crm/board.html",
        {
            "company": company,
            "pipeline": pipeline,
            "pipelines": pipelines_of(company),
            "columns": board_columns(pipeline=pipeline, owner_id=int(owner) if owner.isdigit() else None),
            "today": timezone.localdate(),
            "can_change": has_perm_in_company(request, company, CHANGE),
            "can_add": has_perm_in_company(request, company, ADD),
        },
    )


@login_required
@require_POST
def opportunity_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Drop a card: move it (``stage_id``, ``position``) and answer the re-rendered card and column totals."""
    opportunity = object_with_perm(request, Opportunity.objects.select_related("pipeline"), pk, CHANGE)
    stage_id = request.POST.get("stage_id", "")
    position = request.POST.get("position", "")
    if not stage_id.isdigit() or (position and not position.isdigit()):
        return HttpResponse(_("Say which stage and position."), status=400, content_type="text/plain")
    try:
        moved = opportunity_services.opportunity_move(
            opportunity=opportunity,
            stage_id=int(stage_id),
            position=int(position) if position else None,
            by=_actor(request),
        )
    except DomainError as exc:
        return HttpResponse(str(exc.message), status=exc.status_code, content_type="text/plain")
    stages = list(stages_of(moved.pipeline))
    card = Opportunity.objects.select_related("party", "owner", "stage").get(pk=moved.pk)
    totals = column_totals(pipeline=moved.pipeline, stages=stages)
    return render(
        request,
        "crm/partials/move_result.html",
        {
            "card": card,
            "columns": [{"stage": stage, "totals": totals[stage.pk]} for stage in stages],
            "today": timezone.localdate(),
            "can_change": True,
            "company": moved.company,
        },
    )


# --------------------------------------------------------------------------- opportunities
class OpportunityList(ListScreen):
    """Opportunities of every pipeline, filterable by stage, owner and status."""

    list_key = "crm.opportunity"
    title = gettext_lazy("Opportunities")
    permission = VIEW
    filterset_class = OpportunityFilter
    ordering_fields = {
        "title": gettext_lazy("Title"),
        "expected_revenue": gettext_lazy("Expected revenue"),
        "expected_close_date": gettext_lazy("Expected close date"),
        "created_at": gettext_lazy("Created"),
    }
    default_ordering = "-created_at"
    columns = [
        Column(key="title", label=gettext_lazy("Title"), link=True),
        Column(key="party__name", label=gettext_lazy("Customer")),
        Column(key="stage__name", label=gettext_lazy("Stage")),
        Column(key="expected_revenue", label=gettext_lazy("Expected revenue"), accessor=_amount, align="end"),
        Column(key="probability", label=gettext_lazy("Probability %"), align="end"),
        Column(key="expected_close_date", label=gettext_lazy("Expected close date")),
        Column(key="owner", label=gettext_lazy("Owner")),
        Column(key="status", label=gettext_lazy("Status")),
    ]
    export_columns = [
        Column(key="title", label=gettext_lazy("Title")),
        Column(key="party__name", label=gettext_lazy("Customer")),
        Column(key="pipeline__name", label=gettext_lazy("Pipeline")),
        Column(key="stage__name", label=gettext_lazy("Stage")),
        Column(key="expected_revenue", label=gettext_lazy("Expected revenue")),
        Column(key="currency", label=gettext_lazy("Currency")),
        Column(key="probability", label=gettext_lazy("Probability %")),
        Column(key="expected_close_date", label=gettext_lazy("Expected close date")),
        Column(key="owner", label=gettext_lazy("Owner")),
        Column(key="status", label=gettext_lazy("Status")),
        Column(key="lost_reason__name", label=gettext_lazy("Lost reason")),
        Column(key="created_at", label=gettext_lazy("Created")),
    ]
    create_url_name = "crm:opportunity-new"

    def get_queryset(self) -> QuerySet[Opportunity]:
        return Opportunity.objects.select_related("party", "stage", "pipeline", "owner", "lost_reason")

    def row_url(self, obj: Opportunity) -> str:
        return reverse("crm:opportunity-detail", args=[obj.pk])


def _quote_url(opportunity: Opportunity) -> str:
    """Sales' "new quotation" for this opportunity, if sales is installed (it is built beside CRM)."""
    try:
        return f"{reverse('sales:quote-create')}?opportunity={opportunity.pk}"
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = object_with_perm(
        request,
        Opportunity.objects.select_related(
            "company", "party", "stage", "pipeline", "owner", "lost_reason", "lead"
        ),
        pk,
        VIEW,
    )
    can_change = request.user.has_perm(CHANGE, opportunity)
    return render(
        request,
        "crm/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "can_change": can_change,
            "quote_url": _quote_url(opportunity) if opportunity.status != OpportunityStatus.LOST else "",
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, ADD)
    pipeline = _board_pipeline(request, company)
    stage = request.GET.get("stage", "")
    initial: dict[str, Any] = {
        "currency": company.currency,
        "owner": request.user.pk,
        "party": request.GET.get("party") or None,
        "stage": int(stage) if stage.isdigit() else None,
    }
    form = OpportunityForm(_data(request), company=company, stages=stages_of(pipeline), initial=initial)

    def save(values: dict[str, Any]) -> str:
        created = opportunity_services.opportunity_create(
            company=company,
            by=_actor(request),
            title=values["title"],
            party_id=values["party"].pk,
            pipeline_id=pipeline.pk,
            stage_id=values["stage"].pk if values.get("stage") else None,
            expected_revenue=values["expected_revenue"] or 0,
            currency=values["currency"],
            probability=values["probability"],
            expected_close_date=values["expected_close_date"],
            owner=values["owner"],
            notes=values["notes"],
        )
        messages.success(request, _("Opportunity “%(title)s” created.") % {"title": created.title})
        return reverse("crm:opportunity-detail", args=[created.pk])

    return _form_page(
        request,
        form,
        title=_("New opportunity"),
        submit=_("Create"),
        cancel_url=reverse("crm:board"),
        save=save,
    )


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = object_with_perm(request, Opportunity.objects.select_related("company"), pk, CHANGE)
    initial = {
        "title": opportunity.title,
        "party": opportunity.party_id,
        "expected_revenue": opportunity.expected_revenue,
        "currency": opportunity.currency,
        "probability": opportunity.probability if opportunity.probability_manual else None,
        "expected_close_date": opportunity.expected_close_date,
        "owner": opportunity.owner_id,
        "notes": opportunity.notes,
    }
    form = OpportunityForm(_data(request), company=opportunity.company, stages=None, initial=initial)

    def save(values: dict[str, Any]) -> str:
        opportunity_services.opportunity_update(
            opportunity=opportunity,
            by=_actor(request),
            title=values["title"],
            party_id=values["party"].pk,
            expected_revenue=values["expected_revenue"] or 0,
            currency=values["currency"],
            probability=values["probability"],
            expected_close_date=values["expected_close_date"],
            owner=values["owner"],
            notes=values["notes"],
        )
        messages.success(request, _("Opportunity saved."))
        return reverse("crm:opportunity-detail", args=[opportunity.pk])

    return _form_page(
        request,
        form,
        title=_("Edit %(title)s") % {"title": opportunity.title},
        submit=_("Save"),
        cancel_url=reverse("crm:opportunity-detail", args=[opportunity.pk]),
        save=save,
    )


_OPPORTUNITY_ACTIONS: dict[str, tuple[Any, Any]] = {
    "won": (opportunity_services.opportunity_mark_won, gettext_lazy("“%(title)s” is won.")),
    "reopen": (opportunity_services.opportunity_reopen, gettext_lazy("“%(title)s” is open again.")),
}


@login_required
@require_POST
def opportunity_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in _OPPORTUNITY_ACTIONS:
        raise Http404
    service, done = _OPPORTUNITY_ACTIONS[action]
    opportunity = object_with_perm(request, Opportunity.objects.all(), pk, CHANGE)
    try:
        result = service(opportunity=opportunity, by=_actor(request))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, str(done) % {"title": result.title})
    return redirect("crm:opportunity-detail", pk=opportunity.pk)


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_lost(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark lost: asks for one of the lost reasons or a few words."""
    opportunity = object_with_perm(request, Opportunity.objects.select_related("company"), pk, CHANGE)
    form = LostForm(_data(request), company=opportunity.company)

    def save(values: dict[str, Any]) -> str:
        reason = values.get("reason_id")
        opportunity_services.opportunity_mark_lost(
            opportunity=opportunity,
            by=_actor(request),
            reason_id=reason.pk if reason else None,
            reason=values.get("reason", ""),
        )
        messages.success(request, _("“%(title)s” is marked lost.") % {"title": opportunity.title})
        return reverse("crm:opportunity-detail", args=[opportunity.pk])

    return _form_page(
        request,
        form,
        title=_("Mark “%(title)s” lost") % {"title": opportunity.title},
        submit=_("Mark lost"),
        cancel_url=reverse("crm:opportunity-detail", args=[opportunity.pk]),
        save=save,
    )


# --------------------------------------------------------------------------- leads
class LeadList(ListScreen):
    """Leads, newest first."""

    list_key = "crm.lead"
    title = gettext_lazy("Leads")
    permission = VIEW
    filterset_class = LeadFilter
    ordering_fields = {"created_at": gettext_lazy("Created"), "title": gettext_lazy("Title")}
    default_ordering = "-created_at"
    columns = [
        Column(key="title", label=gettext_lazy("Title"), link=True),
        Column(key="contact_name", label=gettext_lazy("Contact")),
        Column(key="organization_name", label=gettext_lazy("Organisation")),
        Column(key="email", label=gettext_lazy("Email")),
        Column(key="phone", label=gettext_lazy("Phone")),
        Column(key="source", label=gettext_lazy("Source")),
        Column(key="campaign__name", label=gettext_lazy("Campaign")),
        Column(key="status", label=gettext_lazy("Status")),
        Column(key="created_at", label=gettext_lazy("Created")),
    ]
    create_url_name = "crm:lead-new"

    def get_queryset(self) -> QuerySet[Lead]:
        return Lead.objects.select_related("campaign")

    def row_url(self, obj: Lead) -> str:
        return reverse("crm:lead-detail", args=[obj.pk])


@login_required
@require_GET
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = object_with_perm(
        request, Lead.objects.select_related("company", "campaign", "owner", "party", "opportunity"), pk, VIEW
    )
    return render(
        request,
        "crm/lead_detail.html",
        {
            "lead": lead,
            "can_change": request.user.has_perm(CHANGE, lead),
            "can_delete": request.user.has_perm(DELETE, lead) and lead.status != LeadStatus.QUALIFIED,
            "disqualify_form": DisqualifyForm(),
        },
    )


def _lead_values(values: dict[str, Any]) -> dict[str, Any]:
    campaign = values.get("campaign")
    return {
        "title": values["title"],
        "contact_name": values["contact_name"],
        "organization_name": values["organization_name"],
        "email": values["email"],
        "phone": values["phone"],
        "campaign_id": campaign.pk if campaign else None,
        "owner": values["owner"],
        "notes": values["notes"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def lead_create(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, ADD)
    form = LeadEditForm(_data(request), company=company, initial={"owner": request.user.pk})

    def save(values: dict[str, Any]) -> str:
        lead = lead_services.lead_create(company=company, by=_actor(request), **_lead_values(values))
        messages.success(request, _("Lead “%(title)s” recorded.") % {"title": lead.title})
        return reverse("crm:lead-detail", args=[lead.pk])

    return _form_page(
        request, form, title=_("New lead"), submit=_("Create"), cancel_url=reverse("crm:leads"), save=save
    )


@login_required
@require_http_methods(["GET", "POST"])
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lead = object_with_perm(request, Lead.objects.select_related("company"), pk, CHANGE)
    initial = {
        "title": lead.title,
        "contact_name": lead.contact_name,
        "organization_name": lead.organization_name,
        "email": lead.email,
        "phone": lead.phone,
        "campaign": lead.campaign_id,
        "owner": lead.owner_id,
        "notes": lead.notes,
    }
    form = LeadEditForm(_data(request), company=lead.company, initial=initial)

    def save(values: dict[str, Any]) -> str:
        lead_services.lead_update(lead=lead, by=_actor(request), **_lead_values(values))
        messages.success(request, _("Lead saved."))
        return reverse("crm:lead-detail", args=[lead.pk])

    return _form_page(
        request,
        form,
        title=_("Edit %(title)s") % {"title": lead.title},
        submit=_("Save"),
        cancel_url=reverse("crm:lead-detail", args=[lead.pk]),
        save=save,
    )


@login_required
@require_http_methods(["GET", "POST"])
def lead_qualify(request: HttpRequest, pk: int) -> HttpResponse:
    """Qualify: shows the look-alike customers to pick from (or confirm a new one), then opens the opportunity."""
    lead = object_with_perm(request, Lead.objects.select_related("company"), pk, CHANGE)
    if lead.status == LeadStatus.QUALIFIED and lead.opportunity_id:
        return redirect("crm:opportunity-detail", pk=lead.opportunity_id)
    duplicate_ids = [party.id for party in lead_services.lead_duplicates(lead=lead)]
    duplicates = customers_of(lead.company).filter(pk__in=duplicate_ids)
    form = QualifyForm(_data(request), duplicates=duplicates)

    def save(values: dict[str, Any]) -> str:
        party = values.get("party")
        opportunity = lead_services.lead_qualify(
            lead=lead,
            by=_actor(request),
            party_id=party.pk if party else None,
            create_party=bool(values.get("create_party")),
            expected_revenue=values.get("expected_revenue") or 0,
        )
        messages.success(
            request, _("Lead qualified: “%(title)s” is on the board.") % {"title": opportunity.title}
        )
        return reverse("crm:opportunity-detail", args=[opportunity.pk])

    intro = (
        _("Customers like this lead exist already. Pick the one it is, or confirm a new customer.")
        if duplicate_ids
        else _("A new customer will be created from the lead, with an opportunity in the first stage.")
    )
    return _form_page(
        request,
        form,
        title=_("Qualify %(title)s") % {"title": lead.title},
        submit=_("Qualify"),
        cancel_url=reverse("crm:lead-detail", args=[lead.pk]),
        save=save,
        intro=intro,
    )


@login_required
@require_POST
def lead_disqualify(request: HttpRequest, pk: int) -> HttpResponse:
    lead = object_with_perm(request, Lead.objects.all(), pk, CHANGE)
    form = DisqualifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the lead is disqualified."))
    else:
        try:
            lead_services.lead_disqualify(lead=lead, by=_actor(request), reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Lead disqualified."))
    return redirect("crm:lead-detail", pk=lead.pk)


@login_required
@require_POST
def lead_delete(request: HttpRequest, pk: int) -> HttpResponse:
    lead = object_with_perm(request, Lead.objects.all(), pk, DELETE)
    try:
        lead_services.lead_delete(lead=lead, by=_actor(request))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("crm:lead-detail", pk=lead.pk)
    messages.success(request, _("Lead deleted."))
    return redirect("crm:leads")


# --------------------------------------------------------------------------- settings: pipelines, stages
@login_required
@require_GET
def settings_view(request: HttpRequest) -> HttpResponse:
    """Pipelines with their stages, and lost reasons."""
    company = active_company_with_perm(request, VIEW)
    pipeline_services.pipeline_default(company, by=_actor(request))
    pipelines = [(pipeline, list(stages_of(pipeline))) for pipeline in pipelines_of(company)]
    return render(
        request,
        "crm/settings.html",
        {
            "company": company,
            "pipelines": pipelines,
            "lost_reasons": lost_reasons_of(company),
            "can_change": has_perm_in_company(request, company, SETTINGS),
        },
    )


def _settings_company(request: HttpRequest) -> Company:
    return active_company_with_perm(request, SETTINGS)


@login_required
@require_http_methods(["GET", "POST"])
def pipeline_create(request: HttpRequest) -> HttpResponse:
    company = _settings_company(request)

    def save(values: dict[str, Any]) -> str:
        pipeline_services.pipeline_create(
            company=company, by=_actor(request), name=values["name"], is_default=values["is_default"]
        )
        messages.success(request, _("Pipeline created: add its stages."))
        return reverse("crm:settings")

    return _form_page(
        request,
        PipelineForm(_data(request)),
        title=_("New pipeline"),
        submit=_("Create"),
        cancel_url=reverse("crm:settings"),
        save=save,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pipeline_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pipeline = object_with_perm(request, Pipeline.objects.select_related("company"), pk, SETTINGS)
    form = PipelineForm(_data(request), initial={"name": pipeline.name, "is_default": pipeline.is_default})

    def save(values: dict[str, Any]) -> str:
        pipeline_services.pipeline_update(
            pipeline=pipeline, by=_actor(request), name=values["name"], is_default=values["is_default"]
        )
        messages.success(request, _("Pipeline saved."))
        return reverse("crm:settings")

    return _form_page(
        request,
        form,
        title=_("Edit pipeline %(name)s") % {"name": pipeline.name},
        submit=_("Save"),
        cancel_url=reverse("crm:settings"),
        save=save,
    )


@login_required
@require_http_methods(["GET", "POST"])
def stage_create(request: HttpRequest, pipeline_pk: int) -> HttpResponse:
    pipeline = object_with_perm(request, Pipeline.objects.select_related("company"), pipeline_pk, SETTINGS)

    def save(values: dict[str, Any]) -> str:
        pipeline_services.stage_create(pipeline=pipeline, by=_actor(request), **values)
        messages.success(request, _("Stage added."))
        return reverse("crm:settings")

    return _form_page(
        request,
        StageForm(_data(request)),
        title=_("New stage of %(name)s") % {"name": pipeline.name},
        submit=_("Add"),
        cancel_url=reverse("crm:settings"),
        save=save,
    )


@login_required
@require_http_methods(["GET", "POST"])
def stage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stage = object_with_perm(request, Stage.objects.select_related("pipeline"), pk, SETTINGS)
    initial = {
        name: getattr(stage, name) for name in ("name", "probability", "sequence", "is_won", "is_folded")
    }

    def save(values: dict[str, Any]) -> str:
        pipeline_services.stage_update(stage=stage, by=_actor(request), **values)
        messages.success(request, _("Stage saved."))
        return reverse("crm:settings")

    return _form_page(
        request,
        StageForm(_data(request), initial=initial),
        title=_("Edit stage %(name)s") % {"name": stage.name},
        submit=_("Save"),
        cancel_url=reverse("crm:settings"),
        save=save,
    )


def _delete(
    request: HttpRequest, obj: Any, service: Callable[..., Any], *, done: str, back: str, **kwargs: Any
) -> HttpResponse:
    try:
        service(by=_actor(request), **kwargs)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def stage_delete(request: HttpRequest, pk: int) -> HttpResponse:
    stage = object_with_perm(request, Stage.objects.all(), pk, SETTINGS)
    return _delete(
        request,
        stage,
        pipeline_services.stage_delete,
        stage=stage,
        done=_("Stage deleted."),
        back="crm:settings",
    )


@login_required
@require_POST
def pipeline_delete(request: HttpRequest, pk: int) -> HttpResponse:
    pipeline = object_with_perm(request, Pipeline.objects.all(), pk, SETTINGS)
    return _delete(
        request,
        pipeline,
        pipeline_services.pipeline_delete,
        pipeline=pipeline,
        done=_("Pipeline deleted."),
        back="crm:settings",
    )


@login_required
@require_http_methods(["GET", "POST"])
def lost_reason_create(request: HttpRequest) -> HttpResponse:
    company = _settings_company(request)

    def save(values: dict[str, Any]) -> str:
        pipeline_services.lost_reason_create(company=company, by=_actor(request), name=values["name"])
        messages.success(request, _("Lost reason added."))
        return reverse("crm:settings")

    return _form_page(
        request,
        LostReasonForm(_data(request)),
        title=_("New lost reason"),
        submit=_("Add"),
        cancel_url=reverse("crm:settings"),
        save=save,
    )


@login_required
@require_POST
def lost_reason_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reason = object_with_perm(request, LostReason.objects.all(), pk, SETTINGS)
    return _delete(
        request,
        reason,
        pipeline_services.lost_reason_delete,
        reason=reason,
        done=_("Lost reason removed."),
        back="crm:settings",
    )


# --------------------------------------------------------------------------- campaigns and lead forms
@login_required
@require_GET
def campaigns_view(request: HttpRequest) -> HttpResponse:
    """Campaigns and the public lead forms, with the snippet to embed each form."""
    company = active_company_with_perm(request, VIEW)
    lead_forms = [
        {
            "form": lead_form,
            "url": request.build_absolute_uri(reverse("crm:public-form", args=[lead_form.token])),
        }
        for lead_form in lead_forms_of(company)
    ]
    return render(
        request,
        "crm/campaigns.html",
        {
            "company": company,
            "campaigns": campaigns_of(company),
            "lead_forms": lead_forms,
            "can_change": has_perm_in_company(request, company, CHANGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, CHANGE)

    def save(values: dict[str, Any]) -> str:
        campaign_services.campaign_create(company=company, by=_actor(request), **values)
        messages.success(request, _("Campaign created."))
        return reverse("crm:campaigns")

    return _form_page(
        request,
        CampaignEditForm(_data(request)),
        title=_("New campaign"),
        submit=_("Create"),
        cancel_url=reverse("crm:campaigns"),
        save=save,
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = object_with_perm(request, Campaign.objects.select_related("company"), pk, CHANGE)
    initial = {name: getattr(campaign, name) for name in ("name", "channel", "start_date", "end_date")}

    def save(values: dict[str, Any]) -> str:
        campaign_services.campaign_update(campaign=campaign, by=_actor(request), **values)
        messages.success(request, _("Campaign saved."))
        return reverse("crm:campaigns")

    return _form_page(
        request,
        CampaignEditForm(_data(request), initial=initial),
        title=_("Edit campaign %(name)s") % {"name": campaign.name},
        submit=_("Save"),
        cancel_url=reverse("crm:campaigns"),
        save=save,
    )


@login_required
@require_http_methods(["GET", "POST"])
def lead_form_create(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, CHANGE)
    form = LeadFormEditForm(_data(request), company=company)

    def save(values: dict[str, Any]) -> str:
        campaign_services.lead_form_create(
            company=company,
            by=_actor(request),
            name=values["name"],
            campaign_id=values["campaign"].pk if values.get("campaign") else None,
            owner=values.get("owner"),
            thank_you_message=values.get("thank_you_message", ""),
        )
        messages.success(request, _("Web form created: copy its snippet onto your website."))
        return reverse("crm:campaigns")

    return _form_page(
        request,
        form,
        title=_("New web form"),
        submit=_("Create"),
        cancel_url=reverse("crm:campaigns"),
        save=save,
    )


@login_required
@require_http_methods(["GET", "POST"])
def lead_form_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lead_form = object_with_perm(request, LeadForm.objects.select_related("company"), pk, CHANGE)
    initial = {
        "name": lead_form.name,
        "campaign": lead_form.campaign_id,
        "owner": lead_form.owner_id,
        "thank_you_message": lead_form.thank_you_message,
        "is_active": lead_form.is_active,
    }
    form = LeadFormEditForm(_data(request), company=lead_form.company, initial=initial)

    def save(values: dict[str, Any]) -> str:
        campaign_services.lead_form_update(
            lead_form=lead_form,
            by=_actor(request),
            name=values["name"],
            campaign_id=values["campaign"].pk if values.get("campaign") else None,
            owner=values.get("owner"),
            thank_you_message=values.get("thank_you_message", ""),
            is_active=values.get("is_active", False),
        )
        messages.success(request, _("Web form saved."))
        return reverse("crm:campaigns")

    return _form_page(
        request,
        form,
        title=_("Edit web form %(name)s") % {"name": lead_form.name},
        submit=_("Save"),
        cancel_url=reverse("crm:campaigns"),
        save=save,
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("", board, name="board"),
    path("opportunities/", OpportunityList.as_view(), name="opportunities"),
    path("opportunities/new/", opportunity_create, name="opportunity-new"),
    path("opportunities/<int:pk>/", opportunity_detail, name="opportunity-detail"),
    path("opportunities/<int:pk>/edit/", opportunity_edit, name="opportunity-edit"),
    path("opportunities/<int:pk>/move/", opportunity_move, name="opportunity-move"),
    path("opportunities/<int:pk>/lost/", opportunity_lost, name="opportunity-lost"),
    path("opportunities/<int:pk>/<slug:action>/", opportunity_action, name="opportunity-action"),
    path("leads/", LeadList.as_view(), name="leads"),
    path("leads/new/", lead_create, name="lead-new"),
    path("leads/<int:pk>/", lead_detail, name="lead-detail"),
    path("leads/<int:pk>/edit/", lead_edit, name="lead-edit"),
    path("leads/<int:pk>/qualify/", lead_qualify, name="lead-qualify"),
    path("leads/<int:pk>/disqualify/", lead_disqualify, name="lead-disqualify"),
    path("leads/<int:pk>/delete/", lead_delete, name="lead-delete"),
    path("settings/", settings_view, name="settings"),
    path("settings/pipelines/new/", pipeline_create, name="pipeline-new"),
    path("settings/pipelines/<int:pk>/edit/", pipeline_edit, name="pipeline-edit"),
    path("settings/pipelines/<int:pk>/delete/", pipeline_delete, name="pipeline-delete"),
    path("settings/pipelines/<int:pipeline_pk>/stages/new/", stage_create, name="stage-new"),
    path("settings/stages/<int:pk>/edit/", stage_edit, name="stage-edit"),
    path("settings/stages/<int:pk>/delete/", stage_delete, name="stage-delete"),
    path("settings/lost-reasons/new/", lost_reason_create, name="lost-reason-new"),
    path("settings/lost-reasons/<int:pk>/delete/", lost_reason_delete, name="lost-reason-delete"),
    path("campaigns/", campaigns_view, name="campaigns"),
    path("campaigns/new/", campaign_create, name="campaign-new"),
    path("campaigns/<int:pk>/edit/", campaign_edit, name="campaign-edit"),
    path("campaigns/forms/new/", lead_form_create, name="lead-form-new"),
    path("campaigns/forms/<int:pk>/edit/", lead_form_edit, name="lead-form-edit"),
    path("forms/<str:token>/", public_form, name="public-form"),
]
