"""Inventory's screens: the stock dashboard, warehouses and locations, transfers (create, check
availability, validate, cancel, picking list), stock and lots with traceability, counts, reorder rules,
valuation and settings.

Views parse, check the permission in the object's company, call one service and render; the rules live
in ``services``. Every form shows a service's ``DomainError`` on itself, never a 500.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import DomainError
from concord.core.identity.models import Company
from concord.core.lists.columns import csv_safe
from concord.core.lists.views import Column, ListScreen
from concord.core.web.session import active_company_with_perm, has_perm_in_company, object_with_perm
from concord.modules.catalog import facade as catalog
from concord.modules.inventory import queries
from concord.modules.inventory.documents.pdf import picking_pdf, picking_pdf_filename
from concord.modules.inventory.forms import (
    CategoryCostingForm,
    CostingMethodForm,
    CountCreateForm,
    CountFilter,
    CountLineAddForm,
    CountSheetForm,
    LocationForm,
    LotFilter,
    ProductTrackingForm,
    QuantFilter,
    ReorderFilter,
    ReorderRuleForm,
    TransferFilter,
    TransferForm,
    TransferLineFormSet,
    TransferValidateForm,
    WarehouseForm,
)
from concord.modules.inventory.models import (
    CategoryCosting,
    CountState,
    InventoryCount,
    Location,
    LocationUsage,
    Lot,
    Move,
    MoveLine,
    MoveState,
    ProductTracking,
    Quant,
    ReorderRule,
    Tracking,
    Transfer,
    TransferKind,
    TransferState,
    Warehouse,
)
from concord.modules.inventory.services import counts as count_services
from concord.modules.inventory.services import reorder as reorder_services
from concord.modules.inventory.services import setup as setup_services
from concord.modules.inventory.services import transfers as transfer_services
from concord.modules.inventory.services.dto import StockLine
from concord.modules.inventory.services.levels import stock_levels

ZERO = Decimal(0)
_RESERVING = (TransferKind.DELIVERY, TransferKind.INTERNAL, TransferKind.CONSUME)
_PRODUCTION = (TransferKind.CONSUME, TransferKind.PRODUCE)


# --------------------------------------------------------------------------- helpers


def _error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, str(exc.message))


def _qty(value: Decimal | None) -> str:
    if value is None:
        return ""
    normal = value.normalize()
    return f"{normal:f}"


# --------------------------------------------------------------------------- dashboard
@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Stock per product: on hand, reserved, available, incoming, outgoing, and the top values as bars."""
    company = active_company_with_perm(request, "inventory.view")
    data = queries.stock_dashboard(company.pk, company.currency)
    open_transfers = {
        kind: Transfer.objects.filter(company=company, kind=kind)
        .exclude(state__in=(TransferState.DONE, TransferState.CANCELLED))
        .count()
        for kind in (TransferKind.RECEIPT, TransferKind.DELIVERY)
    }
    return render(
        request,
        "inventory/dashboard.html",
        {"company": company, "data": data, "open_transfers": open_transfers, "bar_height": 22},
    )


# --------------------------------------------------------------------------- warehouses, locations
@login_required
@require_http_methods(["GET", "POST"])
def warehouses(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, "inventory.view")
    can_add = has_perm_in_company(request, company, "inventory.settings")
    form = WarehouseForm(request.POST or None) if can_add else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                warehouse = setup_services.warehouse_create(
                    company=company,
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                    address=form.cleaned_data["address"],
                    by=request.user,
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Warehouse %(warehouse)s created.") % {"warehouse": warehouse})
                return redirect("inventory:warehouses")
        status = 400
    rows = Warehouse.objects.filter(company=company).select_related("stock_location").order_by("code")
    return render(
        request,
        "inventory/warehouses.html",
        {"company": company, "warehouses": rows, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def locations(request: HttpRequest) -> HttpResponse:
    """The location tree, and a form to add a shelf inside a warehouse's location."""
    company = active_company_with_perm(request, "inventory.view")
    can_add = has_perm_in_company(request, company, "inventory.settings")
    form = LocationForm(request.POST or None, company=company) if can_add else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                location = setup_services.location_create(
                    company=company,
                    name=form.cleaned_data["name"],
                    parent=form.cleaned_data["parent"],
                    barcode=form.cleaned_data["barcode"],
                    by=request.user,
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Location %(location)s created.") % {"location": location})
                return redirect("inventory:locations")
        status = 400
    tree = [
        {"location": loc, "depth": loc.full_name.count("/")}
        for loc in Location.objects.filter(company=company).order_by("full_name")
    ]
    return render(
        request, "inventory/locations.html", {"company": company, "tree": tree, "form": form}, status=status
    )


# --------------------------------------------------------------------------- transfers
class TransferList(ListScreen):
    """Receipts, deliveries and internal transfers, filterable by kind, state, partner, date, product."""

    list_key = "inventory.transfer"
    title = gettext_lazy("Transfers")
    permission = "inventory.view"
    filterset_class = TransferFilter
    ordering_fields = {
        "scheduled_date": gettext_lazy("Scheduled date"),
        "number": gettext_lazy("Number"),
        "done_at": gettext_lazy("Done at"),
    }
    default_ordering = "-scheduled_date"
    columns = [
        Column(key="number", label=gettext_lazy("Number"), link=True),
        Column(key="kind", label=gettext_lazy("Kind")),
        Column(key="partner__name", label=gettext_lazy("Partner")),
        Column(key="source_location__full_name", label=gettext_lazy("From")),
        Column(key="dest_location__full_name", label=gettext_lazy("To")),
        Column(key="scheduled_date", label=gettext_lazy("Scheduled date")),
        Column(key="origin", label=gettext_lazy("Source document")),
        Column(key="state", label=gettext_lazy("Status")),
    ]
    create_url_name = "inventory:transfer-create"

    def get_queryset(self) -> QuerySet[Transfer]:
        return Transfer.objects.select_related("partner", "source_location", "dest_location")

    def row_url(self, obj: Transfer) -> str:
        return reverse("inventory:transfer-detail", args=[obj.pk])


def _stock_lines(rows: list[dict[str, Any]]) -> list[StockLine]:
    return [
        StockLine(
            product_id=row["product"].pk,
            quantity=row["quantity"],
            uom_id=row["uom"].pk if row.get("uom") else None,
            unit_cost=row.get("unit_cost"),
            lot_name=row.get("lot_name") or "",
        )
        for row in rows
    ]


@login_required
@require_http_methods(["GET", "POST"])
def transfer_create(request: HttpRequest) -> HttpResponse:
    """A receipt, delivery or internal transfer made by hand, with its lines."""
    company = active_company_with_perm(request, "inventory.add")
    setup_services.warehouse_default(company)  # a first warehouse exists to pick
    kind = request.GET.get("kind", TransferKind.RECEIPT)
    data = request.POST if request.method == "POST" else None
    form = TransferForm(data, company=company, initial={"kind": kind, "scheduled_date": timezone.localdate()})
    lines = TransferLineFormSet(data, company=company, prefix="lines")
    status = 200
    if request.method == "POST":
        if form.is_valid() and lines.is_valid():
            values = form.cleaned_data
            try:
                transfer = transfer_services.transfer_create(
                    company=company,
                    kind=values["kind"],
                    lines=_stock_lines(lines.filled()),
                    by=request.user,
                    partner_id=values["partner"].pk if values["partner"] else None,
                    warehouse_id=values["warehouse"].pk,
                    allow_backorder=values["allow_backorder"],
                    origin=values["origin"],
                    scheduled_date=values["scheduled_date"],
                    source_location=values["source_location"],
                    dest_location=values["dest_location"],
                    note=values["note"],
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("%(transfer)s created.") % {"transfer": transfer})
                return redirect("inventory:transfer-detail", pk=transfer.pk)
        status = 400
    return render(
        request,
        "inventory/transfer_form.html",
        {"form": form, "lines": lines, "company": company},
        status=status,
    )


@login_required
@require_GET
def transfer_line_row(request: HttpRequest) -> HttpResponse:
    """htmx: one more empty line row, and the formset's new total (swapped out of band)."""
    company = active_company_with_perm(request, "inventory.add")
    raw = request.GET.get("lines-TOTAL_FORMS", "0")
    index = int(raw) if raw.isdigit() and int(raw) < TransferLineFormSet.absolute_max else 0
    formset = TransferLineFormSet(company=company, prefix="lines")
    line = formset._construct_form(index, **formset.get_form_kwargs(index))  # type: ignore[attr-defined]  # Django builds one indexed form; not in the stubs
    return render(request, "inventory/partials/transfer_line_row.html", {"line": line, "total": index + 1})


def _move_rows(transfer: Transfer) -> list[dict[str, Any]]:
    moves = list(Move.objects.filter(transfer=transfer).order_by("sequence", "pk"))
    products = catalog.products_get({m.product_id for m in moves})
    lots: dict[int, list[str]] = {}
    for move_id, lot_name, quantity in MoveLine.objects.filter(
        move__transfer=transfer, lot__isnull=False
    ).values_list("move_id", "lot__name", "quantity"):
        lots.setdefault(move_id, []).append(f"{lot_name} ({_qty(quantity)})")
    trackings = dict(
        ProductTracking.objects.filter(product_id__in={m.product_id for m in moves}).values_list(
            "product_id", "tracking"
        )
    )
    rows = []
    for move in moves:
        info = products.get(move.product_id)
        tracking = trackings.get(move.product_id, Tracking.NONE)
        rows.append(
            {
                "id": move.pk,
                "move": move,
                "product_id": move.product_id,
                "product_name": info.name if info else str(move.product_id),
                "uom": info.uom_code if info else "",
                "quantity": move.quantity,
                "reserved": move.quantity_reserved,
                "done": move.quantity_done,
                "open": move.quantity_open,
                "state": move.state,
                "state_label": move.get_state_display(),
                "lots": lots.get(move.pk, []),
                "lot_name": move.lot_name,
                "tracking": tracking,
                "tracked": tracking != Tracking.NONE,
                "is_open": move.state not in (MoveState.DONE, MoveState.CANCELLED),
                "suggested": move.quantity_reserved if transfer.kind in _RESERVING else move.quantity_open,
            }
        )
    return rows


def _transfer(request: HttpRequest, pk: int, permission: str) -> Transfer:
    transfer: Transfer = object_with_perm(
        request,
        Transfer.objects.select_related(
            "company", "partner", "warehouse", "source_location", "dest_location", "backorder_of"
        ),
        pk,
        permission,
    )
    return transfer


@login_required
@require_GET
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk, "inventory.view")
    is_open = transfer.is_open
    production = transfer.kind in _PRODUCTION
    return render(
        request,
        "inventory/transfer_detail.html",
        {
            "transfer": transfer,
            "moves": _move_rows(transfer),
            "backorders": Transfer.objects.filter(backorder_of=transfer).order_by("pk"),
            "can_reserve": is_open
            and transfer.kind in _RESERVING
            and request.user.has_perm("inventory.change", transfer),
            "can_validate": is_open
            and not production
            and request.user.has_perm("inventory.validate", transfer),
            "can_cancel": is_open and not production and request.user.has_perm("inventory.cancel", transfer),
        },
    )


@login_required
@require_POST
def transfer_reserve(request: HttpRequest, pk: int) -> HttpResponse:
    """Check availability: reserve what has arrived since."""
    transfer = _transfer(request, pk, "inventory.change")
    try:
        transfer = transfer_services.transfer_reserve(transfer=transfer, by=request.user)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("%(transfer)s is ready.") % {"transfer": transfer}
            if transfer.state == TransferState.READY
            else _("%(transfer)s still waits for stock.") % {"transfer": transfer},
        )
    return redirect("inventory:transfer-detail", pk=pk)


@login_required
@require_POST
def transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk, "inventory.cancel")
    try:
        transfer_services.transfer_cancel(transfer=transfer, by=request.user)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("%(transfer)s cancelled.") % {"transfer": transfer})
    return redirect("inventory:transfer-detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def transfer_validate(request: HttpRequest, pk: int) -> HttpResponse:
    """The quantities done per line (lots or serials for tracked products), then validate."""
    transfer = _transfer(request, pk, "inventory.validate")
    rows = [row for row in _move_rows(transfer) if row["is_open"]]
    form = TransferValidateForm(request.POST if request.method == "POST" else None, moves=rows)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            lots = form.cleaned_data["lots"]
            try:
                done = transfer_services.transfer_validate(
                    transfer=transfer,
                    by=request.user,
                    quantities=form.cleaned_data["quantities"],
                    lots={key: plan for key, plan in lots.items() if plan} or None,
                    backorder=form.cleaned_data["backorder"] == "yes",
                    allow_extra=form.cleaned_data["allow_extra"],
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("%(transfer)s validated.") % {"transfer": done})
                return redirect("inventory:transfer-detail", pk=done.pk)
        status = 400
    return render(
        request,
        "inventory/transfer_validate.html",
        {"transfer": transfer, "form": form, "rows": form.rows()},
        status=status,
    )


@login_required
@require_GET
def transfer_picking_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The picking list: what to take from where, with a box to tick per line."""
    transfer = _transfer(request, pk, "inventory.view")
    response = HttpResponse(picking_pdf(transfer), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{picking_pdf_filename(transfer)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- stock
class QuantList(ListScreen):
    """Stock on hand by product, location and lot."""

    list_key = "inventory.quant"
    title = gettext_lazy("Stock")
    permission = "inventory.view"
    filterset_class = QuantFilter
    ordering_fields = {
        "product__name": gettext_lazy("Product"),
        "location__full_name": gettext_lazy("Location"),
        "quantity": gettext_lazy("On hand"),
    }
    default_ordering = "product__name"
    columns = [
        Column(key="product__name", label=gettext_lazy("Product"), link=True),
        Column(key="location__full_name", label=gettext_lazy("Location")),
        Column(key="lot__name", label=gettext_lazy("Lot / serial")),
        Column(
            key="quantity", label=gettext_lazy("On hand"), accessor=lambda q: _qty(q.quantity), align="end"
        ),
        Column(
            key="reserved_quantity",
            label=gettext_lazy("Reserved"),
            accessor=lambda q: _qty(q.reserved_quantity),
            align="end",
        ),
        Column(
            key="available",
            label=gettext_lazy("Available"),
            accessor=lambda q: _qty(q.available_quantity),
            align="end",
        ),
    ]

    def get_queryset(self) -> QuerySet[Quant]:
        return Quant.objects.filter(location__usage=LocationUsage.INTERNAL).select_related(
            "product", "location", "lot"
        )

    def row_url(self, obj: Quant) -> str:
        return reverse("inventory:product-stock", args=[obj.product_id])


@login_required
@require_GET
def product_stock(request: HttpRequest, product_id: int) -> HttpResponse:
    company = active_company_with_perm(request, "inventory.view")
    product = catalog.products_get([product_id]).get(product_id)
    if product is None or product.company_id != company.pk:
        raise Http404(_("There is no such product."))
    return render(
        request,
        "inventory/product_stock.html",
        {"product": product, "stock": queries.product_stock(company.pk, product_id)},
    )


class LotList(ListScreen):
    """Lots and serial numbers, each leading to where it came from and went."""

    list_key = "inventory.lot"
    title = gettext_lazy("Lots and serial numbers")
    permission = "inventory.view"
    filterset_class = LotFilter
    ordering_fields = {"name": gettext_lazy("Lot / serial"), "created_at": gettext_lazy("Created")}
    default_ordering = "name"
    columns = [
        Column(key="name", label=gettext_lazy("Lot / serial"), link=True),
        Column(key="product__name", label=gettext_lazy("Product")),
        Column(key="expiry_date", label=gettext_lazy("Expiry date")),
        Column(key="created_at", label=gettext_lazy("Created")),
    ]

    def get_queryset(self) -> QuerySet[Lot]:
        return Lot.objects.select_related("product")

    def row_url(self, obj: Lot) -> str:
        return reverse("inventory:lot-trace", args=[obj.pk])


@login_required
@require_GET
def lot_trace(request: HttpRequest, pk: int) -> HttpResponse:
    """Where lot X came from and where it went: every move line in and out."""
    lot = object_with_perm(request, Lot.objects.all(), pk, "inventory.view")
    return render(request, "inventory/lot_trace.html", {"trace": queries.lot_trace(lot)})


# --------------------------------------------------------------------------- counts
class CountList(ListScreen):
    list_key = "inventory.count"
    title = gettext_lazy("Inventory counts")
    permission = "inventory.view"
    permission_add = "inventory.adjust"
    filterset_class = CountFilter
    ordering_fields = {"date": gettext_lazy("Date"), "name": gettext_lazy("Name")}
    default_ordering = "-date"
    columns = [
        Column(key="name", label=gettext_lazy("Name"), link=True),
        Column(key="location__full_name", label=gettext_lazy("Location")),
        Column(key="date", label=gettext_lazy("Date")),
        Column(key="state", label=gettext_lazy("Status")),
    ]
    create_url_name = "inventory:count-create"

    def get_queryset(self) -> QuerySet[InventoryCount]:
        return InventoryCount.objects.select_related("location")

    def row_url(self, obj: InventoryCount) -> str:
        return reverse("inventory:count-detail", args=[obj.pk])


@login_required
@require_http_methods(["GET", "POST"])
def count_create(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, "inventory.adjust")
    setup_services.warehouse_default(company)
    form = CountCreateForm(request.POST or None, company=company, initial={"date": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                count = count_services.count_create(
                    company=company,
                    location=form.cleaned_data["location"],
                    name=form.cleaned_data["name"],
                    date=form.cleaned_data["date"],
                    by=request.user,
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Count sheet %(count)s opened.") % {"count": count})
                return redirect("inventory:count-detail", pk=count.pk)
        status = 400
    return render(
        request,
        "inventory/count_form.html",
        {"form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def count_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter counted quantities (save), see the differences against the stock now, then apply them."""
    count = object_with_perm(
        request,
        InventoryCount.objects.select_related("location", "company", "transfer"),
        pk,
        "inventory.view",
    )
    is_open = count.state == CountState.DRAFT
    can_adjust = is_open and request.user.has_perm("inventory.adjust", count)
    rows = queries.count_differences(count)
    sheet = CountSheetForm(None, rows=rows)
    add_form = CountLineAddForm(None, company=count.company)
    status = 200
    if request.method == "POST":
        if not can_adjust:
            raise PermissionDenied
        action = request.POST.get("action", "save")
        if action == "add":
            add_form = CountLineAddForm(request.POST, company=count.company)
        elif action in ("save", "apply"):
            sheet = CountSheetForm(request.POST, rows=rows)
        try:
            if action == "cancel":
                count_services.count_cancel(count=count, by=request.user)
                messages.success(request, _("Count cancelled."))
                return redirect("inventory:count-detail", pk=count.pk)
            if action == "add" and add_form.is_valid():
                count_services.count_line_add(
                    count=count,
                    product_id=add_form.cleaned_data["product"].pk,
                    counted_quantity=add_form.cleaned_data["counted_quantity"],
                    lot_name=add_form.cleaned_data["lot_name"],
                    by=request.user,
                )
                messages.success(request, _("Line added."))
                return redirect("inventory:count-detail", pk=count.pk)
            if action in ("save", "apply") and sheet.is_valid():
                with transaction.atomic():  # the counted quantities and their adjustment, or neither
                    count_services.count_set(count=count, counted=sheet.counted(), by=request.user)
                    if action == "apply":
                        count_services.count_apply(count=count, by=request.user)
                messages.success(
                    request,
                    _("Differences applied.") if action == "apply" else _("Counted quantities saved."),
                )
                return redirect("inventory:count-detail", pk=count.pk)
        except DomainError as exc:
            (add_form if action == "add" else sheet).add_domain_error(exc)
        status = 400
    return render(
        request,
        "inventory/count_detail.html",
        {
            "count": count,
            "sheet": sheet,
            "sheet_rows": sheet.rows(),
            "add_form": add_form,
            "can_adjust": can_adjust,
        },
        status=status,
    )


# --------------------------------------------------------------------------- reorder rules
class ReorderRuleList(ListScreen):
    """Min/max rules, each with the demand-based suggestion and the forecast beside it."""

    list_key = "inventory.reorder"
    title = gettext_lazy("Reorder rules")
    permission = "inventory.view"
    permission_add = "inventory.settings"
    filterset_class = ReorderFilter
    ordering_fields = {"product__name": gettext_lazy("Product")}
    default_ordering = "product__name"
    columns = [
        Column(key="product__name", label=gettext_lazy("Product"), link=True),
        Column(key="warehouse__code", label=gettext_lazy("Warehouse")),
        Column(
            key="min_quantity",
            label=gettext_lazy("Minimum"),
            accessor=lambda r: _qty(r.min_quantity),
            align="end",
        ),
        Column(
            key="max_quantity",
            label=gettext_lazy("Maximum"),
            accessor=lambda r: _qty(r.max_quantity),
            align="end",
        ),
        Column(
            key="forecast", label=gettext_lazy("Forecast"), accessor=lambda r: _qty(r.forecast), align="end"
        ),
        Column(
            key="suggested_min",
            label=gettext_lazy("Suggested minimum"),
            accessor=lambda r: _qty(r.suggestion.suggested_min),
            align="end",
        ),
        Column(
            key="daily_demand",
            label=gettext_lazy("Daily demand"),
            accessor=lambda r: _qty(r.suggestion.daily_demand),
            align="end",
        ),
        Column(key="is_active", label=gettext_lazy("Active")),
    ]
    create_url_name = "inventory:reorder-create"
    template_name = "inventory/reorder_list.html"

    def get_queryset(self) -> QuerySet[ReorderRule]:
        return ReorderRule.objects.select_related("product", "warehouse")

    def row_url(self, obj: ReorderRule) -> str:
        return reverse("inventory:reorder-edit", args=[obj.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        rules = list(kwargs["page"].object_list)
        by_warehouse: dict[tuple[int, int], list[int]] = {}
        for rule in rules:
            by_warehouse.setdefault((rule.company_id, rule.warehouse_id), []).append(rule.product_id)
        levels = {
            (key[1], pid): level
            for key, pids in by_warehouse.items()
            for pid, level in stock_levels(key[0], pids, warehouse_id=key[1]).items()
        }
        for rule in rules:
            level = levels.get((rule.warehouse_id, rule.product_id))
            rule.forecast = level.on_hand + level.incoming - level.outgoing if level else ZERO
            rule.suggestion = reorder_services.reorder_suggestion(rule)
        context = super().get_context_data(**kwargs)
        context["can_run"] = self.request.user.has_perm("inventory.settings")
        return context


def _reorder_form_page(request: HttpRequest, rule: ReorderRule | None) -> HttpResponse:
    company = rule.company if rule is not None else active_company_with_perm(request, "inventory.settings")
    setup_services.warehouse_default(company)
    initial: dict[str, Any] = {}
    if rule is not None:
        initial = {
            "product": rule.product_id,
            "warehouse": rule.warehouse_id,
            "min_quantity": rule.min_quantity,
            "max_quantity": rule.max_quantity,
            "multiple_quantity": rule.multiple_quantity,
            "vendor": rule.vendor_id,
            "lead_time_days": rule.lead_time_days,
            "safety_stock": rule.safety_stock,
            "demand_days": rule.demand_days,
            "is_active": rule.is_active,
        }
    form = ReorderRuleForm(request.POST or None, company=company, initial=initial or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = form.cleaned_data
            try:
                saved = reorder_services.reorder_rule_save(
                    company=company,
                    product_id=values["product"].pk,
                    warehouse=values["warehouse"],
                    min_quantity=values["min_quantity"],
                    max_quantity=values["max_quantity"],
                    multiple_quantity=values["multiple_quantity"],
                    vendor_id=values["vendor"].pk if values["vendor"] else None,
                    lead_time_days=values["lead_time_days"],
                    safety_stock=values["safety_stock"],
                    demand_days=values["demand_days"],
                    is_active=values["is_active"],
                    rule=rule,
                    by=request.user,
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Reorder rule saved."))
                return redirect("inventory:reorder-edit", pk=saved.pk)
        status = 400
    suggestion = reorder_services.reorder_suggestion(rule) if rule is not None else None
    return render(
        request,
        "inventory/reorder_form.html",
        {"form": form, "rule": rule, "suggestion": suggestion, "company": company},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reorder_create(request: HttpRequest) -> HttpResponse:
    return _reorder_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def reorder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = object_with_perm(request, ReorderRule.objects.select_related("company"), pk, "inventory.settings")
    return _reorder_form_page(request, rule)


@login_required
@require_POST
def reorder_run(request: HttpRequest) -> HttpResponse:
    """Check every active rule of the company now."""
    company = active_company_with_perm(request, "inventory.settings")
    published = reorder_services.reorder_run(company=company)
    messages.success(
        request, _("Reorder rules checked: %(count)d below their minimum.") % {"count": published}
    )
    return redirect("inventory:reorder")


# --------------------------------------------------------------------------- valuation
@login_required
@require_GET
def valuation(request: HttpRequest) -> HttpResponse:
    """Stock value per product beside the ledger's inventory account (``?export=csv``)."""
    company = active_company_with_perm(request, "inventory.view")
    report = queries.valuation_report(company.pk, company.currency)
    if request.GET.get("export") == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(
            [_("Product"), _("Internal reference"), _("Method"), _("Quantity"), _("Unit cost"), _("Value")]
        )
        for row in report.rows:
            writer.writerow(
                [
                    csv_safe(row.name),
                    csv_safe(row.internal_ref),
                    row.method,
                    row.quantity,
                    row.unit_cost,
                    row.value,
                ]
            )
        writer.writerow([_("Total"), "", "", "", "", report.total_value])
        writer.writerow([_("Inventory account"), "", "", "", "", report.ledger_balance])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="valuation-{timezone.localdate().isoformat()}.csv"'
        )
        return response
    return render(request, "inventory/valuation.html", {"company": company, "report": report})


# --------------------------------------------------------------------------- settings
@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    """The default costing method, per-category costing and product tracking."""
    company = active_company_with_perm(request, "inventory.view")
    can_change = has_perm_in_company(request, company, "inventory.settings")
    current = setup_services.inventory_settings(company)
    action = request.POST.get("action") if request.method == "POST" else None
    costing_form = CostingMethodForm(
        request.POST if action == "costing" else None, initial={"costing_method": current.costing_method}
    )
    category_form = CategoryCostingForm(request.POST if action == "category" else None, company=company)
    tracking_form = ProductTrackingForm(request.POST if action == "tracking" else None, company=company)
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        form: Any = {"costing": costing_form, "category": category_form, "tracking": tracking_form}.get(
            action or ""
        )
        if form is not None and form.is_valid():
            try:
                if action == "costing":
                    _costing_method_set(company, current, form.cleaned_data["costing_method"], request.user)
                elif action == "category":
                    setup_services.category_costing_set(
                        company=company,
                        category_id=form.cleaned_data["category"].pk,
                        method=form.cleaned_data["method"],
                        by=request.user,
                    )
                else:
                    setup_services.product_tracking_set(
                        company=company,
                        product_id=form.cleaned_data["product"].pk,
                        tracking=form.cleaned_data["tracking"],
                        by=request.user,
                    )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("inventory:settings")
        status = 400
    return render(
        request,
        "inventory/settings.html",
        {
            "company": company,
            "can_change": can_change,
            "costing_form": costing_form,
            "category_form": category_form,
            "tracking_form": tracking_form,
            "categories": CategoryCosting.objects.filter(company=company).select_related("category"),
            "trackings": ProductTracking.objects.filter(company=company)
            .exclude(tracking=Tracking.NONE)
            .select_related("product"),
        },
        status=status,
    )


def _costing_method_set(company: Company, current: Any, method: str, by: Any) -> None:
    """The default costing method. No service exists for it yet (see the report): a one-field update."""
    with transaction.atomic():
        old = current.costing_method
        current.costing_method = method
        current.save(update_fields=["costing_method"])
        audit_record(
            actor=setup_services.actor(by),
            action=AuditAction.UPDATE,
            obj=current,
            changes={"costing_method": [old, method]},
        )


urlpatterns: list[URLPattern | URLResolver] = [
    path("", dashboard, name="dashboard"),
    path("warehouses/", warehouses, name="warehouses"),
    path("locations/", locations, name="locations"),
    path("transfers/", TransferList.as_view(), name="transfers"),
    path("transfers/new/", transfer_create, name="transfer-create"),
    path("transfers/line-row/", transfer_line_row, name="transfer-line-row"),
    path("transfers/<int:pk>/", transfer_detail, name="transfer-detail"),
    path("transfers/<int:pk>/reserve/", transfer_reserve, name="transfer-reserve"),
    path("transfers/<int:pk>/validate/", transfer_validate, name="transfer-validate"),
    path("transfers/<int:pk>/cancel/", transfer_cancel, name="transfer-cancel"),
    path("transfers/<int:pk>/picking.pdf", transfer_picking_pdf, name="transfer-picking"),
    path("stock/", QuantList.as_view(), name="stock"),
    path("stock/products/<int:product_id>/", product_stock, name="product-stock"),
    path("lots/", LotList.as_view(), name="lots"),
    path("lots/<int:pk>/", lot_trace, name="lot-trace"),
    path("counts/", CountList.as_view(), name="counts"),
    path("counts/new/", count_create, name="count-create"),
    path("counts/<int:pk>/", count_detail, name="count-detail"),
    path("reorder/", ReorderRuleList.as_view(), name="reorder"),
    path("reorder/new/", reorder_create, name="reorder-create"),
    path("reorder/<int:pk>/", reorder_edit, name="reorder-edit"),
    path("reorder/run/", reorder_run, name="reorder-run"),
    path("valuation/", valuation, name="valuation"),
    path("settings/", settings_view, name="settings"),
]
