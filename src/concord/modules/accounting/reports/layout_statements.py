"""The layout of the statements: profit and loss, balance sheet, cash flow, the VAT report."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from concord.core.identity.models import Company
from concord.modules.accounting.reports import queries as q
from concord.modules.accounting.reports import tables as t
from concord.modules.accounting.reports.labels import CASH_FLOW_LABELS, SECTION_LABELS, report_info

__all__ = ["balance_sheet_document", "cash_flow_document", "profit_and_loss_document", "vat_document"]


# --------------------------------------------------------------------------- statements
def _section_rows(section: q.StatementSection) -> list[t.Row]:
    rows = [t.Row((t.blank(), t.text(SECTION_LABELS[section.key]), t.blank()), style="heading")]
    rows += [
        t.Row(
            (t.text(row.code), t.text(t.account_name(row.name, row.local_name)), t.amount(row.amount)),
            level=1,
        )
        for row in section.rows
    ]
    label = _("%(section)s, total") % {"section": SECTION_LABELS[section.key]}
    rows.append(t.Row((t.blank(), t.text(label), t.amount(section.total)), style="subtotal"))
    return rows


def _line(label: str, amount: Decimal, style: str = "total") -> t.Row:
    return t.Row((t.blank(), t.text(label), t.amount(amount)), style=style)


def _statement_columns() -> tuple[t.Column, ...]:
    return (t.Column(_("Code")), t.Column(_("Account")), t.Column(_("Amount"), t.AMOUNT))


def profit_and_loss_document(report: q.ProfitAndLoss, company: Company) -> t.ReportDocument:
    rows = [
        *_section_rows(report.income),
        *_section_rows(report.cost_of_sales),
        _line(_("Gross profit"), report.gross_profit),
        *_section_rows(report.operating_expenses),
        _line(_("Operating profit"), report.operating_profit),
        *_section_rows(report.other_income),
        *_section_rows(report.other_expenses),
        _line(_("Net profit"), report.net_profit),
    ]
    table = t.Table(str(report_info("profit-and-loss").title), _statement_columns(), tuple(rows))
    return t.document("profit-and-loss", t.period(report.date_from, report.date_to), company, table)


def balance_sheet_document(report: q.BalanceSheet, company: Company) -> t.ReportDocument:
    assets = (
        *_section_rows(report.current_assets),
        *_section_rows(report.non_current_assets),
        _line(_("Total assets"), report.total_assets),
    )
    earnings = (
        (_("Earnings of previous years not yet closed"), report.previous_years_earnings),
        (_("Current year earnings"), report.current_year_earnings),
    )
    equity = [
        *_section_rows(report.equity)[:-1],  # its own subtotal would leave out the earnings
        *(t.Row((t.blank(), t.text(label), t.amount(amount)), level=1) for label, amount in earnings),
        _line(_("Total equity"), report.total_equity, "subtotal"),
    ]
    liabilities = (
        *_section_rows(report.current_liabilities),
        *_section_rows(report.non_current_liabilities),
        _line(_("Total liabilities"), report.total_liabilities, "subtotal"),
        *equity,
        _line(_("Total liabilities and equity"), report.total_liabilities_and_equity),
    )
    return t.document(
        "balance-sheet",
        t.as_of(report.as_of),
        company,
        t.Table(_("Assets"), _statement_columns(), assets),
        t.Table(_("Liabilities and equity"), _statement_columns(), liabilities),
    )


def cash_flow_document(report: q.CashFlow, company: Company) -> t.ReportDocument:
    columns = (t.Column(""), t.Column(_("Line")), t.Column(_("Amount"), t.AMOUNT))

    def lines(items: tuple[q.CashFlowLine, ...]) -> list[t.Row]:
        return [
            t.Row((t.blank(), t.text(CASH_FLOW_LABELS[line.key]), t.amount(line.amount)), level=1)
            for line in items
        ]

    rows = [
        t.Row((t.blank(), t.text(_("Operating activities")), t.blank()), style="heading"),
        t.Row((t.blank(), t.text(_("Net profit")), t.amount(report.net_profit)), level=1),
        *lines(report.operating),
        _line(_("Cash from operating activities"), report.operating_total, "subtotal"),
        t.Row((t.blank(), t.text(_("Investing activities")), t.blank()), style="heading"),
        *lines(report.investing),
        _line(_("Cash from investing activities"), report.investing_total, "subtotal"),
        t.Row((t.blank(), t.text(_("Financing activities")), t.blank()), style="heading"),
        *lines(report.financing),
        _line(_("Cash from financing activities"), report.financing_total, "subtotal"),
        _line(_("Net change in cash"), report.net_change),
        _line(_("Cash at the start of the period"), report.cash_opening, ""),
        _line(_("Cash at the end of the period"), report.cash_closing, ""),
    ]
    table = t.Table(str(report_info("cash-flow").title), columns, tuple(rows))
    return t.document("cash-flow", t.period(report.date_from, report.date_to), company, table)


def vat_document(report: q.VatReport, company: Company) -> t.ReportDocument:
    vat_columns = (
        t.Column(_("Tax")),
        t.Column(_("Rate %"), t.RATE),
        t.Column(_("Sales base"), t.AMOUNT),
        t.Column(_("Output VAT"), t.AMOUNT),
        t.Column(_("Purchase base"), t.AMOUNT),
        t.Column(_("Input VAT"), t.AMOUNT),
    )
    vat_rows = [
        t.Row(
            (
                t.text(row.name),
                t.Cell(row.rate, t.RATE),
                t.amount(row.sales_base),
                t.amount(row.sales_tax),
                t.amount(row.purchase_base),
                t.amount(row.purchase_tax),
            )
        )
        for row in report.rows
    ]
    totals = (report.output_base, report.output_tax, report.input_base, report.input_tax)
    vat_rows.append(t.Row((t.text(_("Total")), t.blank(), *(t.amount(v) for v in totals)), style="subtotal"))
    label = _("VAT payable") if report.net_vat >= 0 else _("VAT to reclaim")
    vat_rows.append(t.Row((t.text(label), *([t.blank()] * 4), t.amount(report.net_vat)), style="total"))
    wht_columns = (
        t.Column(_("Tax")),
        t.Column(_("Rate %"), t.RATE),
        t.Column(_("Paid to us: base"), t.AMOUNT),
        t.Column(_("Withheld by customers"), t.AMOUNT),
        t.Column(_("Paid by us: base"), t.AMOUNT),
        t.Column(_("Withheld from suppliers"), t.AMOUNT),
    )
    wht_rows = [
        t.Row(
            (
                t.text(row.name),
                t.Cell(row.rate, t.RATE),
                t.amount(row.by_customers_base),
                t.amount(row.by_customers_amount),
                t.amount(row.from_suppliers_base),
                t.amount(row.from_suppliers_amount),
            )
        )
        for row in report.withholding
    ]
    wht_rows.append(
        t.Row(
            (
                t.text(_("Total")),
                t.blank(),
                t.blank(),
                t.amount(report.withheld_by_customers),
                t.blank(),
                t.amount(report.withheld_from_suppliers),
            ),
            style="total",
        )
    )
    return t.document(
        "vat",
        t.period(report.date_from, report.date_to),
        company,
        t.Table(_("Value added tax"), vat_columns, tuple(vat_rows)),
        t.Table(_("Withholding tax"), wht_columns, tuple(wht_rows)),
    )
