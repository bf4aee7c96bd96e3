"""Fixtures of the import tests: the test importer registered, uploads kept in a temporary folder."""

from __future__ import annotations

import pytest

from concord.core.dataio.tests.support import RateImport
from concord.core.identity.roles import Role
from concord.core.registry import registry, temporary_registration


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rate_import():
    spec = RateImport()
    with temporary_registration(registry.importers, spec.key, spec):
        yield spec


@pytest.fixture
def accountant(company, make_user):
    return make_user(company=company, roles=(Role.ACCOUNTANT,))


@pytest.fixture
def signed_in(client, accountant):
    client.force_login(accountant)
    return client
