"""The layout of the ledgers: trial balance, general ledger, partner ledger, aged balances."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from concord.core.identity.models import Company
from concord.modules.accounting.reports import queries as q
from concord.modules.accounting.reports import tables as t
from concord.modules.accounting.reports.labels import BUCKET_LABELS, report_info

__all__ = ["aged_document", "general_ledger_document", "partner_ledger_document", "trial_balance_document"]


# --------------------------------------------------------------------------- ledgers
def trial_balance_document(report: q.TrialBalance, company: Company) -> t.ReportDocument:
    columns = (
        t.Column(_("Code")),
        t.Column(_("Account")),
        t.Column(_("Opening balance"), t.AMOUNT),
        t.Column(_("Debit"), t.AMOUNT),
        t.Column(_("Credit"), t.AMOUNT),
        t.Column(_("Closing balance"), t.AMOUNT),
    )
    period = {"date_from": report.date_from.isoformat(), "date_to": report.date_to.isoformat()}
    rows = [
        t.Row(
            (
                t.text(row.code),
                t.text(
                    t.account_name(row.name, row.local_name),
                    ""
                    if row.is_group
                    else t.link("accounting:report-general-ledger", accounts=row.account_id, **period),
                ),
                t.amount(row.opening),
                t.amount(row.debit),
                t.amount(row.credit),
                t.amount(row.closing),
            ),
            style="group" if row.is_group else "",
            level=row.level,
        )
        for row in report.rows
    ]
    rows.append(
        t.Row(
            (
                t.blank(),
                t.text(_("Total")),
                t.amount(report.opening),
                t.amount(report.debit),
                t.amount(report.credit),
                t.amount(report.closing),
            ),
            style="total",
        )
    )
    table = t.Table(str(report_info("trial-balance").title), columns, tuple(rows))
    return t.document("trial-balance", t.period(report.date_from, report.date_to), company, table)


def general_ledger_document(report: q.GeneralLedger, company: Company) -> t.ReportDocument:
    columns = (
        t.Column(_("Date"), t.DATE),
        t.Column(_("Entry")),
        t.Column(_("Journal")),
        t.Column(_("Partner")),
        t.Column(_("Label")),
        t.Column(_("Debit"), t.AMOUNT),
        t.Column(_("Credit"), t.AMOUNT),
        t.Column(_("Balance"), t.AMOUNT),
    )
    rows: list[t.Row] = []
    for account in report.accounts:
        title = f"{account.code} {t.account_name(account.name, account.local_name)}"
        rows.append(t.Row((t.text(title), *([t.blank()] * 6), t.amount(account.opening)), style="heading"))
        for line in account.lines:
            rows.append(
                t.Row(
                    (
                        t.date(line.date),
                        t.text(line.entry_number),
                        t.text(line.journal_code),
                        t.text(line.partner_name),
                        t.text(line.label),
                        t.amount(line.debit),
                        t.amount(line.credit),
                        t.amount(line.balance),
                    )
                )
            )
        rows.append(
            t.Row(
                (
                    t.blank(),
                    t.blank(),
                    t.blank(),
                    t.blank(),
                    t.text(_("Total %(account)s") % {"account": account.code}),
                    t.amount(account.debit),
                    t.amount(account.credit),
                    t.amount(account.closing),
                ),
                style="subtotal",
            )
        )
    rows.append(
        t.Row(
            (
                *([t.blank()] * 4),
                t.text(_("Total")),
                t.amount(report.debit),
                t.amount(report.credit),
                t.blank(),
            ),
            style="total",
        )
    )
    table = t.Table(str(report_info("general-ledger").title), columns, tuple(rows))
    return t.document("general-ledger", t.period(report.date_from, report.date_to), company, table)


def partner_ledger_document(report: q.PartnerLedger, company: Company) -> t.ReportDocument:
    columns = (
        t.Column(_("Date"), t.DATE),
        t.Column(_("Entry")),
        t.Column(_("Journal")),
        t.Column(_("Account")),
        t.Column(_("Label")),
        t.Column(_("Due date"), t.DATE),
        t.Column(_("Debit"), t.AMOUNT),
        t.Column(_("Credit"), t.AMOUNT),
        t.Column(_("Balance"), t.AMOUNT),
    )
    rows = [
        t.Row(
            (
                t.blank(),
                *([t.blank()] * 3),
                t.text(_("Opening balance")),
                *([t.blank()] * 3),
                t.amount(report.opening),
            )
        )
    ]
    rows += [
        t.Row(
            (
                t.date(line.date),
                t.text(line.entry_number),
                t.text(line.journal_code),
                t.text(line.account_code),
                t.text(line.label),
                t.date(line.due_date),
                t.amount(line.debit),
                t.amount(line.credit),
                t.amount(line.balance),
            )
        )
        for line in report.lines
    ]
    rows.append(
        t.Row(
            (
                *([t.blank()] * 4),
                t.text(_("Closing balance")),
                t.blank(),
                t.amount(report.debit),
                t.amount(report.credit),
                t.amount(report.closing),
            ),
            style="total",
        )
    )
    table = t.Table(report.partner_name, columns, tuple(rows))
    return t.document("partner-ledger", t.period(report.date_from, report.date_to), company, table)


# --------------------------------------------------------------------------- partners and taxes
def aged_document(report: q.AgedBalances, company: Company) -> t.ReportDocument:
    slug = f"aged-{report.kind}"
    fields = ("not_due", *(field for field, _first_day in q.AGING_BUCKETS))
    columns = (
        t.Column(_("Partner")),
        *(t.Column(str(BUCKET_LABELS[field]), t.AMOUNT) for field in fields),
        t.Column(_("Total"), t.AMOUNT),
    )
    start = dt.date(report.as_of.year, 1, 1).isoformat()
    rows = [
        t.Row(
            (
                t.text(
                    row.partner_name or _("No partner"),
                    t.link(
                        "accounting:report-partner-ledger",
                        partner=row.partner_id,
                        date_from=start,
                        date_to=report.as_of.isoformat(),
                    )
                    if row.partner_id is not None
                    else "",
                ),
                *(t.amount(getattr(row.amounts, field)) for field in fields),
                t.amount(row.amounts.total),
            )
        )
        for row in report.rows
    ]
    rows.append(
        t.Row(
            (
                t.text(_("Total")),
                *(t.amount(getattr(report.totals, field)) for field in fields),
                t.amount(report.totals.total),
            ),
            style="total",
        )
    )
    table = t.Table(str(report_info(slug).title), columns, tuple(rows))
    return t.document(slug, t.as_of(report.as_of), company, table)


def fx_revaluation_document(report: q.FxRevaluation, company: Company) -> t.ReportDocument:
    columns = (
        t.Column(_("Partner")),
        t.Column(_("Account")),
        t.Column(_("Currency")),
        t.Column(_("Open in currency"), t.AMOUNT),
        t.Column(_("Booked value"), t.AMOUNT),
        t.Column(_("Rate"), t.RATE),
        t.Column(_("Revalued"), t.AMOUNT),
        t.Column(_("Unrealised gain or loss"), t.AMOUNT),
    )
    rows = [
        t.Row(
            (
                t.text(row.partner_name or _("No partner")),
                t.text(f"{row.account_code} {row.account_name}"),
                t.text(row.currency),
                t.amount(row.open_in_currency),
                t.amount(row.booked),
                t.Cell(row.rate, t.RATE) if row.rate is not None else t.text(_("no rate")),
                t.amount(row.revalued),
                t.amount(row.difference),
            )
        )
        for row in report.rows
    ]
    rows.append(
        t.Row(
            (
                t.text(_("Total")),
                t.blank(),
                t.blank(),
                t.blank(),
                t.amount(report.booked),
                t.blank(),
                t.amount(report.revalued),
                t.amount(report.difference),
            ),
            style="total",
        )
    )
    table = t.Table(str(report_info("fx-revaluation").title), columns, tuple(rows))
    return t.document("fx-revaluation", t.as_of(report.as_of), company, table)
