"""REST endpoints of the financial reports, mounted at /api/v1/accounting/reports/.

Each GET takes its filters as query parameters (``company_id`` defaults to your default company) and
answers the selector's figures: the same numbers as the screens and exports. A period that ends
before it starts is a 422 naming the field; a company or partner you cannot see is a 404; a company
where you lack ``accounting.reports`` is a 403.
"""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from concord.core.api.errors import ErrorOut
from concord.core.api.permissions import has_company_perm, permission_denied
from concord.core.errors import NotFound, PermissionDeniedError
from concord.core.identity.models import Company, User
from concord.modules.accounting.reports import queries
from concord.modules.accounting.reports.schemas import (
    AgedBalancesOut,
    BalanceSheetOut,
    CashFlowOut,
    FxRevaluationOut,
    GeneralLedgerOut,
    PartnerLedgerOut,
    ProfitAndLossOut,
    TrialBalanceOut,
    VatReportOut,
)

router = Router(tags=["accounting"])

PERMISSION = "accounting.reports"
_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 422}): ErrorOut}


def _caller(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDeniedError(_("Authentication required."))
    return user


def _company(request: HttpRequest, company_id: int | None) -> Company:
    """The company asked for (default: the caller's default company, else their first)."""
    user = _caller(request)
    companies = user.companies()
    if company_id is None:
        company = companies.filter(pk=user.default_company_id or 0).first()
        company = company or companies.order_by("name", "pk").first()
    else:
        company = companies.filter(pk=company_id).first()
    if company is None:
        raise NotFound(_("There is no such company."), field="company_id")
    if not has_company_perm(user, PERMISSION, company):
        raise permission_denied(PERMISSION)
    return company


# --------------------------------------------------------------------------- filters
class CompanyFilter(Schema):
    company_id: int | None = Field(None, description="Defaults to your default company.")


class PeriodFilter(CompanyFilter):
    date_from: dt.date = Field(..., description="First day of the period (ISO 8601).")
    date_to: dt.date = Field(..., description="Last day of the period, on or after date_from.")


class AsOfFilter(CompanyFilter):
    as_of: dt.date | None = Field(None, description="The report date; defaults to today.")


class LedgerPageFilter(PeriodFilter):
    offset: int = Field(0, ge=0, description="Lines to skip (for the next page).")
    limit: int = Field(1000, ge=1, le=queries.MAX_LINES, description="Lines to return at most.")


class GeneralLedgerFilter(LedgerPageFilter):
    account_ids: list[int] | None = Field(None, description="Only these accounts (repeat the parameter).")


class PartnerLedgerFilter(LedgerPageFilter):
    partner_id: int


# --------------------------------------------------------------------------- endpoints
@router.get("/trial-balance", response={200: TrialBalanceOut, **_ERRORS})
def trial_balance(request: HttpRequest, filters: Query[PeriodFilter]) -> queries.TrialBalance:
    """Opening balance, debits, credits and closing balance per account, with group subtotals."""
    company = _company(request, filters.company_id)
    return queries.trial_balance(company=company, date_from=filters.date_from, date_to=filters.date_to)


@router.get("/general-ledger", response={200: GeneralLedgerOut, **_ERRORS})
def general_ledger(request: HttpRequest, filters: Query[GeneralLedgerFilter]) -> queries.GeneralLedger:
    """One page of the period's lines per account, with running balances; page on with ``offset``."""
    company = _company(request, filters.company_id)
    return queries.general_ledger(
        company=company,
        date_from=filters.date_from,
        date_to=filters.date_to,
        account_ids=filters.account_ids,
        offset=filters.offset,
        limit=filters.limit,
    )


@router.get("/profit-and-loss", response={200: ProfitAndLossOut, **_ERRORS})
def profit_and_loss(request: HttpRequest, filters: Query[PeriodFilter]) -> queries.ProfitAndLoss:
    """Income and expenses of the period: gross, operating and net profit."""
    company = _company(request, filters.company_id)
    return queries.profit_and_loss(company=company, date_from=filters.date_from, date_to=filters.date_to)


@router.get("/balance-sheet", response={200: BalanceSheetOut, **_ERRORS})
def balance_sheet(request: HttpRequest, filters: Query[AsOfFilter]) -> queries.BalanceSheet:
    """Assets, liabilities and equity on ``as_of``, with this fiscal year's earnings."""
    company = _company(request, filters.company_id)
    return queries.balance_sheet(company=company, as_of=filters.as_of or timezone.localdate())


@router.get("/aged-receivable", response={200: AgedBalancesOut, **_ERRORS})
def aged_receivable(request: HttpRequest, filters: Query[AsOfFilter]) -> queries.AgedBalances:
    """What each customer owes on ``as_of``, by days past the due date."""
    company = _company(request, filters.company_id)
    return queries.aged_balances(
        company=company, as_of=filters.as_of or timezone.localdate(), kind="receivable"
    )


@router.get("/aged-payable", response={200: AgedBalancesOut, **_ERRORS})
def aged_payable(request: HttpRequest, filters: Query[AsOfFilter]) -> queries.AgedBalances:
    """What we owe each supplier on ``as_of``, by days past the due date."""
    company = _company(request, filters.company_id)
    return queries.aged_balances(company=company, as_of=filters.as_of or timezone.localdate(), kind="payable")


@router.get("/partner-ledger", response={200: PartnerLedgerOut, **_ERRORS})
def partner_ledger(request: HttpRequest, filters: Query[PartnerLedgerFilter]) -> queries.PartnerLedger:
    """A partner's lines on receivable and payable accounts, with the running balance."""
    company = _company(request, filters.company_id)
    return queries.partner_ledger(
        company=company,
        partner_id=filters.partner_id,
        date_from=filters.date_from,
        date_to=filters.date_to,
        offset=filters.offset,
        limit=filters.limit,
    )


@router.get("/vat", response={200: VatReportOut, **_ERRORS})
def vat_report(request: HttpRequest, filters: Query[PeriodFilter]) -> queries.VatReport:
    """Output and input VAT per rate, the net VAT, and the withholding tax of the period."""
    company = _company(request, filters.company_id)
    return queries.vat_report(company=company, date_from=filters.date_from, date_to=filters.date_to)


@router.get("/cash-flow", response={200: CashFlowOut, **_ERRORS})
def cash_flow(request: HttpRequest, filters: Query[PeriodFilter]) -> queries.CashFlow:
    """The period's cash flow (indirect method), reconciled to the bank and cash accounts."""
    company = _company(request, filters.company_id)
    return queries.cash_flow(company=company, date_from=filters.date_from, date_to=filters.date_to)


@router.get("/fx-revaluation", response={200: FxRevaluationOut, **_ERRORS})
def fx_revaluation(request: HttpRequest, filters: Query[AsOfFilter]) -> queries.FxRevaluation:
    """Open foreign-currency receivables and payables revalued at ``as_of``'s rates (nothing is posted)."""
    company = _company(request, filters.company_id)
    return queries.fx_revaluation(company=company, as_of=filters.as_of or timezone.localdate())
