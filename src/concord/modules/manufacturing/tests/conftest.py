"""Fixtures of the manufacturing tests: a wok set made of a pan, a handle kit (phantom) and a lid
(a sub-assembly with its own BOM), components put in stock through inventory's facade."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.modules.inventory.facade import StockLine, receipt_create, transfer_validate
from concord.modules.manufacturing.models import BomKind, BomLine
from concord.modules.manufacturing.services.boms import BomLineInput, bom_create


def uom(code: str) -> Any:
    """A shared unit by code, read through manufacturing's own foreign key (no catalog import)."""
    model: Any = BomLine._meta.get_field("uom").remote_field.model
    return model.objects.get(company=None, code=code)


@pytest.fixture
def manager(company: Company, make_user: Callable[..., User]) -> User:
    return make_user(company=company, roles=(Role.MANAGER,), username="somchai")


@pytest.fixture
def products(company: Company, make_product: Callable[..., Any]) -> dict[str, Any]:
    names = {
        "wok_set": "Wok starter set",
        "pan": "Carbon steel pan 36 cm",
        "handle_kit": "Handle kit",
        "handle": "Bamboo handle",
        "screw": "Stainless screw",
        "lid": "Glass lid",
        "glass": "Tempered glass disc",
        "knob": "Lid knob",
    }
    return {key: make_product(company, name) for key, name in names.items()}


@pytest.fixture
def boms(company: Company, products: dict[str, Any]) -> dict[str, Any]:
    """Wok set = pan + handle kit (kit: handle + 2 screws) + lid (sub-assembly: glass + knob)."""
    p = products
    kit = bom_create(
        company=company,
        product_id=p["handle_kit"].pk,
        kind=BomKind.KIT,
        lines=[BomLineInput(p["handle"].pk, Decimal(1)), BomLineInput(p["screw"].pk, Decimal(2))],
        by=None,
    )
    lid = bom_create(
        company=company,
        product_id=p["lid"].pk,
        lines=[BomLineInput(p["glass"].pk, Decimal(1)), BomLineInput(p["knob"].pk, Decimal(1))],
        by=None,
    )
    wok = bom_create(
        company=company,
        product_id=p["wok_set"].pk,
        code="WOK-SET",
        lines=[
            BomLineInput(p["pan"].pk, Decimal(1)),
            BomLineInput(p["handle_kit"].pk, Decimal(1)),
            BomLineInput(p["lid"].pk, Decimal(1)),
        ],
        by=None,
    )
    return {"kit": kit, "lid": lid, "wok": wok}


def stock_in(company: Company, rows: list[tuple[Any, str, str]]) -> None:
    """Receive ``(product, quantity, unit cost)`` rows into the company's default warehouse."""
    receipt = receipt_create(
        company_id=company.pk,
        lines=[StockLine(product_id=p.pk, quantity=Decimal(q), unit_cost=Decimal(c)) for p, q, c in rows],
        by=None,
    )
    transfer_validate(receipt.id, by=None)


@pytest.fixture
def stocked(company: Company, products: dict[str, Any], boms: dict[str, Any]) -> dict[str, Any]:
    """Enough components for 10 wok sets: pan 100, handle 20, screw 1, lid 40 (bought ready-made)."""
    p = products
    stock_in(
        company,
        [(p["pan"], "10", "100"), (p["handle"], "10", "20"), (p["screw"], "20", "1"), (p["lid"], "10", "40")],
    )
    return boms


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
