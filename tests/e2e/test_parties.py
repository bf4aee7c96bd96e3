"""A user switches to Thai, creates a customer with a Thai name (inline validation on the way), and finds
it through the global search box."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect
from stdnum.th import moa

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CUSTOMER = "ร้านกาแฟ ดอยช้าง เชียงราย"


def thai(text: str) -> str:
    with translation.override("th"):
        return translation.gettext(text)


def test_a_customer_created_in_thai_is_found_by_the_global_search(
    page: Page, demo_admin: Any, e2e_output: Path, sign_in: Any
) -> None:
    sign_in(page, demo_admin.username, demo_admin.password)
    page.get_by_label("Language").select_option("th")  # the form submits itself on change
    expect(page.locator("html")).to_have_attribute("lang", "th")

    page.goto("/parties/new/?is_customer=1")
    page.get_by_label(thai("Name"), exact=True).fill(CUSTOMER)
    tax_id = page.get_by_label(thai("Tax ID"), exact=True)
    tax_id.fill("12345")
    tax_id.blur()  # htmx checks the field on change and swaps in its message
    expect(page.locator("#field-tax_id .invalid-feedback")).to_be_visible()
    body = "010556199999"
    page.get_by_label(thai("Tax ID"), exact=True).fill(body + moa.calc_check_digit(body))
    page.get_by_label(thai("Tax ID"), exact=True).blur()
    expect(page.locator("#field-tax_id .invalid-feedback")).to_have_count(0)
    expect(page.get_by_label(thai("Customer"), exact=True)).to_be_checked()
    page.get_by_label(thai("Email"), exact=True).fill("hello@doichang.example")
    page.get_by_role("button", name=thai("Save"), exact=True).click()
    expect(page.get_by_role("heading", name=CUSTOMER, level=1)).to_be_visible()

    search = page.get_by_label(thai("Search"), exact=True)
    search.fill("ดอยช้าง")
    search.press("Enter")
    result = page.get_by_role("link", name=CUSTOMER)
    expect(result.first).to_be_visible()
    page.screenshot(path=str(e2e_output / "parties-thai-customer-search.png"), full_page=True)
    result.first.click()
    expect(page.get_by_role("heading", name=CUSTOMER, level=1)).to_be_visible()
    expect(page.locator("#panel-partiestimeline")).to_be_visible()
    page.screenshot(path=str(e2e_output / "parties-thai-customer-360.png"), full_page=True)
