"""The VAT report (output VAT on sales, input VAT on purchases, the net to pay) and the withholding
tax summary, both from the tax lines of the ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Abs

from concord.core.identity.models import Company
from concord.modules.accounting.models import InvoiceKind, JournalKind, Tax, TaxKind
from concord.modules.accounting.reports._base import ZERO, check_period, posted_lines, rounder, sum_if

__all__ = ["VatReport", "VatRow", "WithholdingRow", "vat_report"]

SALE, PURCHASE = "sale", "purchase"
_REFUNDS = (InvoiceKind.CUSTOMER_CREDIT_NOTE, InvoiceKind.VENDOR_CREDIT_NOTE)
# The side of the ledger each kind of tax line normally sits on, per side of the business: output VAT
# is a credit, input VAT a debit; tax customers withheld from us is a prepaid (debit), tax we withheld
# from suppliers a payable (credit). A line on the other side (a credit note, a reversal) counts negative.
_NORMALLY_DEBIT: dict[tuple[str, str], bool] = {
    (TaxKind.VAT, SALE): False,
    (TaxKind.VAT, PURCHASE): True,
    (TaxKind.WHT, SALE): True,
    (TaxKind.WHT, PURCHASE): False,
}


@dataclass(frozen=True)
class VatRow:
    """One VAT rate: the base and the tax of sales (output VAT) and of purchases (input VAT)."""

    tax_id: int
    code: str
    name: str
    rate: Decimal
    sales_base: Decimal
    sales_tax: Decimal
    purchase_base: Decimal
    purchase_tax: Decimal


@dataclass(frozen=True)
class WithholdingRow:
    """One withholding tax: what customers withheld from their payments to us (a prepaid tax we
    reclaim) and what we withheld from our payments to suppliers (to remit to the tax office)."""

    tax_id: int
    code: str
    name: str
    rate: Decimal
    income_type: str
    by_customers_base: Decimal
    by_customers_amount: Decimal
    from_suppliers_base: Decimal
    from_suppliers_amount: Decimal


@dataclass(frozen=True)
class VatReport:
    """VAT of a period per rate with its totals; ``net_vat`` positive is payable, negative reclaimable."""

    company_id: int
    currency: str
    date_from: dt.date
    date_to: dt.date
    rows: tuple[VatRow, ...]
    output_base: Decimal
    output_tax: Decimal
    input_base: Decimal
    input_tax: Decimal
    net_vat: Decimal
    withholding: tuple[WithholdingRow, ...]
    withheld_by_customers: Decimal
    withheld_from_suppliers: Decimal


def vat_report(*, company: Company, date_from: dt.date, date_to: dt.date) -> VatReport:
    """VAT and withholding tax of the period from the posted tax lines. Two queries.

    A line belongs to sales or purchases by its journal (sales, purchases) or else by its account (the
    tax's account on sales); its tax is its debit or credit, its base the line's ``tax_base``, both
    negative when the line sits on the unusual side. A zero-rated line has neither debit nor credit:
    its base counts negative when it belongs to a credit note.
    """
    check_period(date_from, date_to)
    money = rounder(company.currency)
    taxes = {
        row["id"]: row
        for row in Tax.all_companies.filter(company_id=company.pk, kind__in=(TaxKind.VAT, TaxKind.WHT))
        .order_by("code")
        .values("id", "code", "name", "kind", "amount", "income_type")
    }
    side = Case(
        When(journal__kind=JournalKind.SALE, then=Value(SALE)),
        When(journal__kind=JournalKind.PURCHASE, then=Value(PURCHASE)),
        When(account_id=F("tax__sale_account_id"), then=Value(SALE)),
        default=Value(PURCHASE),
        output_field=CharField(),
    )
    no_amount = Q(debit=0, credit=0)
    grouped = (
        posted_lines(company)
        .filter(date__gte=date_from, date__lte=date_to, tax_id__in=list(taxes))
        .annotate(side=side)
        .values("tax_id", "side")
        .annotate(
            tax_debit=sum_if(None, F("debit")),
            tax_credit=sum_if(None, F("credit")),
            base_debit=sum_if(Q(debit__gt=0), Abs("tax_base")),
            base_credit=sum_if(Q(credit__gt=0), Abs("tax_base")),
            base_no_amount=sum_if(no_amount, F("tax_base")),
            base_no_amount_refund=sum_if(no_amount & Q(entry__invoice__kind__in=_REFUNDS), F("tax_base")),
        )
        .order_by()
    )
    figures: dict[tuple[int, str], tuple[Decimal, Decimal]] = {}  # (tax, side) -> (base, tax)
    for row in grouped:
        kind = taxes[row["tax_id"]]["kind"]
        sign = 1 if _NORMALLY_DEBIT[(kind, row["side"])] else -1
        base = (money(row["base_debit"]) - money(row["base_credit"])) * sign
        base += money(row["base_no_amount"]) - 2 * money(row["base_no_amount_refund"])
        amount = (money(row["tax_debit"]) - money(row["tax_credit"])) * sign
        figures[(row["tax_id"], row["side"])] = (money(base), money(amount))

    def pair(tax_id: int, which: str) -> tuple[Decimal, Decimal]:
        return figures.get((tax_id, which), (money(None), money(None)))

    rows: list[VatRow] = []
    withholding: list[WithholdingRow] = []
    for tax_id, tax in taxes.items():
        if (tax_id, SALE) not in figures and (tax_id, PURCHASE) not in figures:
            continue
        (sale_base, sale_tax), (purchase_base, purchase_tax) = pair(tax_id, SALE), pair(tax_id, PURCHASE)
        if tax["kind"] == TaxKind.VAT:
            rows.append(
                VatRow(
                    tax_id=tax_id,
                    code=tax["code"],
                    name=tax["name"],
                    rate=tax["amount"],
                    sales_base=sale_base,
                    sales_tax=sale_tax,
                    purchase_base=purchase_base,
                    purchase_tax=purchase_tax,
                )
            )
        else:
            withholding.append(
                WithholdingRow(
                    tax_id=tax_id,
                    code=tax["code"],
                    name=tax["name"],
                    rate=tax["amount"],
                    income_type=tax["income_type"],
                    by_customers_base=sale_base,
                    by_customers_amount=sale_tax,
                    from_suppliers_base=purchase_base,
                    from_suppliers_amount=purchase_tax,
                )
            )
    output_tax = money(sum((row.sales_tax for row in rows), ZERO))
    input_tax = money(sum((row.purchase_tax for row in rows), ZERO))
    return VatReport(
        company_id=company.pk,
        currency=company.currency,
        date_from=date_from,
        date_to=date_to,
        rows=tuple(rows),
        output_base=money(sum((row.sales_base for row in rows), ZERO)),
        output_tax=output_tax,
        input_base=money(sum((row.purchase_base for row in rows), ZERO)),
        input_tax=input_tax,
        net_vat=output_tax - input_tax,
        withholding=tuple(withholding),
        withheld_by_customers=money(sum((row.by_customers_amount for row in withholding), ZERO)),
        withheld_from_suppliers=money(sum((row.from_suppliers_amount for row in withholding), ZERO)),
    )
