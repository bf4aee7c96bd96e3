"""The web shell in a real browser: sign in as the demo admin, switch to Thai, switch office."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from concord.core.registry import registry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LOADED_FONTS_JS = """async () => {
  await document.fonts.ready;
  return [...document.fonts].filter((face) => face.status === "loaded").map((face) => face.family);
}"""


def thai(text: str) -> str:
    with translation.override("th"):
        return translation.gettext(text)


def nav_labels(office: str) -> list[str]:
    return [str(item.label) for item in registry.nav_items.values() if item.office == office]


def test_admin_signs_in_switches_to_thai_and_to_the_back_office(
    page: Page, demo_admin: Any, e2e_output: Path, sign_in: Any
) -> None:
    sign_in(page, demo_admin.username, demo_admin.password)
    expect(page.get_by_role("heading", name="Home", exact=True)).to_be_visible()

    page.get_by_label("Language").select_option("th")  # the form submits itself on change
    expect(page.locator("html")).to_have_attribute("lang", "th")
    navigation = page.locator("#concord-nav")
    assert thai("Home") != "Home"
    assert thai("Back office") != "Back office"
    expect(navigation.get_by_role("link", name=thai("Home"), exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=thai("Home"), exact=True)).to_be_visible()
    front_button = page.get_by_role("button", name=thai("Front office"), exact=True)
    expect(front_button).to_have_attribute("aria-pressed", "true")

    page.get_by_role("button", name=thai("Back office"), exact=True).click()
    expect(page.get_by_role("button", name=thai("Back office"), exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    with translation.override("th"):
        back_labels = nav_labels("back")
    assert back_labels
    for label in back_labels:  # the demo admin holds every permission and is staff
        expect(navigation.get_by_role("link", name=label, exact=True)).to_be_visible()

    # The shipped Thai font is the one drawing the Thai text, not whatever the machine has.
    assert "Noto Sans Thai" in page.evaluate(LOADED_FONTS_JS)
    page.screenshot(path=str(e2e_output / "shell-thai-back-office.png"), full_page=True)


def test_navigation_collapses_on_a_phone(
    phone_page: Page, demo_admin: Any, e2e_output: Path, sign_in: Any
) -> None:
    page = phone_page
    sign_in(page, demo_admin.username, demo_admin.password)
    sidebar = page.locator("#concord-sidebar")
    home_link = sidebar.get_by_role("link", name="Home", exact=True)
    expect(home_link).to_be_hidden()
    page.screenshot(path=str(e2e_output / "shell-phone-collapsed.png"), full_page=True)

    page.get_by_role("button", name="Navigation").click()
    expect(sidebar).to_have_class(re.compile(r"\bshow\b"))
    expect(sidebar).not_to_have_class(re.compile(r"\bshowing\b"))  # the slide-in has finished
    expect(home_link).to_be_visible()
    expect(sidebar.get_by_label("Company")).to_be_visible()
    page.screenshot(path=str(e2e_output / "shell-phone-navigation-open.png"))

    page.get_by_role("button", name="Close").click()
    expect(home_link).to_be_hidden()


def test_khmer_pages_are_drawn_with_the_shipped_khmer_font(
    page: Page, demo_admin: Any, e2e_output: Path, sign_in: Any
) -> None:
    sign_in(page, demo_admin.username, demo_admin.password)
    page.get_by_label("Language").select_option("km")
    expect(page.locator("html")).to_have_attribute("lang", "km")
    with translation.override("km"):
        khmer_home = translation.gettext("Home")
    assert khmer_home != "Home"
    expect(page.locator("#concord-nav").get_by_role("link", name=khmer_home, exact=True)).to_be_visible()
    assert "Noto Sans Khmer" in page.evaluate(LOADED_FONTS_JS)
    page.screenshot(path=str(e2e_output / "shell-khmer-home.png"), full_page=True)
