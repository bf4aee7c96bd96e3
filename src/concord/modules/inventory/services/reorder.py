"""Reorder rules: create/update them, check them after stock changes, suggest minimums from demand.

A rule whose forecast (on hand + incoming - outgoing) falls below its minimum publishes
``StockBelowMinimum`` with the quantity that brings it back to the maximum; purchasing reacts by
creating or updating a draft purchase order for the vendor. Inventory never calls purchasing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.core.outbox.facade import publish
from concord.modules.catalog import facade as catalog
from concord.modules.inventory.events import StockBelowMinimum
from concord.modules.inventory.models import LocationUsage, MoveLine, ReorderRule, Warehouse
from concord.modules.inventory.services.levels import stock_levels
from concord.modules.inventory.services.quants import plain
from concord.modules.inventory.services.setup import actor

__all__ = ["DemandSuggestion", "reorder_check", "reorder_rule_save", "reorder_run", "reorder_suggestion"]

ZERO = Decimal(0)


@dataclass(frozen=True)
class DemandSuggestion:
    """What the last ``days`` of deliveries suggest: average daily demand x lead time + safety stock."""

    days: int
    shipped: Decimal
    daily_demand: Decimal
    suggested_min: Decimal


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError as exc:
        raise ValidationFailed(_("Enter a number."), field=field) from exc
    if not number.is_finite() or number < 0:
        raise ValidationFailed(_("Enter a number that is not negative."), field=field)
    return number


@transaction.atomic
def reorder_rule_save(
    *,
    company: Company,
    product_id: int,
    warehouse: Warehouse,
    min_quantity: Any,
    max_quantity: Any,
    by: Any,
    rule: ReorderRule | None = None,
    multiple_quantity: Any = 1,
    vendor_id: int | None = None,
    lead_time_days: int = 7,
    safety_stock: Any = 0,
    demand_days: int = 30,
    is_active: bool = True,
) -> ReorderRule:
    """Create or change a min/max rule of a stocked product in a warehouse."""
    product = catalog.products_get([product_id]).get(product_id)
    if product is None or product.company_id != company.pk:
        raise ValidationFailed(_("There is no such product."), field="product")
    if not product.is_stocked:
        raise ValidationFailed(_("Only stocked goods can have a reorder rule."), field="product")
    if warehouse.company_id != company.pk:
        raise ValidationFailed(_("There is no such warehouse."), field="warehouse")
    low, high = _decimal(min_quantity, "min_quantity"), _decimal(max_quantity, "max_quantity")
    if high < low:
        raise ValidationFailed(_("The maximum must be at least the minimum."), field="max_quantity")
    multiple = _decimal(multiple_quantity, "multiple_quantity")
    if multiple <= 0:
        raise ValidationFailed(
            _("Order in multiples of a quantity more than zero."), field="multiple_quantity"
        )
    if lead_time_days < 0 or demand_days < 1:
        raise ValidationFailed(
            _("Lead time and demand window are whole days (the window at least 1)."), field="demand_days"
        )
    target = rule or ReorderRule(company=company)
    before = {
        "min": str(target.min_quantity) if rule else None,
        "max": str(target.max_quantity) if rule else None,
    }
    target.product_id = product_id
    target.warehouse = warehouse
    target.min_quantity, target.max_quantity, target.multiple_quantity = low, high, multiple
    target.vendor_id = vendor_id
    target.lead_time_days, target.demand_days = lead_time_days, demand_days
    target.safety_stock = _decimal(safety_stock, "safety_stock")
    target.is_active = is_active
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError as exc:
        raise ValidationFailed(
            _("This product already has a reorder rule in this warehouse."), field="product"
        ) from exc
    audit_record(
        actor=actor(by),
        action=AuditAction.UPDATE if rule else AuditAction.CREATE,
        obj=target,
        changes={"min": [before["min"], str(low)], "max": [before["max"], str(high)]},
    )
    reorder_check(company=company, warehouse_id=warehouse.pk, product_ids=[product_id])
    return target


def reorder_check(
    *, company: Company, warehouse_id: int, product_ids: Sequence[int]
) -> list[StockBelowMinimum]:
    """Publish ``StockBelowMinimum`` for active rules of these products whose forecast is below minimum."""
    rules = list(
        ReorderRule.all_companies.filter(
            company_id=company.pk, warehouse_id=warehouse_id, product_id__in=product_ids, is_active=True
        )
    )
    if not rules:
        return []
    levels = stock_levels(company.pk, [r.product_id for r in rules], warehouse_id=warehouse_id)
    published = []
    now = timezone.now()
    for rule in rules:
        level = levels[rule.product_id]
        forecast = level.on_hand + level.incoming - level.outgoing
        if forecast >= rule.min_quantity:
            continue
        short = rule.max_quantity - forecast
        multiples = math.ceil(short / rule.multiple_quantity)
        to_order = rule.multiple_quantity * multiples
        event = StockBelowMinimum(
            rule_id=rule.pk,
            company_id=company.pk,
            product_id=rule.product_id,
            warehouse_id=warehouse_id,
            vendor_id=rule.vendor_id,
            forecast_quantity=plain(forecast),
            min_quantity=plain(rule.min_quantity),
            max_quantity=plain(rule.max_quantity),
            quantity_to_order=plain(to_order),
            lead_time_days=rule.lead_time_days,
        )
        publish(event, company_id=company.pk)
        published.append(event)
        rule.last_triggered_at = now
    if published:
        ReorderRule.all_companies.bulk_update(
            [r for r in rules if r.last_triggered_at == now], ["last_triggered_at"]
        )
    return published


@transaction.atomic
def reorder_run(*, company: Company | None = None) -> int:
    """Check every active rule (of one company, or all): the scheduled sweep. Returns events published."""
    rules = ReorderRule.all_companies.filter(is_active=True)
    if company is not None:
        rules = rules.filter(company_id=company.pk)
    count = 0
    groups: dict[tuple[int, int], list[int]] = {}
    for company_id, warehouse_id, product_id in rules.values_list("company_id", "warehouse_id", "product_id"):
        groups.setdefault((company_id, warehouse_id), []).append(product_id)
    companies = {c.pk: c for c in Company.objects.filter(pk__in={k[0] for k in groups})}
    for (company_id, warehouse_id), product_ids in groups.items():
        count += len(
            reorder_check(company=companies[company_id], warehouse_id=warehouse_id, product_ids=product_ids)
        )
    return count


def reorder_suggestion(rule: ReorderRule, *, today: dt.date | None = None) -> DemandSuggestion:
    """Average daily shipments (to customers and production) over the rule's window x lead time + safety."""
    today = today or timezone.localdate()
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=rule.demand_days), dt.time.min))
    shipped = (
        MoveLine.all_companies.filter(
            company_id=rule.company_id,
            product_id=rule.product_id,
            source_location__warehouse_id=rule.warehouse_id,
            source_location__usage=LocationUsage.INTERNAL,
            dest_location__usage__in=(LocationUsage.CUSTOMER, LocationUsage.PRODUCTION),
            done_at__gte=since,
        ).aggregate(total=Sum("quantity"))["total"]
        or ZERO
    )
    daily = (shipped / rule.demand_days).quantize(Decimal("0.0001"))
    suggested = (daily * rule.lead_time_days + rule.safety_stock).quantize(Decimal("0.0001"))
    return DemandSuggestion(
        days=rule.demand_days, shipped=shipped, daily_demand=daily, suggested_min=suggested
    )
