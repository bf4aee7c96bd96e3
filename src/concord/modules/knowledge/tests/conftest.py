"""Fixtures of the knowledge base's tests: people with roles, and articles made quickly."""

from __future__ import annotations

import pytest

from concord.core.identity.roles import Role
from concord.modules.knowledge.facade import articles_import


@pytest.fixture
def agent(company, make_user):
    return make_user(company=company, roles=(Role.SUPPORT,), username="agent")


@pytest.fixture
def manager(company, make_user):
    return make_user(company=company, roles=(Role.MANAGER,), username="manager")


@pytest.fixture
def seller(company, make_user):
    return make_user(company=company, roles=(Role.SALES,), username="seller")


@pytest.fixture
def other_company(make_company):
    return make_company(name="Mekong Imports", code="mekong", country="KH", currency="USD")


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user, backend="concord.core.identity.backends.RoleBackend")
        return client

    return sign_in


@pytest.fixture
def publish_articles(company):
    """``publish_articles([{title, body, language, category, visibility, translation_key}, ...])``."""

    def make(items, *, into=None):
        return articles_import(company=into or company, items=items, by=None)

    return make
