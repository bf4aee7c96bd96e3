"""Price lists: their rules, the customer's list, and what a product costs a customer.

A rule applies to one product, a product category or every product, from a minimum quantity (product
unit), within optional dates; it gives a fixed price per product unit (in the list's currency) or a
discount off the product's sale price. The most specific rule wins: product before category before
everything, then the larger minimum quantity, then the newer rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.core.money.currencies import is_valid_currency
from concord.core.money.errors import NoExchangeRateError
from concord.core.money.money import Money
from concord.core.money.queries import convert
from concord.modules.catalog.facade import ProductInfo
from concord.modules.sales.models import CustomerPricing, Pricelist, PricelistItem
from concord.modules.sales.services._support import ZERO, customer_of, product_of, round_to

__all__ = [
    "PricelistItemInput",
    "customer_pricelist",
    "customer_pricelist_set",
    "pricelist_create",
    "pricelist_rules",
    "pricelist_update",
    "rule_for",
    "unit_price_from_rules",
]


@dataclass(frozen=True)
class PricelistItemInput:
    """A rule: ``product_id`` or ``category_id`` (neither: every product), a fixed price or a discount."""

    fixed_price: Decimal | None = None
    discount_percent: Decimal | None = None
    product_id: int | None = None
    category_id: int | None = None
    min_quantity: Decimal = ZERO
    date_start: dt.date | None = None
    date_end: dt.date | None = None


def _category_company(category_id: int) -> int | None:
    category_model: Any = PricelistItem._meta.get_field("category").remote_field.model
    found: int | None = (
        category_model._base_manager.filter(pk=category_id).values_list("company_id", flat=True).first()
    )
    return found


def _items_built(
    company: Company, pricelist: Pricelist, items: Sequence[PricelistItemInput]
) -> list[PricelistItem]:
    built = []
    for index, item in enumerate(items, start=1):
        where = {"line": index}
        if item.product_id is not None and item.category_id is not None:
            raise ValidationFailed(
                _("Rule %(line)s: choose a product or a category, not both.") % where, field="items"
            )
        if item.product_id is not None:
            product_of(company, item.product_id, field="items")
        if item.category_id is not None and _category_company(item.category_id) != company.pk:
            raise ValidationFailed(
                _("Rule %(line)s: the category does not belong to %(company)s.")
                % {**where, "company": company.name},
                field="items",
            )
        if item.fixed_price is None and item.discount_percent is None:
            raise ValidationFailed(
                _("Rule %(line)s: give a fixed price or a discount.") % where, field="items"
            )
        if item.fixed_price is not None and item.fixed_price < 0:
            raise ValidationFailed(_("Rule %(line)s: a price cannot be negative.") % where, field="items")
        if item.discount_percent is not None and not ZERO <= item.discount_percent <= 100:
            raise ValidationFailed(
                _("Rule %(line)s: the discount must be between 0 and 100%%.") % where, field="items"
            )
        if item.min_quantity < 0:
            raise ValidationFailed(
                _("Rule %(line)s: the minimum quantity cannot be negative.") % where, field="items"
            )
        if item.date_start and item.date_end and item.date_end < item.date_start:
            raise ValidationFailed(
                _("Rule %(line)s: a price cannot end before it starts.") % where, field="items"
            )
        built.append(
            PricelistItem(
                company=company,
                pricelist=pricelist,
                product_id=item.product_id,
                category_id=item.category_id,
                min_quantity=item.min_quantity,
                fixed_price=item.fixed_price,
                discount_percent=item.discount_percent if item.fixed_price is None else None,
                date_start=item.date_start,
                date_end=item.date_end,
            )
        )
    return built


def _checked_currency(currency: str) -> str:
    code = currency.strip().upper()
    if not is_valid_currency(code):
        raise ValidationFailed(_("“%(code)s” is not a currency code.") % {"code": code}, field="currency")
    return code


def _checked_name(company: Company, name: str, exclude: int | None = None) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise ValidationFailed(_("A price list needs a name."), field="name")
    clash = Pricelist.all_companies.filter(company_id=company.pk, name=cleaned)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationFailed(_("Another price list of the company has this name."), field="name")
    return cleaned[:120]


def pricelist_create(
    *,
    company: Company,
    name: str,
    by: Any,
    currency: str = "",
    items: Sequence[PricelistItemInput] = (),
    is_active: bool = True,
) -> Pricelist:
    """A price list in ``currency`` (default: the company's) with its rules."""
    cleaned = _checked_name(company, name)
    code = _checked_currency(currency or company.currency)
    with transaction.atomic():
        pricelist = Pricelist(company=company, name=cleaned, currency=code, is_active=is_active)
        built = _items_built(company, pricelist, items)
        pricelist.save()
        for item in built:
            item.pricelist = pricelist
        PricelistItem.all_companies.bulk_create(built)
        audit_record(
            actor=by, action=AuditAction.CREATE, obj=pricelist, changes={"items": [None, len(built)]}
        )
    return pricelist


def pricelist_update(
    *,
    pricelist: Pricelist,
    by: Any,
    name: str | None = None,
    currency: str | None = None,
    is_active: bool | None = None,
    items: Sequence[PricelistItemInput] | None = None,
) -> Pricelist:
    """Change a price list (only what is given; ``items`` replaces every rule). Orders keep their prices."""
    with transaction.atomic():
        locked = Pricelist.all_companies.select_for_update().select_related("company").get(pk=pricelist.pk)
        company = locked.company
        changes: dict[str, list[Any]] = {}
        if name is not None and name.strip() != locked.name:
            cleaned = _checked_name(company, name, exclude=locked.pk)
            changes["name"] = [locked.name, cleaned]
            locked.name = cleaned
        if currency is not None and currency.strip().upper() != locked.currency:
            code = _checked_currency(currency)
            changes["currency"] = [locked.currency, code]
            locked.currency = code
        if is_active is not None and is_active != locked.is_active:
            changes["is_active"] = [locked.is_active, is_active]
            locked.is_active = is_active
        locked.save()
        if items is not None:
            built = _items_built(company, locked, items)
            PricelistItem.all_companies.filter(pricelist_id=locked.pk).delete()
            PricelistItem.all_companies.bulk_create(built)
            changes["items"] = [None, len(built)]
        if changes:
            audit_record(actor=by, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


def customer_pricelist(company: Company, partner_id: int) -> Pricelist | None:
    """The customer's own price list (if active), else the company's default, else None."""
    own = (
        CustomerPricing.all_companies.filter(
            company_id=company.pk, party_id=partner_id, pricelist__is_active=True
        )
        .select_related("pricelist")
        .first()
    )
    if own is not None:
        return own.pricelist
    from concord.modules.sales.services.settings import sales_settings_of

    default_id = sales_settings_of(company).default_pricelist_id
    if default_id is None:
        return None
    return Pricelist.all_companies.filter(pk=default_id, is_active=True).first()


def customer_pricelist_set(*, company: Company, partner_id: int, pricelist_id: int | None, by: Any) -> None:
    """The customer buys at ``pricelist_id`` (None: the company's default)."""
    customer_of(company, partner_id)
    if (
        pricelist_id is not None
        and not Pricelist.all_companies.filter(pk=pricelist_id, company_id=company.pk).exists()
    ):
        raise ValidationFailed(_("Choose a price list of the company."), field="pricelist_id")
    with transaction.atomic():
        row = CustomerPricing.all_companies.filter(company_id=company.pk, party_id=partner_id).first()
        if pricelist_id is None:
            if row is not None:
                audit_record(actor=by, action=AuditAction.DELETE, obj=row)
                row.delete()
            return
        if row is None:
            row = CustomerPricing.all_companies.create(
                company=company, party_id=partner_id, pricelist_id=pricelist_id
            )
            audit_record(actor=by, action=AuditAction.CREATE, obj=row)
        elif row.pricelist_id != pricelist_id:
            old = row.pricelist_id
            row.pricelist_id = pricelist_id
            row.save(update_fields=["pricelist"])
            audit_record(
                actor=by, action=AuditAction.UPDATE, obj=row, changes={"pricelist": [old, pricelist_id]}
            )


def pricelist_rules(pricelist: Pricelist, on_date: dt.date) -> list[PricelistItem]:
    """The rules of ``pricelist`` valid on ``on_date`` (one query)."""
    return list(
        PricelistItem.all_companies.filter(pricelist_id=pricelist.pk).filter(
            Q(date_start__isnull=True) | Q(date_start__lte=on_date),
            Q(date_end__isnull=True) | Q(date_end__gte=on_date),
        )
    )


def rule_for(rules: Sequence[PricelistItem], product: ProductInfo, quantity: Decimal) -> PricelistItem | None:
    """The most specific rule for ``quantity`` (product unit) of ``product`` (see the module docstring)."""
    ranked = []
    for rule in rules:
        if rule.min_quantity > quantity:
            continue
        if rule.product_id is not None:
            if rule.product_id != product.id:
                continue
            specificity = 0
        elif rule.category_id is not None:
            if rule.category_id != product.category_id:
                continue
            specificity = 1
        else:
            specificity = 2
        ranked.append((specificity, -rule.min_quantity, -rule.pk, rule))
    if not ranked:
        return None
    return min(ranked, key=lambda row: row[:3])[3]


def _in_currency(money: Money, currency: str, company: Company, on_date: dt.date) -> Decimal:
    if money.currency == currency:
        return money.amount
    try:
        return convert(money=money, to_currency=currency, company=company, on_date=on_date).amount
    except NoExchangeRateError as exc:  # a 404 in core; here the order's currency is what cannot work
        raise ValidationFailed(str(exc.message), field="currency") from None


def unit_price_from_rules(
    *,
    company: Company,
    pricelist: Pricelist | None,
    rules: Sequence[PricelistItem],
    product: ProductInfo,
    quantity: Decimal,
    currency: str,
    on_date: dt.date,
) -> Decimal:
    """The price per product unit in ``currency``: the price list's rule, else the product's sale price.

    A price list in another currency than ``currency`` is not used here (confirming refuses the order).
    """
    base = _in_currency(product.sale_price, currency, company, on_date)
    if pricelist is None or pricelist.currency != currency:
        return base
    rule = rule_for(rules, product, quantity)
    if rule is None:
        return base
    if rule.fixed_price is not None:
        return rule.fixed_price
    discount = rule.discount_percent or ZERO
    return round_to(base * (100 - discount) / 100, currency) if discount else base
