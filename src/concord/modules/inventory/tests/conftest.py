"""Fixtures of the inventory tests: a Thai company with books, a warehouse, products, a stock helper."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum

from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.modules.accounting import facade as accounting
from concord.modules.inventory.models import Quant, Warehouse
from concord.modules.inventory.services.dto import StockLine
from concord.modules.inventory.services.setup import warehouse_default
from concord.modules.inventory.services.transfers import transfer_create, transfer_validate


@pytest.fixture
def books(company: Company, make_books: Callable[..., Company]) -> Company:
    return make_books(company)


@pytest.fixture
def warehouse(books: Company) -> Warehouse:
    return warehouse_default(books)


@pytest.fixture
def keeper(books: Company, make_user: Callable[..., User]) -> User:
    return make_user(company=books, roles=(Role.WAREHOUSE,), username="somchai")


@pytest.fixture
def vendor(books: Company, make_partner: Callable[..., Any]) -> Any:
    return make_partner(books, "Isan Steel Works Co., Ltd.", is_customer=False)


@pytest.fixture
def customer(books: Company, make_partner: Callable[..., Any]) -> Any:
    return make_partner(books, "Chao Phraya Foods Co., Ltd.", is_supplier=False)


@pytest.fixture
def wok(books: Company, make_product: Callable[..., Any]) -> Any:
    return make_product(books, "Carbon steel wok 36 cm", internal_ref="WOK36", purchase_price="200")


@pytest.fixture
def lid(books: Company, make_product: Callable[..., Any]) -> Any:
    return make_product(books, "Wok lid 36 cm", internal_ref="LID36", purchase_price="50")


@pytest.fixture
def receive(warehouse: Warehouse, vendor: Any, keeper: User) -> Callable[..., Any]:
    """``receive(product, qty, cost, lot="")``: a validated receipt into the warehouse's stock."""

    def make(product: Any, quantity: str | int, cost: str | int, *, lot: str = "") -> Any:
        transfer = transfer_create(
            company=warehouse.company,
            kind="receipt",
            lines=[
                StockLine(
                    product_id=product.pk, quantity=Decimal(quantity), unit_cost=Decimal(cost), lot_name=lot
                )
            ],
            by=keeper,
            partner_id=vendor.pk,
            warehouse_id=warehouse.pk,
        )
        return transfer_validate(transfer=transfer, by=keeper)

    return make


def on_hand(product: Any, **filters: Any) -> Decimal:
    total = Quant.objects.filter(product_id=product.pk, location__usage="internal", **filters).aggregate(
        t=Sum("quantity")
    )
    return total["t"] or Decimal(0)


def reserved(product: Any) -> Decimal:
    total = Quant.objects.filter(product_id=product.pk).aggregate(t=Sum("reserved_quantity"))
    return total["t"] or Decimal(0)


def account_balance(company: Company, role: str) -> Decimal:
    """Debit minus credit posted on the company's default account for ``role`` (through the facade)."""
    return accounting.account_balance(
        company_id=company.pk, account_id=accounting.default_account_id(company.pk, role)
    )
