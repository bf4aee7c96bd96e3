"""Fixtures for the shell's tests: a signed-in client and a way to read the dashboard's numbers."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from concord.core.identity.models import User


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    def sign_in(user: User) -> Client:
        client.force_login(user)
        return client

    return sign_in


def dashboard_numbers(html: str) -> dict[str, int]:
    """The dashboard cards as ``{key: number}``, read from the rendered home page."""
    pattern = re.compile(r'data-count="(?P<key>[\w-]+)".*?data-value>(?P<value>[\d,]+)<', re.DOTALL)
    return {match["key"]: int(match["value"].replace(",", "")) for match in pattern.finditer(html)}
