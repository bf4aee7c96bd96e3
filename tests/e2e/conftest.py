"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Run them with ``make test-e2e`` (``pytest -m e2e tests/e2e``). Screenshots go to ``CONCORD_E2E_OUTPUT``
(default ``var/test-output``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def e2e_output() -> Path:
    """Where screenshots of this run are saved."""
    path = Path(os.environ.get("CONCORD_E2E_OUTPUT", "var/test-output")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (make sysdeps installs it)")
    # Playwright's sync API runs an event loop in this thread, so Django would refuse ORM calls from the
    # test body; they are plain synchronous calls, which is what this flag permits (only for e2e runs).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _new_page(browser: Browser, live_server: Any, **context_options: Any) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh desktop-sized browser tab (its own cookies) on the live server."""
    yield from _new_page(browser, live_server, viewport={"width": 1280, "height": 800})


@pytest.fixture
def phone_page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh phone-sized browser tab (390 x 844, touch) on the live server."""
    yield from _new_page(
        browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )


@pytest.fixture
def demo_admin(settings: Any, tmp_path: Path) -> Any:
    """The small demo company, loaded for this test; returns the admin's login."""
    from concord.demo.loader import load_demo

    settings.VAR_DIR = tmp_path  # the loader writes its logins file there, not into the checkout
    result = load_demo(size="small", seed=1)
    return next(login for login in result.logins if login.role == "admin")


def _sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


@pytest.fixture
def sign_in() -> Callable[[Page, str, str], None]:
    """Sign in through the login form, finding its fields by their labels (as a person would)."""
    return _sign_in
