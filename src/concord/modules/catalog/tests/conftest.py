"""Fixtures of the catalog tests: the seeded units by code, a product maker, media in a temp dir."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.modules.catalog import services
from concord.modules.catalog.models import Product, Uom
from concord.modules.catalog.reference_units import reference_units_ensure


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def units(db: Any) -> dict[str, Uom]:
    """The shared units the data migration seeds, by code (re-seeded: a transactional test may flush)."""
    reference_units_ensure()
    return {unit.code: unit for unit in Uom.objects.select_related("category").filter(company=None)}


@pytest.fixture
def manager(make_user: Callable[..., User], company: Company) -> User:
    return make_user(company=company, roles=(Role.MANAGER,), username="manager")


@pytest.fixture
def make_product(manager: User, company: Company) -> Callable[..., Product]:
    counter = {"n": 0}

    def make(*, company: Company = company, by: User = manager, **fields: Any) -> Product:
        counter["n"] += 1
        fields.setdefault("name", f"Product {counter['n']}")
        return services.product_create(company=company, by=by, **fields)

    return make


# A valid EAN-13 and EAN-8 (check digits computed by python-stdnum).
EAN13 = "8850999320014"
EAN13_OTHER = "8851234567898"
EAN8 = "96385074"


@pytest.fixture
def api(db: Any) -> Callable[[User], Any]:
    """``api(user)``: a JSON client of /api/v1 authenticated by a fresh personal access token."""
    from django.test import Client

    from concord.core.api.tests.helpers import ApiClient
    from concord.core.identity.tokens import access_token_create

    def make(user: User) -> ApiClient:
        _token, raw = access_token_create(user=user, name="tests")
        return ApiClient(Client(), token=raw)

    return make
