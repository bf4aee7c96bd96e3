"""Manufacturing screens: BOM list, detail, form with htmx component rows and cost report; order list,
form and detail with its actions (confirm, produce, cancel) and component availability.

Views parse, check permission, call one service and render; rules live in ``services``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from concord.core.errors import DomainError
from concord.core.lists.views import Column, ListScreen
from concord.core.web.session import active_company_with_perm
from concord.modules.manufacturing.forms import (
    BomFilter,
    BomForm,
    BomLineForm,
    BomLineFormSet,
    OrderFilter,
    OrderForm,
    ProduceForm,
)
from concord.modules.manufacturing.models import BillOfMaterials, BomLine, ManufacturingOrder, OrderState
from concord.modules.manufacturing.queries import bom_cost_report, order_availability
from concord.modules.manufacturing.services import boms as bom_services
from concord.modules.manufacturing.services import orders as order_services

T = TypeVar("T", bound=Model)


def _qty(value: Any) -> str:
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value or "")


class BomList(ListScreen):
    """Bills of materials of the user's companies."""

    list_key = "manufacturing.bom"
    title = gettext_lazy("Bills of materials")
    permission = "manufacturing.view"
    filterset_class = BomFilter
    ordering_fields = {"product__name": gettext_lazy("Product"), "code": gettext_lazy("Reference")}
    default_ordering = "product__name"
    columns = [
        Column(key="product__name", label=gettext_lazy("Product"), link=True),
        Column(key="code", label=gettext_lazy("Reference")),
        Column(key="kind", label=gettext_lazy("Type")),
        Column(
            key="quantity",
            label=gettext_lazy("Quantity"),
            accessor=lambda bom: _qty(bom.quantity),
            align="end",
        ),
        Column(key="uom__code", label=gettext_lazy("Unit")),
        Column(key="is_active", label=gettext_lazy("Active")),
    ]
    create_url_name = "manufacturing:bom-create"

    def get_queryset(self) -> QuerySet[BillOfMaterials]:
        return BillOfMaterials.objects.select_related("product", "uom")

    def row_url(self, obj: BillOfMaterials) -> str:
        return reverse("manufacturing:bom-detail", args=[obj.pk])


class OrderList(ListScreen):
    """Manufacturing orders of the user's companies, filtered by state, product and planned date."""

    list_key = "manufacturing.order"
    title = gettext_lazy("Manufacturing orders")
    permission = "manufacturing.view"
    filterset_class = OrderFilter
    ordering_fields = {
        "planned_date": gettext_lazy("Planned date"),
        "number": gettext_lazy("Number"),
        "created_at": gettext_lazy("Created"),
    }
    default_ordering = "-planned_date"
    columns = [
        Column(key="number", label=gettext_lazy("Number"), link=True),
        Column(key="product__name", label=gettext_lazy("Product")),
        Column(
            key="quantity", label=gettext_lazy("Quantity"), accessor=lambda o: _qty(o.quantity), align="end"
        ),
        Column(
            key="quantity_produced",
            label=gettext_lazy("Produced"),
            accessor=lambda o: _qty(o.quantity_produced),
            align="end",
        ),
        Column(key="planned_date", label=gettext_lazy("Planned date")),
        Column(key="state", label=gettext_lazy("Status")),
        Column(key="origin", label=gettext_lazy("Source document")),
    ]
    create_url_name = "manufacturing:order-create"

    def get_queryset(self) -> QuerySet[ManufacturingOrder]:
        return ManufacturingOrder.objects.select_related("product")

    def row_url(self, obj: ManufacturingOrder) -> str:
        return reverse("manufacturing:order-detail", args=[obj.pk])


# --------------------------------------------------------------------------- helpers
def _visible(request: HttpRequest, rows: QuerySet[T], pk: int, permission: str) -> T:
    """A row of the user's companies (another company's is not found), if ``permission`` there."""
    found = rows.filter(pk=pk).first()
    if found is None or not request.user.has_perm("manufacturing.view", found):
        raise Http404
    if not request.user.has_perm(permission, found):
        raise PermissionDenied
    return found


def _can(request: HttpRequest, permission: str, obj: Any) -> bool:
    return bool(request.user.has_perm(permission, obj))


def _error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, str(exc.message))


# --------------------------------------------------------------------------- bills of materials
@login_required
@require_http_methods(["GET"])
def bom_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bom = _visible(
        request, BillOfMaterials.objects.select_related("product", "uom", "company"), pk, "manufacturing.view"
    )
    lines = BomLine.objects.filter(bom=bom).select_related("product", "uom").order_by("sequence", "pk")
    return render(
        request,
        "manufacturing/bom_detail.html",
        {
            "bom": bom,
            "lines": lines,
            "orders": bom.orders.order_by("-planned_date", "-pk")[:10],
            "can_change": _can(request, "manufacturing.change", bom),
            "can_order": _can(request, "manufacturing.add", bom),
        },
    )


def _line_inputs(rows: list[dict[str, Any]]) -> list[bom_services.BomLineInput]:
    return [
        bom_services.BomLineInput(
            product_id=row["product"].pk,
            quantity=row["quantity"],
            uom_id=row["uom"].pk if row.get("uom") is not None else None,
        )
        for row in rows
    ]


def _bom_form_page(request: HttpRequest, bom: BillOfMaterials | None) -> HttpResponse:
    company = bom.company if bom is not None else active_company_with_perm(request, "manufacturing.add")
    initial: dict[str, Any] = {"quantity": 1, "kind": "normal", "product": request.GET.get("product") or None}
    line_initial: list[dict[str, Any]] = []
    if bom is not None:
        initial = {
            "product": bom.product_id,
            "code": bom.code,
            "kind": bom.kind,
            "quantity": bom.quantity.normalize(),
            "uom": bom.uom_id,
            "note": bom.note,
        }
        line_initial = [
            {"product": line.product_id, "quantity": line.quantity.normalize(), "uom": line.uom_id}
            for line in BomLine.objects.filter(bom=bom).order_by("sequence", "pk")
        ]
    data = request.POST if request.method == "POST" else None
    form = BomForm(data, company=company, editing=bom is not None, initial=initial)
    lines = BomLineFormSet(data, company=company, initial=line_initial or None, prefix="lines")
    status = 200
    if request.method == "POST":
        if form.is_valid() and lines.is_valid():
            values = form.cleaned_data
            uom_id = values["uom"].pk if values.get("uom") is not None else None
            try:
                if bom is None:
                    saved = bom_services.bom_create(
                        company=company,
                        product_id=values["product"].pk,
                        lines=_line_inputs(lines.filled()),
                        by=request.user,
                        quantity=values["quantity"],
                        uom_id=uom_id,
                        kind=values["kind"],
                        code=values["code"],
                        note=values["note"],
                    )
                else:
                    saved = bom_services.bom_update(
                        bom=bom,
                        by=request.user,
                        lines=_line_inputs(lines.filled()),
                        quantity=values["quantity"],
                        uom_id=uom_id,
                        kind=values["kind"],
                        code=values["code"],
                        note=values["note"],
                    )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Bill of materials saved."))
                return redirect("manufacturing:bom-detail", pk=saved.pk)
        status = 400
    return render(
        request,
        "manufacturing/bom_form.html",
        {"form": form, "lines": lines, "bom": bom, "company": company},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def bom_create(request: HttpRequest) -> HttpResponse:
    return _bom_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def bom_edit(request: HttpRequest, pk: int) -> HttpResponse:
    bom = _visible(request, BillOfMaterials.objects.select_related("company"), pk, "manufacturing.change")
    return _bom_form_page(request, bom)


@login_required
@require_http_methods(["GET"])
def bom_line_row(request: HttpRequest) -> HttpResponse:
    """htmx: one more empty component row, and the formset's new total (swapped out of band)."""
    company = active_company_with_perm(request, "manufacturing.add")
    raw = request.GET.get("lines-TOTAL_FORMS", "0")
    index = int(raw) if raw.isdigit() and int(raw) < BomLineFormSet.absolute_max else 0
    formset = BomLineFormSet(company=company, prefix="lines")
    line = BomLineForm(prefix=formset.add_prefix(index), company=company, use_required_attribute=False)
    formset.add_fields(line, index)  # the "Remove" box, as the formset's own rows have
    return render(request, "manufacturing/partials/bom_line_row.html", {"line": line, "total": index + 1})


@login_required
@require_POST
def bom_archive(request: HttpRequest, pk: int) -> HttpResponse:
    bom = _visible(request, BillOfMaterials.objects.all(), pk, "manufacturing.change")
    active = request.POST.get("active") == "1"
    try:
        bom_services.bom_archive(bom=bom, by=request.user, active=active)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(
            request, _("Bill of materials is active again.") if active else _("Bill of materials archived.")
        )
    return redirect("manufacturing:bom-detail", pk=bom.pk)


@login_required
@require_http_methods(["GET"])
def bom_cost(request: HttpRequest, pk: int) -> HttpResponse:
    """The structure and cost report: every level, each component's unit cost, the rolled-up cost."""
    bom = _visible(
        request, BillOfMaterials.objects.select_related("product", "uom", "company"), pk, "manufacturing.view"
    )
    quantity: Decimal | None = None
    raw = request.GET.get("quantity", "").strip()
    if raw:
        try:
            quantity = Decimal(raw)
        except InvalidOperation:
            quantity = None
        if quantity is not None and (not quantity.is_finite() or quantity <= 0):
            quantity = None
    report = bom_cost_report(bom, quantity)
    return render(
        request,
        "manufacturing/bom_cost.html",
        {"bom": bom, "report": report, "rows": report.flattened(), "currency": bom.company.currency},
    )


# --------------------------------------------------------------------------- orders
def _order_form_page(request: HttpRequest, order: ManufacturingOrder | None) -> HttpResponse:
    company = order.company if order is not None else active_company_with_perm(request, "manufacturing.add")
    initial: dict[str, Any] = {
        "planned_date": timezone.localdate(),
        "product": request.GET.get("product") or None,
        "quantity": request.GET.get("quantity") or None,
        "origin": request.GET.get("origin", "")[:80],
    }
    if order is not None:
        initial = {
            "product": order.product_id,
            "quantity": order.quantity.normalize(),
            "bom": order.bom_id,
            "planned_date": order.planned_date,
            "origin": order.origin,
            "note": order.note,
        }
    data = request.POST if request.method == "POST" else None
    form = OrderForm(data, company=company, editing=order is not None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = form.cleaned_data
            bom_id = values["bom"].pk if values.get("bom") is not None else None
            try:
                if order is None:
                    saved = order_services.order_create(
                        company=company,
                        product_id=values["product"].pk,
                        quantity=values["quantity"],
                        by=request.user,
                        bom_id=bom_id,
                        planned_date=values["planned_date"],
                        origin=values["origin"],
                        note=values["note"],
                    )
                else:
                    saved = order_services.order_update(
                        order=order,
                        by=request.user,
                        quantity=values["quantity"],
                        bom_id=bom_id,
                        planned_date=values["planned_date"],
                        note=values["note"],
                    )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("%(order)s saved.") % {"order": saved})
                return redirect("manufacturing:order-detail", pk=saved.pk)
        status = 400
    return render(
        request,
        "manufacturing/order_form.html",
        {"form": form, "order": order, "company": company},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_create(request: HttpRequest) -> HttpResponse:
    return _order_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible(
        request, ManufacturingOrder.objects.select_related("company"), pk, "manufacturing.change"
    )
    if order.state != OrderState.DRAFT:
        messages.error(request, _("Only a draft order can be changed."))
        return redirect("manufacturing:order-detail", pk=order.pk)
    return _order_form_page(request, order)


@login_required
@require_http_methods(["GET"])
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible(
        request,
        ManufacturingOrder.objects.select_related(
            "product", "product__uom", "bom", "company", "backorder_of"
        ),
        pk,
        "manufacturing.view",
    )
    availability, components = order_availability(order)
    open_state = order.state in (OrderState.DRAFT, OrderState.CONFIRMED)
    remaining = order.quantity - order.quantity_produced
    return render(
        request,
        "manufacturing/order_detail.html",
        {
            "order": order,
            "availability": availability,
            "components": components,
            "backorders": order.backorders.order_by("pk"),
            "produce_form": ProduceForm(initial={"quantity": remaining.normalize(), "backorder": True}),
            "can_change": order.state == OrderState.DRAFT and _can(request, "manufacturing.change", order),
            "can_confirm": order.state == OrderState.DRAFT and _can(request, "manufacturing.produce", order),
            "can_produce": open_state and _can(request, "manufacturing.produce", order),
            "can_cancel": open_state and _can(request, "manufacturing.cancel", order),
            "can_order": _can(request, "manufacturing.add", order),
        },
    )


@login_required
@require_POST
def order_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible(request, ManufacturingOrder.objects.all(), pk, "manufacturing.produce")
    try:
        order_services.order_confirm(order=order, by=request.user)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("%(order)s confirmed; its components are reserved.") % {"order": order})
    return redirect("manufacturing:order-detail", pk=order.pk)


@login_required
@require_POST
def order_produce(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible(request, ManufacturingOrder.objects.all(), pk, "manufacturing.produce")
    form = ProduceForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("manufacturing:order-detail", pk=order.pk)
    try:
        done = order_services.order_produce(
            order=order,
            by=request.user,
            quantity=form.cleaned_data["quantity"],
            backorder=form.cleaned_data["backorder"],
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("%(order)s is done.") % {"order": done})
    return redirect("manufacturing:order-detail", pk=order.pk)


@login_required
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible(request, ManufacturingOrder.objects.all(), pk, "manufacturing.cancel")
    try:
        order_services.order_cancel(order=order, by=request.user)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("%(order)s cancelled; its reservations are released.") % {"order": order})
    return redirect("manufacturing:order-detail", pk=order.pk)


urlpatterns = [
    path("", OrderList.as_view(), name="orders"),
    path("orders/new/", order_create, name="order-create"),
    path("orders/<int:pk>/", order_detail, name="order-detail"),
    path("orders/<int:pk>/edit/", order_edit, name="order-edit"),
    path("orders/<int:pk>/confirm/", order_confirm, name="order-confirm"),
    path("orders/<int:pk>/produce/", order_produce, name="order-produce"),
    path("orders/<int:pk>/cancel/", order_cancel, name="order-cancel"),
    path("boms/", BomList.as_view(), name="boms"),
    path("boms/new/", bom_create, name="bom-create"),
    path("boms/line-row/", bom_line_row, name="bom-line-row"),
    path("boms/<int:pk>/", bom_detail, name="bom-detail"),
    path("boms/<int:pk>/edit/", bom_edit, name="bom-edit"),
    path("boms/<int:pk>/archive/", bom_archive, name="bom-archive"),
    path("boms/<int:pk>/cost/", bom_cost, name="bom-cost"),
]
