"""Fixtures for the API tests: clients authenticated by a bearer token or a signed-in session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from concord.core.api.tests.helpers import ApiClient
from concord.core.identity.models import User
from concord.core.identity.tokens import access_token_create


@pytest.fixture
def token_client(db: Any) -> Callable[[User], ApiClient]:
    """``token_client(user)``: a client authenticated by a fresh personal access token of ``user``."""

    def make(user: User) -> ApiClient:
        _token, raw = access_token_create(user=user, name="tests")
        return ApiClient(Client(), token=raw)

    return make


@pytest.fixture
def session_client(db: Any) -> Callable[..., ApiClient]:
    """``session_client(user, enforce_csrf=False)``: a client signed in through the session."""

    def make(user: User, *, enforce_csrf: bool = False) -> ApiClient:
        client = Client(enforce_csrf_checks=enforce_csrf)
        client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
        return ApiClient(client)

    return make
