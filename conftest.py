"""Fixtures shared by every test: companies, users with roles, API clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from concord.core.identity.models import Company, Membership, User


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked ``postgres_only`` need PostgreSQL row locks or SKIP LOCKED; SQLite has neither."""
    if item.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks, SKIP LOCKED)")


@pytest.fixture(autouse=True)
def _reset_active_language() -> Iterator[None]:
    """A test that activates Thai or Khmer must not leak it into the next test of the same worker."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def make_company(db: Any) -> Callable[..., Company]:
    counter = {"n": 0}

    def make(**fields: Any) -> Company:
        counter["n"] += 1
        defaults: dict[str, Any] = {
            "name": f"Company {counter['n']}",
            "code": f"co{counter['n']}",
            "country": "TH",
            "currency": "THB",
        }
        defaults.update(fields)
        return Company.objects.create(**defaults)

    return make


@pytest.fixture
def company(make_company: Callable[..., Company]) -> Company:
    return make_company(name="Siam Trading Co., Ltd.", code="siam")


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = {"n": 0}

    def make(*, company: Company | None = None, roles: tuple[str, ...] = (), **fields: Any) -> User:
        counter["n"] += 1
        password = fields.pop("password", "correct-horse-battery")
        fields.setdefault("username", f"user{counter['n']}")
        fields.setdefault("email", f"{fields['username']}@example.com")
        user = User.objects.create_user(password=password, **fields)
        for role in roles:
            assert company is not None, "roles need a company"
            Membership.objects.create(user=user, company=company, role=role)
        if company is not None:
            user.default_company = company
            user.save(update_fields=["default_company"])
        return user

    return make


@pytest.fixture
def make_partner(db: Any) -> Callable[..., Any]:
    """``make_partner(company, name=..., **fields)``: a customer/supplier made through parties' services.

    It lives here, outside the ``concord`` package, so tests of other modules (accounting, sales) get
    parties without importing them (the import contracts forbid module-to-module imports).
    """
    from concord.modules.parties.services import party_create

    def make(company: Company, name: str = "Chao Phraya Foods Co., Ltd.", **fields: Any) -> Any:
        fields.setdefault("is_customer", True)
        fields.setdefault("is_supplier", True)
        fields.setdefault("allow_duplicate", True)
        fields.setdefault("by", None)
        return party_create(company=company, name=name, **fields)

    return make


@pytest.fixture
def make_product(db: Any) -> Callable[..., Any]:
    """``make_product(company, name=..., **fields)``: a catalog product made through the catalog services."""
    from concord.modules.catalog.reference_units import reference_units_ensure
    from concord.modules.catalog.services import product_create

    # A transactional test runs after others flushed the tables, the seeded shared units with them.
    reference_units_ensure()

    def make(company: Company, name: str = "Carbon steel wok 36 cm", **fields: Any) -> Any:
        fields.setdefault("by", None)
        return product_create(company=company, name=name, **fields)

    return make


@pytest.fixture
def make_books(db: Any) -> Callable[..., Company]:
    """``make_books(company, template="th_npae", fiscal_year=2026)``: set up a company's accounting.

    Here, outside the package, so inventory, purchasing or sales tests get books without importing
    accounting's services.
    """
    from concord.modules.accounting.services.setup import accounting_setup

    def make(company: Company, template: str = "th_npae", fiscal_year: int = 2026) -> Company:
        accounting_setup(company=company, template=template, by=None, fiscal_year=fiscal_year)
        return company

    return make


@pytest.fixture
def make_category(db: Any) -> Callable[..., Any]:
    """``make_category(company, name, parent=None)``: a catalog product category."""
    from concord.modules.catalog.services import category_create

    def make(company: Company, name: str = "Cookware", parent: Any = None) -> Any:
        return category_create(company=company, name=name, parent=parent, by=None)

    return make


@pytest.fixture
def shared_uom(db: Any) -> Callable[[str], Any]:
    """``shared_uom("kg")``: one of the shared units of measure seeded by the catalog."""
    from concord.modules.catalog.models import Uom

    return lambda code: Uom.objects.get(company=None, code=code)


@pytest.fixture
def make_opportunity(db: Any) -> Callable[..., Any]:
    """``make_opportunity(company, party, title=..., **fields)``: an open CRM opportunity (for sales tests)."""
    from concord.modules.crm.services.opportunities import opportunity_create

    def make(company: Company, party: Any, title: str = "Kitchen fit-out", **fields: Any) -> Any:
        fields.setdefault("by", None)
        return opportunity_create(company=company, title=title, party_id=party.pk, **fields)

    return make
