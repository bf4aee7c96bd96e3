"""Bank reconciliation screens: statements per bank journal, the import (with the CSV mapping step), a
statement's lines with their matching suggestions, and the reconcile/undo buttons.

Views parse, check permission, call one service and render; the rules live in ``bank.services`` and the
scoring in ``bank.matching``. Looking needs ``accounting.view``; importing and reconciling
``accounting.reconcile``. Another company's statement or line is not found (404).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import django_filters
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from concord.core.dataio.errors import UploadRejected
from concord.core.dataio.parsing import check_upload_size
from concord.core.errors import DomainError
from concord.core.identity.models import Company
from concord.core.identity.scope import company_scope
from concord.core.lists.views import Column, ListScreen
from concord.core.web.pagination import paginate
from concord.core.web.session import active_company, active_company_with_perm
from concord.modules.accounting.bank.csv_layout import CsvLayout, csv_layout
from concord.modules.accounting.bank.forms import (
    CsvMappingForm,
    ManualReconcileForm,
    ReconcileForm,
    StatementUploadForm,
    counter_accounts,
    withholding_taxes,
)
from concord.modules.accounting.bank.matching import CANDIDATE_CAP, open_invoices_for, suggestions_for
from concord.modules.accounting.bank.services import (
    import_counts,
    statement_import,
    statement_line_reconcile,
    statement_line_unreconcile,
)
from concord.modules.accounting.bank_formats import detect_format
from concord.modules.accounting.models import (
    BankStatement,
    BankStatementLine,
    Journal,
    JournalKind,
    StatementLineState,
)
from concord.modules.parties.facade import party_summaries

LINES_PER_PAGE = 25
# The mapping step carries the file in a hidden field (base64: 4 bytes per 3), inside Django's limit on
# a request's form data; the framing of the other fields is well under 64 KB.
_FORM_OVERHEAD_BYTES = 64 * 1024


# --------------------------------------------------------------------------- helpers
def _statement(request: HttpRequest, pk: int, permission: str) -> BankStatement:
    """A statement of the user's companies (another company's is not found), if ``permission`` there."""
    statement: BankStatement = get_object_or_404(
        BankStatement.objects.select_related("journal", "company"), pk=pk
    )
    if not request.user.has_perm(permission, statement):
        raise PermissionDenied
    return statement


def _line(request: HttpRequest, pk: int, permission: str) -> BankStatementLine:
    line: BankStatementLine = get_object_or_404(
        BankStatementLine.objects.select_related("statement", "journal", "company"), pk=pk
    )
    if not request.user.has_perm(permission, line):
        raise PermissionDenied
    return line


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --------------------------------------------------------------------------- statements
class StatementFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    journal = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Bank journal"),
        queryset=lambda request: Journal.objects.filter(kind=JournalKind.BANK).order_by("code"),
    )

    class Meta:
        model = BankStatement
        fields = ["journal"]


def _period(statement: BankStatement) -> str:
    if statement.date_start and statement.date_end:
        return _("%(start)s to %(end)s") % {
            "start": statement.date_start.isoformat(),
            "end": statement.date_end.isoformat(),
        }
    return ""


def _closing(statement: BankStatement) -> str:
    if statement.balance_end is None:
        return ""
    return f"{statement.balance_end:,.2f} {statement.currency}"


class StatementList(ListScreen):
    """Imported bank statements, per bank journal, with how many lines are still to reconcile."""

    list_key = "accounting.bank_statement"
    title = gettext_lazy("Bank statements")
    permission = "accounting.view"
    filterset_class = StatementFilter
    ordering_fields = {
        "imported_at": gettext_lazy("Imported"),
        "date_end": gettext_lazy("Statement end"),
        "journal__code": gettext_lazy("Journal"),
    }
    default_ordering = "-imported_at"
    columns = [
        Column(key="imported_at", label=gettext_lazy("Imported"), link=True),
        Column(key="journal", label=gettext_lazy("Journal"), sort_key="journal__code"),
        Column(key="reference", label=gettext_lazy("Reference")),
        Column(key="file_name", label=gettext_lazy("File")),
        Column(key="date_end", label=gettext_lazy("Period"), accessor=_period),
        Column(key="line_count", label=gettext_lazy("Lines"), align="end"),
        Column(key="open_count", label=gettext_lazy("To reconcile"), align="end"),
        Column(key="balance_end", label=gettext_lazy("Closing balance"), accessor=_closing, align="end"),
    ]
    template_name = "accounting/bank/statement_list.html"

    def get_queryset(self) -> QuerySet[BankStatement]:
        return BankStatement.objects.select_related("journal").annotate(
            line_count=Count("lines"),
            open_count=Count("lines", filter=Q(lines__state=StatementLineState.OPEN)),
        )

    def row_url(self, obj: BankStatement) -> str:
        return reverse("accounting:bank-statement-detail", args=[obj.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        company = active_company(self.request)
        can_import = False
        if company is not None:
            with company_scope([company.pk]):
                can_import = self.request.user.has_perm("accounting.reconcile")
        context["import_url"] = reverse("accounting:bank-statement-import") if can_import else ""
        return context


# --------------------------------------------------------------------------- import
def _inline_limit() -> int:
    return (int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) - _FORM_OVERHEAD_BYTES) * 3 // 4


def _upload_page(
    request: HttpRequest, company: Company, form: StatementUploadForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "accounting/bank/statement_import.html",
        {"company": company, "form": form},
        status=status,
    )


def _mapping_page(
    request: HttpRequest,
    company: Company,
    form: CsvMappingForm,
    layout: CsvLayout | None,
    *,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "accounting/bank/statement_mapping.html",
        {"company": company, "form": form, "layout": layout},
        status=status,
    )


def _imported(request: HttpRequest, statement: BankStatement) -> HttpResponse:
    counts = import_counts(statement)
    if not counts.imported:
        messages.info(
            request,
            ngettext(
                "Nothing new: the %(skipped)d line of this file was imported before.",
                "Nothing new: the %(skipped)d lines of this file were imported before.",
                counts.skipped,
            )
            % {"skipped": counts.skipped},
        )
    else:
        text = ngettext("%(new)d line imported.", "%(new)d lines imported.", counts.imported) % {
            "new": counts.imported
        }
        if counts.skipped:
            text += " " + ngettext(
                "%(skipped)d line imported before was skipped.",
                "%(skipped)d lines imported before were skipped.",
                counts.skipped,
            ) % {"skipped": counts.skipped}
        messages.success(request, text)
    return redirect("accounting:bank-statement-detail", pk=statement.pk)


_COLUMN_ROLES = ("date", "amount", "debit", "credit", "reference", "description", "counterparty")
_FORMAT_SETTINGS = ("date_format", "decimal_separator", "thousands_separator", "delimiter")


def _mapping_step(
    request: HttpRequest, company: Company, form: StatementUploadForm, data: bytes, name: str
) -> HttpResponse:
    """The CSV mapping form, prefilled from the file's header (or the upload form with the file's fault)."""
    if len(data) > _inline_limit():
        form.add_error("file", _("This CSV file is too big for the screen: import it through the API."))
        return _upload_page(request, company, form, status=400)
    try:
        layout = csv_layout(data)
    except DomainError as exc:
        form.add_error("file", str(exc.message))
        return _upload_page(request, company, form, status=400)
    guess = layout.guess
    initial: dict[str, Any] = {
        "journal": form.cleaned_data["journal"].pk,
        "file_name": name,
        "content": CsvMappingForm.encode(data),
        **{f"{role}_column": guess[role] for role in _COLUMN_ROLES if role in guess},
        **{key: guess[key] for key in _FORMAT_SETTINGS if key in guess},
    }
    mapping_form = CsvMappingForm(initial=initial, company=company, layout=layout)
    return _mapping_page(request, company, mapping_form, layout)


def _import_upload(request: HttpRequest, company: Company) -> HttpResponse:
    form = StatementUploadForm(request.POST, request.FILES, company=company)
    if not form.is_valid():
        return _upload_page(request, company, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        check_upload_size(upload.size)
    except UploadRejected as exc:
        form.add_error("file", str(exc.message))
        return _upload_page(request, company, form, status=400)
    data = upload.read()
    name = upload.name or ""
    if detect_format(data, name) == "csv":
        return _mapping_step(request, company, form, data, name)
    try:
        statement = statement_import(
            company=company, journal=form.cleaned_data["journal"], data=data, filename=name, by=request.user
        )
    except DomainError as exc:
        if exc.field in (None, "__all__", "mapping"):
            form.add_error("file", str(exc.message))
        else:
            form.add_domain_error(exc)
        return _upload_page(request, company, form, status=400)
    return _imported(request, statement)


def _import_mapping(request: HttpRequest, company: Company) -> HttpResponse:
    data = CsvMappingForm.decode(request.POST.get("content", ""))
    layout: CsvLayout | None = None
    if data is not None:
        try:
            layout = csv_layout(data)
        except DomainError:
            layout = None
    form = CsvMappingForm(request.POST, company=company, layout=layout)
    if data is None or layout is None:
        form.is_valid()
        form.add_error(None, _("The file was lost on the way: upload it again."))
        return _mapping_page(request, company, form, layout, status=400)
    if not form.is_valid():
        return _mapping_page(request, company, form, layout, status=400)
    try:
        statement = statement_import(
            company=company,
            journal=form.cleaned_data["journal"],
            data=data,
            filename=form.cleaned_data["file_name"],
            by=request.user,
            mapping=form.mapping(),
        )
    except DomainError as exc:
        form.add_domain_error(exc)
        return _mapping_page(request, company, form, layout, status=400)
    return _imported(request, statement)


@login_required
@require_http_methods(["GET", "POST"])
def statement_import_view(request: HttpRequest) -> HttpResponse:
    """Upload a statement; a CSV file goes through a second step that maps its columns."""
    company = active_company_with_perm(request, "accounting.reconcile")
    if request.method != "POST":
        return _upload_page(request, company, StatementUploadForm(company=company))
    if request.POST.get("step") == "mapping":
        return _import_mapping(request, company)
    return _import_upload(request, company)


# --------------------------------------------------------------------------- detail and reconcile
def _invoice_choices(line: BankStatementLine, cache: dict[tuple[bool, str], list[Any]]) -> list[Any]:
    """Open invoices of the line's side and currency, grouped by partner (computed once per side)."""
    key = (line.amount > 0, line.currency)
    if key not in cache:
        invoices = list(open_invoices_for(line).order_by("partner_id", "due_date", "pk")[:CANDIDATE_CAP])
        names = {
            pk: summary.name
            for pk, summary in party_summaries(sorted({i.partner_id for i in invoices})).items()
        }
        groups: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for invoice in invoices:
            due = f"{invoice.amount_residual:,.2f} {invoice.currency}"
            groups[invoice.partner_id].append((str(invoice.pk), f"{invoice.number} · {due}"))
        cache[key] = sorted(
            ((names.get(partner_id, str(partner_id)), options) for partner_id, options in groups.items()),
            key=lambda group: group[0].casefold(),
        )
    return cache[key]


def _row_context(
    line: BankStatementLine, *, can_reconcile: bool, choices: dict[str, Any], error: str = ""
) -> dict[str, Any]:
    context: dict[str, Any] = {"line": line, "can_reconcile": can_reconcile, "error": error}
    if line.state == StatementLineState.OPEN and can_reconcile:
        context["suggestions"] = suggestions_for(line)
        context["manual_form"] = ManualReconcileForm(
            line=line,
            invoice_choices=_invoice_choices(line, choices.setdefault("invoices", {})),
            account_choices=choices["accounts"],
            tax_choices=choices["taxes"],
        )
    return context


def _page_choices(journal: Journal) -> dict[str, Any]:
    """The accounts (all postable ones but the bank's own) and taxes the manual forms offer."""
    accounts = counter_accounts(journal.company).exclude(pk=journal.default_account_id or 0)
    return {
        "accounts": [(str(a.pk), f"{a.code} {a.name}") for a in accounts],
        "taxes": [(str(t.pk), t.name) for t in withholding_taxes(journal.company)],
    }


@login_required
@require_http_methods(["GET"])
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk, "accounting.view")
    can_reconcile = request.user.has_perm("accounting.reconcile", statement)
    lines = statement.lines.select_related("payment", "entry").order_by("date", "pk")
    page = paginate(request, lines, per_page=LINES_PER_PAGE)
    choices = _page_choices(statement.journal) if can_reconcile else {}
    rows = [_row_context(line, can_reconcile=can_reconcile, choices=choices) for line in page.object_list]
    counts = statement.lines.aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(state=StatementLineState.OPEN))
    )
    return render(
        request,
        "accounting/bank/statement_detail.html",
        {
            "statement": statement,
            "page": page,
            "rows": rows,
            "counts": counts,
            "can_reconcile": can_reconcile,
        },
    )


def _line_page(line: BankStatementLine) -> int:
    before = (
        BankStatementLine.all_companies.filter(statement_id=line.statement_id)
        .filter(Q(date__lt=line.date) | Q(date=line.date, pk__lt=line.pk))
        .count()
    )
    return before // LINES_PER_PAGE + 1


def _after_line_action(
    request: HttpRequest, line: BankStatementLine, *, error: str, done: str
) -> HttpResponse:
    """The line's row again (htmx), or back to its page of the statement with a message."""
    if _is_htmx(request):
        line.refresh_from_db()
        context = _row_context(line, can_reconcile=True, choices=_page_choices(line.journal), error=error)
        return render(request, "accounting/bank/partials/line_row.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    url = reverse("accounting:bank-statement-detail", args=[line.statement_id])
    return redirect(f"{url}?page={_line_page(line)}#bank-line-{line.pk}")


def _form_error(form: ReconcileForm) -> str:
    return " ".join(str(message) for messages_ in form.errors.values() for message in messages_)


@login_required
@require_POST
def line_reconcile(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk, "accounting.reconcile")
    form = ReconcileForm(request.POST, line=line)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        counter = data["counter_account"]
        try:
            statement_line_reconcile(
                line=line,
                by=request.user,
                payment=data["payment"],
                invoices=list(data["invoices"]),
                counter_account_id=counter.pk if counter is not None else None,
                wht_tax=data["wht_tax"],
                allow_overpayment=data["allow_overpayment"],
            )
        except DomainError as exc:
            error = str(exc.message)
    else:
        error = _form_error(form)
    return _after_line_action(request, line, error=error, done=_("Line reconciled."))


@login_required
@require_POST
def line_unreconcile(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk, "accounting.reconcile")
    error = ""
    try:
        statement_line_unreconcile(line=line, by=request.user)
    except DomainError as exc:
        error = str(exc.message)
    return _after_line_action(request, line, error=error, done=_("Reconciliation undone."))
