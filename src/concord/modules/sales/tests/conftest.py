"""Fixtures of the sales tests: a Thai company with books, a customer, goods and a service, stock, users."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.modules.inventory import facade as inventory
from concord.modules.sales.services.orders import OrderLineInput, order_create


@pytest.fixture
def books(company: Company, make_books: Callable[..., Company]) -> Company:
    return make_books(company)


@pytest.fixture
def seller(books: Company, make_user: Callable[..., User]) -> User:
    return make_user(company=books, roles=(Role.SALES,), username="nok")


@pytest.fixture
def manager(books: Company, make_user: Callable[..., User]) -> User:
    return make_user(company=books, roles=(Role.MANAGER,), username="malee")


@pytest.fixture
def customer(books: Company, make_partner: Callable[..., Any]) -> Any:
    return make_partner(
        books, "Chao Phraya Foods Co., Ltd.", is_supplier=False, language="th", emails=["buyer@cpf.example"]
    )


@pytest.fixture
def wok(books: Company, make_product: Callable[..., Any]) -> Any:
    return make_product(
        books, "Carbon steel wok 36 cm", internal_ref="WOK36", sale_price="1000", purchase_price="600"
    )


@pytest.fixture
def lid(books: Company, make_product: Callable[..., Any]) -> Any:
    return make_product(books, "Wok lid 36 cm", internal_ref="LID36", sale_price="200", purchase_price="80")


@pytest.fixture
def install(books: Company, make_product: Callable[..., Any]) -> Any:
    return make_product(books, "Installation", kind="service", sale_price="1500")


@pytest.fixture
def stock(books: Company, manager: User) -> Callable[..., Any]:
    """``stock(product, qty, cost=100)``: a validated receipt into the default warehouse."""

    def receive(product: Any, quantity: int | str, cost: int | str = 100) -> Any:
        receipt = inventory.receipt_create(
            company_id=books.pk,
            lines=[
                inventory.StockLine(
                    product_id=product.pk, quantity=Decimal(str(quantity)), unit_cost=Decimal(str(cost))
                )
            ],
            by=manager,
        )
        return inventory.transfer_validate(receipt.id, by=manager)

    return receive


@pytest.fixture
def make_quote(books: Company, customer: Any, seller: User) -> Callable[..., Any]:
    """``make_quote((product, qty[, price[, discount]]), ..., **fields)``: a quotation made through the service."""

    def make(*items: tuple[Any, ...], partner_id: int | None = None, **fields: Any) -> Any:
        lines = [
            OrderLineInput(
                product_id=item[0].pk,
                quantity=Decimal(str(item[1])),
                unit_price=Decimal(str(item[2])) if len(item) > 2 and item[2] is not None else None,
                discount_percent=Decimal(str(item[3])) if len(item) > 3 else Decimal(0),
            )
            for item in items
        ]
        return order_create(
            company=books,
            partner_id=partner_id or customer.pk,
            lines=lines,
            by=fields.pop("by", seller),
            **fields,
        )

    return make
