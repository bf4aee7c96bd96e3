"""The list screen in a real browser: htmx filtering, sorting by header, saving and applying a filter.

Marked ``e2e`` (``pytest -m e2e src/concord/core/lists``); skipped when Chromium is missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from concord.core.lists.models import SavedFilter

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("concord.core.lists.tests.urls"),
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
URL = "/lists-test/companies/"


@pytest.fixture
def page(live_server: Any, manager: Any) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    if connection.vendor != "sqlite":
        # The browser pass runs on SQLite (make test-e2e); on PostgreSQL a live-server session outlives
        # the test and the test database cannot be dropped (tests/e2e shows the same).
        pytest.skip("browser tests run on SQLite")
    from playwright.sync_api import sync_playwright

    client = Client()
    client.force_login(manager)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie, "url": live_server.url}]
            )
            context.set_default_timeout(15_000)
            yield context.new_page()
            context.close()
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def test_filter_sort_save_and_apply_in_the_browser(page: Any, manager: Any) -> None:
    from playwright.sync_api import expect

    page.goto(URL)
    rows = page.locator("#list-results tbody tr")
    expect(rows).to_have_count(3)  # first page of six

    page.get_by_label("Country").select_option("KH")  # htmx swaps the table, the URL follows
    expect(page.get_by_role("status")).to_have_text("2 rows")
    expect(page).to_have_url(f"{page.url.split('?')[0]}?name=&country=KH&created_from=&ordering=name")
    expect(rows.first).to_contain_text("Bravo Foods")

    page.get_by_role("link", name="Name").click()  # header: now descending
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Name")
    expect(rows.first).to_contain_text("Delta Rice")
    expect(page.get_by_label("Sort by")).to_have_value("-name")  # the form follows the header click

    page.get_by_label("Name contains").fill("rice")
    page.get_by_label("Name contains").press("Enter")
    expect(rows).to_have_count(1)
    page.wait_for_load_state("networkidle")

    page.get_by_role("button", name="Saved filters").click()
    page.get_by_label("Name", exact=True).fill("Cambodian rice")
    page.get_by_role("button", name="Save current filters").click()
    expect(page.get_by_role("alert")).to_contain_text("Cambodian rice")
    saved = SavedFilter.objects.get(user=manager)
    assert saved.query_string == "name=rice&country=KH&ordering=-name"

    page.goto(URL)
    expect(rows).to_have_count(3)
    page.get_by_role("button", name="Saved filters").click()
    page.get_by_role("link", name="Cambodian rice").click()
    expect(rows).to_have_count(1)
    expect(page.get_by_label("Name contains")).to_have_value("rice")
