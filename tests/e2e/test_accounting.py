"""An accountant invoices a customer through the screens, posts it, registers the payment and sees it paid
on the invoice and on the customer's 360° page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_invoice_posted_and_paid_through_the_screens(
    page: Page, demo_admin: Any, e2e_output: Path, sign_in: Any
) -> None:
    from concord.modules.accounting.models import Invoice
    from concord.modules.parties.models import Party

    sign_in(page, demo_admin.username, demo_admin.password)
    page.goto("/accounting/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accounting")
    page.screenshot(path=str(e2e_output / "accounting-home.png"), full_page=True)

    customer = Party.objects.filter(is_customer=True, company__code="siam").order_by("code").first()
    assert customer is not None
    page.get_by_role("link", name="New invoice").click()
    page.get_by_label("Partner").select_option(str(customer.pk))
    page.get_by_label("Description").first.fill("Installation and training")
    page.get_by_label("Quantity").first.fill("3")
    page.get_by_label("Unit price").first.fill("1500")
    page.get_by_role("button", name="Save and post").click()
    expect(page.get_by_test_id("invoice-state")).to_have_text("Posted")
    total = page.get_by_test_id("invoice-total").inner_text()
    assert "4,815.00" in total  # 4,500 + VAT 7%
    page.screenshot(path=str(e2e_output / "accounting-invoice-posted.png"), full_page=True)

    invoice = Invoice.objects.filter(partner=customer).order_by("-pk").first()
    assert invoice is not None
    pdf = page.request.get(f"/accounting/invoices/{invoice.pk}/pdf/")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"

    page.get_by_label("Amount").fill("4815")
    page.get_by_role("button", name="Register payment").click()
    expect(page.get_by_test_id("invoice-state")).to_have_text("Paid")
    expect(page.get_by_test_id("invoice-due")).to_contain_text("0.00")
    page.screenshot(path=str(e2e_output / "accounting-invoice-paid.png"), full_page=True)

    page.goto(f"/parties/{customer.pk}/")
    expect(page.get_by_text(invoice.number).first).to_be_visible()
    page.screenshot(path=str(e2e_output / "accounting-customer-360.png"), full_page=True)
