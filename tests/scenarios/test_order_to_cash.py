"""Order to cash as one flow: a lead becomes a customer, and every module and the ledger follow by themselves.

A visitor leaves a lead on the website; a salesperson qualifies it (a new customer and an opportunity),
quotes 10 woks (1,000 THB each, invoiced on delivery) and an installation (1,500 THB, a service invoiced
on order), and emails the quotation. The customer accepts it on its public page, which confirms the
order: the woks are reserved and a delivery is waiting, the installation is invoiced, the opportunity is
won. The warehouse validates the delivery and the woks are invoiced. The customer pays both invoices by
bank transfer, withholding 3% on the service; the bank statement is imported and reconciled.

Hand computation (THB, VAT 7%, the woks received at 600 each):
    quotation     10,000 + 1,500 = 11,500 untaxed, VAT 805, total 12,305
    invoices      installation 1,605 (on order)         woks 10,700 (on delivery)
    bank          1,605 - WHT 3% of 1,500 (45) = 1,560   + 10,700 = 12,260
    ledger        receivable 0   VAT output -805   WHT prepaid 45   income -11,500
                  cost of sales 6,000   inventory 12,000 - 6,000 = 6,000
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.db.models import Sum
from django.utils import timezone

from concord.core.identity.roles import Role
from concord.core.outbox.facade import dispatch_pending
from concord.modules.accounting import facade as accounting
from concord.modules.accounting.bank.services import statement_import, statement_line_reconcile
from concord.modules.accounting.bank_formats import CsvMapping
from concord.modules.accounting.models import Invoice, Journal, Tax
from concord.modules.crm import facade as crm
from concord.modules.crm.models import LeadSource
from concord.modules.crm.services.leads import lead_create, lead_qualify
from concord.modules.inventory import facade as inventory
from concord.modules.inventory.models import Quant
from concord.modules.sales.documents.sending import order_send
from concord.modules.sales.models import OrderState, SaleOrder
from concord.modules.sales.services.orders import OrderLineInput, order_create

pytestmark = pytest.mark.django_db
D = Decimal


def balance(company, role: str) -> Decimal:
    return accounting.account_balance(
        company_id=company.pk, account_id=accounting.default_account_id(company.pk, role)
    )


def stock_of(product) -> tuple[Decimal, Decimal]:
    sums = Quant.objects.filter(product_id=product.pk).aggregate(
        q=Sum("quantity"), r=Sum("reserved_quantity")
    )
    return sums["q"] or D(0), sums["r"] or D(0)


def order_invoices(order) -> list[Invoice]:
    return list(Invoice.objects.filter(source_key__startswith=f"sales.order:{order.pk}:").order_by("pk"))


def test_a_lead_becomes_a_paying_customer_and_every_module_follows(
    company, make_books, make_user, make_product, client
) -> None:
    make_books(company, fiscal_year=timezone.localdate().year)
    seller = make_user(company=company, roles=(Role.SALES,), username="kittisak")
    keeper = make_user(company=company, roles=(Role.WAREHOUSE,), username="somchai")
    accountant = make_user(company=company, roles=(Role.ACCOUNTANT, Role.MANAGER), username="malee")
    wok = make_product(company, "Carbon steel wok 36 cm", internal_ref="WOK36", sale_price="1000")
    install = make_product(company, "Installation", kind="service", sale_price="1500")
    receipt = inventory.receipt_create(
        company_id=company.pk,
        lines=[inventory.StockLine(product_id=wok.pk, quantity=D(20), unit_cost=D(600))],
        by=keeper,
    )
    inventory.transfer_validate(receipt.id, by=keeper)
    assert balance(company, "inventory") == D("12000.00")

    # 1. The website's lead is qualified: a new customer and an opportunity in the first stage.
    lead = lead_create(
        company=company,
        by=None,
        title="Woks for a new restaurant",
        contact_name="Somsri Jaidee",
        organization_name="Baan Somsri Restaurant Co., Ltd.",
        email="Somsri@BaanSomsri.example",
        phone="+66 2 123 4567",
        source=LeadSource.WEB_FORM,
    )
    opportunity = lead_qualify(lead=lead, by=seller, create_party=True, expected_revenue=D("11500"))
    lead.refresh_from_db()
    assert lead.status == "qualified"
    customer_id = opportunity.party_id
    assert lead.party_id == customer_id
    assert crm.opportunity_get(opportunity.pk).status == "open"

    # 2. The quotation: prices from the catalog, VAT 7% as the invoice will compute it.
    quote = order_create(
        company=company,
        partner_id=customer_id,
        lines=[
            OrderLineInput(product_id=wok.pk, quantity=D(10)),
            OrderLineInput(product_id=install.pk, quantity=D(1)),
        ],
        by=seller,
        opportunity_id=opportunity.pk,
    )
    assert (quote.state, quote.number[:3]) == (OrderState.DRAFT, "SQ/")
    assert (quote.amount_untaxed, quote.amount_tax, quote.amount_total) == (
        D("11500.00"),
        D("805.00"),
        D("12305.00"),
    )
    assert not inventory.transfers_by_source(company.pk, f"sales.order:{quote.pk}")  # nothing reserved yet

    # 3. Sent by email: the PDF and the link to the public page leave after commit, through the outbox.
    order_send(order=quote, to=["somsri@baansomsri.example"], by=seller, base_url="http://testserver")
    quote.refresh_from_db()
    assert quote.state == OrderState.SENT
    assert mail.outbox == []
    dispatch_pending()
    (email,) = mail.outbox
    assert email.to == ["somsri@baansomsri.example"]
    assert any(name.endswith(".pdf") for name, _content, _type in email.attachments)
    link = re.search(r"http://testserver(/sales/q/[\w-]+/)", email.body)
    assert link is not None, email.body

    # 4. The customer accepts on the public page (no login): the order is confirmed in one transaction.
    page = client.get(link.group(1))
    assert page.status_code == 200
    assert "12,305.00" in page.content.decode()
    accepted = client.post(link.group(1), {"signed_by": "Somsri Jaidee"})
    assert accepted.status_code == 302
    client.post(link.group(1), {"signed_by": "Somsri Jaidee"})  # a double click changes nothing
    order = SaleOrder.objects.get(pk=quote.pk)
    assert (order.state, order.order_number[:3], order.signed_by) == (OrderState.SALE, "SO/", "Somsri Jaidee")
    (delivery,) = inventory.transfers_by_source(company.pk, f"sales.order:{order.pk}")
    assert (delivery.kind, delivery.state) == ("delivery", "ready")
    assert stock_of(wok) == (D(20), D(10))  # reserved, not yet gone
    (service_invoice,) = order_invoices(order)  # the installation is invoiced on order
    assert (service_invoice.state, service_invoice.amount_total) == ("posted", D("1605.00"))
    assert crm.opportunity_get(opportunity.pk).status == "won"
    dispatch_pending()
    order.refresh_from_db()
    assert (order.invoice_status, order.payment_status) == ("partly", "not_paid")  # the service only

    # 5. The warehouse validates the delivery; the outbox tells sales, which invoices the woks.
    inventory.transfer_validate(delivery.id, by=keeper)
    dispatch_pending()
    order.refresh_from_db()
    assert stock_of(wok) == (D(10), D(0))
    assert [line.delivered_quantity for line in order.lines.order_by("pk")] == [D(10), D(0)]
    service_invoice, goods_invoice = order_invoices(order)
    assert (goods_invoice.state, goods_invoice.amount_untaxed, goods_invoice.amount_total) == (
        "posted",
        D("10000.00"),
        D("10700.00"),
    )
    assert order.invoice_status == "invoiced"
    assert balance(company, "receivable") == D("12305.00")
    assert balance(company, "cost_of_sales") == D("6000.00")
    dispatch_pending()  # a redelivered event invoices nothing twice
    assert len(order_invoices(order)) == 2

    # 6. Paid by bank transfer, 3% withheld on the service; the statement is imported and reconciled.
    bank = Journal.objects.get(company=company, code="BNK1")
    today = timezone.localdate().isoformat()
    csv = (
        "Date,Amount,Reference,Description\n"
        f"{today},1560.00,{service_invoice.number},BAAN SOMSRI RESTAURANT\n"
        f"{today},10700.00,{goods_invoice.number},BAAN SOMSRI RESTAURANT\n"
    ).encode()
    statement = statement_import(
        company=company,
        journal=bank,
        data=csv,
        filename="statement.csv",
        by=accountant,
        mapping=CsvMapping(date="Date", amount="Amount", reference="Reference", description="Description"),
    )
    for line in statement.lines.order_by("amount"):
        if line.amount == D("1560.00"):
            statement_line_reconcile(
                line=line,
                by=accountant,
                invoices=[service_invoice],
                wht_tax=Tax.objects.get(company=company, code="WHT3"),
            )
        else:
            statement_line_reconcile(line=line, by=accountant, invoices=[goods_invoice])
    assert all(line.state == "reconciled" for line in statement.lines.all())
    dispatch_pending()
    order.refresh_from_db()
    assert [invoice.state for invoice in order_invoices(order)] == ["paid", "paid"]
    assert (order.state, order.invoice_status, order.payment_status) == (OrderState.DONE, "invoiced", "paid")

    # 7. The ledger, worked out by hand.
    assert accounting.partner_balance(company_id=company.pk, partner_id=customer_id) == 0
    assert balance(company, "receivable") == 0
    assert balance(company, "bank") == D("12260.00")
    assert balance(company, "vat_output") == D("-805.00")
    assert balance(company, "wht_prepaid") == D("45.00")
    assert balance(company, "income") == D("-11500.00")
    assert balance(company, "cost_of_sales") == D("6000.00")
    assert balance(company, "inventory") == D("6000.00")

    # 8. The customer's 360° view shows all of it: panels of every module and the timeline in words.
    client.force_login(accountant, backend="concord.core.identity.backends.RoleBackend")
    overview = client.get(f"/api/v1/parties/{customer_id}/overview").json()
    assert D(overview["header"]["balance"]) == 0
    panels = {panel["key"] for panel in overview["panels"]}
    assert {"sales.orders", "inventory.deliveries", "accounting.invoices", "crm.opportunities"} <= panels
    titles = {entry["title"] for entry in overview["timeline"]}
    assert {
        "Lead qualified into an opportunity",
        "Quotation sent by email",
        "Quotation accepted online",
        "Sales order confirmed",
        "Opportunity won",
        "Invoice posted",
        "Invoice paid in full",
    } <= titles, titles
    page = client.get(f"/parties/{customer_id}/")
    assert page.status_code == 200
    assert order.order_number in page.content.decode()
