"""Purchasing's screens: orders (list, form, detail with its actions, PDF, sending), price lists, settings.

Views parse, check permission in the object's company, call one service and render; the rules live in
``services``.
"""

from __future__ import annotations

from decimal import Decimal
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
from concord.modules.purchasing.documents.pdf import order_pdf, order_pdf_filename
from concord.modules.purchasing.documents.sending import order_email_defaults, order_send
from concord.modules.purchasing.forms import (
    OrderFilter,
    OrderForm,
    OrderLineFormSet,
    SendForm,
    SettingsForm,
    VendorPriceFilter,
    VendorPriceForm,
)
from concord.modules.purchasing.models import OrderState, PurchaseOrder, VendorPrice
from concord.modules.purchasing.queries import order_bills, order_lines, order_match, order_transfers
from concord.modules.purchasing.services import bills as bill_services
from concord.modules.purchasing.services import orders as order_services
from concord.modules.purchasing.services import pricelists as price_services
from concord.modules.purchasing.services.settings import approval_amount_of, purchasing_settings_update

ZERO = Decimal(0)


def _amount(obj: PurchaseOrder) -> str:
    return f"{obj.amount_untaxed:,.2f} {obj.currency}"


# --------------------------------------------------------------------------- orders
class OrderList(ListScreen):
    """Requests for quotation and purchase orders."""

    list_key = "purchasing.order"
    title = gettext_lazy("Purchase orders")
    permission = "purchasing.view"
    filterset_class = OrderFilter
    ordering_fields = {
        "order_date": gettext_lazy("Date"),
        "number": gettext_lazy("Number"),
        "amount_untaxed": gettext_lazy("Untaxed amount"),
    }
    default_ordering = "-order_date"
    columns = [
        Column(key="number", label=gettext_lazy("Number"), link=True),
        Column(key="vendor__name", label=gettext_lazy("Vendor")),
        Column(key="order_date", label=gettext_lazy("Date")),
        Column(key="amount_untaxed", label=gettext_lazy("Untaxed amount"), accessor=_amount, align="end"),
        Column(key="state", label=gettext_lazy("Status"), accessor=lambda o: o.get_state_display()),
    ]
    export_columns = [
        Column(key="number", label=gettext_lazy("Number")),
        Column(key="vendor__name", label=gettext_lazy("Vendor")),
        Column(key="order_date", label=gettext_lazy("Date")),
        Column(key="currency", label=gettext_lazy("Currency")),
        Column(key="amount_untaxed", label=gettext_lazy("Untaxed amount")),
        Column(key="state", label=gettext_lazy("Status")),
    ]
    create_url_name = "purchasing:order-create"

    def get_queryset(self) -> QuerySet[PurchaseOrder]:
        return PurchaseOrder.objects.select_related("vendor")

    def row_url(self, obj: PurchaseOrder) -> str:
        return reverse("purchasing:order-detail", args=[obj.pk])


def _line_inputs(rows: list[dict[str, Any]]) -> list[order_services.OrderLineInput]:
    return [
        order_services.OrderLineInput(
            product_id=row["product"].pk,
            quantity=row["quantity"],
            uom_id=row["uom"].pk if row.get("uom") else None,
            unit_price=row.get("unit_price"),
            discount_percent=row.get("discount_percent") or ZERO,
            description=row.get("description") or "",
            planned_date=row.get("planned_date"),
        )
        for row in rows
    ]


def _order_form_page(request: HttpRequest, *, order: PurchaseOrder | None) -> HttpResponse:
    company = order.company if order is not None else active_company_with_perm(request, "purchasing.add")
    initial: dict[str, Any] = {
        "order_date": timezone.localdate(),
        "currency": company.currency,
        "vendor": request.GET.get("vendor") or None,
    }
    line_initial: list[dict[str, Any]] = []
    if order is not None:
        initial = {
            "vendor": order.vendor_id,
            "order_date": order.order_date,
            "currency": order.currency,
            "vendor_ref": order.vendor_ref,
            "notes": order.notes,
        }
        line_initial = [
            {
                "product": line.product_id,
                "description": line.description,
                "quantity": line.quantity,
                "uom": line.uom_id,
                "unit_price": line.unit_price,
                "discount_percent": line.discount_percent,
                "planned_date": line.planned_date,
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
            try:
                if order is None:
                    saved = order_services.order_create(
                        company=company,
                        vendor_id=values["vendor"].pk,
                        lines=_line_inputs(lines.filled()),
                        by=request.user,
                        order_date=values["order_date"],
                        currency=values["currency"],
                        vendor_ref=values["vendor_ref"],
                        notes=values["notes"],
                    )
                else:
                    saved = order_services.order_update(
                        order=order,
                        by=request.user,
                        lines=_line_inputs(lines.filled()),
                        vendor_id=values["vendor"].pk,
                        order_date=values["order_date"],
                        currency=values["currency"],
                        vendor_ref=values["vendor_ref"],
                        notes=values["notes"],
                    )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("%(order)s saved.") % {"order": saved})
                return redirect("purchasing:order-detail", pk=saved.pk)
        status = 400
    return render(
        request,
        "purchasing/order_form.html",
        {"form": form, "lines": lines, "order": order, "company": company},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_create(request: HttpRequest) -> HttpResponse:
    return _order_form_page(request, order=None)


@login_required
@require_http_methods(["GET", "POST"])
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    order = object_with_perm(
        request, PurchaseOrder.objects.select_related("company"), pk, "purchasing.change"
    )
    if not order.is_editable:
        messages.error(request, _("Only a request for quotation can be changed."))
        return redirect("purchasing:order-detail", pk=order.pk)
    return _order_form_page(request, order=order)


@login_required
@require_GET
def order_line_row(request: HttpRequest) -> HttpResponse:
    """One more empty line row for the order form (htmx), numbered ``?index=``."""
    company = active_company_with_perm(request, "purchasing.add")
    try:
        index = max(int(request.GET.get("index", "0")), 0)
    except ValueError:
        index = 0
    formset = OrderLineFormSet(company=company, prefix="lines")
    line = formset.form(
        auto_id=formset.auto_id,
        prefix=formset.add_prefix(index),
        empty_permitted=True,
        use_required_attribute=False,
        **formset.get_form_kwargs(index),
    )
    formset.add_fields(line, index)
    return render(request, "purchasing/partials/order_line_row.html", {"line": line, "index": index})


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = object_with_perm(
        request,
        PurchaseOrder.objects.select_related("company", "vendor", "approved_by"),
        pk,
        "purchasing.view",
    )
    lines = order_lines(order)
    match = order_match(order, lines)
    user = request.user
    rows = [{"line": line, "match": match.line(line.pk)} for line in lines]
    approval = approval_amount_of(order.company)
    return render(
        request,
        "purchasing/order_detail.html",
        {
            "order": order,
            "rows": rows,
            "match": match,
            "transfers": order_transfers(order)
            if order.state in (OrderState.PURCHASE, OrderState.DONE)
            else [],
            "bills": order_bills(order),
            "approval_amount": approval,
            "can_change": order.is_editable and user.has_perm("purchasing.change", order),
            "can_send": order.state != OrderState.CANCELLED and user.has_perm("purchasing.change", order),
            "can_confirm": order.is_editable and user.has_perm("purchasing.change", order),
            "can_approve": order.state == OrderState.TO_APPROVE
            and user.has_perm("purchasing.approve", order),
            "can_cancel": order.state not in (OrderState.DONE, OrderState.CANCELLED)
            and user.has_perm("purchasing.cancel", order),
            "can_bill": order.state == OrderState.PURCHASE and user.has_perm("purchasing.change", order),
        },
    )


_ACTIONS: dict[str, tuple[str, Any, Any]] = {
    "confirm": ("purchasing.change", order_services.order_confirm, gettext_lazy("%(order)s confirmed.")),
    "approve": ("purchasing.approve", order_services.order_approve, gettext_lazy("%(order)s approved.")),
    "cancel": ("purchasing.cancel", order_services.order_cancel, gettext_lazy("%(order)s cancelled.")),
}


@login_required
@require_POST
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in _ACTIONS:
        raise Http404
    permission, service, done = _ACTIONS[action]
    order = object_with_perm(request, PurchaseOrder.objects.all(), pk, permission)
    try:
        result = service(order=order, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if action == "confirm" and result.state == OrderState.TO_APPROVE:
            messages.info(
                request,
                _("%(order)s is above the approval amount: a manager must approve it.") % {"order": result},
            )
        else:
            messages.success(request, str(done) % {"order": result})
    return redirect("purchasing:order-detail", pk=order.pk)


@login_required
@require_POST
def order_bill(request: HttpRequest, pk: int) -> HttpResponse:
    order = object_with_perm(request, PurchaseOrder.objects.all(), pk, "purchasing.change")
    try:
        bill = bill_services.order_bill_create(order=order, by=request.user, force="force" in request.POST)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("purchasing:order-detail", pk=order.pk)
    messages.success(request, _("Draft vendor bill created."))
    return redirect("accounting:invoice-detail", pk=bill.invoice_id)


@login_required
@require_GET
def order_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = object_with_perm(request, PurchaseOrder.objects.all(), pk, "purchasing.view")
    response = HttpResponse(order_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order_pdf_filename(order)}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def order_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = object_with_perm(
        request, PurchaseOrder.objects.select_related("company", "vendor"), pk, "purchasing.change"
    )
    subject, message = order_email_defaults(order)
    vendor_email = getattr(order.vendor, "email", "") or ""
    form = SendForm(
        request.POST if request.method == "POST" else None,
        initial={"to": vendor_email, "subject": subject, "message": message},
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
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("%(order)s will be emailed.") % {"order": order})
                return redirect("purchasing:order-detail", pk=order.pk)
        status = 400
    return render(request, "purchasing/order_send.html", {"order": order, "form": form}, status=status)


# --------------------------------------------------------------------------- vendor prices
class VendorPriceList(ListScreen):
    """Vendor price list entries."""

    list_key = "purchasing.vendor_price"
    title = gettext_lazy("Vendor price lists")
    permission = "purchasing.view"
    permission_add = "purchasing.change"
    filterset_class = VendorPriceFilter
    ordering_fields = {"product__name": gettext_lazy("Product"), "price": gettext_lazy("Price")}
    default_ordering = "product__name"
    columns = [
        Column(key="product__name", label=gettext_lazy("Product"), link=True),
        Column(key="vendor__name", label=gettext_lazy("Vendor")),
        Column(key="vendor_product_code", label=gettext_lazy("Vendor code")),
        Column(key="min_quantity", label=gettext_lazy("Minimum quantity"), align="end"),
        Column(
            key="price",
            label=gettext_lazy("Price"),
            accessor=lambda p: f"{p.price:,.2f} {p.currency}",
            align="end",
        ),
        Column(key="lead_time_days", label=gettext_lazy("Lead time (days)"), align="end"),
        Column(key="date_start", label=gettext_lazy("Valid from")),
        Column(key="date_end", label=gettext_lazy("Valid until")),
    ]
    create_url_name = "purchasing:vendor-price-create"

    def get_queryset(self) -> QuerySet[VendorPrice]:
        return VendorPrice.objects.select_related("vendor", "product")

    def row_url(self, obj: VendorPrice) -> str:
        return reverse("purchasing:vendor-price-edit", args=[obj.pk])


def _price_form_page(request: HttpRequest, *, company: Company, entry: VendorPrice | None) -> HttpResponse:
    initial: dict[str, Any] = {"currency": company.currency}
    if entry is not None:
        initial = {
            name: getattr(entry, name)
            for name in VendorPriceForm.base_fields
            if name not in ("vendor", "product")
        }
        initial.update(vendor=entry.vendor_id, product=entry.product_id)
    form = VendorPriceForm(
        request.POST if request.method == "POST" else None, company=company, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = dict(form.cleaned_data)
            vendor, product = values.pop("vendor"), values.pop("product")
            try:
                if entry is None:
                    price_services.vendor_price_create(
                        company=company, vendor_id=vendor.pk, product_id=product.pk, by=request.user, **values
                    )
                else:
                    price_services.vendor_price_update(entry=entry, by=request.user, **values)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Vendor price saved."))
                return redirect("purchasing:vendor-prices")
        status = 400
    return render(
        request,
        "purchasing/vendor_price_form.html",
        {"form": form, "entry": entry, "company": company},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def vendor_price_create(request: HttpRequest) -> HttpResponse:
    return _price_form_page(
        request, company=active_company_with_perm(request, "purchasing.change"), entry=None
    )


@login_required
@require_http_methods(["GET", "POST"])
def vendor_price_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = object_with_perm(request, VendorPrice.objects.select_related("company"), pk, "purchasing.change")
    return _price_form_page(request, company=entry.company, entry=entry)


# --------------------------------------------------------------------------- settings
@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, "purchasing.view")
    can_change = has_perm_in_company(request, company, "purchasing.settings")
    form = SettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"approval_amount": approval_amount_of(company)},
    )
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                purchasing_settings_update(
                    company=company, approval_amount=form.cleaned_data["approval_amount"], by=request.user
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Purchasing settings saved."))
                return redirect("purchasing:settings")
        status = 400
    return render(
        request,
        "purchasing/settings.html",
        {"form": form, "company": company, "can_change": can_change},
        status=status,
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("", OrderList.as_view(), name="orders"),
    path("orders/new/", order_create, name="order-create"),
    path("orders/line-row/", order_line_row, name="order-line-row"),
    path("orders/<int:pk>/", order_detail, name="order-detail"),
    path("orders/<int:pk>/edit/", order_edit, name="order-edit"),
    path("orders/<int:pk>/bill/", order_bill, name="order-bill"),
    path("orders/<int:pk>/pdf/", order_pdf_view, name="order-pdf"),
    path("orders/<int:pk>/send/", order_send_view, name="order-send"),
    path("orders/<int:pk>/<slug:action>/", order_action, name="order-action"),
    path("vendor-prices/", VendorPriceList.as_view(), name="vendor-prices"),
    path("vendor-prices/new/", vendor_price_create, name="vendor-price-create"),
    path("vendor-prices/<int:pk>/edit/", vendor_price_edit, name="vendor-price-edit"),
    path("settings/", settings_view, name="settings"),
]
