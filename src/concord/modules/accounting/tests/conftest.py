"""Fixtures of the accounting tests: a Thai company with its books set up, partners, an accountant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import F, Sum

from concord.core.identity.models import Company, User
from concord.core.identity.roles import Role
from concord.modules.accounting.models import Account, Journal, JournalLine, Tax
from concord.modules.accounting.services.invoices import InvoiceLineInput, invoice_create, invoice_post
from concord.modules.accounting.services.setup import accounting_setup

TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def books(company: Company) -> Company:
    """The Thai company with the Thai chart, its journals and taxes, and fiscal year 2026."""
    accounting_setup(company=company, template="th_npae", by=None, fiscal_year=2026)
    return company


@pytest.fixture
def accountant(books: Company, make_user: Callable[..., User]) -> User:
    return make_user(company=books, roles=(Role.ACCOUNTANT,), username="kanya")


@pytest.fixture
def customer(books: Company, make_partner: Callable[..., Any]) -> Any:
    return make_partner(books, "Chao Phraya Foods Co., Ltd.", payment_terms_days=30)


@pytest.fixture
def vendor(books: Company, make_partner: Callable[..., Any]) -> Any:
    return make_partner(books, "Isan Steel Works Co., Ltd.", is_customer=False)


def account(company: Company, role: str) -> Account:
    from concord.modules.accounting.services._support import default_account

    return default_account(company, role)


def tax(company: Company, code: str) -> Tax:
    return Tax.objects.get(company=company, code=code)


def journal(company: Company, code: str) -> Journal:
    return Journal.objects.get(company=company, code=code)


def balance(company: Company, role_or_account: str | Account | None, partner: Any = None) -> Decimal:
    """Debit minus credit of posted lines on an account (by default role), optionally for one partner."""
    assert role_or_account is not None
    target = role_or_account if isinstance(role_or_account, Account) else account(company, role_or_account)
    lines = JournalLine.objects.filter(company=company, account=target, posted=True)
    if partner is not None:
        lines = lines.filter(partner_id=partner.pk)
    return lines.aggregate(total=Sum(F("debit") - F("credit")))["total"] or Decimal(0)


@pytest.fixture
def make_invoice(books: Company, customer: Any, accountant: User) -> Callable[..., Any]:
    """``make_invoice(amount, kind=..., partner=..., taxes=("VAT7",), post=True, **fields)``: one-line invoice."""

    def make(
        amount: str | Decimal = "1000",
        *,
        kind: str = "out_invoice",
        partner: Any = None,
        taxes: tuple[str, ...] = ("VAT7",),
        post: bool = True,
        quantity: str = "1",
        **fields: Any,
    ) -> Any:
        fields.setdefault("date", TODAY)
        invoice = invoice_create(
            company=books,
            kind=kind,
            partner_id=(partner or customer).pk,
            lines=[
                InvoiceLineInput(
                    description="Carbon steel wok",
                    quantity=Decimal(quantity),
                    unit_price=Decimal(amount),
                    tax_ids=tuple(tax(books, code).pk for code in taxes),
                )
            ],
            by=accountant,
            **fields,
        )
        return invoice_post(invoice=invoice, by=accountant) if post else invoice

    return make
