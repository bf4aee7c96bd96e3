"""Bank statements: import a file into a bank journal, reconcile its lines, undo a reconciliation.

A statement line is reconciled in one of three ways: with a payment already registered in the journal
(the line just points at it), with open invoices (a payment is registered for the line and matched to
them), or against an account (a bank fee, interest: an entry is posted). Undoing cancels what the
reconciliation created and leaves what it only pointed at.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.dataio.parsing import check_upload_size
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.core.money.queries import exchange_rate_on
from concord.modules.accounting.bank_formats import (
    CsvMapping,
    ParsedLine,
    ParsedStatement,
    StatementFormatError,
    detect_format,
    parse_camt053,
    parse_csv,
    parse_ofx,
)
from concord.modules.accounting.errors import InvalidAccountError, StateError
from concord.modules.accounting.models import (
    Account,
    BankStatement,
    BankStatementLine,
    Invoice,
    InvoiceKind,
    Journal,
    JournalEntry,
    JournalKind,
    Payment,
    PaymentDirection,
    PaymentState,
    StatementLineState,
    Tax,
)
from concord.modules.accounting.services._support import ZERO, actor, check_journal, round_to
from concord.modules.accounting.services.entries import LineSpec, entry_create, entry_reverse
from concord.modules.accounting.services.payments import payment_cancel, payment_register

__all__ = [
    "INBOUND_INVOICE_KINDS",
    "OUTBOUND_INVOICE_KINDS",
    "ImportCounts",
    "import_counts",
    "line_source_key",
    "statement_import",
    "statement_line_reconcile",
    "statement_line_unreconcile",
]

# Money in pays what a customer owes us (or a supplier refunds); money out pays bills and refunds.
INBOUND_INVOICE_KINDS = (InvoiceKind.CUSTOMER_INVOICE, InvoiceKind.VENDOR_CREDIT_NOTE)
OUTBOUND_INVOICE_KINDS = (InvoiceKind.VENDOR_BILL, InvoiceKind.CUSTOMER_CREDIT_NOTE)

_LOOKUP_CHUNK = 500
_COUNTS_ATTRIBUTE = "import_counts"
# Account numbers are written with spaces, dashes and dots as the bank pleases ("123-4-56789-0").
_ACCOUNT_NOISE = re.compile(r"[\s\-./]")
# A local account number is the tail of its IBAN; shorter tails would match too much.
_MIN_ACCOUNT_TAIL = 6


@dataclass(frozen=True)
class ImportCounts:
    """What one import did: the lines it created and those it skipped as already imported."""

    imported: int
    skipped: int


def import_counts(statement: BankStatement) -> ImportCounts:
    """The counts of the import that returned ``statement`` (all its lines, when it was read back later)."""
    found = statement.__dict__.get(_COUNTS_ATTRIBUTE)
    if isinstance(found, ImportCounts):
        return found
    return ImportCounts(imported=statement.lines.count(), skipped=0)


def _with_counts(statement: BankStatement, counts: ImportCounts) -> BankStatement:
    # The counts describe this import, not the statement: kept on the instance (``statement.import_counts``
    # in templates), never stored.
    statement.__dict__[_COUNTS_ATTRIBUTE] = counts
    return statement


# --------------------------------------------------------------------------- import
def _parsed(data: bytes, filename: str, mapping: CsvMapping | None) -> ParsedStatement:
    check_upload_size(len(data))
    source_format = detect_format(data, filename)
    if source_format == "ofx":
        return parse_ofx(data)
    if source_format == "camt053":
        return parse_camt053(data)
    if mapping is None:
        raise StatementFormatError(
            _("This is a CSV file: say which columns hold the date and the amount."), field="mapping"
        )
    return parse_csv(data, mapping)


def _account_key(number: str) -> str:
    return _ACCOUNT_NOISE.sub("", number).upper()


def _same_account(in_file: str, in_books: str) -> bool:
    """Whether two spellings name one account; a local number matches the IBAN that ends with it."""
    file_key, books_key = _account_key(in_file), _account_key(in_books)
    if file_key == books_key:
        return True
    shorter, longer = sorted((file_key, books_key), key=len)
    return len(shorter) >= _MIN_ACCOUNT_TAIL and longer.endswith(shorter)


def _check_statement_fits(parsed: ParsedStatement, journal: Journal, currency: str) -> None:
    if (
        parsed.account_number
        and journal.bank_account_number
        and not _same_account(parsed.account_number, journal.bank_account_number)
    ):
        raise StatementFormatError(
            _(
                "This statement is for account %(file)s, but the journal %(journal)s is account "
                "%(books)s: choose the journal of that account."
            )
            % {
                "file": parsed.account_number,
                "journal": journal.code,
                "books": journal.bank_account_number,
            },
            field="journal",
        )
    if parsed.currency and parsed.currency.upper() != currency:
        raise StatementFormatError(
            _("This statement is in %(file)s, but the journal %(journal)s keeps %(books)s.")
            % {"file": parsed.currency.upper(), "journal": journal.code, "books": currency},
            field="journal",
        )


def _stored_id(unique_id: str) -> str:
    """The id as the column holds it: an id longer than the column is hashed, so it stays unique."""
    if len(unique_id) <= 200:
        return unique_id
    return "sha256:" + hashlib.sha256(unique_id.encode()).hexdigest()


def _chunks(values: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _already_imported(journal: Journal, unique_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(unique_ids, _LOOKUP_CHUNK):
        found.update(
            BankStatementLine.all_companies.filter(journal_id=journal.pk, unique_id__in=chunk).values_list(
                "unique_id", flat=True
            )
        )
    return found


def _line(
    statement: BankStatement, journal: Journal, parsed: ParsedLine, unique_id: str, currency: str
) -> BankStatementLine:
    return BankStatementLine(
        company_id=statement.company_id,
        statement=statement,
        journal=journal,
        date=parsed.date,
        amount=round_to(parsed.amount, currency),
        currency=currency,
        reference=parsed.reference[:140],
        description=parsed.description[:500],
        counterparty=parsed.counterparty[:200],
        counterparty_account=parsed.counterparty_account[:60],
        unique_id=unique_id,
    )


@transaction.atomic
def statement_import(
    *,
    company: Company,
    journal: Journal,
    data: bytes,
    filename: str,
    by: Any,
    mapping: CsvMapping | None = None,
) -> BankStatement:
    """Read a CSV (with ``mapping``), OFX or camt.053 file into a statement of the bank ``journal``.

    Lines imported before into the journal (same bank id) are skipped, so importing a file twice, or two
    overlapping files, records each transaction once; when every line was known already, nothing is
    written and the statement holding the first of them is returned. ``import_counts(statement)`` says
    how many lines were new and how many skipped. A file that cannot be read writes nothing.
    """
    check_journal(company, journal, kinds=(JournalKind.BANK,))
    currency = journal.currency or company.currency
    parsed = _parsed(data, filename, mapping)
    _check_statement_fits(parsed, journal, currency)
    # One import at a time per journal: two at once would both see a line as new.
    Journal.all_companies.select_for_update().filter(pk=journal.pk).first()
    stored = [_stored_id(line.unique_id) for line in parsed.lines]
    known = _already_imported(journal, stored)
    fresh = [
        (line, unique_id)
        for line, unique_id in zip(parsed.lines, stored, strict=True)
        if unique_id not in known
    ]
    skipped = len(parsed.lines) - len(fresh)
    if not fresh:
        known_line = BankStatementLine.all_companies.select_related("statement").get(
            journal_id=journal.pk, unique_id=stored[0]
        )
        existing = known_line.statement
        return _with_counts(existing, ImportCounts(imported=0, skipped=skipped))
    statement = BankStatement.all_companies.create(
        company=company,
        journal=journal,
        reference=parsed.reference[:100],
        source_format=parsed.format,
        file_name=filename[-200:],
        date_start=parsed.date_start,
        date_end=parsed.date_end,
        balance_start=parsed.balance_start,
        balance_end=parsed.balance_end,
        currency=currency,
        imported_by=actor(by),
    )
    BankStatementLine.all_companies.bulk_create(
        [_line(statement, journal, line, unique_id, currency) for line, unique_id in fresh], batch_size=500
    )
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        obj=statement,
        changes={
            "file_name": [None, statement.file_name],
            "lines": [None, len(fresh)],
            "skipped": [None, skipped],
        },
    )
    return _with_counts(statement, ImportCounts(imported=len(fresh), skipped=skipped))


# --------------------------------------------------------------------------- reconcile
def line_source_key(line: BankStatementLine, attempt: int = 1) -> str:
    """The idempotency key of the payment registered for ``line`` (a later attempt after an undo: #n)."""
    base = f"bankline:{line.pk}"
    return base if attempt <= 1 else f"{base}#{attempt}"


def _made_for_line(payment: Payment, line: BankStatementLine) -> bool:
    base = line_source_key(line)
    return payment.source_key == base or payment.source_key.startswith(f"{base}#")


def _next_source_key(line: BankStatementLine) -> str:
    base = line_source_key(line)
    earlier = Payment.all_companies.filter(
        Q(source_key=base) | Q(source_key__startswith=f"{base}#"), company_id=line.company_id
    ).count()
    return line_source_key(line, earlier + 1)


def _link_payment(line: BankStatementLine, payment: Payment) -> Payment:
    locked = Payment.all_companies.select_for_update().filter(pk=payment.pk).first()
    if locked is None or locked.company_id != line.company_id:
        raise InvalidAccountError(_("The payment does not belong to this company."), field="payment_id")
    if locked.state != PaymentState.POSTED:
        raise StateError(_("%(number)s is cancelled.") % {"number": locked.number})
    if locked.journal_id != line.journal_id:
        raise ValidationFailed(
            _("%(number)s went through another journal.") % {"number": locked.number}, field="payment_id"
        )
    inbound = line.amount > 0
    if (locked.direction == PaymentDirection.INBOUND) != inbound:
        raise ValidationFailed(
            _("%(number)s was money paid out, but this line is money received.") % {"number": locked.number}
            if inbound
            else _("%(number)s was money received, but this line is money paid out.")
            % {"number": locked.number},
            field="payment_id",
        )
    if locked.currency != line.currency or locked.amount != abs(line.amount):
        raise ValidationFailed(
            _("%(number)s is %(amount)s %(currency)s; the line is %(line)s %(line_currency)s.")
            % {
                "number": locked.number,
                "amount": locked.amount,
                "currency": locked.currency,
                "line": abs(line.amount),
                "line_currency": line.currency,
            },
            field="payment_id",
        )
    taken = (
        BankStatementLine.all_companies.filter(payment_id=locked.pk, state=StatementLineState.RECONCILED)
        .exclude(pk=line.pk)
        .exists()
    )
    if taken:
        raise StateError(
            _("%(number)s is already reconciled with another statement line.") % {"number": locked.number}
        )
    return locked


def _partner_of(invoices: Sequence[Invoice], partner_id: int | None) -> int:
    partners = {invoice.partner_id for invoice in invoices}
    if len(partners) > 1:
        raise ValidationFailed(
            _("The invoices belong to different partners: reconcile one partner at a time."),
            field="invoice_ids",
        )
    found = partners.pop()
    if partner_id is not None and partner_id != found:
        raise ValidationFailed(_("The invoices are not of this partner."), field="partner_id")
    return found


def _check_invoice_side(line: BankStatementLine, invoices: Sequence[Invoice]) -> None:
    kinds = INBOUND_INVOICE_KINDS if line.amount > 0 else OUTBOUND_INVOICE_KINDS
    for invoice in invoices:
        if invoice.company_id != line.company_id:
            raise InvalidAccountError(_("The invoice does not belong to this company."), field="invoice_ids")
        if invoice.kind not in kinds:
            message = (
                _("Money received cannot settle %(number)s (%(kind)s).")
                if line.amount > 0
                else _("Money paid out cannot settle %(number)s (%(kind)s).")
            )
            raise ValidationFailed(
                message % {"number": str(invoice), "kind": invoice.get_kind_display()}, field="invoice_ids"
            )


def _register_payment(
    line: BankStatementLine,
    *,
    by: Any,
    invoices: Sequence[Invoice],
    partner_id: int | None,
    wht_tax: Tax | None,
    allow_overpayment: bool,
) -> Payment:
    if invoices:
        _check_invoice_side(line, invoices)
        partner_id = _partner_of(invoices, partner_id)
    assert partner_id is not None  # noqa: S101 - the caller passes invoices or a partner
    payment = payment_register(
        company=line.company,
        partner_id=partner_id,
        journal=line.journal,
        amount=abs(line.amount),
        date=line.date,
        by=by,
        currency=line.currency,
        invoices=list(invoices),
        direction=PaymentDirection.INBOUND if line.amount > 0 else PaymentDirection.OUTBOUND,
        wht_tax=wht_tax,
        allow_overpayment=allow_overpayment,
        memo=line.reference or line.description,
        source_key=_next_source_key(line),
    )
    if payment.state != PaymentState.POSTED:  # the key named an old, cancelled payment
        raise StateError(_("The payment registered for this line earlier is cancelled."))
    return payment


def _counter_entry(
    line: BankStatementLine, *, by: Any, counter_account_id: int, partner_id: int | None
) -> JournalEntry:
    """Bank against ``counter_account_id`` (a bank fee, interest, a transfer) for the line's amount."""
    company, journal = line.company, line.journal
    counter = Account.all_companies.filter(pk=counter_account_id, company_id=company.pk).first()
    if counter is None:
        raise InvalidAccountError(
            _("The account does not belong to this company."), field="counter_account_id"
        )
    if journal.default_account_id is None:
        raise ValidationFailed(
            _("The journal %(code)s has no bank account.") % {"code": journal.code}, field="journal"
        )
    if counter.pk == journal.default_account_id:
        raise ValidationFailed(
            _("Choose the account on the other side, not the bank account itself."),
            field="counter_account_id",
        )
    inbound = line.amount > 0
    amount = abs(line.amount)
    rate = exchange_rate_on(company=company, currency=line.currency, on_date=line.date)
    in_company = round_to(amount * rate, company.currency)
    label = (line.description or line.reference or line.counterparty)[:200]
    return entry_create(
        company=company,
        journal=journal,
        date=line.date,
        by=by,
        currency=line.currency,
        ref=line.reference or line.description,
        narration=line.description,
        origin=f"bankline:{line.pk}",
        post=True,
        lines=[
            LineSpec(
                account_id=journal.default_account_id,
                debit=in_company if inbound else ZERO,
                credit=ZERO if inbound else in_company,
                amount_currency=line.amount,
                label=label,
            ),
            LineSpec(
                account_id=counter.pk,
                partner_id=partner_id,
                debit=ZERO if inbound else in_company,
                credit=in_company if inbound else ZERO,
                amount_currency=-line.amount,
                label=label,
            ),
        ],
    )


def _locked_line(line: BankStatementLine) -> BankStatementLine:
    return (
        BankStatementLine.all_companies.select_for_update(of=("self",))
        .select_related("company", "journal")
        .get(pk=line.pk)
    )


@transaction.atomic
def statement_line_reconcile(
    *,
    line: BankStatementLine,
    by: Any,
    invoices: Sequence[Invoice] = (),
    payment: Payment | None = None,
    partner_id: int | None = None,
    counter_account_id: int | None = None,
    wht_tax: Tax | None = None,
    allow_overpayment: bool = False,
) -> BankStatementLine:
    """Reconcile a statement line with one of: an existing ``payment`` of the same amount in the journal,
    open ``invoices`` (a payment is registered for the line and matched to them, ``wht_tax`` withheld),
    a ``partner_id`` alone (a payment kept on the partner's account: needs ``allow_overpayment``), or a
    ``counter_account_id`` (an entry bank against that account, e.g. bank fees)."""
    locked = _locked_line(line)
    if locked.state == StatementLineState.RECONCILED:
        raise StateError(_("This statement line is already reconciled."))
    chosen = sum((bool(invoices), payment is not None, counter_account_id is not None))
    if chosen > 1 or (chosen == 0 and partner_id is None):
        raise ValidationFailed(
            _("Reconcile with one of: a payment, invoices, a partner, or an account."), field="__all__"
        )
    if locked.amount == 0:
        raise ValidationFailed(_("A line of zero has nothing to reconcile."), field="amount")
    if wht_tax is not None and (payment is not None or counter_account_id is not None):
        raise ValidationFailed(
            _("Tax is withheld only on a payment registered for invoices or a partner."), field="wht_tax_id"
        )
    changes: dict[str, list[Any]] = {"state": [StatementLineState.OPEN, StatementLineState.RECONCILED]}
    if payment is not None:
        linked = _link_payment(locked, payment)
        if partner_id is not None and partner_id != linked.partner_id:
            raise ValidationFailed(
                _("%(number)s is not a payment of this partner.") % {"number": linked.number},
                field="partner_id",
            )
        locked.payment = linked
        locked.partner_id = linked.partner_id
        changes["payment"] = [None, linked.number]
    elif counter_account_id is not None:
        entry = _counter_entry(locked, by=by, counter_account_id=counter_account_id, partner_id=partner_id)
        locked.entry = entry
        if partner_id is not None:
            locked.partner_id = partner_id
        changes["entry"] = [None, entry.number]
    else:
        registered = _register_payment(
            locked,
            by=by,
            invoices=invoices,
            partner_id=partner_id,
            wht_tax=wht_tax,
            allow_overpayment=allow_overpayment,
        )
        locked.payment = registered
        locked.partner_id = registered.partner_id
        changes["payment"] = [None, registered.number]
    locked.state = StatementLineState.RECONCILED
    locked.save(update_fields=["state", "payment", "entry", "partner"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=locked, changes=changes)
    line.refresh_from_db()
    return line


@transaction.atomic
def statement_line_unreconcile(*, line: BankStatementLine, by: Any) -> BankStatementLine:
    """Undo a reconciliation: cancel the payment it registered (a payment it only pointed at stays) or
    reverse the entry it posted; the line is open again."""
    locked = _locked_line(line)
    if locked.state != StatementLineState.RECONCILED:
        raise StateError(_("This statement line is not reconciled."))
    reason = _("Bank statement line %(line)s unreconciled") % {"line": locked.pk}
    changes: dict[str, list[Any]] = {"state": [StatementLineState.RECONCILED, StatementLineState.OPEN]}
    if locked.payment_id is not None:
        payment = Payment.all_companies.get(pk=locked.payment_id)
        if _made_for_line(payment, locked) and payment.state == PaymentState.POSTED:
            payment_cancel(payment=payment, by=by, reason=reason)
            changes["payment_cancelled"] = [False, True]
        changes["payment"] = [payment.number, None]
    if locked.entry_id is not None:
        entry = JournalEntry.all_companies.get(pk=locked.entry_id)
        entry_reverse(entry=entry, by=by, reason=reason)
        changes["entry"] = [entry.number, None]
    locked.state = StatementLineState.OPEN
    locked.payment = None
    locked.entry = None
    locked.save(update_fields=["state", "payment", "entry"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=locked, changes=changes)
    line.refresh_from_db()
    return line
