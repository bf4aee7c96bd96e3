"""The helpdesk's screens: the agents' inbox, a ticket page with its actions, the service dashboard,
settings (teams with calendar, holidays and SLA policies; categories; canned replies) and the public
pages (the embeddable web form and the rating page).

Views parse, check the permission in the object's company, call one service and render.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concord.core.errors import DomainError
from concord.core.identity.models import User
from concord.core.identity.permissions import permissions_for_roles
from concord.core.identity.roles import Role
from concord.core.web.session import active_company_with_perm, has_perm_in_company, object_with_perm
from concord.modules.helpdesk import forms as hd_forms
from concord.modules.helpdesk.models import (
    CannedReply,
    Channel,
    Priority,
    SlaPolicy,
    Tag,
    Team,
    TeamHoliday,
    Ticket,
    TicketAttachment,
    TicketCategory,
)
from concord.modules.helpdesk.queries import (
    InboxFilters,
    canned_replies_for,
    dashboard_stats,
    inbox_tickets,
    ticket_thread,
)
from concord.modules.helpdesk.services import settings as settings_services
from concord.modules.helpdesk.services import tickets as ticket_services
from concord.modules.helpdesk.services.sla import sla_check

VIEW, ADD, CHANGE, MANAGE, SETTINGS = (
    f"helpdesk.{a}" for a in ("view", "add", "change", "manage", "settings")
)


# --------------------------------------------------------------------------- helpers
def agents_of(company_id: int) -> list[User]:
    """Active people whose roles in the company let them work tickets."""
    roles = [role for role in Role.values if VIEW in permissions_for_roles({role})]
    return list(
        User.objects.filter(
            is_active=True,
            memberships__company_id=company_id,
            memberships__is_active=True,
            memberships__role__in=roles,
        )
        .distinct()
        .order_by("first_name", "username")
    )


def _members_of(company_id: int) -> list[User]:
    return list(
        User.objects.filter(is_active=True, memberships__company_id=company_id, memberships__is_active=True)
        .distinct()
        .order_by("first_name", "username")
    )


def _ticket(request: HttpRequest, pk: int, perm: str = VIEW) -> Ticket:
    return object_with_perm(request, Ticket.objects.select_related("team", "company", "party"), pk, perm)


def _domain_error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, str(exc.message))


def minutes_left(ticket: Ticket, now: dt.datetime) -> int | None:
    due = ticket.next_due
    if not isinstance(due, dt.datetime):
        return None
    return int((due - now).total_seconds() // 60)


# --------------------------------------------------------------------------- inbox
@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Open tickets sorted by the SLA deadline that matters now; filters; refreshed by htmx every 30 s."""
    company = active_company_with_perm(request, VIEW)
    teams = list(Team.objects.filter(company=company, is_active=True))
    agents = agents_of(company.pk)
    tags = list(Tag.objects.filter(company=company))
    form = hd_forms.InboxFilterForm(request.GET or None, teams=teams, agents=agents, tags=tags)
    data = form.cleaned_data if form.is_valid() else {}
    assignee = data.get("assignee") or ""
    filters = InboxFilters(
        team_id=data.get("team"),
        status=data.get("status") or "",
        priority=data.get("priority") or "",
        assignee_id=request.user.pk if assignee == "me" else (int(assignee) if assignee.isdigit() else None),
        unassigned=assignee == "none",
        channel=data.get("channel") or "",
        tag_id=data.get("tag"),
        query=data.get("q") or "",
    )
    rows = list(inbox_tickets(Ticket.objects.filter(company=company), filters)[:200])
    now = timezone.now()
    context = {
        "company": company,
        "form": form,
        "rows": [{"ticket": ticket, "minutes_left": minutes_left(ticket, now)} for ticket in rows],
        "can_add": has_perm_in_company(request, company, ADD),
        "can_manage": has_perm_in_company(request, company, MANAGE),
        "refresh_url": request.get_full_path(),
    }
    if getattr(request, "htmx", False):
        return render(request, "helpdesk/partials/inbox_rows.html", context)
    return render(request, "helpdesk/inbox.html", context)


@login_required
@require_POST
def sla_check_now(request: HttpRequest) -> HttpResponse:
    """A manager runs the SLA check at once (the worker runs it every minute)."""
    company = active_company_with_perm(request, MANAGE)
    report = sla_check(company_id=company.pk)
    messages.success(
        request,
        _("SLA check done: %(breached)s breach(es), %(warned)s warning(s).")
        % {"breached": len(report.breached), "warned": len(report.warned)},
    )
    return redirect("helpdesk:inbox")


# --------------------------------------------------------------------------- tickets
@login_required
@require_http_methods(["GET", "POST"])
def ticket_create(request: HttpRequest) -> HttpResponse:
    """An agent opens a ticket (a phone call, a walk-in)."""
    company = active_company_with_perm(request, ADD)
    teams = list(Team.objects.filter(company=company, is_active=True))
    form = hd_forms.TicketForm(
        request.POST or None, teams=teams, initial={"party": request.GET.get("party") or None}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = ticket_services.ticket_open(
                company=company,
                subject=data["subject"],
                message=data["message"],
                channel=data["channel"],
                by=request.user,
                email=data["email"] or "",
                phone=data["phone"] or "",
                name=data["name"] or "",
                party_id=data["party"],
                team_id=data["team"],
                priority=data["priority"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            return redirect("helpdesk:ticket", pk=ticket.pk)
    return render(request, "helpdesk/ticket_form.html", {"form": form, "company": company})


def _customer_context(request: HttpRequest, ticket: Ticket) -> dict[str, Any]:
    """The customer's orders, invoices and balance through sales' and accounting's facades."""
    if ticket.party_id is None:
        return {}
    company = ticket.company
    context: dict[str, Any] = {}
    if has_perm_in_company(request, company, "sales.view"):
        from concord.modules.sales import facade as sales

        if hasattr(sales, "orders_for_party"):
            context["orders"] = sales.orders_for_party(company.pk, ticket.party_id)[:10]
    if has_perm_in_company(request, company, "accounting.view"):
        from concord.modules.accounting import facade as accounting

        context["balance"] = accounting.partner_balance(company_id=company.pk, partner_id=ticket.party_id)
        context["currency"] = company.currency
        invoices = getattr(accounting, "invoices_for_party", None) or getattr(
            accounting, "invoices_for_partner", None
        )
        if invoices is not None:
            context["invoices"] = list(invoices(company.pk, ticket.party_id))[:10]
    return context


def _ticket_page(request: HttpRequest, ticket: Ticket, *, reply_form: Any = None) -> HttpResponse:
    company = ticket.company
    teams = list(Team.objects.filter(company=company, is_active=True))
    agents = agents_of(company.pk)
    can_change = request.user.has_perm(CHANGE, ticket)
    now = timezone.now()
    context = {
        "ticket": ticket,
        "thread": ticket_thread(ticket),
        "minutes_left": minutes_left(ticket, now),
        "tags": list(ticket.tags.all()),
        "can_change": can_change and ticket.merged_into_id is None,
        "reply_form": reply_form or hd_forms.ReplyForm(),
        "assign_form": hd_forms.AssignForm(
            agents=agents, teams=teams, initial={"assignee": ticket.assignee_id}
        ),
        "status_form": hd_forms.StatusForm(initial={"status": ticket.status, "priority": ticket.priority}),
        "merge_form": hd_forms.MergeForm(),
        "canned_replies": canned_replies_for(ticket),
        "customer": _customer_context(request, ticket),
        "party_url": reverse("parties:detail", args=[ticket.party_id]) if ticket.party_id else "",
    }
    return render(request, "helpdesk/ticket_detail.html", context)


@login_required
@require_GET
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_page(request, _ticket(request, pk))


@login_required
@require_POST
def ticket_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """A public reply or, with the switch, an internal note."""
    ticket = _ticket(request, pk, CHANGE)
    form = hd_forms.ReplyForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["internal"]:
                ticket_services.ticket_note(ticket=ticket, text=form.cleaned_data["text"], by=request.user)
            else:
                ticket_services.ticket_reply(ticket=ticket, text=form.cleaned_data["text"], by=request.user)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            return redirect("helpdesk:ticket", pk=ticket.pk)
    return _ticket_page(request, ticket, reply_form=form)


@login_required
@require_POST
def ticket_assign(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk, CHANGE)
    form = hd_forms.AssignForm(
        request.POST,
        agents=agents_of(ticket.company_id),
        teams=Team.objects.filter(company_id=ticket.company_id),
    )
    if form.is_valid():
        try:
            ticket_services.ticket_assign(
                ticket=ticket,
                assignee_id=form.cleaned_data["assignee"],
                team_id=form.cleaned_data["team"],
                by=request.user,
            )
        except DomainError as exc:
            _domain_error(request, exc)
    else:
        messages.error(request, _("Choose someone from the list."))
    return redirect("helpdesk:ticket", pk=ticket.pk)


@login_required
@require_POST
def ticket_status(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk, CHANGE)
    form = hd_forms.StatusForm(request.POST)
    if form.is_valid():
        try:
            ticket = ticket_services.ticket_set_priority(
                ticket=ticket, priority=form.cleaned_data["priority"], by=request.user
            )
            ticket_services.ticket_set_status(
                ticket=ticket, status=form.cleaned_data["status"], by=request.user
            )
        except DomainError as exc:
            _domain_error(request, exc)
    return redirect("helpdesk:ticket", pk=ticket.pk)


@login_required
@require_POST
def ticket_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk, CHANGE)
    try:
        ticket_services.ticket_resolve(ticket=ticket, by=request.user)
    except DomainError as exc:
        _domain_error(request, exc)
    return redirect("helpdesk:ticket", pk=ticket.pk)


@login_required
@require_POST
def ticket_close(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk, CHANGE)
    ticket_services.ticket_close(ticket=ticket, by=request.user)
    return redirect("helpdesk:ticket", pk=ticket.pk)


@login_required
@require_POST
def ticket_merge(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk, CHANGE)
    form = hd_forms.MergeForm(request.POST)
    if form.is_valid():
        survivor = Ticket.objects.filter(
            company_id=ticket.company_id, number=form.cleaned_data["survivor"].strip()
        ).first()
        if survivor is None:
            messages.error(request, _("There is no such ticket."))
            return redirect("helpdesk:ticket", pk=ticket.pk)
        try:
            survivor = ticket_services.ticket_merge(duplicate=ticket, survivor=survivor, by=request.user)
        except DomainError as exc:
            _domain_error(request, exc)
        else:
            messages.success(request, _("Merged into %(number)s.") % {"number": survivor.number})
            return redirect("helpdesk:ticket", pk=survivor.pk)
    return redirect("helpdesk:ticket", pk=ticket.pk)


@login_required
@require_POST
def ticket_tags(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk, CHANGE)
    names = request.POST.get("tags", "").split(",")
    ticket_services.ticket_tags_set(ticket=ticket, names=names, by=request.user)
    return redirect("helpdesk:ticket", pk=ticket.pk)


@login_required
@require_GET
def canned_render(request: HttpRequest, pk: int) -> HttpResponse:
    """The reply box filled with a canned reply for this ticket (htmx swaps the textarea)."""
    ticket = _ticket(request, pk, CHANGE)
    text = ""
    reply_id = request.GET.get("canned", "")
    if reply_id.isdigit():
        reply = next((r for r in canned_replies_for(ticket) if r.pk == int(reply_id)), None)
        if reply is not None:
            text = settings_services.canned_reply_render(reply=reply, ticket=ticket, agent=request.user)
    form = hd_forms.ReplyForm(initial={"text": text})
    return render(request, "helpdesk/partials/reply_text.html", {"field": form["text"]})


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(TicketAttachment.objects.select_related("message__ticket"), pk=pk)
    if not request.user.has_perm(VIEW, attachment.message.ticket):
        raise PermissionDenied
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type="application/octet-stream",  # never rendered inline: a customer's file is untrusted
    )


# --------------------------------------------------------------------------- dashboard
def _bars(values: dict[str, int], labels: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    top = max(values.values(), default=0) or 1
    return [
        {"label": (labels or {}).get(key, key), "value": value, "width": round(100 * value / top, 1)}
        for key, value in values.items()
    ]


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, VIEW)
    try:
        days = max(1, min(365, int(request.GET.get("days", "30"))))
    except ValueError:
        days = 30
    stats = dashboard_stats(company_ids=[company.pk], days=days)
    context = {
        "company": company,
        "stats": stats,
        "days": days,
        "team_bars": _bars(stats.open_by_team),
        "priority_bars": _bars(
            {p: stats.open_by_priority.get(p, 0) for p in Priority.values}, dict(Priority.choices)
        ),
        "channel_bars": _bars(stats.volume_by_channel, dict(Channel.choices)),
    }
    return render(request, "helpdesk/dashboard.html", context)


# --------------------------------------------------------------------------- settings
@login_required
@require_http_methods(["GET", "POST"])
def teams(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, SETTINGS)
    form = hd_forms.TeamForm(request.POST or None, users=_members_of(company.pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = settings_services.team_create(
                company=company,
                name=data["name"],
                kind=data["kind"],
                email_address=data["email_address"],
                timezone=data["timezone"],
                manager_id=data["manager"],
                member_ids=data["members"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            return redirect("helpdesk:team", pk=team.pk)
    rows = Team.objects.filter(company=company).select_related("manager")
    return render(request, "helpdesk/teams.html", {"company": company, "teams": rows, "form": form})


def _team_initial(team: Team) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "name": team.name,
        "kind": team.kind,
        "email_address": team.email_address,
        "timezone": team.timezone,
        "manager": team.manager_id,
        "members": list(team.members.values_list("pk", flat=True)),
        "form_enabled": team.form_enabled,
        "auto_reply": team.auto_reply,
    }
    for index, pairs in enumerate(team.working_hours or []):
        initial[f"hours_{index}"] = ", ".join(f"{a}-{b}" for a, b in pairs)
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A team's settings: name, address, calendar, members; its holidays, SLA policies and web form."""
    team = object_with_perm(request, Team.objects.all(), pk, SETTINGS)
    users = _members_of(team.company_id)
    form = hd_forms.TeamForm(request.POST or None, users=users, initial=_team_initial(team))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hours = [settings_services.parse_hours_text(data.get(f"hours_{i}") or "") for i in range(7)]
            settings_services.team_update(
                team=team,
                by=request.user,
                name=data["name"],
                kind=data["kind"],
                email_address=data["email_address"],
                timezone=data["timezone"],
                manager_id=data["manager"],
                working_hours=hours,
                form_enabled=data["form_enabled"],
                auto_reply=data["auto_reply"],
            )
            settings_services.team_members_set(team=team, member_ids=data["members"], by=request.user)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("helpdesk:team", pk=team.pk)
    policies = {policy.priority: policy for policy in SlaPolicy.objects.filter(team=team)}
    form_url = request.build_absolute_uri(reverse("helpdesk:webform", args=[team.form_token]))
    context = {
        "team": team,
        "form": form,
        "holiday_form": hd_forms.HolidayForm(),
        "holidays": TeamHoliday.objects.filter(team=team),
        "policy_rows": [
            {"priority": value, "label": label, "policy": policies.get(value)}
            for value, label in Priority.choices
        ],
        "policy_form": hd_forms.SlaPolicyForm(),
        "form_url": form_url,
        "snippet": f'<iframe src="{form_url}" title="Contact form" style="width:100%;min-height:640px;border:0" loading="lazy"></iframe>',
    }
    return render(request, "helpdesk/team_detail.html", context)


@login_required
@require_POST
def team_policy_save(request: HttpRequest, pk: int) -> HttpResponse:
    team = object_with_perm(request, Team.objects.all(), pk, SETTINGS)
    form = hd_forms.SlaPolicyForm(request.POST)
    if form.is_valid():
        try:
            settings_services.sla_policy_set(team=team, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            _domain_error(request, exc)
    else:
        messages.error(request, _("Check the SLA targets: whole minutes, at least one."))
    return redirect("helpdesk:team", pk=team.pk)


@login_required
@require_POST
def team_holiday_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = object_with_perm(request, Team.objects.all(), pk, SETTINGS)
    form = hd_forms.HolidayForm(request.POST)
    if form.is_valid():
        try:
            settings_services.holiday_add(team=team, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            _domain_error(request, exc)
    return redirect("helpdesk:team", pk=team.pk)


@login_required
@require_POST
def team_holiday_remove(request: HttpRequest, pk: int, holiday_pk: int) -> HttpResponse:
    team = object_with_perm(request, Team.objects.all(), pk, SETTINGS)
    holiday = get_object_or_404(TeamHoliday.objects.filter(team=team), pk=holiday_pk)
    settings_services.holiday_remove(holiday=holiday, by=request.user)
    return redirect("helpdesk:team", pk=team.pk)


@login_required
@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, SETTINGS)
    team_rows = list(Team.objects.filter(company=company))
    form = hd_forms.CategoryForm(request.POST or None, teams=team_rows)
    if request.method == "POST" and form.is_valid():
        try:
            settings_services.category_create(
                company=company,
                name=form.cleaned_data["name"],
                team_id=form.cleaned_data["team"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            return redirect("helpdesk:categories")
    rows = TicketCategory.objects.filter(company=company).select_related("team")
    return render(request, "helpdesk/categories.html", {"company": company, "categories": rows, "form": form})


@login_required
@require_POST
def category_delete(request: HttpRequest, pk: int) -> HttpResponse:
    category = object_with_perm(request, TicketCategory.objects.all(), pk, SETTINGS)
    settings_services.category_delete(category=category, by=request.user)
    return redirect("helpdesk:categories")


@login_required
@require_http_methods(["GET", "POST"])
def canned_replies(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, SETTINGS)
    team_rows = list(Team.objects.filter(company=company))
    form = hd_forms.CannedReplyForm(request.POST or None, teams=team_rows)
    if request.method == "POST" and form.is_valid():
        try:
            settings_services.canned_reply_create(
                company=company,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                team_id=form.cleaned_data["team"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            return redirect("helpdesk:canned-replies")
    rows = CannedReply.objects.filter(company=company).select_related("team")
    return render(
        request, "helpdesk/canned_replies.html", {"company": company, "replies": rows, "form": form}
    )


@login_required
@require_POST
def canned_reply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reply = object_with_perm(request, CannedReply.objects.all(), pk, SETTINGS)
    settings_services.canned_reply_delete(reply=reply, by=request.user)
    return redirect("helpdesk:canned-replies")


# --------------------------------------------------------------------------- public pages
def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def webform_rate_limited(request: HttpRequest, token: str) -> bool:
    """True once an address sent more than the limit of forms in the window (counted in Django's cache)."""
    limit = int(getattr(settings, "CONCORD_HELPDESK_FORM_LIMIT", 5))
    window = int(getattr(settings, "CONCORD_HELPDESK_FORM_WINDOW_SECONDS", 600))
    key = f"helpdesk:webform:{token}:{_client_ip(request)}"
    if cache.add(key, 1, timeout=window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return False
    return count > limit


@csrf_exempt  # embedded on other sites, where our CSRF cookie is a third-party cookie; nothing here uses a session
@xframe_options_exempt  # meant to be embedded in an iframe on the company's website
@require_http_methods(["GET", "POST"])
def webform(request: HttpRequest, token: str) -> HttpResponse:
    """The team's public contact form: a ticket with channel ``web_form``; honeypot and rate limit."""
    team = (
        Team.all_companies.filter(form_token=token, is_active=True, form_enabled=True)
        .select_related("company")
        .first()
    )
    if team is None:
        raise Http404
    form = hd_forms.WebForm(request.POST or None)
    context: dict[str, Any] = {"team": team, "form": form, "sent": False}
    if request.method == "POST":
        if webform_rate_limited(request, token):
            context["limited"] = True
            return render(request, "helpdesk/webform.html", context, status=429)
        if form.is_valid():
            data = form.cleaned_data
            if not data.get("website"):  # a filled honeypot is a bot: thank it and drop the message
                try:
                    ticket_services.ticket_open(
                        company=team.company,
                        team_id=team.pk,
                        channel=Channel.WEB_FORM,
                        by=None,
                        subject=data["subject"],
                        message=data["message"],
                        email=data["email"],
                        phone=data.get("phone") or "",
                        name=data["name"],
                    )
                except DomainError as exc:
                    form.add_domain_error(exc)
                    return render(request, "helpdesk/webform.html", context, status=422)
            context["sent"] = True
    return render(request, "helpdesk/webform.html", context)


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """The customer rates the help they got (1-5 and a comment), from the link sent on resolution."""
    ticket = (
        Ticket.all_companies.filter(rating_token=token).exclude(rating_token="").first()
        if len(token) <= 64
        else None
    )
    if ticket is None:
        raise Http404
    form = hd_forms.RatingForm(
        request.POST or None, initial={"rating": ticket.rating, "comment": ticket.rating_comment}
    )
    thanks = False
    if request.method == "POST" and form.is_valid():
        try:
            ticket = ticket_services.ticket_rate(
                token=token, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            thanks = True
    return render(request, "helpdesk/rate.html", {"ticket": ticket, "form": form, "thanks": thanks})
