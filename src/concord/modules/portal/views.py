"""Portal screens: the invitation link, the customer's pages, and the staff's invitation screen.

Every customer page resolves the signed-in user's ``PortalAccess`` first (a staff user gets 403) and
looks every id of the URL up among *that party's* rows only: another customer's id is a 404, exactly
as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from concord.core.errors import DomainError
from concord.core.identity.models import Company
from concord.core.web.session import active_company, active_company_with_perm
from concord.modules.accounting import facade as accounting
from concord.modules.helpdesk import facade as helpdesk
from concord.modules.inventory import facade as inventory
from concord.modules.parties.facade import party_summary
from concord.modules.portal.forms import InviteForm, PasswordForm, ReplyForm, TicketForm
from concord.modules.portal.models import PortalAccess
from concord.modules.portal.queries import accesses_of_company, portal_access_of
from concord.modules.portal.services.access import (
    invitation_access,
    portal_invitation_accept,
    portal_invite,
    portal_revoke,
)
from concord.modules.sales import facade as sales

INVITE_PERMISSION = "portal.invite"
QUOTE_STATES = ("sent", "to_approve")
ORDER_STATES = ("sale", "done")
_OPEN_TICKET = ("new", "open", "waiting")
_CHAT_PARTY_SALT = "concord.chat.party"


@dataclass(frozen=True)
class Portal:
    """Who is looking: the company and the customer the signed-in contact belongs to."""

    company: Company
    access: PortalAccess

    @property
    def party_id(self) -> int:
        return self.access.party_id


def _portal(request: HttpRequest) -> Portal:
    company = active_company(request)
    access = portal_access_of(request.user, company) if company is not None else None  # type: ignore[arg-type]
    if company is None or access is None:
        raise PermissionDenied(_("The customer portal is for customers' contacts."))
    return Portal(company=company, access=access)


def _chat_context(portal: Portal) -> dict[str, Any]:
    """The chat widget's variables (helpdesk's chat contract): the channel and the signed customer."""
    signed = signing.dumps({"party": portal.party_id, "company": portal.company.pk}, salt=_CHAT_PARTY_SALT)
    return {"chat_token": helpdesk.chat_channel_token(portal.company.pk), "chat_party_signed": signed}


def _render(
    request: HttpRequest, portal: Portal, template: str, context: dict[str, Any], **kw: Any
) -> HttpResponse:
    party = party_summary(portal.party_id)
    base = {"portal": portal, "party": party, "company": portal.company, **_chat_context(portal)}
    return render(request, template, {**base, **context}, **kw)


def _own_orders(portal: Portal) -> list[sales.SaleOrderInfo]:
    return sales.orders_for_party(portal.company.pk, portal.party_id)


def _own_order(portal: Portal, order_id: int) -> sales.SaleOrderInfo:
    if not any(order.id == order_id for order in _own_orders(portal)):
        raise Http404(_("There is no such order."))
    order = sales.order_get(order_id)
    if order is None or order.partner_id != portal.party_id or order.company_id != portal.company.pk:
        raise Http404(_("There is no such order."))
    return order


def _own_invoice(portal: Portal, invoice_id: int) -> accounting.InvoiceInfo:
    for invoice in accounting.invoices_for_partner(portal.company.pk, portal.party_id):
        if invoice.id == invoice_id:
            return invoice
    raise Http404(_("There is no such invoice."))


def _own_ticket(portal: Portal, ticket_id: int) -> helpdesk.TicketInfo:
    ticket = helpdesk.ticket_get_for_party(ticket_id, portal.party_id)
    if ticket is None or ticket.company_id != portal.company.pk:
        raise Http404(_("There is no such ticket."))
    return ticket


# --------------------------------------------------------------------------- customer pages
@login_required
def home(request: HttpRequest) -> HttpResponse:
    portal = _portal(request)
    orders = _own_orders(portal)
    tickets = helpdesk.tickets_for_party(portal.company.pk, portal.party_id)
    return _render(
        request,
        portal,
        "portal/home.html",
        {
            "balance": accounting.partner_balance(company_id=portal.company.pk, partner_id=portal.party_id),
            "open_orders": [o for o in orders if o.state == "sale"],
            "open_quotes": [o for o in orders if o.state in QUOTE_STATES],
            "open_tickets": [t for t in tickets if t.status in _OPEN_TICKET],
        },
    )


@login_required
def quotes(request: HttpRequest) -> HttpResponse:
    portal = _portal(request)
    rows = [o for o in _own_orders(portal) if o.state in QUOTE_STATES]
    return _render(request, portal, "portal/quotes.html", {"quotes": rows})


@login_required
def quote_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the sales public page of one of the party's quotations (where it can be accepted)."""
    portal = _portal(request)
    order = _own_order(portal, pk)
    if order.state in ("draft", "cancelled") or not order.access_token:  # never sent to the customer
        raise Http404(_("There is no such quotation."))
    return redirect("sales:quote-public", token=order.access_token)


@login_required
def orders(request: HttpRequest) -> HttpResponse:
    portal = _portal(request)
    rows = [o for o in _own_orders(portal) if o.state in ORDER_STATES]
    return _render(request, portal, "portal/orders.html", {"orders": rows})


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    portal = _portal(request)
    order = _own_order(portal, pk)
    if order.state not in ORDER_STATES:
        raise Http404(_("There is no such order."))
    deliveries = [
        t
        for t in inventory.transfers_by_source(portal.company.pk, f"sales.order:{order.id}")
        if t.kind == "delivery"
    ]
    invoices = [
        i
        for i in accounting.invoices_by_source(portal.company.pk, f"sales.order:{order.id}")
        if i.state in ("posted", "partial", "paid")
    ]
    return _render(
        request,
        portal,
        "portal/order_detail.html",
        {"order": order, "deliveries": deliveries, "invoices": invoices},
    )


@login_required
def invoices(request: HttpRequest) -> HttpResponse:
    portal = _portal(request)
    rows = accounting.invoices_for_partner(portal.company.pk, portal.party_id)
    return _render(request, portal, "portal/invoices.html", {"invoices": rows})


@login_required
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    portal = _portal(request)
    invoice = _own_invoice(portal, pk)
    response = HttpResponse(accounting.invoice_pdf(invoice.id), content_type="application/pdf")
    filename = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in invoice.number or str(invoice.id))
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


@login_required
def balance(request: HttpRequest) -> HttpResponse:
    portal = _portal(request)
    credit = accounting.partner_credit(portal.company.pk, portal.party_id, timezone.localdate())
    open_invoices = [
        i
        for i in accounting.invoices_for_partner(portal.company.pk, portal.party_id)
        if i.state in ("posted", "partial") and i.amount_residual
    ]
    return _render(
        request,
        portal,
        "portal/balance.html",
        {
            "balance": accounting.partner_balance(company_id=portal.company.pk, partner_id=portal.party_id),
            "credit": credit,
            "open_invoices": open_invoices,
        },
    )


@login_required
def tickets(request: HttpRequest) -> HttpResponse:
    portal = _portal(request)
    rows = helpdesk.tickets_for_party(portal.company.pk, portal.party_id)
    return _render(request, portal, "portal/tickets.html", {"tickets": rows})


@login_required
@require_http_methods(["GET", "POST"])
def ticket_new(request: HttpRequest) -> HttpResponse:
    portal = _portal(request)
    form = TicketForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ticket = helpdesk.ticket_open_for_party(
                    company_id=portal.company.pk,
                    party_id=portal.party_id,
                    subject=form.cleaned_data["subject"],
                    message=form.cleaned_data["message"],
                    by=request.user,
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Ticket %(number)s opened.") % {"number": ticket.number})
                return redirect("portal:ticket-detail", pk=ticket.id)
        status = 400
    return _render(request, portal, "portal/ticket_new.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    portal = _portal(request)
    ticket = _own_ticket(portal, pk)
    form = ReplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                updated = helpdesk.customer_message_add_for_party(
                    ticket_id=ticket.id,
                    party_id=portal.party_id,
                    text=form.cleaned_data["text"],
                    by=request.user,
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Your reply was sent."))
                return redirect("portal:ticket-detail", pk=updated.id)
        status = 400
    return _render(
        request,
        portal,
        "portal/ticket_detail.html",
        {"ticket": ticket, "messages_public": helpdesk.ticket_messages_public(ticket.id), "form": form},
        status=status,
    )


# --------------------------------------------------------------------------- the invitation link
@require_http_methods(["GET", "POST"])
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Choose a password from an invitation link, then land signed in on the portal."""
    try:
        access = invitation_access(token)
    except DomainError as exc:
        return render(request, "portal/invite_invalid.html", {"message": exc.message}, status=404)
    form = PasswordForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                accepted = portal_invitation_accept(token=token, password=form.cleaned_data["password"])
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                login(request, accepted.user, backend="concord.core.identity.backends.RoleBackend")
                request.session["company_id"] = accepted.company_id
                return redirect("portal:home")
        status = 400
    return render(request, "portal/invite_accept.html", {"form": form, "access": access}, status=status)


# --------------------------------------------------------------------------- staff: invitations
@login_required
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest) -> HttpResponse:
    """Portal settings: invite a customer's contact, see and revoke accesses."""
    company = active_company_with_perm(request, INVITE_PERMISSION)
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                access = portal_invite(
                    company=company,
                    party_id=form.cleaned_data["party_id"],
                    email=form.cleaned_data["email"],
                    by=request.user,
                    link_base=request.build_absolute_uri("/").rstrip("/"),
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": access.email})
                return redirect("portal:invitations")
        status = 400
    return render(
        request,
        "portal/invitations.html",
        {"form": form, "accesses": accesses_of_company(company), "company": company},
        status=status,
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    company = active_company_with_perm(request, INVITE_PERMISSION)
    access = accesses_of_company(company).filter(pk=pk).first()
    if access is None:
        raise Http404(_("There is no such portal access."))
    portal_revoke(access=access, by=request.user)
    messages.success(request, _("Portal access of %(email)s revoked.") % {"email": access.email})
    return redirect("portal:invitations")
