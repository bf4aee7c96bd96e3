"""Sales' screens: dashboard, quotations and orders (lists, form, detail with actions, PDF, sending),
the customer's public page of a quotation, price lists and settings.

Views parse, check permission in the object's company, call one service and render; the rules live in
``services``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concord.core.errors import DomainError
from concord.core.identity.models import Company
from concord.core.lists.views import Column, ListScreen
from concord.core.web.session import active_company_with_perm, has_perm_in_company, object_with_perm
from concord.modules.sales.documents.pdf import order_pdf, order_pdf_filename
from concord.modules.sales.documents.sending import order_email_defaults, order_send
from concord.modules.sales.forms import (
    AcceptForm,
    CancelForm,
    ConfirmForm,
    CustomerPricingForm,
    OrderFilter,
    OrderForm,
    OrderLineFormSet,
    PricelistFilter,
    PricelistForm,
    PricelistItemFormSet,
    SendForm,
    SettingsForm,
    products_of,
)
from concord.modules.sales.models import OrderState, Pricelist, PricelistItem, SaleOrder
from concord.modules.sales.queries import (
    dashboard_data,
    order_credit,
    order_invoices,
    order_lines,
)
from concord.modules.sales.services import crm_bridge
from concord.modules.sales.services import invoicing as invoice_services
from concord.modules.sales.services import orders as order_services
from concord.modules.sales.services import pricelists as price_services
from concord.modules.sales.services.invoicing import order_transfers
from concord.modules.sales.services.settings import sales_settings_of, sales_settings_update

ZERO = Decimal(0)
_QUOTATION_STATES = (OrderState.DRAFT, OrderState.SENT, OrderState.TO_APPROVE)


def _total(obj: SaleOrder) -> str:
    return f"{obj.amount_total:,.2f} {obj.currency}"


# --------------------------------------------------------------------------- dashboard
@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Pipeline by stage, won/lost this month, revenue by month, top customers and products, conversion."""
    company = active_company_with_perm(request, "sales.view")
    today = timezone.localdate()
    month_start = today.replace(day=1)
    pipeline = crm_bridge.pipeline_summary(company_id=company.pk)
    won_lost = crm_bridge.won_lost(company_id=company.pk, start=month_start, end=today)
    data = dashboard_data(company, today=today)
    return render(
        request,
        "sales/dashboard.html",
        {
            "company": company,
            "data": data,
            "pipeline": pipeline,
            "won_lost": won_lost,
            "bar_width": 8,
        },
    )


# --------------------------------------------------------------------------- lists
class _OrderListBase(ListScreen):
    permission = "sales.view"
    permission_add = "sales.add"
    filterset_class = OrderFilter
    ordering_fields = {
        "quote_date": gettext_lazy("Date"),
        "number": gettext_lazy("Number"),
        "amount_total": gettext_lazy("Total"),
    }
    default_ordering = "-quote_date"
    export_columns = [
        Column(key="number", label=gettext_lazy("Quotation")),
        Column(key="order_number", label=gettext_lazy("Order")),
        Column(key="partner__name", label=gettext_lazy("Customer")),
        Column(key="quote_date", label=gettext_lazy("Date")),
        Column(key="currency", label=gettext_lazy("Currency")),
        Column(key="amount_untaxed", label=gettext_lazy("Untaxed amount")),
        Column(key="amount_total", label=gettext_lazy("Total")),
        Column(key="state", label=gettext_lazy("Status")),
        Column(key="invoice_status", label=gettext_lazy("Invoicing")),
    ]
    create_url_name = "sales:quote-create"

    def row_url(self, obj: SaleOrder) -> str:
        return reverse("sales:order-detail", args=[obj.pk])


class QuotationList(_OrderListBase):
    """Quotations: drafts, sent, waiting for approval."""

    list_key = "sales.quotation"
    title = gettext_lazy("Quotations")
    columns = [
        Column(key="number", label=gettext_lazy("Number"), link=True),
        Column(key="partner__name", label=gettext_lazy("Customer")),
        Column(key="quote_date", label=gettext_lazy("Date")),
        Column(key="validity_date", label=gettext_lazy("Valid until")),
        Column(key="amount_total", label=gettext_lazy("Total"), accessor=_total, align="end"),
        Column(key="state", label=gettext_lazy("Status"), accessor=lambda o: o.get_state_display()),
    ]

    def get_queryset(self) -> QuerySet[SaleOrder]:
        return SaleOrder.objects.filter(state__in=_QUOTATION_STATES).select_related("partner")


class OrderList(_OrderListBase):
    """Sales orders: confirmed, done, cancelled."""

    list_key = "sales.order"
    title = gettext_lazy("Sales orders")
    columns = [
        Column(key="order_number", label=gettext_lazy("Number"), link=True, accessor=str),
        Column(key="partner__name", label=gettext_lazy("Customer")),
        Column(key="quote_date", label=gettext_lazy("Date")),
        Column(key="amount_total", label=gettext_lazy("Total"), accessor=_total, align="end"),
        Column(key="state", label=gettext_lazy("Status"), accessor=lambda o: o.get_state_display()),
        Column(
            key="invoice_status",
            label=gettext_lazy("Invoicing"),
            accessor=lambda o: o.get_invoice_status_display(),
        ),
        Column(
            key="payment_status",
            label=gettext_lazy("Payment"),
            accessor=lambda o: o.get_payment_status_display(),
        ),
    ]

    def get_queryset(self) -> QuerySet[SaleOrder]:
        return SaleOrder.objects.exclude(state__in=_QUOTATION_STATES).select_related("partner")


# --------------------------------------------------------------------------- quotation form
def _line_inputs(rows: list[dict[str, Any]]) -> list[order_services.OrderLineInput]:
    return [
        order_services.OrderLineInput(
            product_id=row["product"].pk,
            quantity=row["quantity"],
            uom_id=row["uom"].pk if row.get("uom") else None,
            unit_price=row.get("unit_price"),
            discount_percent=row.get("discount_percent") or ZERO,
            description=row.get("description") or "",
            is_optional=bool(row.get("is_optional")),
        )
        for row in rows
    ]


def _opportunity_from_query(request: HttpRequest, company: Company) -> crm_bridge.OpportunityInfo | None:
    """The CRM opportunity a new quotation is made from (``?opportunity=<id>``, kept on the POST URL)."""
    raw = request.GET.get("opportunity", "")
    if not raw.isdigit():
        return None
    info = crm_bridge.opportunity_get(int(raw))
    if info is None or info.company_id != company.pk:
        raise Http404
    return info


def _order_form_page(request: HttpRequest, *, order: SaleOrder | None) -> HttpResponse:
    company = order.company if order is not None else active_company_with_perm(request, "sales.add")
    opportunity = _opportunity_from_query(request, company) if order is None else None
    initial: dict[str, Any] = {
        "quote_date": timezone.localdate(),
        "partner": (opportunity.party_id if opportunity else None) or request.GET.get("partner") or None,
    }
    line_initial: list[dict[str, Any]] = []
    if order is not None:
        initial = {
            "partner": order.partner_id,
            "quote_date": order.quote_date,
            "validity_date": order.validity_date,
            "currency": order.currency,
            "pricelist": order.pricelist_id,
            "customer_ref": order.customer_ref,
            "terms": order.terms,
        }
        line_initial = [
            {
                "product": line.product_id,
                "description": line.description,
                "quantity": line.quantity,
                "uom": line.uom_id,
                "unit_price": line.unit_price,
                "discount_percent": line.discount_percent,
                "is_optional": line.is_optional,
            }
            for line in order_lines(order)
        ]
    data = request.POST if request.method == "POST" else None
    form = OrderForm(data, company=company, initial=initial)
    lines = OrderLineFormSet(data, company=company, initial=line_initial or None, prefix="lines")
    status = 200
    if request.method == "POST":
        if form.is_valid() and lines.is_valid():
            values = form.cleaned_data
            common: dict[str, Any] = {
                "partner_id": values["partner"].pk,
                "quote_date": values["quote_date"],
                "validity_date": values["validity_date"],
                "currency": values["currency"] or None,
                "pricelist_id": values["pricelist"].pk if values["pricelist"] else None,
                "customer_ref": values["customer_ref"],
            }
            try:
                if order is None:
                    saved = order_services.order_create(
                        company=company,
                        lines=_line_inputs(lines.filled()),
                        by=request.user,
                        terms=values["terms"] or None,
                        opportunity_id=opportunity.id if opportunity else None,
                        **common,
                    )
                else:
                    saved = order_services.order_update(
                        order=order,
                        by=request.user,
                        lines=_line_inputs(lines.filled()),
                        terms=values["terms"],
                        **common,
                    )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("%(order)s saved.") % {"order": saved})
                return redirect("sales:order-detail", pk=saved.pk)
        status = 400
    return render(
        request,
        "sales/order_form.html",
        {"form": form, "lines": lines, "order": order, "company": company, "opportunity": opportunity},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def quote_create(request: HttpRequest) -> HttpResponse:
    return _order_form_page(request, order=None)


@login_required
@require_http_methods(["GET", "POST"])
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    order = object_with_perm(request, SaleOrder.objects.select_related("company"), pk, "sales.change")
    if not order.is_editable:
        messages.error(request, _("Only a quotation can be changed."))
        return redirect("sales:order-detail", pk=order.pk)
    return _order_form_page(request, order=order)


def _index(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("index", "0")), 0)
    except ValueError:
        return 0


@login_required
@require_GET
def order_line_row(request: HttpRequest) -> HttpResponse:
    """One more empty line row for the quotation form (htmx), numbered ``?index=``."""
    company = active_company_with_perm(request, "sales.add")
    index = _index(request)
    formset = OrderLineFormSet(company=company, prefix="lines")
    line = formset.form(
        auto_id=formset.auto_id,
        prefix=formset.add_prefix(index),
        empty_permitted=True,
        use_required_attribute=False,
        **formset.get_form_kwargs(index),
    )
    formset.add_fields(line, index)
    return render(request, "sales/partials/order_line_row.html", {"line": line, "index": index})


@login_required
@require_GET
def line_price(request: HttpRequest) -> HttpResponse:
    """The unit price input of a line (htmx), filled from the customer's price list when a product is
    picked: ``?index=&lines-N-product=&lines-N-quantity=&partner=&pricelist=&currency=``."""
    company = active_company_with_perm(request, "sales.add")
    index = _index(request)
    prefix = f"lines-{index}"
    price: Decimal | None = None
    product = products_of(company).filter(pk=request.GET.get(f"{prefix}-product") or 0).first()
    if product is not None:
        try:
            quantity = Decimal(request.GET.get(f"{prefix}-quantity") or "1")
        except InvalidOperation:
            quantity = Decimal(1)
        try:
            price = order_services.line_price_preview(
                company=company,
                product_id=product.pk,
                quantity=quantity if quantity > 0 else Decimal(1),
                partner_id=int(request.GET.get("partner") or 0) or None,
                pricelist_id=int(request.GET.get("pricelist") or 0) or None,
                currency=request.GET.get("currency") or None,
                uom_id=int(request.GET.get(f"{prefix}-uom") or 0) or None,
            )
        except (DomainError, ValueError):
            price = None
    return render(
        request, "sales/partials/line_price.html", {"prefix": prefix, "price": price, "index": index}
    )


# --------------------------------------------------------------------------- detail and actions
def _detail_context(request: HttpRequest, order: SaleOrder) -> dict[str, Any]:
    user = request.user
    lines = order_lines(order)
    credit = order_credit(order)
    transfers = order_transfers(order) if order.is_order or order.state == OrderState.CANCELLED else []
    return {
        "order": order,
        "lines": lines,
        "credit": credit,
        "transfers": transfers,
        "invoices": order_invoices(order),
        "public_url": request.build_absolute_uri(reverse("sales:quote-public", args=[order.access_token])),
        "can_change": order.is_editable and user.has_perm("sales.change", order),
        "can_send": order.state != OrderState.CANCELLED and user.has_perm("sales.change", order),
        "can_confirm": order.is_editable and user.has_perm("sales.confirm", order),
        "can_approve": order.state == OrderState.TO_APPROVE and user.has_perm("sales.approve", order),
        "can_cancel": order.state not in (OrderState.DONE, OrderState.CANCELLED)
        and user.has_perm("sales.cancel", order),
        "can_invoice": order.state == OrderState.SALE
        and order.invoice_status == "to_invoice"
        and user.has_perm("sales.change", order),
    }


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = object_with_perm(
        request,
        SaleOrder.objects.select_related("company", "partner", "pricelist", "salesperson", "approved_by"),
        pk,
        "sales.view",
    )
    return render(request, "sales/order_detail.html", _detail_context(request, order))


@login_required
@require_http_methods(["GET", "POST"])
def order_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirm page (overdue warning, "deliver the rest later"), and the confirmation itself."""
    order = object_with_perm(
        request, SaleOrder.objects.select_related("company", "partner"), pk, "sales.confirm"
    )
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = order_services.order_confirm(
                order=order, by=request.user, allow_backorder=form.cleaned_data["allow_backorder"]
            )
        except DomainError as exc:
            form.add_domain_error(exc)
            status = 409 if exc.status_code == 409 else 400
        else:
            if result.state == OrderState.TO_APPROVE:
                messages.info(
                    request,
                    _("%(order)s is beyond the customer's credit limit: a manager must approve it.")
                    % {"order": result},
                )
            else:
                messages.success(request, _("%(order)s confirmed.") % {"order": result})
            return redirect("sales:order-detail", pk=order.pk)
    return render(
        request,
        "sales/order_confirm.html",
        {"order": order, "form": form, "credit": order_credit(order)},
        status=status,
    )


@login_required
@require_POST
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Approve, refuse (the approval) or cancel an order."""
    permissions = {"approve": "sales.approve", "refuse": "sales.approve", "cancel": "sales.cancel"}
    if action not in permissions:
        raise Http404
    order = object_with_perm(request, SaleOrder.objects.all(), pk, permissions[action])
    reason = CancelForm(request.POST)
    reason_text = reason.cleaned_data["reason"] if reason.is_valid() else ""
    try:
        if action == "approve":
            result = order_services.order_approve(order=order, by=request.user)
            messages.success(request, _("%(order)s approved and confirmed.") % {"order": result})
        elif action == "refuse":
            result = order_services.order_approval_refuse(order=order, by=request.user, reason=reason_text)
            messages.info(request, _("%(order)s was refused: it is a quotation again.") % {"order": result})
        else:
            result = order_services.order_cancel(order=order, by=request.user, reason=reason_text)
            messages.success(request, _("%(order)s cancelled.") % {"order": result})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("sales:order-detail", pk=order.pk)


@login_required
@require_POST
def order_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    order = object_with_perm(request, SaleOrder.objects.all(), pk, "sales.change")
    try:
        made = invoice_services.order_invoice_create(order=order, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("sales:order-detail", pk=order.pk)
    messages.success(request, _("Invoice created."))
    if len(made) == 1:
        return redirect("accounting:invoice-detail", pk=made[0].invoice_id)
    return redirect("sales:order-detail", pk=order.pk)


@login_required
@require_GET
def order_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = object_with_perm(request, SaleOrder.objects.all(), pk, "sales.view")
    response = HttpResponse(order_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order_pdf_filename(order)}"'
    return response


def _primary_email(order: SaleOrder) -> str:
    """The customer's primary email address (any email when none is primary), read through our FK."""
    emails = order.partner.contact_points.filter(kind="email").order_by("-is_primary", "pk")
    return emails.values_list("value", flat=True).first() or ""


@login_required
@require_http_methods(["GET", "POST"])
def order_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = object_with_perm(
        request, SaleOrder.objects.select_related("company", "partner"), pk, "sales.change"
    )
    subject, message = order_email_defaults(order)
    form = SendForm(
        request.POST if request.method == "POST" else None,
        initial={"to": _primary_email(order), "subject": subject, "message": message},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order_send(
                    order=order,
                    to=form.recipients(),
                    by=request.user,
                    subject=form.cleaned_data["subject"],
                    message=form.cleaned_data["message"],
                    base_url=request.build_absolute_uri("/").rstrip("/"),
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("%(order)s will be emailed.") % {"order": order})
                return redirect("sales:order-detail", pk=order.pk)
        status = 400
    return render(request, "sales/order_send.html", {"order": order, "form": form}, status=status)


# --------------------------------------------------------------------------- the customer's public page
def _by_token(token: str) -> SaleOrder:
    order = (
        SaleOrder.all_companies.select_related("company", "partner").filter(access_token=token).first()
        if 0 < len(token) <= 64
        else None
    )
    if order is None:
        raise Http404
    return order


@require_http_methods(["GET", "POST"])
def quote_public(request: HttpRequest, token: str) -> HttpResponse:
    """The quotation as its customer sees it, without signing in: read, download, accept (sign)."""
    order = _by_token(token)
    form = AcceptForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order_services.quote_accept(order=order, signed_by=form.cleaned_data["signed_by"])
            except DomainError as exc:
                form.add_domain_error(exc)
                status = 400
            else:
                return redirect("sales:quote-public", token=token)
        else:
            status = 400
        order = _by_token(token)
    expired = order.validity_date is not None and order.validity_date < timezone.localdate()
    return render(
        request,
        "sales/quote_public.html",
        {
            "order": order,
            "lines": order_lines(order),
            "form": form,
            "can_accept": order.is_editable and not expired,
            "expired": expired and order.is_editable,
        },
        status=status,
    )


@require_GET
def quote_public_pdf(request: HttpRequest, token: str) -> HttpResponse:
    order = _by_token(token)
    response = HttpResponse(order_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{order_pdf_filename(order)}"'
    return response


# --------------------------------------------------------------------------- price lists
class PricelistList(ListScreen):
    """Price lists."""

    list_key = "sales.pricelist"
    title = gettext_lazy("Price lists")
    permission = "sales.view"
    permission_add = "sales.change"
    filterset_class = PricelistFilter
    ordering_fields = {"name": gettext_lazy("Name")}
    default_ordering = "name"
    columns = [
        Column(key="name", label=gettext_lazy("Name"), link=True),
        Column(key="currency", label=gettext_lazy("Currency")),
        Column(
            key="is_active",
            label=gettext_lazy("Active"),
            accessor=lambda p: _("Yes") if p.is_active else _("No"),
        ),
    ]
    create_url_name = "sales:pricelist-create"

    def get_queryset(self) -> QuerySet[Pricelist]:
        return Pricelist.objects.all()

    def row_url(self, obj: Pricelist) -> str:
        return reverse("sales:pricelist-edit", args=[obj.pk])


def _item_inputs(rows: list[dict[str, Any]]) -> list[price_services.PricelistItemInput]:
    return [
        price_services.PricelistItemInput(
            product_id=row["product"].pk if row.get("product") else None,
            category_id=row["category"].pk if row.get("category") else None,
            min_quantity=row.get("min_quantity") or ZERO,
            fixed_price=row.get("fixed_price"),
            discount_percent=row.get("discount_percent"),
            date_start=row.get("date_start"),
            date_end=row.get("date_end"),
        )
        for row in rows
    ]


def _pricelist_page(request: HttpRequest, *, company: Company, pricelist: Pricelist | None) -> HttpResponse:
    initial: dict[str, Any] = {"currency": company.currency, "is_active": True}
    item_initial: list[dict[str, Any]] = []
    if pricelist is not None:
        initial = {"name": pricelist.name, "currency": pricelist.currency, "is_active": pricelist.is_active}
        item_initial = [
            {
                "product": item.product_id,
                "category": item.category_id,
                "min_quantity": item.min_quantity,
                "fixed_price": item.fixed_price,
                "discount_percent": item.discount_percent,
                "date_start": item.date_start,
                "date_end": item.date_end,
            }
            for item in PricelistItem.all_companies.filter(pricelist_id=pricelist.pk).order_by("pk")
        ]
    data = request.POST if request.method == "POST" else None
    form = PricelistForm(data, company=company, initial=initial)
    items = PricelistItemFormSet(data, company=company, initial=item_initial or None, prefix="items")
    status = 200
    if request.method == "POST":
        if form.is_valid() and items.is_valid():
            values = form.cleaned_data
            try:
                if pricelist is None:
                    price_services.pricelist_create(
                        company=company,
                        name=values["name"],
                        currency=values["currency"],
                        is_active=values["is_active"],
                        items=_item_inputs(items.filled()),
                        by=request.user,
                    )
                else:
                    price_services.pricelist_update(
                        pricelist=pricelist,
                        name=values["name"],
                        currency=values["currency"],
                        is_active=values["is_active"],
                        items=_item_inputs(items.filled()),
                        by=request.user,
                    )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Price list saved."))
                return redirect("sales:pricelists")
        status = 400
    return render(
        request,
        "sales/pricelist_form.html",
        {"form": form, "items": items, "pricelist": pricelist, "company": company},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pricelist_create(request: HttpRequest) -> HttpResponse:
    return _pricelist_page(request, company=active_company_with_perm(request, "sales.change"), pricelist=None)


@login_required
@require_http_methods(["GET", "POST"])
def pricelist_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pricelist = object_with_perm(request, Pricelist.objects.select_related("company"), pk, "sales.change")
    return _pricelist_page(request, company=pricelist.company, pricelist=pricelist)


@login_required
@require_http_methods(["GET", "POST"])
def customer_pricing(request: HttpRequest) -> HttpResponse:
    """Give a customer its price list."""
    company = active_company_with_perm(request, "sales.change")
    form = CustomerPricingForm(request.POST if request.method == "POST" else None, company=company)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                price_services.customer_pricelist_set(
                    company=company,
                    partner_id=form.cleaned_data["partner"].pk,
                    pricelist_id=form.cleaned_data["pricelist"].pk
                    if form.cleaned_data["pricelist"]
                    else None,
                    by=request.user,
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Customer price list saved."))
                return redirect("sales:pricelists")
        status = 400
    return render(request, "sales/customer_pricing.html", {"form": form, "company": company}, status=status)


# --------------------------------------------------------------------------- settings
@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, "sales.view")
    can_change = has_perm_in_company(request, company, "sales.settings")
    current = sales_settings_of(company)
    form = SettingsForm(
        request.POST if request.method == "POST" else None,
        company=company,
        initial={
            "default_pricelist": current.default_pricelist_id,
            "quote_validity_days": current.quote_validity_days,
            "default_terms": current.default_terms,
            "auto_post_invoices": current.auto_post_invoices,
            "credit_control": current.credit_control,
            "policy_goods": current.policy_goods,
            "policy_services": current.policy_services,
        },
    )
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            values = dict(form.cleaned_data)
            pricelist = values.pop("default_pricelist")
            try:
                sales_settings_update(
                    company=company,
                    by=request.user,
                    default_pricelist_id=pricelist.pk if pricelist else None,
                    **values,
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Sales settings saved."))
                return redirect("sales:settings")
        status = 400
    return render(
        request,
        "sales/settings.html",
        {"form": form, "company": company, "can_change": can_change},
        status=status,
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("", dashboard, name="dashboard"),
    path("quotations/", QuotationList.as_view(), name="quotations"),
    path("quotations/new/", quote_create, name="quote-create"),
    path("orders/", OrderList.as_view(), name="orders"),
    path("orders/line-row/", order_line_row, name="order-line-row"),
    path("orders/line-price/", line_price, name="line-price"),
    path("orders/<int:pk>/", order_detail, name="order-detail"),
    path("orders/<int:pk>/edit/", order_edit, name="order-edit"),
    path("orders/<int:pk>/confirm/", order_confirm_view, name="order-confirm"),
    path("orders/<int:pk>/invoice/", order_invoice, name="order-invoice"),
    path("orders/<int:pk>/pdf/", order_pdf_view, name="order-pdf"),
    path("orders/<int:pk>/send/", order_send_view, name="order-send"),
    path("orders/<int:pk>/<slug:action>/", order_action, name="order-action"),
    path("q/<str:token>/", quote_public, name="quote-public"),
    path("q/<str:token>/pdf/", quote_public_pdf, name="quote-public-pdf"),
    path("pricelists/", PricelistList.as_view(), name="pricelists"),
    path("pricelists/new/", pricelist_create, name="pricelist-create"),
    path("pricelists/<int:pk>/edit/", pricelist_edit, name="pricelist-edit"),
    path("pricelists/customers/", customer_pricing, name="customer-pricing"),
    path("settings/", settings_view, name="settings"),
]
