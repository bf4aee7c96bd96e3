"""Fixtures of the portal tests: a company with books, two customers each with an order and an invoice.

Orders and invoices are made through sales' and inventory's own services. Portal code reaches them only
through facades (import-linter); tests need their *writes* for data, so they are loaded by name here,
like the root conftest does for parties.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.core.outbox.facade import dispatch_pending
from concord.modules.accounting import facade as accounting
from concord.modules.inventory import facade as inventory
from concord.modules.portal.models import PortalAccess


def _sales(name: str) -> Any:
    return importlib.import_module(f"concord.modules.sales.{name}")


@dataclass
class Customer:
    party: Any
    quote: Any
    order: Any
    invoice_id: int
    delivery_id: int


@pytest.fixture
def books(company: Company, make_books: Callable[..., Company]) -> Company:
    return make_books(company)


@pytest.fixture
def manager(books: Company, make_user: Callable[..., User]) -> User:
    return make_user(company=books, roles=(Role.MANAGER,), username="malee", email="malee@example.com")


@pytest.fixture
def make_customer(
    books: Company, manager: User, make_partner: Callable[..., Any], make_product: Callable[..., Any]
):
    orders = _sales("services.orders")
    settings = _sales("services.settings")
    wok = make_product(
        books, "Carbon steel wok 36 cm", internal_ref="WOK36", sale_price="1000", purchase_price="600"
    )
    receipt = inventory.receipt_create(
        company_id=books.pk,
        lines=[inventory.StockLine(product_id=wok.pk, quantity=Decimal(50), unit_cost=Decimal(100))],
        by=manager,
    )
    inventory.transfer_validate(receipt.id, by=manager)
    settings.product_invoice_policy_set(company=books, product_id=wok.pk, policy="order", by=manager)

    def make(name: str) -> Customer:
        party = make_partner(books, name, is_supplier=False)
        line = [orders.OrderLineInput(product_id=wok.pk, quantity=Decimal(2))]
        quote = orders.order_create(company=books, partner_id=party.pk, lines=line, by=manager)
        type(quote).all_companies.filter(pk=quote.pk).update(state="sent")  # as if emailed
        order = orders.order_confirm(
            order=orders.order_create(company=books, partner_id=party.pk, lines=line, by=manager), by=manager
        )
        (invoice,) = accounting.invoices_by_source(books.pk, f"sales.order:{order.pk}")
        if invoice.state == "draft":
            accounting.invoice_post(invoice.id, by=manager)
        (delivery,) = inventory.transfers_by_source(books.pk, f"sales.order:{order.pk}")
        dispatch_pending()
        return Customer(party=party, quote=quote, order=order, invoice_id=invoice.id, delivery_id=delivery.id)

    return make


@pytest.fixture
def portal_client(books: Company, manager: User, make_user: Callable[..., User]):
    """``portal_client(party)``: a client signed in as a portal contact of ``party``."""

    def make(party: Any, email: str = "buyer@cpf.example") -> tuple[Client, User]:
        user = make_user(company=books, roles=(Role.PORTAL,), username=email, email=email)
        PortalAccess.all_companies.create(
            company=books, party_id=party.pk, user=user, email=email, invited_at=user.date_joined
        )
        client = Client()
        client.force_login(user)
        return client, user

    return make
