"""Payments: register money received or paid (with withholding tax), match it to invoices, cancel it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.core.money.queries import exchange_rate_on
from concord.core.numbering.services import sequence_next
from concord.modules.accounting.errors import InvalidAccountError, OverpaymentError, StateError
from concord.modules.accounting.events import PaymentRegistered
from concord.modules.accounting.models import (
    Invoice,
    InvoiceKind,
    InvoiceState,
    Journal,
    JournalKind,
    JournalLine,
    Payment,
    PaymentDirection,
    PaymentState,
    Tax,
    TaxKind,
    WithholdingCertificate,
)
from concord.modules.accounting.services._support import (
    ZERO,
    actor,
    check_date_open,
    check_journal,
    check_same_company,
    default_account,
    partner_of,
    publish_for_partner,
    round_to,
    settings_for,
)
from concord.modules.accounting.services.entries import LineSpec, entry_create, entry_reverse
from concord.modules.accounting.services.reconcile import line_unreconcile, lines_reconcile

__all__ = ["payment_cancel", "payment_register"]

_PAYABLE_STATES = (InvoiceState.POSTED, InvoiceState.PARTIAL)
# (invoice kind) -> (payment direction, partner side)
_DIRECTION = {
    InvoiceKind.CUSTOMER_INVOICE: (PaymentDirection.INBOUND, "customer"),
    InvoiceKind.CUSTOMER_CREDIT_NOTE: (PaymentDirection.OUTBOUND, "customer"),
    InvoiceKind.VENDOR_BILL: (PaymentDirection.OUTBOUND, "supplier"),
    InvoiceKind.VENDOR_CREDIT_NOTE: (PaymentDirection.INBOUND, "supplier"),
}


def _withholding(
    *,
    company: Company,
    wht_tax: Tax | None,
    wht_base: Decimal | None,
    amount: Decimal,
    due: Decimal,
    invoices: Sequence[Invoice],
    currency: str,
) -> tuple[Decimal, Decimal]:
    """The base and amount of tax withheld; the base defaults to the untaxed share of what is settled."""
    if wht_tax is None:
        return ZERO, ZERO
    check_same_company(company, wht_tax, field="wht_tax_id", what=_("tax"))
    if wht_tax.kind != TaxKind.WHT:
        raise ValidationFailed(
            _("%(tax)s is not a withholding tax.") % {"tax": wht_tax.name}, field="wht_tax_id"
        )
    if wht_base is None:
        if not invoices:
            raise ValidationFailed(_("Give the amount the tax is withheld on."), field="wht_base")
        total = sum((invoice.amount_total for invoice in invoices), ZERO)
        untaxed = sum((invoice.amount_untaxed for invoice in invoices), ZERO)
        # settled = amount + base x rate, and base = settled x untaxed share
        share = untaxed / total if total else ZERO
        settled_guess = amount / (1 - share * wht_tax.amount / 100)
        wht_base = round_to(min(settled_guess, due) * share, currency)
    if wht_base < 0:
        raise ValidationFailed(_("The withholding base cannot be negative."), field="wht_base")
    return wht_base, round_to(wht_base * wht_tax.amount / 100, currency)


def _checked_invoices(
    company: Company, partner_id: int, invoices: Sequence[Invoice]
) -> tuple[list[Invoice], str, str]:
    locked = list(
        Invoice.all_companies.select_for_update()
        .filter(pk__in=[invoice.pk for invoice in invoices])
        .order_by("due_date", "pk")
    )
    if len(locked) != len({invoice.pk for invoice in invoices}):
        raise InvalidAccountError(_("One of the invoices does not exist."), field="invoice_ids")
    directions = set()
    for invoice in locked:
        if invoice.company_id != company.pk:
            raise InvalidAccountError(
                _("The invoice does not belong to %(company)s.") % {"company": company.name},
                field="invoice_ids",
            )
        if invoice.partner_id != partner_id:
            raise ValidationFailed(
                _("%(number)s is not an invoice of this partner.") % {"number": invoice.number},
                field="invoice_ids",
            )
        if invoice.state not in _PAYABLE_STATES:
            raise StateError(
                _("%(number)s is %(state)s: nothing is due on it.")
                % {"number": str(invoice), "state": invoice.get_state_display()}
            )
        directions.add(_DIRECTION[InvoiceKind(invoice.kind)])
    if len(directions) > 1:
        raise ValidationFailed(
            _("One payment cannot both pay and collect: choose invoices of one kind."), field="invoice_ids"
        )
    currencies = {invoice.currency for invoice in locked}
    if len(currencies) > 1:
        raise ValidationFailed(
            _("The invoices are in different currencies: pay them separately."), field="invoice_ids"
        )
    direction, side = directions.pop()
    return locked, direction, side


def _payment_target(
    *,
    company: Company,
    partner: Any,
    invoices: Sequence[Invoice],
    currency: str | None,
    direction: str | None,
    partner_side: str | None,
) -> tuple[list[Invoice], str, str, str]:
    """The invoices paid (locked), the direction, the partner's side and the payment's currency."""
    if invoices:
        locked, direction, partner_side = _checked_invoices(company, partner.id, invoices)
        pay_currency = currency or locked[0].currency
        if pay_currency != locked[0].currency:
            raise ValidationFailed(
                _("The payment must be in %(currency)s, the invoices' currency.")
                % {"currency": locked[0].currency},
                field="currency",
            )
        return locked, direction, partner_side, pay_currency
    if direction not in PaymentDirection.values or direction is None:
        raise ValidationFailed(_("Say whether the money was received or paid out."), field="direction")
    side = partner_side or ("customer" if direction == PaymentDirection.INBOUND else "supplier")
    if side not in ("customer", "supplier"):
        raise ValidationFailed(_("The partner side is customer or supplier."), field="partner_side")
    return [], direction, side, currency or partner.currency or company.currency


def _payment_lines(
    *,
    company: Company,
    journal: Journal,
    partner_id: int,
    partner_account_id: int,
    inbound: bool,
    rate: Decimal,
    amount: Decimal,
    wht: tuple[Tax | None, Decimal, Decimal],
    label: str,
) -> list[LineSpec]:
    """Bank or cash against the partner's account, and the tax withheld on its own account."""
    wht_tax, wht_base, wht_amount = wht
    settled = amount + wht_amount
    company_currency = company.currency
    cash_company = round_to(amount * rate, company_currency)
    wht_company = round_to(wht_amount * rate, company_currency)
    settled_company = cash_company + wht_company
    assert journal.default_account_id is not None  # noqa: S101 - checked by payment_register before
    specs = [
        LineSpec(
            account_id=journal.default_account_id,
            debit=cash_company if inbound else ZERO,
            credit=ZERO if inbound else cash_company,
            amount_currency=amount if inbound else -amount,
            label=label,
        ),
        LineSpec(
            account_id=partner_account_id,
            partner_id=partner_id,
            debit=ZERO if inbound else settled_company,
            credit=settled_company if inbound else ZERO,
            amount_currency=-settled if inbound else settled,
            label=label,
        ),
    ]
    if wht_tax is not None and wht_amount > 0:
        wht_account_id = wht_tax.sale_account_id if inbound else wht_tax.purchase_account_id
        if wht_account_id is None:
            wht_account_id = default_account(company, "wht_prepaid" if inbound else "wht_payable").pk
        specs.append(
            LineSpec(
                account_id=wht_account_id,
                partner_id=partner_id,
                debit=wht_company if inbound else ZERO,
                credit=ZERO if inbound else wht_company,
                amount_currency=wht_amount if inbound else -wht_amount,
                label=wht_tax.name,
                tax_id=wht_tax.pk,
                tax_base=round_to(wht_base * rate, company_currency),
            )
        )
    return specs


@transaction.atomic
def payment_register(
    *,
    company: Company,
    partner_id: int,
    journal: Journal,
    amount: Decimal,
    date: dt.date,
    by: Any,
    currency: str | None = None,
    invoices: Sequence[Invoice] = (),
    direction: str | None = None,
    partner_side: str | None = None,
    wht_tax: Tax | None = None,
    wht_base: Decimal | None = None,
    allow_overpayment: bool = False,
    memo: str = "",
    source_key: str = "",
) -> Payment:
    """Record money that moved through ``journal`` and match it to ``invoices`` (oldest due first).

    ``amount`` is what moved on the bank or cash account. With ``wht_tax`` the partner (or we) withheld
    tax on ``wht_base`` (by default the invoices' untaxed amount in proportion to what is paid), so the
    invoices are settled by ``amount`` + the tax withheld. Settling more than is due needs
    ``allow_overpayment``: the rest stays on the partner's account as credit.
    """
    if source_key:
        existing = Payment.all_companies.filter(company_id=company.pk, source_key=source_key).first()
        if existing is not None:
            return existing
    check_journal(company, journal, kinds=(JournalKind.BANK, JournalKind.CASH))
    if journal.default_account_id is None:
        raise ValidationFailed(
            _("The journal %(code)s has no bank or cash account.") % {"code": journal.code}, field="journal"
        )
    if amount <= 0:
        raise ValidationFailed(_("The amount must be more than zero."), field="amount")
    partner = partner_of(company, partner_id)
    check_date_open(company, date)
    locked_invoices, direction, partner_side, pay_currency = _payment_target(
        company=company,
        partner=partner,
        invoices=invoices,
        currency=currency,
        direction=direction,
        partner_side=partner_side,
    )
    amount = round_to(amount, pay_currency)
    due = sum((invoice.amount_residual for invoice in locked_invoices), ZERO)
    wht_base, wht_amount = _withholding(
        company=company,
        wht_tax=wht_tax,
        wht_base=wht_base,
        amount=amount,
        due=due,
        invoices=locked_invoices,
        currency=pay_currency,
    )
    settled = amount + wht_amount
    if locked_invoices and settled > due and not allow_overpayment:
        raise OverpaymentError(
            _(
                "This payment settles %(settled)s %(currency)s but only %(due)s is due. Choose to keep the "
                "difference as credit, or lower the amount."
            )
            % {"settled": settled, "due": round_to(due, pay_currency), "currency": pay_currency},
            field="amount",
        )
    if not locked_invoices and not allow_overpayment:
        raise OverpaymentError(
            _("A payment with no invoice stays on the partner's account as credit: confirm that choice."),
            field="allow_overpayment",
        )
    rate = exchange_rate_on(company=company, currency=pay_currency, on_date=date)
    settings = settings_for(company)
    partner_account = default_account(
        company, "receivable" if partner_side == "customer" else "payable", settings=settings
    )
    inbound = direction == PaymentDirection.INBOUND
    specs = _payment_lines(
        company=company,
        journal=journal,
        partner_id=partner_id,
        partner_account_id=partner_account.pk,
        inbound=inbound,
        rate=rate,
        amount=amount,
        wht=(wht_tax, wht_base, wht_amount),
        label=memo or partner.name,
    )
    entry = entry_create(
        company=company,
        journal=journal,
        date=date,
        lines=specs,
        by=by,
        currency=pay_currency,
        ref=memo,
        origin="payment",
        post=True,
    )
    payment = Payment.all_companies.create(
        company=company,
        direction=direction,
        partner_id=partner_id,
        journal=journal,
        number=entry.number,
        date=date,
        amount=amount,
        currency=pay_currency,
        rate=rate,
        memo=memo[:200],
        wht_tax=wht_tax,
        wht_base=wht_base,
        wht_amount=wht_amount,
        entry=entry,
        source_key=source_key[:120],
        created_by=actor(by),
    )
    if wht_tax is not None and wht_amount > 0 and not inbound:
        WithholdingCertificate.all_companies.create(
            company=company,
            payment=payment,
            number=sequence_next(company=company, doc_type="WHT", on_date=date),
            date=date,
            payer=None,
            payee_id=partner_id,
            income_type=wht_tax.income_type or "other",
            rate=wht_tax.amount,
            base=wht_base,
            amount=wht_amount,
            currency=pay_currency,
            form="PND3" if partner.kind == "person" else "PND53",
        )
    if locked_invoices:
        payment_line = JournalLine.all_companies.get(entry_id=entry.pk, account_id=partner_account.pk)
        open_lines = list(
            JournalLine.all_companies.filter(
                entry_id__in=[invoice.entry_id for invoice in locked_invoices],
                account_id=partner_account.pk,
                partner_id=partner_id,
                reconciled=False,
            )
        )
        lines_reconcile(lines=[payment_line, *open_lines], by=by)
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        obj=payment,
        changes={
            "amount": [None, str(amount)],
            "currency": [None, pay_currency],
            "number": [None, payment.number],
        },
    )
    publish_for_partner(
        PaymentRegistered(
            payment_id=payment.pk,
            company_id=company.pk,
            partner_id=partner_id,
            direction=direction,
            number=payment.number,
            currency=pay_currency,
            amount=str(amount),
            invoice_ids=tuple(invoice.pk for invoice in locked_invoices),
        ),
        by=by,
        company_id=company.pk,
        partner_id=partner_id,
    )
    return payment


@transaction.atomic
def payment_cancel(*, payment: Payment, by: Any, date: dt.date | None = None, reason: str = "") -> Payment:
    """Undo a payment: unmatch it from its invoices and reverse its entry."""
    locked = Payment.all_companies.select_for_update().select_related("entry").get(pk=payment.pk)
    if locked.state == PaymentState.CANCELLED:
        raise StateError(_("%(number)s is already cancelled.") % {"number": locked.number})
    for line in JournalLine.all_companies.filter(entry_id=locked.entry_id, account__reconcile=True):
        line_unreconcile(line=line, by=by)
    reversal = entry_reverse(entry=locked.entry, by=by, date=date, reason=reason)
    locked.state = PaymentState.CANCELLED
    locked.cancel_entry = reversal
    locked.save(update_fields=["state", "cancel_entry"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=locked, changes={"state": ["posted", "cancelled"]})
    payment.refresh_from_db()
    return payment
