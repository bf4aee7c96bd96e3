"""Chart-of-accounts templates shipped as data (``data/charts/*.json``) and their validation.

A template lists accounts (code, names in en/th/km, type, subtype, parent, group), the default accounts
a company needs (receivable, payable, VAT...) and the taxes of its country. ``chart_template_load``
checks every rule before a company is set up from it, so a broken template fails loudly in tests rather
than half-creating a chart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from concord.modules.accounting.models.chart import SUBTYPES_BY_TYPE

__all__ = [
    "DEFAULT_ROLES",
    "ChartTemplate",
    "TemplateAccount",
    "TemplateTax",
    "chart_template_keys",
    "chart_template_load",
]

CHARTS_DIR = Path(__file__).parent / "data" / "charts"

# role -> (account type it must have, subtypes allowed or None for any of the type)
DEFAULT_ROLES: dict[str, tuple[str, frozenset[str] | None]] = {
    "receivable": ("asset", frozenset({"receivable"})),
    "payable": ("liability", frozenset({"payable"})),
    "income": ("income", None),
    "expense": ("expense", None),
    "cost_of_sales": ("expense", None),
    "inventory": ("asset", frozenset({"inventory"})),
    "stock_interim_received": ("", None),
    "stock_interim_delivered": ("", None),
    "bank": ("asset", frozenset({"bank"})),
    "cash": ("asset", frozenset({"cash"})),
    "fx_gain": ("income", None),
    "fx_loss": ("expense", None),
    "retained_earnings": ("equity", frozenset({"retained_earnings"})),
    "vat_output": ("liability", None),
    "vat_input": ("asset", None),
    "wht_payable": ("liability", None),
    "wht_prepaid": ("asset", None),
    "inventory_loss": ("expense", None),
    "rounding": ("", None),
    "opening_balance": ("", None),
}


@dataclass(frozen=True)
class TemplateAccount:
    code: str
    names: dict[str, str]
    account_type: str
    subtype: str
    parent: str | None
    is_group: bool


@dataclass(frozen=True)
class TemplateTax:
    code: str
    names: dict[str, str]
    kind: str
    amount_type: str
    amount: Decimal
    price_include: bool
    scope: str
    sale_account: str
    purchase_account: str
    income_type: str


@dataclass(frozen=True)
class ChartTemplate:
    key: str
    names: dict[str, str]
    country: str
    accounts: tuple[TemplateAccount, ...]
    defaults: dict[str, str]
    taxes: tuple[TemplateTax, ...]


class ChartTemplateError(ValueError):
    """A shipped chart template breaks a rule: a bug in the data, caught by the tests."""


def chart_template_keys() -> list[str]:
    """The keys of the shipped templates (file names without .json)."""
    return sorted(path.stem for path in CHARTS_DIR.glob("*.json"))


def _names(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(
        isinstance(raw.get(lang), str) and raw[lang] for lang in ("en", "th", "km")
    ):
        raise ChartTemplateError(f"{where}: name needs non-empty en, th and km")
    return {lang: str(raw[lang]) for lang in ("en", "th", "km")}


def _accounts(raw: list[dict[str, Any]], key: str) -> tuple[TemplateAccount, ...]:
    accounts: dict[str, TemplateAccount] = {}
    for item in raw:
        code = str(item["code"])
        where = f"{key}: account {code}"
        if code in accounts:
            raise ChartTemplateError(f"{where}: duplicate code")
        account_type, subtype = item["type"], item["subtype"]
        if subtype not in SUBTYPES_BY_TYPE.get(account_type, frozenset()):
            raise ChartTemplateError(f"{where}: subtype {subtype} does not fit type {account_type}")
        parent = item.get("parent")
        if parent is not None:
            parent_account = accounts.get(parent)
            if (
                parent_account is None
                or not parent_account.is_group
                or parent_account.account_type != account_type
            ):
                raise ChartTemplateError(
                    f"{where}: parent {parent} must be an earlier group of the same type"
                )
        accounts[code] = TemplateAccount(
            code=code,
            names=_names(item["name"], where),
            account_type=account_type,
            subtype=subtype,
            parent=parent,
            is_group=bool(item["group"]),
        )
    return tuple(accounts.values())


@cache
def chart_template_load(key: str) -> ChartTemplate:
    """The template ``key``, validated; raises ``ChartTemplateError`` (or ``KeyError`` if unknown)."""
    path = CHARTS_DIR / f"{key}.json"
    if key not in chart_template_keys():
        raise KeyError(key)
    data = json.loads(path.read_text(encoding="utf-8"))
    accounts = _accounts(data["accounts"], key)
    by_code = {account.code: account for account in accounts}
    defaults = {str(role): str(code) for role, code in data["defaults"].items()}
    for role, (account_type, subtypes) in DEFAULT_ROLES.items():
        account = by_code.get(defaults.get(role, ""))
        if account is None or account.is_group:
            raise ChartTemplateError(f"{key}: default {role} must name a non-group account")
        if account_type and account.account_type != account_type:
            raise ChartTemplateError(f"{key}: default {role} must be of type {account_type}")
        if subtypes is not None and account.subtype not in subtypes:
            raise ChartTemplateError(f"{key}: default {role} must have subtype {sorted(subtypes)}")
    if sum(1 for account in accounts if account.subtype == "retained_earnings" and not account.is_group) != 1:
        raise ChartTemplateError(f"{key}: exactly one retained earnings account")
    taxes = []
    for item in data["taxes"]:
        where = f"{key}: tax {item['code']}"
        for side in ("sale_account", "purchase_account"):
            account = by_code.get(item[side])
            if account is None or account.is_group:
                raise ChartTemplateError(f"{where}: {side} must name a non-group account")
        taxes.append(
            TemplateTax(
                code=str(item["code"]),
                names=_names(item["name"], where),
                kind=item["kind"],
                amount_type=item["amount_type"],
                amount=Decimal(str(item["amount"])),
                price_include=bool(item["price_include"]),
                scope=item["scope"],
                sale_account=item["sale_account"],
                purchase_account=item["purchase_account"],
                income_type=item.get("income_type", ""),
            )
        )
    return ChartTemplate(
        key=key,
        names=_names(data["name"], key),
        country=str(data.get("country", "")),
        accounts=accounts,
        defaults=defaults,
        taxes=tuple(taxes),
    )
