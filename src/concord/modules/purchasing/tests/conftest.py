"""Fixtures of the purchasing tests: a Thai company with books, a vendor, products, a buyer and a manager."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.core.outbox.facade import PublishedEvent
from concord.modules.purchasing.models import PurchaseOrderLine
from concord.modules.purchasing.services.orders import OrderLineInput, order_create


@pytest.fixture
def books(company: Company, make_books: Callable[..., Company]) -> Company:
    return make_books(company)


@pytest.fixture
def buyer(books: Company, make_user: Callable[..., User]) -> User:
    return make_user(company=books, roles=(Role.WAREHOUSE,), username="somchai")


@pytest.fixture
def manager(books: Company, make_user: Callable[..., User]) -> User:
    return make_user(company=books, roles=(Role.MANAGER,), username="malee")


@pytest.fixture
def vendor(books: Company, make_partner: Callable[..., Any]) -> Any:
    return make_partner(books, "Isan Steel Works Co., Ltd.", is_customer=False)


@pytest.fixture
def other_vendor(books: Company, make_partner: Callable[..., Any]) -> Any:
    return make_partner(books, "Korat Metal Co., Ltd.", is_customer=False)


@pytest.fixture
def wok(books: Company, make_product: Callable[..., Any]) -> Any:
    return make_product(books, "Carbon steel wok 36 cm", internal_ref="WOK36", purchase_price="200")


@pytest.fixture
def lid(books: Company, make_product: Callable[..., Any]) -> Any:
    return make_product(books, "Wok lid 36 cm", internal_ref="LID36", purchase_price="50")


@pytest.fixture
def install(books: Company, make_product: Callable[..., Any]) -> Any:
    return make_product(books, "Installation", kind="service", purchase_price="1000")


def unit(code: str) -> Any:
    """A shared unit of measure, read through purchasing's own foreign key."""
    uom_model: Any = PurchaseOrderLine._meta.get_field("uom").remote_field.model
    return uom_model.objects.get(company=None, code=code)


@pytest.fixture
def make_order(books: Company, vendor: Any, buyer: User) -> Callable[..., Any]:
    """``make_order((product, qty[, price]), ..., vendor=...)``: an RFQ made through the service."""

    def make(*items: tuple[Any, ...], vendor_id: int | None = None, **fields: Any) -> Any:
        lines = [
            OrderLineInput(
                product_id=item[0].pk,
                quantity=Decimal(str(item[1])),
                unit_price=Decimal(str(item[2])) if len(item) > 2 else None,
            )
            for item in items
        ]
        return order_create(
            company=books, vendor_id=vendor_id or vendor.pk, lines=lines, by=fields.pop("by", buyer), **fields
        )

    return make


def stock_below_minimum(
    company: Company,
    product: Any,
    quantity: str,
    *,
    vendor_id: int | None = None,
    rule_id: int = 1,
    event_uuid: str = "",
) -> PublishedEvent:
    """The event inventory's reorder rules publish, as a handler receives it."""
    return PublishedEvent(
        id=1,
        uuid=event_uuid or str(uuid.uuid4()),
        event_type="inventory.StockBelowMinimum",
        payload={
            "rule_id": rule_id,
            "company_id": company.pk,
            "product_id": product.pk,
            "warehouse_id": 1,
            "vendor_id": vendor_id,
            "forecast_quantity": "0",
            "min_quantity": "5",
            "max_quantity": quantity,
            "quantity_to_order": quantity,
            "lead_time_days": 3,
        },
        company_id=company.pk,
        actor_id=None,
        aggregate_type="",
        aggregate_id="",
        created_at=timezone.now(),
        attempt=1,
    )
