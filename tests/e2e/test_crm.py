"""A salesperson drags an opportunity card from "New" to "Won" on the CRM board and sees it won."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
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


def test_a_card_dragged_to_won_is_won(
    page: Page, make_company: Any, make_user: Any, make_partner: Any, e2e_output: Path, sign_in: Any
) -> None:
    from concord.modules.crm.models import Opportunity
    from concord.modules.crm.services.opportunities import opportunity_create

    company = make_company(name="Siam Kitchens Co., Ltd.", code="siamk")
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
