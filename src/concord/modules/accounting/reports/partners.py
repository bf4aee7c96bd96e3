"""What partners owe and are owed: aged receivables and payables, and one partner's ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum, Window
from django.db.models.expressions import RowRange
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from concord.core.errors import NotFound, ValidationFailed
from concord.core.identity.models import Company
from concord.modules.accounting.models import Account, AccountSubtype
from concord.modules.accounting.reports._base import (
    ZERO,
    check_limit,
    check_period,
    debit_minus_credit,
    posted_lines,
    rounder,
    sum_if,
)
from concord.modules.parties.facade import party_summary

__all__ = [
    "AGING_BUCKETS",
    "AGING_KINDS",
    "AgedBalances",
    "AgedPartner",
    "AgingAmounts",
    "PartnerLedger",
    "PartnerLedgerLine",
    "aged_balances",
    "partner_ledger",
    "partners_with_ledger",
]

AGING_KINDS = ("receivable", "payable")
# (field, first day overdue) of each bucket after "not due"; the last one is open-ended.
AGING_BUCKETS = (
    ("days_1_30", 1),
    ("days_31_60", 31),
    ("days_61_90", 61),
    ("days_91_120", 91),
    ("over_120", 121),
)
DEFAULT_LIMIT = 1000


@dataclass(frozen=True)
class AgingAmounts:
    """Open amounts by how many days past their due date they are on the report date."""

    not_due: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_91_120: Decimal
    over_120: Decimal

    @property
    def total(self) -> Decimal:
        return (
            self.not_due
            + self.days_1_30
            + self.days_31_60
            + self.days_61_90
            + self.days_91_120
            + self.over_120
        )


@dataclass(frozen=True)
class AgedPartner:
    """One partner's open items; ``partner_id`` is None for lines booked without a partner."""

    partner_id: int | None
    partner_name: str
    partner_code: str
    amounts: AgingAmounts


@dataclass(frozen=True)
class AgedBalances:
    """Aged receivables (what customers owe, positive) or payables (what we owe, positive)."""

    company_id: int
    currency: str
    as_of: dt.date
    kind: str
    rows: tuple[AgedPartner, ...]
    totals: AgingAmounts


def aged_balances(*, company: Company, as_of: dt.date, kind: str = "receivable") -> AgedBalances:
    """Open items per partner in buckets of days overdue (by due date, else the line's date) on ``as_of``.

    The open amount is each line's ``amount_residual`` as it stands now, for posted, unreconciled lines
    on receivable (or payable) accounts dated on or before ``as_of``; an unapplied payment counts as a
    negative open item. One CASE WHEN per bucket, grouped by partner: two queries whatever the size.
    """
    if kind not in AGING_KINDS:
        raise ValidationFailed(_("Choose receivable or payable."), field="kind")
    money = rounder(company.currency)
    account_ids = list(
        Account.all_companies.filter(company_id=company.pk, subtype=kind).values_list("id", flat=True)
    )
    # Receivables are debit balances, payables credit ones: both show as positive amounts owed.
    amount = F("amount_residual") if kind == AccountSubtype.RECEIVABLE else -F("amount_residual")
    conditions = {"not_due": Q(due__gte=as_of)}
    for index, (field, first_day) in enumerate(AGING_BUCKETS):
        condition = Q(due__lte=as_of - dt.timedelta(days=first_day))
        if index + 1 < len(AGING_BUCKETS):
            condition &= Q(due__gt=as_of - dt.timedelta(days=AGING_BUCKETS[index + 1][1]))
        conditions[field] = condition
    grouped = (
        posted_lines(company)
        .filter(reconciled=False, account_id__in=account_ids, date__lte=as_of)
        .exclude(amount_residual=0)
        .alias(due=Coalesce("due_date", "date"))
        .values("partner_id", "partner__name", "partner__code")
        .annotate(**{field: sum_if(condition, amount) for field, condition in conditions.items()})
        .order_by("partner__name", "partner_id")
    )
    rows = []
    for found in grouped:
        row: dict[str, Any] = dict(found)
        amounts = AgingAmounts(**{field: money(row[field]) for field in conditions})
        if any(amount_ != 0 for amount_ in vars(amounts).values()):
            rows.append(
                AgedPartner(
                    partner_id=row["partner_id"],
                    partner_name=row["partner__name"] or "",
                    partner_code=row["partner__code"] or "",
                    amounts=amounts,
                )
            )
    totals = AgingAmounts(
        **{field: money(sum((getattr(row.amounts, field) for row in rows), ZERO)) for field in conditions}
    )
    return AgedBalances(
        company_id=company.pk,
        currency=company.currency,
        as_of=as_of,
        kind=kind,
        rows=tuple(rows),
        totals=totals,
    )


@dataclass(frozen=True)
class PartnerLedgerLine:
    """A line on the partner's receivable or payable account, with the partner's balance after it."""

    line_id: int
    entry_id: int
    entry_number: str
    journal_code: str
    account_code: str
    date: dt.date
    due_date: dt.date | None
    label: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass(frozen=True)
class PartnerLedger:
    """A partner's account with us over a period (debit positive: they owe us); ``lines`` is one page."""

    company_id: int
    currency: str
    partner_id: int
    partner_name: str
    date_from: dt.date
    date_to: dt.date
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal
    lines: tuple[PartnerLedgerLine, ...]
    line_count: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.lines) < self.line_count


def partners_with_ledger(company: Company) -> list[tuple[int, str]]:
    """``(id, name)`` of the partners with posted lines on a receivable or payable account, by name:
    the partners a partner ledger can be asked for. One query over the (company, partner) index."""
    return [
        (partner_id, name)
        for partner_id, name in posted_lines(company)
        .filter(account_id__in=_partner_account_ids(company), partner_id__isnull=False)
        .values_list("partner_id", "partner__name")
        .distinct()
        .order_by("partner__name", "partner_id")
    ]


def _partner_account_ids(company: Company) -> list[int]:
    return list(
        Account.all_companies.filter(
            company_id=company.pk, subtype__in=(AccountSubtype.RECEIVABLE, AccountSubtype.PAYABLE)
        ).values_list("id", flat=True)
    )


def partner_ledger(
    *,
    company: Company,
    partner_id: int,
    date_from: dt.date,
    date_to: dt.date,
    offset: int = 0,
    limit: int = DEFAULT_LIMIT,
) -> PartnerLedger:
    """The partner's lines on receivable and payable accounts with a running balance; raises
    ``NotFound`` for a partner of another company."""
    check_period(date_from, date_to)
    check_limit(limit, offset)
    partner = party_summary(partner_id)
    if partner is None or partner.company_id != company.pk:
        raise NotFound(_("There is no such partner."), field="partner_id")
    money = rounder(company.currency)
    lines = posted_lines(company).filter(
        partner_id=partner_id, account_id__in=_partner_account_ids(company), date__lte=date_to
    )
    during = Q(date__gte=date_from)
    sums = lines.aggregate(
        opening=sum_if(Q(date__lt=date_from), debit_minus_credit()),
        period_debit=sum_if(during, F("debit")),
        period_credit=sum_if(during, F("credit")),
        line_count=Count("id", filter=during),
    )
    opening, debit, credit = money(sums["opening"]), money(sums["period_debit"]), money(sums["period_credit"])
    running = Window(
        Sum(debit_minus_credit()),
        order_by=[F("date").asc(), F("id").asc()],
        frame=RowRange(start=None, end=0),
    )
    page = (
        lines.filter(during)
        .annotate(running=running)
        .order_by("date", "id")
        .values(
            "id",
            "entry_id",
            "entry__number",
            "journal__code",
            "account__code",
            "date",
            "due_date",
            "label",
            "debit",
            "credit",
            "running",
        )[offset : offset + limit]
    )
    return PartnerLedger(
        company_id=company.pk,
        currency=company.currency,
        partner_id=partner.id,
        partner_name=partner.name,
        date_from=date_from,
        date_to=date_to,
        opening=opening,
        debit=debit,
        credit=credit,
        closing=opening + debit - credit,
        lines=tuple(
            PartnerLedgerLine(
                line_id=row["id"],
                entry_id=row["entry_id"],
                entry_number=row["entry__number"],
                journal_code=row["journal__code"],
                account_code=row["account__code"],
                date=row["date"],
                due_date=row["due_date"],
                label=row["label"],
                debit=money(row["debit"]),
                credit=money(row["credit"]),
                balance=opening + money(row["running"]),
            )
            for row in page
        ),
        line_count=sums["line_count"] or 0,
        offset=offset,
        limit=limit,
    )
