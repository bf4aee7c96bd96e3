"""Report screens under /accounting/reports/: an index, then one page per report with its filter form,
the laid-out tables and ``?export=csv|xlsx|pdf``. Views parse the filters, call one selector, render.

Every report is of the user's active company and needs ``accounting.reports`` in that company.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.core.web.session import active_company_with_perm
from concord.modules.accounting.reports import queries
from concord.modules.accounting.reports.exports import EXPORT_FORMATS, export_response
from concord.modules.accounting.reports.forms import (
    AsOfForm,
    GeneralLedgerForm,
    PartnerLedgerForm,
    PeriodForm,
    ReportForm,
)
from concord.modules.accounting.reports.labels import REPORTS, report_info
from concord.modules.accounting.reports.layout import document_for

__all__ = [
    "aged_payable",
    "aged_receivable",
    "balance_sheet",
    "cash_flow",
    "fx_revaluation",
    "general_ledger",
    "partner_ledger",
    "profit_and_loss",
    "reports_index",
    "trial_balance",
    "vat_report",
]

PERMISSION = "accounting.reports"
SCREEN_LINES = 500  # ledger lines per page on screen
EXPORT_LINES = {"csv": queries.MAX_LINES, "xlsx": queries.MAX_LINES, "pdf": 2000}

Run = Callable[[Company, dict[str, Any]], Any]


def _company(request: HttpRequest) -> Company:
    """The active company, if the user may see its reports (403 otherwise)."""
    return active_company_with_perm(request, PERMISSION)


def _export_format(request: HttpRequest) -> str | None:
    requested = request.GET.get("export")
    return requested if requested in EXPORT_FORMATS else None


def _query_with(request: HttpRequest, **changes: Any) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = str(value)
    return f"?{query.urlencode()}" if query else "?"


def _show(
    request: HttpRequest,
    *,
    slug: str,
    form_class: type[ReportForm],
    run: Run,
    template: str,
    **extra: Any,
) -> HttpResponse:
    company = _company(request)
    form = form_class(request.GET, company=company, today=timezone.localdate())
    report = None
    if form.is_valid() and form.is_complete():
        try:
            report = run(company, form.filters())
        except ValidationFailed as exc:  # a rule of the selector the form does not know
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
    file_format = _export_format(request)
    document = document_for(report, company=company) if report is not None else None
    if document is not None and file_format is not None:
        return export_response(document, company=company, file_format=file_format)
    info = report_info(slug)
    context = {
        "info": info,
        "title": info.title,
        "form": form,
        "report": report,
        "document": document,
        "currency": company.currency,
        "export_links": [
            {"format": "csv", "label": _("Export CSV"), "url": _query_with(request, export="csv", page=None)},
            {
                "format": "xlsx",
                "label": _("Export XLSX"),
                "url": _query_with(request, export="xlsx", page=None),
            },
            {"format": "pdf", "label": _("Export PDF"), "url": _query_with(request, export="pdf", page=None)},
        ]
        if document is not None
        else [],
        **extra,
    }
    return render(request, f"accounting/reports/{template}.html", context)


def _page(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return max(int(raw), 1) if raw.isdigit() else 1


def _ledger(request: HttpRequest, *, slug: str, form_class: type[ReportForm], selector: Run) -> HttpResponse:
    """A ledger (general or partner): one page of lines on screen, every line (up to a limit) in an export."""
    file_format = _export_format(request)
    page = _page(request)
    if file_format is not None:
        limit, offset = EXPORT_LINES[file_format], 0
    else:
        limit, offset = SCREEN_LINES, (page - 1) * SCREEN_LINES

    def run(company: Company, filters: dict[str, Any]) -> Any:
        report = selector(company, {**filters, "limit": limit, "offset": offset})
        if file_format is not None and report.has_more:
            raise _TooManyLinesError(report.line_count, limit)
        return report

    try:
        return _show(
            request,
            slug=slug,
            form_class=form_class,
            run=run,
            template=slug.replace("-", "_"),
            page=page,
            previous_url=_query_with(request, page=page - 1) if page > 1 else "",
            next_url=_query_with(request, page=page + 1),
        )
    except _TooManyLinesError as exc:
        messages.error(
            request,
            _(
                "This ledger has %(count)s lines; an export can hold at most %(max)s. "
                "Narrow the period or the accounts and export again."
            )
            % {"count": f"{exc.count:,}", "max": f"{exc.limit:,}"},
        )
        return HttpResponseRedirect(f"{request.path}{_query_with(request, export=None)}")


class _TooManyLinesError(Exception):
    def __init__(self, count: int, limit: int) -> None:
        super().__init__(count, limit)
        self.count, self.limit = count, limit


# --------------------------------------------------------------------------- screens
@login_required
@require_GET
def reports_index(request: HttpRequest) -> HttpResponse:
    _company(request)
    return render(request, "accounting/reports/index.html", {"reports": REPORTS})


@login_required
@require_GET
def trial_balance(request: HttpRequest) -> HttpResponse:
    return _show(
        request,
        slug="trial-balance",
        form_class=PeriodForm,
        run=lambda company, filters: queries.trial_balance(company=company, **filters),
        template="trial_balance",
    )


@login_required
@require_GET
def general_ledger(request: HttpRequest) -> HttpResponse:
    return _ledger(
        request,
        slug="general-ledger",
        form_class=GeneralLedgerForm,
        selector=lambda company, filters: queries.general_ledger(company=company, **filters),
    )


@login_required
@require_GET
def partner_ledger(request: HttpRequest) -> HttpResponse:
    return _ledger(
        request,
        slug="partner-ledger",
        form_class=PartnerLedgerForm,
        selector=lambda company, filters: queries.partner_ledger(company=company, **filters),
    )


@login_required
@require_GET
def profit_and_loss(request: HttpRequest) -> HttpResponse:
    return _show(
        request,
        slug="profit-and-loss",
        form_class=PeriodForm,
        run=lambda company, filters: queries.profit_and_loss(company=company, **filters),
        template="profit_and_loss",
    )


@login_required
@require_GET
def balance_sheet(request: HttpRequest) -> HttpResponse:
    return _show(
        request,
        slug="balance-sheet",
        form_class=AsOfForm,
        run=lambda company, filters: queries.balance_sheet(company=company, **filters),
        template="balance_sheet",
    )


def _aged(request: HttpRequest, kind: str) -> HttpResponse:
    return _show(
        request,
        slug=f"aged-{kind}",
        form_class=AsOfForm,
        run=lambda company, filters: queries.aged_balances(company=company, kind=kind, **filters),
        template="aged_balances",
    )


@login_required
@require_GET
def aged_receivable(request: HttpRequest) -> HttpResponse:
    return _aged(request, "receivable")


@login_required
@require_GET
def aged_payable(request: HttpRequest) -> HttpResponse:
    return _aged(request, "payable")


@login_required
@require_GET
def vat_report(request: HttpRequest) -> HttpResponse:
    return _show(
        request,
        slug="vat",
        form_class=PeriodForm,
        run=lambda company, filters: queries.vat_report(company=company, **filters),
        template="vat_report",
    )


@login_required
@require_GET
def fx_revaluation(request: HttpRequest) -> HttpResponse:
    return _show(
        request,
        slug="fx-revaluation",
        form_class=AsOfForm,
        run=lambda company, filters: queries.fx_revaluation(company=company, **filters),
        template="fx_revaluation",
    )


@login_required
@require_GET
def cash_flow(request: HttpRequest) -> HttpResponse:
    return _show(
        request,
        slug="cash-flow",
        form_class=PeriodForm,
        run=lambda company, filters: queries.cash_flow(company=company, **filters),
        template="cash_flow",
    )
