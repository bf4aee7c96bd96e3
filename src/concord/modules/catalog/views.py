"""Catalog screens: the product list, detail, create/edit form with inline validation, categories, units.

Views parse, check permission, call one service and render; rules live in ``services.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from concord.core.errors import DomainError
from concord.core.identity.scope import company_scope
from concord.core.lists.views import Column, ListScreen
from concord.core.registry import registry
from concord.core.web.pagination import paginate
from concord.core.web.session import active_company_with_perm
from concord.modules.catalog import services
from concord.modules.catalog.forms import CategoryForm, ProductFilter, ProductForm, UomForm
from concord.modules.catalog.models import Product
from concord.modules.catalog.queries import categories_for, uoms_for


def _money(price_attr: str, currency_attr: str) -> Any:
    def value(product: Product) -> str:
        return f"{getattr(product, price_attr):,.2f} {getattr(product, currency_attr)}"

    return value


class ProductList(ListScreen):
    """Products of the user's companies, filtered, sorted, exported."""

    list_key = "catalog.product"
    title = gettext_lazy("Products")
    permission = "catalog.view"
    filterset_class = ProductFilter
    ordering_fields = {
        "name": gettext_lazy("Name"),
        "internal_ref": gettext_lazy("Internal reference"),
        "sale_price": gettext_lazy("Sale price"),
        "created_at": gettext_lazy("Created"),
    }
    default_ordering = "name"
    columns = [
        Column(key="name", label=gettext_lazy("Name"), link=True),
        Column(key="internal_ref", label=gettext_lazy("Internal reference")),
        Column(key="kind", label=gettext_lazy("Kind")),
        Column(key="category__full_path", label=gettext_lazy("Category")),
        Column(key="uom", label=gettext_lazy("Unit")),
        Column(
            key="sale_price",
            label=gettext_lazy("Sale price"),
            accessor=_money("sale_price", "sale_currency"),
            align="end",
        ),
        Column(key="is_active", label=gettext_lazy("Active")),
    ]
    export_columns = [
        Column(key="name", label=gettext_lazy("Name")),
        Column(key="kind", label=gettext_lazy("Kind")),
        Column(key="internal_ref", label=gettext_lazy("Internal reference")),
        Column(key="barcode", label=gettext_lazy("Barcode")),
        Column(key="category__full_path", label=gettext_lazy("Category")),
        Column(key="uom__code", label=gettext_lazy("Unit")),
        Column(key="purchase_uom__code", label=gettext_lazy("Purchase unit")),
        Column(key="sale_price", label=gettext_lazy("Sale price")),
        Column(key="sale_currency", label=gettext_lazy("Sale currency")),
        Column(key="purchase_price", label=gettext_lazy("Cost")),
        Column(key="purchase_currency", label=gettext_lazy("Purchase currency")),
        Column(key="is_active", label=gettext_lazy("Active")),
    ]
    create_url_name = "catalog:create"
    template_name = "catalog/product_list.html"

    def get_queryset(self) -> QuerySet[Product]:
        return Product.objects.select_related("category", "uom", "purchase_uom")

    def row_url(self, obj: Product) -> str:
        return reverse("catalog:detail", args=[obj.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["import_url"] = (
            reverse("dataio:upload", args=["catalog.product"])
            if self.request.user.has_perm("catalog.add")
            else ""
        )
        return context


# --------------------------------------------------------------------------- helpers
def _product(request: HttpRequest, pk: int, permission: str) -> Product:
    """A product of the user's companies (another company's is not found), if ``permission`` there."""
    product: Product = get_object_or_404(
        Product.objects.select_related("category", "uom", "purchase_uom", "company"), pk=pk
    )
    if not request.user.has_perm(permission, product):
        raise PermissionDenied
    return product


def _can(request: HttpRequest, permission: str, obj: Any) -> bool:
    return bool(request.user.has_perm(permission, obj))


# --------------------------------------------------------------------------- products
@login_required
@require_http_methods(["GET"])
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk, "catalog.view")
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "can_change": _can(request, "catalog.change", product),
            "can_delete": _can(request, "catalog.delete", product),
            "panels": _product_panels(request, product),
        },
    )


def _product_panels(request: HttpRequest, product: Product) -> list[dict[str, Any]]:
    """The cards other modules registered for a product's page that the user may see, rendered."""
    visible = sorted(
        (
            panel
            for panel in registry.product_panels.values()
            if not panel.permission or _can(request, panel.permission, product)
        ),
        key=lambda panel: (panel.order, panel.key),
    )
    return [
        {
            "key": panel.key,
            "title": panel.title,
            "html": render_to_string(panel.template, panel.context(request, product.pk), request=request),
        }
        for panel in visible
    ]


@login_required
@require_http_methods(["GET"])
def product_image(request: HttpRequest, pk: int) -> FileResponse:
    """The product's image, to users who may see the product (media are not served publicly)."""
    product = _product(request, pk, "catalog.view")
    if not product.image:
        raise Http404
    response = FileResponse(product.image.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _form_changes(form: ProductForm) -> dict[str, Any]:
    """The fields the user changed, as the service takes them (a cleared image becomes empty)."""
    changes = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
    if changes.get("image") is False:
        changes["image"] = ""
    return changes


@login_required
@require_http_methods(["GET", "POST"])
def product_create(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, "catalog.add")
    status = 200
    if request.method == "POST":
        form = ProductForm(request.POST, request.FILES, company=company)
        if form.is_valid():
            values = dict(form.cleaned_data)
            try:
                product = services.product_create(company=company, by=request.user, **values)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Product “%(name)s” created.") % {"name": product.name})
                return redirect("catalog:detail", pk=product.pk)
        status = 400
    else:
        form = ProductForm(company=company)
    return render(request, "catalog/product_form.html", {"form": form, "company": company}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk, "catalog.change")
    # The form validates its own copy: the service must see the product as stored, to record the change.
    editable = Product.objects.get(pk=product.pk)
    status = 200
    if request.method == "POST":
        form = ProductForm(request.POST, request.FILES, instance=editable, company=product.company)
        if form.is_valid():
            try:
                services.product_update(product=product, by=request.user, **_form_changes(form))
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Product “%(name)s” saved.") % {"name": product.name})
                return redirect("catalog:detail", pk=product.pk)
        status = 400
    else:
        form = ProductForm(instance=editable, company=product.company)
    return render(
        request,
        "catalog/product_form.html",
        {"form": form, "company": product.company, "product": product},
        status=status,
    )


@login_required
@require_POST
def product_validate(request: HttpRequest) -> HttpResponse:
    """htmx inline validation: the field the user just left, re-rendered with its errors (nothing is saved)."""
    product_id = request.GET.get("product", "")
    if product_id.isdigit():
        product = _product(request, int(product_id), "catalog.change")
        form = ProductForm(request.POST, instance=Product.objects.get(pk=product.pk), company=product.company)
    else:
        form = ProductForm(request.POST, company=active_company_with_perm(request, "catalog.add"))
    htmx = getattr(request, "htmx", None)
    name = (htmx.trigger_name if htmx else None) or request.POST.get("_field", "")
    if name not in form.fields:
        return HttpResponse(status=400)
    form.is_valid()
    if name not in form.errors:
        field = form.fields[name]
        classes = [css for css in field.widget.attrs.get("class", "").split() if css != "is-invalid"]
        field.widget.attrs["class"] = (
            " ".join([*classes, "is-valid"]) if request.POST.get(name) else " ".join(classes)
        )
    return render(request, "catalog/partials/product_field.html", {"field": form[name]})


@login_required
@require_POST
def product_archive(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk, "catalog.change")
    try:
        if request.POST.get("active") == "1":
            services.product_unarchive(product=product, by=request.user)
            messages.success(request, _("Product “%(name)s” is back in use.") % {"name": product.name})
        else:
            services.product_archive(product=product, by=request.user)
            messages.success(request, _("Product “%(name)s” archived.") % {"name": product.name})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("catalog:detail", pk=product.pk)


@login_required
@require_POST
def product_delete(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk, "catalog.delete")
    name = product.name
    try:
        services.product_delete(product=product, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("catalog:detail", pk=product.pk)
    messages.success(request, _("Product “%(name)s” deleted.") % {"name": name})
    return redirect("catalog:list")


# --------------------------------------------------------------------------- categories and units
@login_required
@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    """The active company's categories, and the form to add one."""
    company = active_company_with_perm(request, "catalog.view")
    with company_scope([company.pk]):
        can_add = request.user.has_perm("catalog.add")
    form = CategoryForm(company=company)
    status = 200
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        form = CategoryForm(request.POST, company=company)
        if form.is_valid():
            try:
                category = services.category_create(
                    company=company,
                    name=form.cleaned_data["name"],
                    parent=form.cleaned_data["parent"],
                    by=request.user,
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Category “%(path)s” added.") % {"path": category.full_path})
                return redirect("catalog:categories")
        status = 400
    page = paginate(request, categories_for(company))
    return render(
        request,
        "catalog/categories.html",
        {"company": company, "page": page, "form": form if can_add else None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def units(request: HttpRequest) -> HttpResponse:
    """The units the active company can use (shared and its own), and the form to add its own."""
    company = active_company_with_perm(request, "catalog.view")
    with company_scope([company.pk]):
        can_add = request.user.has_perm("catalog.add")
    form = UomForm()
    status = 200
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        form = UomForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                uom = services.uom_create(
                    company=company,
                    category=data["category"],
                    code=data["code"],
                    name=data["name"],
                    ratio=data["ratio"],
                    rounding=data["rounding"],
                    by=request.user,
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Unit “%(name)s” added.") % {"name": uom.name})
                return redirect("catalog:units")
        status = 400
    rows = uoms_for(company).order_by("category", "ratio", "pk")
    return render(
        request,
        "catalog/units.html",
        {"company": company, "units": rows, "form": form if can_add else None},
        status=status,
    )
