"""A salesperson drags an opportunity card from "New" to "Won" on the CRM board and sees it won, then
quotes it, confirms the quotation and finds the order's delivery waiting in the warehouse."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from concord.core.identity.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _drag(page: Page, source: Any, target: Any) -> None:
    """A real mouse drag (SortableJS listens to pointer events; ``drag_to`` skips the moves in between)."""
    start = source.bounding_box()
    end = target.bounding_box()
    assert start is not None
    assert end is not None
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 10, start["y"] + start["height"] / 2 + 10, steps=5)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 40, steps=25)
    page.mouse.up()


def test_a_card_dragged_to_won_is_won_then_quoted_confirmed_and_delivered(
    page: Page,
    make_company: Any,
    make_user: Any,
    make_partner: Any,
    make_product: Any,
    make_books: Any,
    e2e_output: Path,
    sign_in: Any,
) -> None:
    from concord.modules.crm.models import Opportunity
    from concord.modules.crm.services.opportunities import opportunity_create
    from concord.modules.inventory import facade as inventory
    from concord.modules.sales.models import SaleOrder

    company = make_company(name="Siam Kitchens Co., Ltd.", code="siamk")
    make_books(company, fiscal_year=timezone.localdate().year)
    wok = make_product(company, "Carbon steel wok 36 cm", internal_ref="WOK36", sale_price="1000")
    receipt = inventory.receipt_create(
        company_id=company.pk,
        lines=[inventory.StockLine(product_id=wok.pk, quantity=Decimal(50), unit_cost=Decimal(600))],
        by=None,
    )
    inventory.transfer_validate(receipt.id, by=None)
    seller = make_user(
        company=company, roles=(Role.SALES,), username="somchai", password="correct-horse-battery"
    )
    customer = make_partner(company, name="Lotus Hotel Group", is_supplier=False)
    deal = opportunity_create(
        company=company,
        by=seller,
        title="Hotel kitchen refit",
        party_id=customer.pk,
        expected_revenue="250000",
    )

    sign_in(page, "somchai", "correct-horse-battery")
    page.goto("/crm/")
    new_column = page.get_by_test_id("column-New")
    won_column = page.get_by_test_id("column-Won")
    card = new_column.get_by_test_id(f"card-{deal.pk}")
    expect(card).to_be_visible()
    expect(won_column.get_by_text("0 opportunities")).to_be_visible()
    page.screenshot(path=str(e2e_output / "crm-board-before.png"), full_page=True)

    _drag(page, card.get_by_text("Lotus Hotel Group"), won_column.locator("[data-crm-column]"))

    moved = won_column.get_by_test_id(f"card-{deal.pk}")
    expect(moved).to_be_visible()
    expect(moved.get_by_test_id("card-status")).to_have_text("Won")
    expect(won_column.get_by_text("1 opportunity")).to_be_visible()
    page.screenshot(path=str(e2e_output / "crm-board-won.png"), full_page=True)
    deal_now = Opportunity.all_companies.get(pk=deal.pk)
    assert deal_now.status == "won"
    assert deal_now.stage.is_won

    page.reload()
    expect(page.get_by_test_id("column-Won").get_by_test_id(f"card-{deal.pk}")).to_be_visible()

    # The won deal is quoted: the opportunity's "New quotation" opens sales' form for its customer.
    page.goto(f"/crm/opportunities/{deal.pk}/")
    page.get_by_role("link", name="New quotation").click()
    expect(page.get_by_role("heading", name="New quotation")).to_be_visible()
    page.locator("#id_lines-0-product").select_option(label=wok.name)
    page.locator("#id_lines-0-quantity").fill("12")
    page.screenshot(path=str(e2e_output / "sales-quotation-form.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    quote = SaleOrder.all_companies.get(company=company)
    assert (quote.opportunity_id, quote.partner_id) == (deal.pk, customer.pk)
    expect(page.get_by_text("12,840.00").first).to_be_visible()  # 12 x 1,000 + VAT 7%

    # Confirmed: the woks are reserved and the delivery waits in the warehouse.
    page.get_by_role("link", name="Confirm").click()
    page.get_by_role("button", name="Confirm order").click()
    quote.refresh_from_db()
    assert quote.state == "sale"
    delivery = page.get_by_role("link", name=re.compile(r"OUT.\d{4}"))
    expect(delivery).to_be_visible()
    page.screenshot(path=str(e2e_output / "sales-order-confirmed.png"), full_page=True)
    delivery.click()
    expect(page.get_by_text("Carbon steel wok 36 cm").first).to_be_visible()
    page.screenshot(path=str(e2e_output / "sales-order-delivery.png"), full_page=True)
