"""Validating a delivery costs the same number of queries for 1 line as for 10 (batched quants and layers)."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from concord.modules.inventory.services.dto import StockLine
from concord.modules.inventory.services.transfers import transfer_create, transfer_validate


def validation_queries(company, keeper, customer, products) -> int:
    delivery = transfer_create(
        company=company,
        kind="delivery",
        lines=[StockLine(product_id=p.pk, quantity=Decimal(2)) for p in products],
        by=keeper,
        partner_id=customer.pk,
    )
    with CaptureQueriesContext(connection) as queries:
        transfer_validate(transfer=delivery, by=keeper)
    return len(queries)


def test_delivery_validation_queries_do_not_grow_with_lines(
    books, warehouse, receive, keeper, customer, make_product
):
    products = [make_product(books, f"Item {n}", internal_ref=f"IT{n}") for n in range(11)]
    for product in products:
        receive(product, 10, "25")
    one = validation_queries(books, keeper, customer, products[:1])
    ten = validation_queries(books, keeper, customer, products[1:])
    assert ten == one, f"1 line: {one} queries, 10 lines: {ten}"
