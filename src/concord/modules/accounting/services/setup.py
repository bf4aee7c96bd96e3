"""Setting a company's books up from a shipped chart template, and fiscal years, lock dates."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record, created_changes
from concord.core.errors import Conflict, ValidationFailed
from concord.core.identity.models import Company
from concord.modules.accounting.charts import chart_template_keys, chart_template_load
from concord.modules.accounting.models import (
    Account,
    AccountingSettings,
    FiscalPeriod,
    FiscalYear,
    Journal,
    JournalKind,
    PaymentTerm,
    PeriodState,
    Tax,
)

__all__ = [
    "DEFAULT_JOURNALS",
    "accounting_setup",
    "fiscal_period_set_state",
    "fiscal_year_create",
    "lock_date_set",
]

# code, kind, English name, default-account role
DEFAULT_JOURNALS: tuple[tuple[str, str, str, str], ...] = (
    ("INV", JournalKind.SALE, "Customer invoices", "receivable"),
    ("BILL", JournalKind.PURCHASE, "Vendor bills", "payable"),
    ("BNK1", JournalKind.BANK, "Bank", "bank"),
    ("CSH", JournalKind.CASH, "Cash", "cash"),
    ("MISC", JournalKind.GENERAL, "Miscellaneous operations", ""),
)
PAYMENT_TERMS: tuple[tuple[str, int, bool], ...] = (
    ("Immediate", 0, False),
    ("15 days", 15, False),
    ("30 days", 30, False),
    ("End of following month", 30, True),
    ("60 days", 60, False),
)


def _local(names: dict[str, str], language: str) -> str:
    return names[language] if language in ("th", "km") else ""


@transaction.atomic
def accounting_setup(
    *, company: Company, template: str, by: Any, fiscal_year: int | None = None
) -> AccountingSettings:
    """Create the company's chart, journals, taxes, payment terms and current fiscal year from ``template``.

    Setting up twice with the same template returns the existing settings; another template is refused.
    """
    existing = AccountingSettings.objects.filter(company_id=company.pk).first()
    if existing is not None:
        if existing.chart_template != template:
            raise Conflict(
                _("%(company)s already keeps its books on the %(template)s chart.")
                % {"company": company.name, "template": existing.chart_template},
                field="template",
            )
        return existing
    if template not in chart_template_keys():
        raise ValidationFailed(
            _("There is no chart template %(template)s; choose one of %(keys)s.")
            % {"template": template, "keys": ", ".join(chart_template_keys())},
            field="template",
        )
    chart = chart_template_load(template)
    language = company.language
    accounts = Account.all_companies.bulk_create(
        [
            Account(
                company=company,
                code=item.code,
                name=item.names["en"],
                local_name=_local(item.names, language),
                account_type=item.account_type,
                subtype=item.subtype,
                is_group=item.is_group,
                reconcile=item.subtype in ("receivable", "payable"),
            )
            for item in chart.accounts
        ]
    )
    by_code = {account.code: account for account in accounts}
    with_parent = []
    for item in chart.accounts:
        if item.parent:
            account = by_code[item.code]
            account.parent = by_code[item.parent]
            with_parent.append(account)
    Account.all_companies.bulk_update(with_parent, ["parent"])
    defaults = {role: by_code[code].pk for role, code in chart.defaults.items()}
    for code, kind, name, role in DEFAULT_JOURNALS:
        Journal.all_companies.create(
            company=company,
            code=code,
            name=name,
            kind=kind,
            default_account=by_code[chart.defaults[role]] if role else None,
        )
    for tax_item in chart.taxes:
        Tax.all_companies.create(
            company=company,
            code=tax_item.code,
            name=_local(tax_item.names, language) or tax_item.names["en"],
            kind=tax_item.kind,
            amount_type=tax_item.amount_type,
            amount=tax_item.amount,
            price_include=tax_item.price_include,
            scope=tax_item.scope,
            sale_account=by_code[tax_item.sale_account],
            purchase_account=by_code[tax_item.purchase_account],
            income_type=tax_item.income_type,
        )
    vat = list(Tax.all_companies.filter(company=company, kind="vat", amount__gt=0).order_by("-amount"))
    if vat:
        defaults["tax_sale"] = defaults["tax_purchase"] = vat[0].pk
    for name, days, end_of_month in PAYMENT_TERMS:
        PaymentTerm.all_companies.create(company=company, name=name, days=days, end_of_month=end_of_month)
    settings = AccountingSettings.objects.create(company=company, chart_template=template, defaults=defaults)
    fiscal_year_create(company=company, year=fiscal_year or timezone.localdate().year, by=by)
    audit_record(
        actor=by, action=AuditAction.CREATE, obj=settings, changes=created_changes(settings), company=company
    )
    return settings


@transaction.atomic
def fiscal_year_create(*, company: Company, year: int, by: Any, start_month: int = 1) -> FiscalYear:
    """A fiscal year of twelve monthly periods starting in ``start_month`` of ``year`` (idempotent)."""
    start = dt.date(year, start_month, 1)
    found = FiscalYear.all_companies.filter(company=company, date_start=start).first()
    if found is not None:
        return found
    months = []  # (first day, last day) of each of the twelve months
    month, period_year = start_month, year
    for _index in range(12):
        months.append(
            (
                dt.date(period_year, month, 1),
                dt.date(period_year, month, calendar.monthrange(period_year, month)[1]),
            )
        )
        month, period_year = (1, period_year + 1) if month == 12 else (month + 1, period_year)
    end = months[-1][1]
    overlapping = FiscalYear.all_companies.filter(company=company, date_start__lte=end, date_end__gte=start)
    if overlapping.exists():
        raise Conflict(_("That fiscal year overlaps an existing one."), field="year")
    label = str(year) if start_month == 1 else f"{year}/{year + 1}"
    fiscal = FiscalYear.all_companies.create(company=company, name=label, date_start=start, date_end=end)
    periods = [
        FiscalPeriod(
            company=company,
            fiscal_year=fiscal,
            name=f"{first.year}-{first.month:02d}",
            date_start=first,
            date_end=last,
        )
        for first, last in months
    ]
    FiscalPeriod.all_companies.bulk_create(periods)
    audit_record(actor=by, action=AuditAction.CREATE, obj=fiscal, changes=created_changes(fiscal))
    return fiscal


@transaction.atomic
def fiscal_period_set_state(*, period: FiscalPeriod, state: str, by: Any) -> FiscalPeriod:
    """Close (or reopen) a month: entries dated in a closed period cannot post."""
    if state not in PeriodState.values:
        raise ValidationFailed(_("Unknown period state %(state)s.") % {"state": state}, field="state")
    if period.state != state:
        before = period.state
        period.state = state
        period.save(update_fields=["state"])
        audit_record(actor=by, action=AuditAction.UPDATE, obj=period, changes={"state": [before, state]})
    return period


@transaction.atomic
def lock_date_set(*, company: Company, lock_date: dt.date | None, by: Any) -> AccountingSettings:
    """Set the date on or before which nothing may post (None removes the lock)."""
    settings = AccountingSettings.objects.select_for_update().filter(company_id=company.pk).first()
    if settings is None:
        raise Conflict(_("Set up accounting first."), field="lock_date")
    before = settings.lock_date
    if before != lock_date:
        settings.lock_date = lock_date
        settings.save(update_fields=["lock_date"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=settings,
            changes={
                "lock_date": [
                    before.isoformat() if before else None,
                    lock_date.isoformat() if lock_date else None,
                ]
            },
            company=company,
        )
    return settings
