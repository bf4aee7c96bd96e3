"""The trial balance and the general ledger: balances per account, then the lines behind them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum, Window
from django.db.models.expressions import RowRange

from concord.core.identity.models import Company
from concord.modules.accounting.reports._base import (
    ZERO,
    accounts_of,
    ancestors,
    check_limit,
    check_period,
    debit_minus_credit,
    posted_lines,
    rounder,
    sum_if,
)

__all__ = [
    "GeneralLedger",
    "GeneralLedgerAccount",
    "GeneralLedgerLine",
    "TrialBalance",
    "TrialBalanceRow",
    "general_ledger",
    "trial_balance",
]

DEFAULT_LIMIT = 1000


@dataclass(frozen=True)
class TrialBalanceRow:
    """One account of the trial balance; a group's figures are the sums of the accounts under it.

    Balances are signed, debit positive: ``closing = opening + debit - credit``.
    """

    account_id: int
    code: str
    name: str
    local_name: str
    account_type: str
    is_group: bool
    level: int
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal


@dataclass(frozen=True)
class TrialBalance:
    """Every account with a balance or movement in the period; the totals add up the postable accounts
    only (not the group subtotals), so ``opening`` and ``closing`` are zero and ``debit == credit``."""

    company_id: int
    currency: str
    date_from: dt.date
    date_to: dt.date
    rows: tuple[TrialBalanceRow, ...]
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal

    @property
    def is_balanced(self) -> bool:
        return self.opening == 0 and self.closing == 0 and self.debit == self.credit


def trial_balance(*, company: Company, date_from: dt.date, date_to: dt.date) -> TrialBalance:
    """Per account: the balance before ``date_from``, the debits and credits of the period, the closing
    balance on ``date_to``; group accounts carry the subtotal of their children. Two queries.

    Income and expense accounts keep the balance of earlier years in their opening balance until a
    closing entry moves it to retained earnings; the balance sheet shows it as earlier years' earnings.
    """
    check_period(date_from, date_to)
    money = rounder(company.currency)
    chart = accounts_of(company)
    during = Q(date__gte=date_from)
    sums = (
        posted_lines(company)
        .filter(date__lte=date_to)
        .values("account_id")
        .annotate(
            opening=sum_if(Q(date__lt=date_from), debit_minus_credit()),
            period_debit=sum_if(during, F("debit")),
            period_credit=sum_if(during, F("credit")),
        )
        .order_by()
    )
    zero = (ZERO, ZERO, ZERO)
    figures: dict[int, tuple[Decimal, Decimal, Decimal]] = {}
    totals = [money(None)] * 3
    for row in sums:
        own = (money(row["opening"]), money(row["period_debit"]), money(row["period_credit"]))
        if own == zero:
            continue
        account_id = row["account_id"]
        totals = [total + value for total, value in zip(totals, own, strict=True)]
        targets = [account_id, *ancestors(account_id, chart)] if account_id in chart else [account_id]
        for target in targets:
            before = figures.get(target, zero)
            figures[target] = (before[0] + own[0], before[1] + own[1], before[2] + own[2])
    rows = tuple(
        TrialBalanceRow(
            account_id=account.id,
            code=account.code,
            name=account.name,
            local_name=account.local_name,
            account_type=account.account_type,
            is_group=account.is_group,
            level=account.level,
            opening=figures[account.id][0],
            debit=figures[account.id][1],
            credit=figures[account.id][2],
            closing=figures[account.id][0] + figures[account.id][1] - figures[account.id][2],
        )
        for account in chart.values()
        if account.id in figures
    )
    opening, debit, credit = totals
    return TrialBalance(
        company_id=company.pk,
        currency=company.currency,
        date_from=date_from,
        date_to=date_to,
        rows=rows,
        opening=opening,
        debit=debit,
        credit=credit,
        closing=opening + debit - credit,
    )


@dataclass(frozen=True)
class GeneralLedgerLine:
    """A posted line with the account's balance after it (debit positive)."""

    line_id: int
    entry_id: int
    entry_number: str
    journal_code: str
    date: dt.date
    label: str
    partner_id: int | None
    partner_name: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass(frozen=True)
class GeneralLedgerAccount:
    """An account's opening balance, the period's totals and closing balance, and its lines of this page."""

    account_id: int
    code: str
    name: str
    local_name: str
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal
    line_count: int
    lines: tuple[GeneralLedgerLine, ...]


@dataclass(frozen=True)
class GeneralLedger:
    """The ledger of the period; ``lines`` of each account hold one page (``offset``, ``limit``) of the
    ``line_count`` lines overall, ordered by account code, date and line."""

    company_id: int
    currency: str
    date_from: dt.date
    date_to: dt.date
    accounts: tuple[GeneralLedgerAccount, ...]
    debit: Decimal
    credit: Decimal
    line_count: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        shown = sum(len(account.lines) for account in self.accounts)
        return self.offset + shown < self.line_count


def general_ledger(
    *,
    company: Company,
    date_from: dt.date,
    date_to: dt.date,
    account_ids: Iterable[int] | None = None,
    offset: int = 0,
    limit: int = DEFAULT_LIMIT,
) -> GeneralLedger:
    """The lines of the period per account (all accounts, or ``account_ids``) with running balances.

    Three queries whatever the size: the chart, the per-account sums, and one page of lines whose
    running balance is a window sum computed by the database over the whole period.
    """
    check_period(date_from, date_to)
    check_limit(limit, offset)
    money = rounder(company.currency)
    chart = accounts_of(company)
    lines = posted_lines(company).filter(date__lte=date_to)
    if account_ids is not None:
        lines = lines.filter(account_id__in=list(account_ids))
    during = Q(date__gte=date_from)
    sums = {
        row["account_id"]: row
        for row in lines.values("account_id")
        .annotate(
            opening=sum_if(Q(date__lt=date_from), debit_minus_credit()),
            period_debit=sum_if(during, F("debit")),
            period_credit=sum_if(during, F("credit")),
            line_count=Count("id", filter=during),
        )
        .order_by()
    }
    running = Window(
        Sum(debit_minus_credit()),
        partition_by=[F("account_id")],
        order_by=[F("date").asc(), F("id").asc()],
        frame=RowRange(start=None, end=0),
    )
    page = (
        lines.filter(during)
        .annotate(running=running)
        .order_by("account__code", "date", "id")
        .values(
            "id",
            "account_id",
            "entry_id",
            "entry__number",
            "journal__code",
            "date",
            "label",
            "partner_id",
            "partner__name",
            "debit",
            "credit",
            "running",
        )[offset : offset + limit]
    )
    page_lines: dict[int, list[GeneralLedgerLine]] = {}
    for row in page:
        opening = money(sums[row["account_id"]]["opening"])
        page_lines.setdefault(row["account_id"], []).append(
            GeneralLedgerLine(
                line_id=row["id"],
                entry_id=row["entry_id"],
                entry_number=row["entry__number"],
                journal_code=row["journal__code"],
                date=row["date"],
                label=row["label"],
                partner_id=row["partner_id"],
                partner_name=row["partner__name"] or "",
                debit=money(row["debit"]),
                credit=money(row["credit"]),
                balance=opening + money(row["running"]),
            )
        )
    accounts = []
    for account in chart.values():
        found = sums.get(account.id)
        if found is None:
            continue
        opening, debit, credit = (
            money(found["opening"]),
            money(found["period_debit"]),
            money(found["period_credit"]),
        )
        if not (opening or found["line_count"]):
            continue
        accounts.append(
            GeneralLedgerAccount(
                account_id=account.id,
                code=account.code,
                name=account.name,
                local_name=account.local_name,
                opening=opening,
                debit=debit,
                credit=credit,
                closing=opening + debit - credit,
                line_count=found["line_count"],
                lines=tuple(page_lines.get(account.id, ())),
            )
        )
    return GeneralLedger(
        company_id=company.pk,
        currency=company.currency,
        date_from=date_from,
        date_to=date_to,
        accounts=tuple(accounts),
        debit=money(sum((account.debit for account in accounts), ZERO)),
        credit=money(sum((account.credit for account in accounts), ZERO)),
        line_count=sum(account.line_count for account in accounts),
        offset=offset,
        limit=limit,
    )
