"""Valuing done moves (FIFO or weighted average) and posting the value to the ledger.

A move into an internal location from a virtual one adds value; a move out of internal stock takes
value; moves between internal locations change nothing. Each transfer's values post as one entry
through the accounting facade, so the inventory account always equals the valuation report.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from concord.core.identity.models import Company
from concord.core.money.currencies import minor_units
from concord.modules.accounting import facade as accounting
from concord.modules.catalog import facade as catalog
from concord.modules.catalog.facade import ProductInfo
from concord.modules.inventory.models import (
    CategoryCosting,
    CostingMethod,
    Location,
    LocationUsage,
    Move,
    ProductCost,
    Transfer,
    ValuationLayer,
)
from concord.modules.inventory.services.setup import inventory_settings

__all__ = ["ValuedMove", "value_moves"]

ZERO = Decimal(0)

# The account a virtual location's side of a valued move posts to.
_COUNTERPART_ROLE = {
    LocationUsage.SUPPLIER: "stock_interim_received",
    LocationUsage.CUSTOMER: "cost_of_sales",
    LocationUsage.INVENTORY: "inventory_loss",
    LocationUsage.PRODUCTION: "inventory",
    LocationUsage.TRANSIT: "inventory",
}


@dataclass
class ValuedMove:
    """A move being done now: how much moved and, for incoming goods, at what unit cost."""

    move: Move
    quantity: Decimal
    unit_cost: Decimal | None = None


def _round(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def _methods(company: Company, products: Mapping[int, ProductInfo]) -> dict[int, str]:
    default = inventory_settings(company).costing_method
    category_ids = {info.category_id for info in products.values() if info.category_id is not None}
    by_category = dict(
        CategoryCosting.all_companies.filter(company_id=company.pk, category_id__in=category_ids).values_list(
            "category_id", "method"
        )
    )
    return {
        pid: by_category.get(info.category_id, default) if info.category_id is not None else default
        for pid, info in products.items()
    }


@dataclass
class _Books:
    """The accounts one transfer's values post to: debit and credit per account role."""

    debit: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    credit: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


def _locked_costs(
    company: Company, product_ids: list[int], methods: Mapping[int, str]
) -> dict[int, ProductCost]:
    """The products' running totals, locked in product order (created when missing)."""

    def read() -> dict[int, ProductCost]:
        rows = (
            ProductCost.all_companies.select_for_update()
            .filter(company_id=company.pk, product_id__in=product_ids)
            .order_by("product_id")
        )
        return {row.product_id: row for row in rows}

    costs = read()
    missing = [pid for pid in product_ids if pid not in costs]
    if missing:
        ProductCost.all_companies.bulk_create(
            [ProductCost(company=company, product_id=pid, method=methods[pid]) for pid in missing],
            ignore_conflicts=True,
        )
        costs = read()
    return costs


def _open_fifo_layers(company: Company, product_ids: list[int]) -> dict[int, list[ValuationLayer]]:
    layers: dict[int, list[ValuationLayer]] = defaultdict(list)
    if product_ids:
        for layer in (
            ValuationLayer.all_companies.select_for_update()
            .filter(company_id=company.pk, product_id__in=product_ids, remaining_quantity__gt=0)
            .order_by("pk")
        ):
            layers[layer.product_id].append(layer)
    return layers


def _value_out(
    cost: ProductCost,
    quantity: Decimal,
    layers: list[ValuationLayer],
    touched: dict[int, ValuationLayer],
    currency: str,
) -> Decimal:
    """What ``quantity`` leaving stock is worth: the oldest layers (FIFO) or the average."""
    if cost.method == CostingMethod.FIFO:
        return _take_fifo(layers, quantity, touched, currency, cost)
    if cost.quantity > 0 and quantity >= cost.quantity:
        return cost.value
    if cost.quantity > 0:
        return _round(cost.value * quantity / cost.quantity, currency)
    return ZERO


def _post(company: Company, transfer: Transfer, books: _Books, date: dt.date, by: Any) -> int | None:
    """One entry for the transfer's values, when the company keeps books and posts valuation."""
    if not (inventory_settings(company).post_valuation and accounting.books_ready(company.pk)):
        return None
    label, partner_id = transfer.number, transfer.partner_id
    lines = [
        accounting.LedgerLine(debit=amount, account_role=role, label=label, partner_id=partner_id)
        for role, amount in sorted(books.debit.items())
        if amount
    ] + [
        accounting.LedgerLine(credit=amount, account_role=role, label=label, partner_id=partner_id)
        for role, amount in sorted(books.credit.items())
        if amount
    ]
    if not lines:
        return None
    entry = accounting.ledger_entry_post(
        company_id=company.pk,
        date=date,
        lines=lines,
        by=by,
        ref=transfer.number,
        origin=_("Stock valuation %(number)s") % {"number": transfer.number},
    )
    return entry.id


def value_moves(
    *,
    company: Company,
    transfer: Transfer,
    done: Sequence[ValuedMove],
    locations: Mapping[int, Location],
    products: Mapping[int, ProductInfo],
    date: dt.date,
    by: Any,
    post: bool = True,
) -> list[tuple[int, str]]:
    """Value the done moves of stocked products; set ``move.value``; post one entry. Constant queries."""
    currency = company.currency
    relevant: list[tuple[ValuedMove, int]] = []  # (valued move, +1 incoming / -1 outgoing)
    for item in done:
        source, dest = locations[item.move.source_location_id], locations[item.move.dest_location_id]
        if source.is_internal != dest.is_internal and item.quantity > 0:
            relevant.append((item, 1 if dest.is_internal else -1))
    if not relevant:
        return []
    product_ids = sorted({item.move.product_id for item, _sign in relevant})
    costs = _locked_costs(
        company, product_ids, _methods(company, {pid: products[pid] for pid in product_ids})
    )
    outgoing_fifo = sorted(
        {
            item.move.product_id
            for item, sign in relevant
            if sign < 0 and costs[item.move.product_id].method == CostingMethod.FIFO
        }
    )
    open_layers = _open_fifo_layers(company, outgoing_fifo)
    new_layers: list[ValuationLayer] = []
    touched: dict[int, ValuationLayer] = {}
    books = _Books()
    for item, sign in relevant:
        move, quantity = item.move, item.quantity
        cost = costs[move.product_id]
        if sign > 0:
            unit_cost = item.unit_cost if item.unit_cost is not None else move.unit_cost
            if unit_cost is None:
                unit_cost = _current_unit_cost(cost, products[move.product_id], currency)
            value = _round(quantity * unit_cost, currency)
            remaining = (quantity, value)
            counterpart = _COUNTERPART_ROLE[LocationUsage(locations[move.source_location_id].usage)]
            books.debit["inventory"] += value
            books.credit[counterpart] += value
        else:
            value = _value_out(cost, quantity, open_layers[move.product_id], touched, currency)
            unit_cost = (value / quantity).quantize(Decimal("0.000001"))
            remaining = (ZERO, ZERO)
            counterpart = _COUNTERPART_ROLE[LocationUsage(locations[move.dest_location_id].usage)]
            books.debit[counterpart] += value
            books.credit["inventory"] += value
        layer = ValuationLayer(
            company=company,
            product_id=move.product_id,
            move=move,
            date=date,
            quantity=sign * quantity,
            unit_cost=unit_cost,
            value=sign * value,
            remaining_quantity=remaining[0],
            remaining_value=remaining[1],
            description=transfer.number,
        )
        cost.quantity += layer.quantity
        cost.value += layer.value
        move.value += layer.value
        new_layers.append(layer)
    if touched:
        ValuationLayer.all_companies.bulk_update(
            list(touched.values()), ["remaining_quantity", "remaining_value"]
        )
    ProductCost.all_companies.bulk_update([costs[pid] for pid in product_ids], ["quantity", "value"])
    entry_id = _post(company, transfer, books, date, by) if post else None
    for layer in new_layers:
        layer.entry_id = entry_id
    ValuationLayer.all_companies.bulk_create(new_layers)
    return [(layer.product_id, str(layer.value)) for layer in new_layers]


def _current_unit_cost(cost: ProductCost, product: ProductInfo, currency: str) -> Decimal:
    """What an incoming unit without a stated cost is worth: the average in stock, else the purchase price."""
    if cost.quantity > 0:
        return (cost.value / cost.quantity).quantize(Decimal("0.000001"))
    if product.purchase_price.currency == currency:
        # The purchase price is per purchase unit (a box of 12); stock is valued per product unit.
        return catalog.price_for_uom(product.purchase_price, product.purchase_uom_id, product.uom_id).amount
    return ZERO


def _take_fifo(
    layers: list[ValuationLayer],
    quantity: Decimal,
    touched: dict[int, ValuationLayer],
    currency: str,
    cost: ProductCost,
) -> Decimal:
    """The value of ``quantity`` taken from the oldest open layers (which are reduced)."""
    need, value = quantity, ZERO
    for layer in layers:
        if need <= 0:
            break
        if layer.remaining_quantity <= 0:
            continue
        take = min(need, layer.remaining_quantity)
        if take == layer.remaining_quantity:
            part = layer.remaining_value
        else:
            part = _round(layer.remaining_value * take / layer.remaining_quantity, currency)
        layer.remaining_quantity -= take
        layer.remaining_value -= part
        touched[layer.pk] = layer
        value += part
        need -= take
    if need > 0 and cost.quantity > 0:  # layers short of the quants (should not happen): average the rest
        value += _round((cost.value - value) * need / max(cost.quantity - (quantity - need), need), currency)
    return value
