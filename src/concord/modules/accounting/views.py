"""Accounting's ledger screens: set-up, invoices and bills, payments, journal entries, chart, taxes.

Views parse, check permission in the object's company, call one service and render; the rules live in
``services``. Reports, bank reconciliation and documents have their own packages and URL lists.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from concord.core.errors import DomainError
from concord.core.identity.models import Company
from concord.core.lists.views import Column, ListScreen
from concord.core.web.session import active_company_with_perm, has_perm_in_company, object_with_perm
from concord.modules.accounting import queries
from concord.modules.accounting.forms import (
    AccountFilter,
    EntryFilter,
    EntryForm,
    EntryLineFormSet,
    InvoiceFilter,
    InvoiceForm,
    InvoiceLineFormSet,
    LockDateForm,
    PaymentFilter,
    PaymentForm,
    SetupForm,
)
from concord.modules.accounting.models import (
    Account,
    AccountingSettings,
    FiscalPeriod,
    Invoice,
    InvoiceKind,
    InvoiceState,
    JournalEntry,
    Payment,
    PeriodState,
    Tax,
)
from concord.modules.accounting.services import entries as entry_services
from concord.modules.accounting.services import invoices as invoice_services
from concord.modules.accounting.services import payments as payment_services
from concord.modules.accounting.services import reconcile as reconcile_services
from concord.modules.accounting.services import setup as setup_services
from concord.modules.accounting.services.entries import LineSpec
from concord.modules.accounting.services.invoices import InvoiceLineInput

ZERO = Decimal(0)


# --------------------------------------------------------------------------- helpers


def _money(amount_attr: str, currency_attr: str = "currency") -> Any:
    def value(obj: Any) -> str:
        return f"{getattr(obj, amount_attr):,.2f} {getattr(obj, currency_attr)}"

    return value


def _domain_error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, str(exc.message))


def _set_up(company: Company) -> bool:
    return AccountingSettings.objects.filter(company_id=company.pk).exists()


# --------------------------------------------------------------------------- set-up and settings
@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    """Set the books up (first time), then the lock date and the periods."""
    company = active_company_with_perm(request, "accounting.view")
    can_change = has_perm_in_company(request, company, "accounting.settings")
    settings = AccountingSettings.objects.filter(company_id=company.pk).first()
    status = 200
    setup_form = lock_form = None
    if settings is None:
        setup_form = SetupForm(
            request.POST or None,
            language=company.language,
            initial={"template": _default_template(company), "fiscal_year": timezone.localdate().year},
        )
        if request.method == "POST":
            if not can_change:
                raise PermissionDenied
            if setup_form.is_valid():
                try:
                    setup_services.accounting_setup(
                        company=company,
                        template=setup_form.cleaned_data["template"],
                        fiscal_year=setup_form.cleaned_data["fiscal_year"],
                        by=request.user,
                    )
                except DomainError as exc:
                    setup_form.add_domain_error(exc)
                else:
                    messages.success(
                        request, _("The books of %(company)s are set up.") % {"company": company.name}
                    )
                    return redirect("accounting:settings")
            status = 400
    else:
        lock_form = LockDateForm(request.POST or None, initial={"lock_date": settings.lock_date})
        if request.method == "POST":
            if not can_change:
                raise PermissionDenied
            if lock_form.is_valid():
                try:
                    setup_services.lock_date_set(
                        company=company, lock_date=lock_form.cleaned_data["lock_date"], by=request.user
                    )
                except DomainError as exc:
                    lock_form.add_domain_error(exc)
                else:
                    messages.success(request, _("Lock date saved."))
                    return redirect("accounting:settings")
            status = 400
    periods = (
        FiscalPeriod.objects.filter(company=company)
        .select_related("fiscal_year")
        .order_by("-date_start")[:24]
    )
    return render(
        request,
        "accounting/settings.html",
        {
            "company": company,
            "settings": settings,
            "setup_form": setup_form,
            "lock_form": lock_form,
            "periods": periods,
            "can_change": can_change,
        },
        status=status,
    )


def _default_template(company: Company) -> str:
    return {"TH": "th_npae", "KH": "kh"}.get(company.country, "ifrs_sme")


@login_required
@require_POST
def period_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    period = object_with_perm(request, FiscalPeriod.objects.all(), pk, "accounting.settings")
    state = PeriodState.OPEN if period.state == PeriodState.CLOSED else PeriodState.CLOSED
    setup_services.fiscal_period_set_state(period=period, state=state, by=request.user)
    messages.success(
        request,
        _("Period %(name)s is now %(state)s.") % {"name": period.name, "state": period.get_state_display()},
    )
    return redirect("accounting:settings")


# --------------------------------------------------------------------------- chart, taxes
class AccountList(ListScreen):
    """The chart of accounts."""

    list_key = "accounting.account"
    title = gettext_lazy("Chart of accounts")
    permission = "accounting.view"
    permission_add = "accounting.settings"
    filterset_class = AccountFilter
    ordering_fields = {"code": gettext_lazy("Code"), "name": gettext_lazy("Name")}
    default_ordering = "code"
    per_page = 200
    columns = [
        Column(key="code", label=gettext_lazy("Code")),
        Column(
            key="name",
            label=gettext_lazy("Name"),
            accessor=lambda a: f"{a.name} · {a.local_name}" if a.local_name else a.name,
        ),
        Column(
            key="account_type", label=gettext_lazy("Type"), accessor=lambda a: a.get_account_type_display()
        ),
        Column(key="subtype", label=gettext_lazy("Subtype"), accessor=lambda a: a.get_subtype_display()),
        Column(key="is_group", label=gettext_lazy("Heading")),
        Column(key="reconcile", label=gettext_lazy("Reconcilable")),
    ]

    def get_queryset(self) -> QuerySet[Account]:
        return Account.objects.all()


@login_required
@require_http_methods(["GET"])
def taxes_view(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, "accounting.view")
    taxes = (
        Tax.objects.filter(company=company)
        .select_related("sale_account", "purchase_account")
        .order_by("kind", "code")
    )
    return render(request, "accounting/taxes.html", {"company": company, "taxes": taxes})


# --------------------------------------------------------------------------- invoices
class _InvoiceList(ListScreen):
    permission = "accounting.view"
    filterset_class = InvoiceFilter
    ordering_fields = {
        "date": gettext_lazy("Date"),
        "number": gettext_lazy("Number"),
        "due_date": gettext_lazy("Due date"),
        "amount_total": gettext_lazy("Total"),
    }
    default_ordering = "-date"
    kinds: tuple[str, ...] = ()
    columns = [
        Column(key="number", label=gettext_lazy("Number"), link=True, accessor=str),
        Column(key="kind", label=gettext_lazy("Kind"), accessor=lambda i: i.get_kind_display()),
        Column(key="partner__name", label=gettext_lazy("Partner")),
        Column(key="date", label=gettext_lazy("Date")),
        Column(key="due_date", label=gettext_lazy("Due date")),
        Column(key="amount_total", label=gettext_lazy("Total"), accessor=_money("amount_total"), align="end"),
        Column(
            key="amount_residual",
            label=gettext_lazy("Amount due"),
            accessor=_money("amount_residual"),
            align="end",
        ),
        Column(key="state", label=gettext_lazy("Status"), accessor=lambda i: i.get_state_display()),
    ]
    export_columns = [
        Column(key="number", label=gettext_lazy("Number")),
        Column(key="kind", label=gettext_lazy("Kind")),
        Column(key="partner__name", label=gettext_lazy("Partner")),
        Column(key="date", label=gettext_lazy("Date")),
        Column(key="due_date", label=gettext_lazy("Due date")),
        Column(key="currency", label=gettext_lazy("Currency")),
        Column(key="amount_untaxed", label=gettext_lazy("Untaxed amount")),
        Column(key="amount_tax", label=gettext_lazy("Tax")),
        Column(key="amount_total", label=gettext_lazy("Total")),
        Column(key="amount_residual", label=gettext_lazy("Amount due")),
        Column(key="state", label=gettext_lazy("Status")),
    ]
    template_name = "accounting/invoice_list.html"

    def get_queryset(self) -> QuerySet[Invoice]:
        return Invoice.objects.filter(kind__in=self.kinds).select_related("partner")

    def row_url(self, obj: Invoice) -> str:
        return reverse("accounting:invoice-detail", args=[obj.pk])


class CustomerInvoiceList(_InvoiceList):
    """Customer invoices and credit notes."""

    list_key = "accounting.customer_invoice"
    title = gettext_lazy("Customer invoices")
    kinds = (InvoiceKind.CUSTOMER_INVOICE, InvoiceKind.CUSTOMER_CREDIT_NOTE)
    create_url_name = "accounting:invoice-create"


class VendorBillList(_InvoiceList):
    """Vendor bills and their credit notes."""

    list_key = "accounting.vendor_bill"
    title = gettext_lazy("Vendor bills")
    kinds = (InvoiceKind.VENDOR_BILL, InvoiceKind.VENDOR_CREDIT_NOTE)
    create_url_name = "accounting:bill-create"


def _line_inputs(rows: list[dict[str, Any]]) -> list[InvoiceLineInput]:
    return [
        InvoiceLineInput(
            description=row["description"],
            quantity=row["quantity"],
            unit_price=row["unit_price"],
            product_id=row["product"].pk if row.get("product") else None,
            discount_percent=row.get("discount_percent") or ZERO,
            tax_ids=tuple(tax.pk for tax in row.get("taxes") or ()),
        )
        for row in rows
    ]


def _invoice_form_page(request: HttpRequest, *, kind: str, invoice: Invoice | None) -> HttpResponse:
    company = invoice.company if invoice is not None else active_company_with_perm(request, "accounting.add")
    customer_side = kind in invoice_services.CUSTOMER_KINDS
    initial: dict[str, Any] = {
        "date": timezone.localdate(),
        "currency": company.currency,
        "partner": request.GET.get("partner") or None,
    }
    line_initial: list[dict[str, Any]] = []
    if invoice is not None:
        initial = {
            "partner": invoice.partner_id,
            "date": invoice.date,
            "due_date": invoice.due_date,
            "payment_term": invoice.payment_term_id,
            "currency": invoice.currency,
            "ref": invoice.ref,
            "narration": invoice.narration,
        }
        line_initial = [
            {
                "product": line.product_id,
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "discount_percent": line.discount_percent,
                "taxes": [tax.pk for tax in line.taxes.all()],
            }
            for line in invoice.lines.all().prefetch_related("taxes")
        ]
    data = request.POST if request.method == "POST" else None
    form = InvoiceForm(data, company=company, customer_side=customer_side, initial=initial)
    lines = InvoiceLineFormSet(
        data, company=company, customer_side=customer_side, initial=line_initial or None, prefix="lines"
    )
    status = 200
    if request.method == "POST":
        if form.is_valid() and lines.is_valid():
            values = form.cleaned_data
            try:
                if invoice is None:
                    saved = invoice_services.invoice_create(
                        company=company,
                        kind=kind,
                        partner_id=values["partner"].pk,
                        lines=_line_inputs(lines.filled()),
                        by=request.user,
                        date=values["date"],
                        due_date=values["due_date"],
                        payment_term=values["payment_term"],
                        currency=values["currency"],
                        ref=values["ref"],
                        narration=values["narration"],
                    )
                else:
                    saved = invoice_services.invoice_update(
                        invoice=invoice,
                        by=request.user,
                        lines=_line_inputs(lines.filled()),
                        date=values["date"],
                        due_date=values["due_date"],
                        payment_term=values["payment_term"],
                        ref=values["ref"],
                        narration=values["narration"],
                    )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                if "post" in request.POST:
                    try:
                        saved = invoice_services.invoice_post(invoice=saved, by=request.user)
                    except DomainError as exc:
                        _domain_error(request, exc)
                messages.success(request, _("%(invoice)s saved.") % {"invoice": saved})
                return redirect("accounting:invoice-detail", pk=saved.pk)
        status = 400
    return render(
        request,
        "accounting/invoice_form.html",
        {
            "form": form,
            "lines": lines,
            "invoice": invoice,
            "kind_label": InvoiceKind(kind).label,
            "company": company,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invoice_create(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", InvoiceKind.CUSTOMER_INVOICE)
    if kind not in InvoiceKind.values:
        kind = InvoiceKind.CUSTOMER_INVOICE
    return _invoice_form_page(request, kind=kind, invoice=None)


@login_required
@require_http_methods(["GET", "POST"])
def bill_create(request: HttpRequest) -> HttpResponse:
    return _invoice_form_page(request, kind=InvoiceKind.VENDOR_BILL, invoice=None)


@login_required
@require_http_methods(["GET", "POST"])
def invoice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = object_with_perm(request, Invoice.objects.select_related("company"), pk, "accounting.change")
    if invoice.state != InvoiceState.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("accounting:invoice-detail", pk=invoice.pk)
    return _invoice_form_page(request, kind=invoice.kind, invoice=invoice)


@login_required
@require_http_methods(["GET", "POST"])
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = object_with_perm(
        request,
        Invoice.objects.select_related(
            "company", "partner", "journal", "entry", "payment_term", "reversed_invoice"
        ),
        pk,
        "accounting.view",
    )
    can_pay = invoice.state in (InvoiceState.POSTED, InvoiceState.PARTIAL) and request.user.has_perm(
        "accounting.reconcile", invoice
    )
    status = 200
    payment_form = None
    if can_pay:
        payment_form = PaymentForm(
            request.POST if request.method == "POST" else None,
            company=invoice.company,
            initial={
                "amount": invoice.amount_residual.quantize(Decimal("0.01")),
                "date": timezone.localdate(),
            },
        )
        if request.method == "POST":
            if payment_form.is_valid():
                values = payment_form.cleaned_data
                try:
                    payment_services.payment_register(
                        company=invoice.company,
                        partner_id=invoice.partner_id,
                        journal=values["journal"],
                        amount=values["amount"],
                        date=values["date"],
                        by=request.user,
                        invoices=[invoice],
                        wht_tax=values["wht_tax"],
                        wht_base=values["wht_base"],
                        allow_overpayment=values["allow_overpayment"],
                        memo=values["memo"],
                    )
                except DomainError as exc:
                    payment_form.add_domain_error(exc)
                else:
                    messages.success(request, _("Payment registered."))
                    return redirect("accounting:invoice-detail", pk=invoice.pk)
            status = 400
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "accounting/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": invoice.lines.all().select_related("product", "account").prefetch_related("taxes"),
            "payments": queries.invoice_payments(invoice),
            "entry_lines": queries.entry_lines(invoice.entry_id) if invoice.entry_id else [],
            "payment_form": payment_form,
            "can_change": invoice.state == InvoiceState.DRAFT
            and request.user.has_perm("accounting.change", invoice),
            "can_post": invoice.state == InvoiceState.DRAFT
            and request.user.has_perm("accounting.post", invoice),
            "can_cancel": invoice.state in (InvoiceState.DRAFT, InvoiceState.POSTED)
            and request.user.has_perm("accounting.cancel", invoice),
            "can_credit": invoice.state in (InvoiceState.POSTED, InvoiceState.PARTIAL, InvoiceState.PAID)
            and not invoice.is_credit_note
            and request.user.has_perm("accounting.add", invoice),
            "company_amounts": invoice.currency != invoice.company.currency,
            "outstanding_credit": queries.outstanding_credit(invoice) if can_pay else ZERO,
        },
        status=status,
    )


def _invoice_action(request: HttpRequest, pk: int, permission: str, action: Any, done: str) -> HttpResponse:
    invoice = object_with_perm(request, Invoice.objects.all(), pk, permission)
    try:
        result = action(invoice)
    except DomainError as exc:
        _domain_error(request, exc)
        return redirect("accounting:invoice-detail", pk=invoice.pk)
    messages.success(request, done % {"invoice": result})
    return redirect("accounting:invoice-detail", pk=result.pk)


@login_required
@require_POST
def invoice_post(request: HttpRequest, pk: int) -> HttpResponse:
    return _invoice_action(
        request,
        pk,
        "accounting.post",
        lambda i: invoice_services.invoice_post(invoice=i, by=request.user),
        _("%(invoice)s posted."),
    )


@login_required
@require_POST
def invoice_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _invoice_action(
        request,
        pk,
        "accounting.cancel",
        lambda i: invoice_services.invoice_cancel(
            invoice=i, by=request.user, reason=request.POST.get("reason", "")
        ),
        _("%(invoice)s cancelled."),
    )


@login_required
@require_POST
def invoice_credit_note(request: HttpRequest, pk: int) -> HttpResponse:
    return _invoice_action(
        request,
        pk,
        "accounting.add",
        lambda i: invoice_services.credit_note_create(invoice=i, by=request.user),
        _("Draft credit note created: check it and post it."),
    )


@login_required
@require_POST
def invoice_apply_credit(request: HttpRequest, pk: int) -> HttpResponse:
    return _invoice_action(
        request,
        pk,
        "accounting.reconcile",
        lambda i: _credits_applied(i, request),
        _("The partner's credit was applied to %(invoice)s."),
    )


def _credits_applied(invoice: Invoice, request: HttpRequest) -> Invoice:
    reconcile_services.invoice_credits_apply(invoice=invoice, by=request.user)
    invoice.refresh_from_db()
    return invoice


@login_required
@require_POST
def invoice_delete(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = object_with_perm(request, Invoice.objects.all(), pk, "accounting.delete")
    customer = invoice.is_customer_side
    try:
        invoice_services.invoice_delete(invoice=invoice, by=request.user)
    except DomainError as exc:
        _domain_error(request, exc)
        return redirect("accounting:invoice-detail", pk=invoice.pk)
    messages.success(request, _("Draft deleted."))
    return redirect("accounting:invoices" if customer else "accounting:bills")


# --------------------------------------------------------------------------- payments
class PaymentList(ListScreen):
    """Payments received and made."""

    list_key = "accounting.payment"
    title = gettext_lazy("Payments")
    permission = "accounting.view"
    permission_add = "accounting.reconcile"
    filterset_class = PaymentFilter
    ordering_fields = {
        "date": gettext_lazy("Date"),
        "number": gettext_lazy("Number"),
        "amount": gettext_lazy("Amount"),
    }
    default_ordering = "-date"
    columns = [
        Column(key="number", label=gettext_lazy("Number"), link=True),
        Column(
            key="direction", label=gettext_lazy("Direction"), accessor=lambda p: p.get_direction_display()
        ),
        Column(key="partner__name", label=gettext_lazy("Partner")),
        Column(key="date", label=gettext_lazy("Date")),
        Column(key="journal__code", label=gettext_lazy("Journal")),
        Column(key="amount", label=gettext_lazy("Amount"), accessor=_money("amount"), align="end"),
        Column(key="wht_amount", label=gettext_lazy("Withheld"), accessor=_money("wht_amount"), align="end"),
        Column(key="state", label=gettext_lazy("Status"), accessor=lambda p: p.get_state_display()),
    ]

    def get_queryset(self) -> QuerySet[Payment]:
        return Payment.objects.select_related("partner", "journal")

    def row_url(self, obj: Payment) -> str:
        return reverse("accounting:payment-detail", args=[obj.pk])


@login_required
@require_http_methods(["GET"])
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    payment = object_with_perm(
        request,
        Payment.objects.select_related("company", "partner", "journal", "entry", "wht_tax"),
        pk,
        "accounting.view",
    )
    return render(
        request,
        "accounting/payment_detail.html",
        {
            "payment": payment,
            "entry_lines": queries.entry_lines(payment.entry_id),
            "invoices": queries.payment_invoices(payment),
            "certificate": queries.payment_certificate(payment),
            "can_cancel": payment.state == "posted" and request.user.has_perm("accounting.cancel", payment),
        },
    )


@login_required
@require_POST
def payment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    payment = object_with_perm(request, Payment.objects.all(), pk, "accounting.cancel")
    try:
        payment_services.payment_cancel(payment=payment, by=request.user)
    except DomainError as exc:
        _domain_error(request, exc)
    else:
        messages.success(request, _("Payment %(number)s cancelled.") % {"number": payment.number})
    return redirect("accounting:payment-detail", pk=payment.pk)


# --------------------------------------------------------------------------- journal entries
class EntryList(ListScreen):
    """Every journal entry, drafts and posted."""

    list_key = "accounting.entry"
    title = gettext_lazy("Journal entries")
    permission = "accounting.view"
    filterset_class = EntryFilter
    ordering_fields = {"date": gettext_lazy("Date"), "number": gettext_lazy("Number")}
    default_ordering = "-date"
    columns = [
        Column(key="number", label=gettext_lazy("Number"), link=True, accessor=str),
        Column(key="journal__code", label=gettext_lazy("Journal")),
        Column(key="date", label=gettext_lazy("Date")),
        Column(key="ref", label=gettext_lazy("Reference")),
        Column(key="state", label=gettext_lazy("Status"), accessor=lambda e: e.get_state_display()),
    ]
    create_url_name = "accounting:entry-create"

    def get_queryset(self) -> QuerySet[JournalEntry]:
        return JournalEntry.objects.select_related("journal")

    def row_url(self, obj: JournalEntry) -> str:
        return reverse("accounting:entry-detail", args=[obj.pk])


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest) -> HttpResponse:
    company = active_company_with_perm(request, "accounting.add")
    data = request.POST if request.method == "POST" else None
    form = EntryForm(data, company=company, initial={"date": timezone.localdate()})
    lines = EntryLineFormSet(data, company=company, prefix="lines")
    status = 200
    if request.method == "POST":
        if form.is_valid() and lines.is_valid():
            values = form.cleaned_data
            specs = [
                LineSpec(
                    account_id=row["account"].pk,
                    debit=row.get("debit") or ZERO,
                    credit=row.get("credit") or ZERO,
                    partner_id=row["partner"].pk if row.get("partner") else None,
                    label=row.get("label") or "",
                )
                for row in lines.filled()
            ]
            try:
                entry = entry_services.entry_create(
                    company=company,
                    journal=values["journal"],
                    date=values["date"],
                    lines=specs,
                    by=request.user,
                    ref=values["ref"],
                    narration=values["narration"],
                    post="post" in request.POST,
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Entry %(entry)s saved.") % {"entry": entry})
                return redirect("accounting:entry-detail", pk=entry.pk)
        status = 400
    return render(
        request,
        "accounting/entry_form.html",
        {"form": form, "lines": lines, "company": company},
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = object_with_perm(
        request,
        JournalEntry.objects.select_related("company", "journal", "reversal_of"),
        pk,
        "accounting.view",
    )
    return render(
        request,
        "accounting/entry_detail.html",
        {
            "entry": entry,
            "lines": queries.entry_lines(entry.pk),
            "reversed_by": JournalEntry.objects.filter(reversal_of=entry).first(),
            "can_post": entry.state == "draft" and request.user.has_perm("accounting.post", entry),
            "can_reverse": entry.state == "posted" and request.user.has_perm("accounting.cancel", entry),
            "can_delete": entry.state == "draft" and request.user.has_perm("accounting.delete", entry),
        },
    )


@login_required
@require_POST
def entry_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    permission = {"post": "accounting.post", "reverse": "accounting.cancel", "delete": "accounting.delete"}[
        action
    ]
    entry = object_with_perm(request, JournalEntry.objects.all(), pk, permission)
    try:
        if action == "post":
            entry_services.entry_post(entry=entry, by=request.user)
            messages.success(request, _("Entry %(entry)s posted.") % {"entry": entry})
        elif action == "reverse":
            reversal = entry_services.entry_reverse(
                entry=entry, by=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Reversed by %(entry)s.") % {"entry": reversal})
            return redirect("accounting:entry-detail", pk=reversal.pk)
        else:
            entry_services.entry_delete(entry=entry, by=request.user)
            messages.success(request, _("Draft entry deleted."))
            return redirect("accounting:entries")
    except DomainError as exc:
        _domain_error(request, exc)
    return redirect("accounting:entry-detail", pk=entry.pk)


@login_required
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """Where "Accounting" leads: set-up first, then the money owed both ways."""
    company = active_company_with_perm(request, "accounting.view")
    if not _set_up(company):
        return redirect("accounting:settings")
    return render(
        request,
        "accounting/home.html",
        {"company": company, "summary": queries.accounting_summary(company, as_of=timezone.localdate())},
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("", home, name="home"),
    path("settings/", settings_view, name="settings"),
    path("periods/<int:pk>/toggle/", period_toggle, name="period-toggle"),
    path("accounts/", AccountList.as_view(), name="accounts"),
    path("taxes/", taxes_view, name="taxes"),
    path("invoices/", CustomerInvoiceList.as_view(), name="invoices"),
    path("bills/", VendorBillList.as_view(), name="bills"),
    path("invoices/new/", invoice_create, name="invoice-create"),
    path("bills/new/", bill_create, name="bill-create"),
    path("invoices/<int:pk>/", invoice_detail, name="invoice-detail"),
    path("invoices/<int:pk>/edit/", invoice_edit, name="invoice-edit"),
    path("invoices/<int:pk>/post/", invoice_post, name="invoice-post"),
    path("invoices/<int:pk>/cancel/", invoice_cancel, name="invoice-cancel"),
    path("invoices/<int:pk>/credit-note/", invoice_credit_note, name="invoice-credit-note"),
    path("invoices/<int:pk>/delete/", invoice_delete, name="invoice-delete"),
    path("invoices/<int:pk>/apply-credit/", invoice_apply_credit, name="invoice-apply-credit"),
    path("payments/", PaymentList.as_view(), name="payments"),
    path("payments/<int:pk>/", payment_detail, name="payment-detail"),
    path("payments/<int:pk>/cancel/", payment_cancel, name="payment-cancel"),
    path("entries/", EntryList.as_view(), name="entries"),
    path("entries/new/", entry_create, name="entry-create"),
    path("entries/<int:pk>/", entry_detail, name="entry-detail"),
    path("entries/<int:pk>/post/", entry_action, {"action": "post"}, name="entry-post"),
    path("entries/<int:pk>/reverse/", entry_action, {"action": "reverse"}, name="entry-reverse"),
    path("entries/<int:pk>/delete/", entry_action, {"action": "delete"}, name="entry-delete"),
]
