"""Fixtures of the parties tests: valid tax IDs, a sales user, parties made through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from stdnum.th import moa

from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.modules.parties.models import Party
from concord.modules.parties.services import party_create


def thai_tin(running: int) -> str:
    """A valid 13-digit Thai company tax ID from a running number."""
    body = f"0105561{running:05d}"
    return body + moa.calc_check_digit(body)


@pytest.fixture
def seller(company: Company, make_user: Callable[..., User]) -> User:
    return make_user(company=company, roles=(Role.SALES,), username="somchai", first_name="Somchai")


@pytest.fixture
def manager(company: Company, make_user: Callable[..., User]) -> User:
    return make_user(company=company, roles=(Role.MANAGER,), username="manee")


@pytest.fixture
def make_party(company: Company, seller: User) -> Callable[..., Party]:
    """``make_party(name=..., **fields)``: a party created through ``party_create`` (duplicates allowed)."""

    def make(name: str = "Chao Phraya Foods Co., Ltd.", **fields: Any) -> Party:
        fields.setdefault("company", company)
        fields.setdefault("by", seller)
        fields.setdefault("allow_duplicate", True)
        return party_create(name=name, **fields)

    return make


@pytest.fixture
def signed_in(client: Client) -> Callable[[User], Client]:
    def sign_in(user: User) -> Client:
        client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
        return client

    return sign_in
