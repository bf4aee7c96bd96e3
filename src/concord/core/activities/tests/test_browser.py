"""The bell and "My activities" in a real browser (Chromium through Playwright, ``-m e2e``).

The bell's list is fetched by htmx when Bootstrap opens the dropdown (``show.bs.dropdown``), and a
reminder marked done on "My activities" leaves the list without a page load.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from concord.core.activities.models import Activity, ActivityKind
from concord.core.activities.services import activity_schedule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    playwright_api = pytest.importorskip("playwright.sync_api")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread
    try:
        with playwright_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
            context.set_default_timeout(15_000)
            yield context.new_page()
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def test_bell_opens_with_reminders_and_my_activities_marks_done(
    page, company_target, only_reminders, siam, make_user
):
    from playwright.sync_api import expect

    user = make_user(username="anong", company=siam, roles=("manager",), password="s3cret-pass-word")
    today = timezone.localdate()
    activity_schedule(
        target=siam, kind=ActivityKind.CALL, summary="Call the mill", due_date=today - dt.timedelta(days=1),
        assigned_to=user, by=user,
    )  # fmt: skip
    activity_schedule(
        target=siam, kind=ActivityKind.TODO, summary="Plan the fair", due_date=today + dt.timedelta(days=4),
        assigned_to=user, by=user,
    )  # fmt: skip

    page.goto("/")
    page.get_by_label("Username").fill("anong")
    page.get_by_label("Password").fill("s3cret-pass-word")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")

    bell = page.get_by_role("button", name="Notifications")
    expect(bell).to_contain_text("1")
    bell.click()
    menu = page.locator("#concord-bell-menu")
    expect(menu.get_by_role("link", name="Call: Call the mill")).to_be_visible()
    menu.get_by_role("link", name="My activities").click()

    expect(page.get_by_role("heading", name="Overdue")).to_be_visible()
    expect(page.get_by_role("heading", name="Upcoming")).to_be_visible()
    page.get_by_label("Outcome").first.fill("They call back on Monday")
    page.get_by_role("button", name="Mark done").first.click()
    expect(page.get_by_role("heading", name="Overdue")).to_have_count(0)
    expect(page.get_by_text("Plan the fair")).to_be_visible()
    done = Activity.all_companies.get(summary="Call the mill")
    assert done.outcome == "They call back on Monday"
