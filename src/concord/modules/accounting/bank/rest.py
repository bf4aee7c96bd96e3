"""REST endpoints of bank statements, mounted at /api/v1/accounting/bank/: import, read, suggestions,
reconcile and undo.

Handlers parse, check permission, call one service and answer; the rules live in ``bank.services``.
Looking needs ``accounting.view``; importing and reconciling ``accounting.reconcile``. A statement,
line, journal or document the caller may not see answers 404, exactly as if it did not exist.
"""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import ConfigDict

from concord.core.api.errors import ErrorOut
from concord.core.api.filters import ListFilters
from concord.core.api.pagination import paginated
from concord.core.api.permissions import company_ids_with_perm, permission_denied, require_perm
from concord.core.errors import NotFound, PermissionDeniedError, ValidationFailed
from concord.core.identity.models import User
from concord.modules.accounting.bank.csv_layout import csv_layout, mapping_from
from concord.modules.accounting.bank.matching import suggestions_for
from concord.modules.accounting.bank.services import (
    import_counts,
    statement_import,
    statement_line_reconcile,
    statement_line_unreconcile,
)
from concord.modules.accounting.bank_formats import StatementFormatError, detect_format
from concord.modules.accounting.models import (
    BankStatement,
    BankStatementLine,
    Invoice,
    Journal,
    Payment,
    StatementLineState,
    Tax,
)

router = Router(tags=["accounting"])

_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
_READ_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 422}): ErrorOut}


def _caller(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # auth guarantees a User; this narrows the type
        raise PermissionDeniedError(_("Authentication required."))
    return user


# --------------------------------------------------------------------------- schemas
class StatementOut(Schema):
    id: int
    company_id: int
    journal_id: int
    journal_code: str
    reference: str
    source_format: str
    file_name: str
    date_start: date | None
    date_end: date | None
    balance_start: Decimal | None
    balance_end: Decimal | None
    currency: str
    imported_at: datetime
    lines_total: int
    lines_open: int

    @staticmethod
    def resolve_journal_code(obj: BankStatement) -> str:
        return obj.journal.code

    @staticmethod
    def resolve_lines_total(obj: BankStatement) -> int:
        annotated = getattr(obj, "line_count", None)
        return int(annotated) if annotated is not None else obj.lines.count()

    @staticmethod
    def resolve_lines_open(obj: BankStatement) -> int:
        annotated = getattr(obj, "open_count", None)
        if annotated is not None:
            return int(annotated)
        return obj.lines.filter(state=StatementLineState.OPEN).count()


class ImportedOut(StatementOut):
    lines_imported: int = Field(..., description="Lines this import created.")
    lines_skipped: int = Field(..., description="Lines of the file imported before (same bank id): skipped.")

    @staticmethod
    def resolve_lines_imported(obj: BankStatement) -> int:
        return import_counts(obj).imported

    @staticmethod
    def resolve_lines_skipped(obj: BankStatement) -> int:
        return import_counts(obj).skipped


class LineOut(Schema):
    id: int
    statement_id: int
    journal_id: int
    date: date
    amount: Decimal
    currency: str
    reference: str
    description: str
    counterparty: str
    counterparty_account: str
    unique_id: str
    partner_id: int | None
    state: str
    payment_id: int | None
    entry_id: int | None


class StatementDetailOut(StatementOut):
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj: BankStatement) -> list[BankStatementLine]:
        return list(obj.lines.order_by("date", "pk"))


class SuggestionOut(Schema):
    kind: str = Field(..., description="payment or invoices")
    ids: list[int] = Field(..., description="The payment's id, or the invoices' ids.")
    numbers: list[str]
    partner_id: int | None
    partner_name: str
    amount: Decimal
    score: int
    reasons: list[str]


class StatementUploadIn(Schema):
    """Multipart fields beside ``file``: the journal, and for a CSV file the column mapping."""

    journal_id: int
    date_column: str = Field("", description="CSV: the header of the date column.")
    amount_column: str = Field("", description="CSV: a signed amount column, or give debit and credit.")
    debit_column: str = Field("", description="CSV: money out (positive numbers).")
    credit_column: str = Field("", description="CSV: money in.")
    reference_column: str = ""
    description_column: str = ""
    counterparty_column: str = ""
    date_format: str = Field("%Y-%m-%d", description="CSV: a strptime format, e.g. %d/%m/%Y.")
    decimal_separator: str = Field(".", max_length=1)
    thousands_separator: str = Field(",", max_length=1)
    delimiter: str = Field("", max_length=1, description="CSV: empty to detect it.")


class ReconcileIn(Schema):
    """Exactly one of ``payment_id``, ``invoice_ids``, ``counter_account_id`` (or ``partner_id`` alone)."""

    model_config = ConfigDict(extra="forbid")

    invoice_ids: list[int] = Field([], description="Open invoices of one partner to pay with the line.")
    payment_id: int | None = Field(None, description="A posted payment of the same amount in the journal.")
    counter_account_id: int | None = Field(None, description="Book the line against this account (fees).")
    partner_id: int | None = Field(None, description="The partner (alone: a payment kept as their credit).")
    wht_tax_id: int | None = Field(None, description="Tax withheld on the payment.")
    allow_overpayment: bool = Field(
        False, description="Keep what exceeds the invoices as the partner's credit."
    )


class StatementFilters(ListFilters):
    journal_id: int | None = None

    ordering_fields = {"imported_at": "imported_at", "date_end": "date_end", "id": "pk"}
    default_ordering = ("-imported_at",)

    def select(self, company_ids: list[int] | None) -> "QuerySet[BankStatement]":
        rows = BankStatement.objects.select_related("journal").annotate(
            line_count=Count("lines"),
            open_count=Count("lines", filter=Q(lines__state=StatementLineState.OPEN)),
        )
        if company_ids is not None:
            rows = rows.filter(company_id__in=company_ids)
        if self.journal_id is not None:
            rows = rows.filter(journal_id=self.journal_id)
        return self.order(rows)


# --------------------------------------------------------------------------- helpers
def _statement(request: HttpRequest, statement_id: int, perm: str = "accounting.view") -> BankStatement:
    statement = BankStatement.objects.select_related("journal", "company").filter(pk=statement_id).first()
    if statement is None or not request.user.has_perm("accounting.view", statement):
        raise NotFound(_("There is no such bank statement."))
    require_perm(request, perm, statement)
    return statement


def _line(request: HttpRequest, line_id: int, perm: str = "accounting.view") -> BankStatementLine:
    line = BankStatementLine.objects.select_related("journal", "company").filter(pk=line_id).first()
    if line is None or not request.user.has_perm("accounting.view", line):
        raise NotFound(_("There is no such statement line."))
    require_perm(request, perm, line)
    return line


def _suggestions_out(line: BankStatementLine) -> list[dict[str, Any]]:
    return [
        {
            "kind": suggestion.kind,
            "ids": list(suggestion.ids),
            "numbers": list(suggestion.numbers),
            "partner_id": suggestion.partner_id,
            "partner_name": suggestion.partner_name,
            "amount": suggestion.amount,
            "score": suggestion.score,
            "reasons": list(suggestion.reasons),
        }
        for suggestion in suggestions_for(line)
    ]


def _mapping_fields(payload: StatementUploadIn) -> dict[str, str]:
    return {name: value for name, value in payload.model_dump().items() if isinstance(value, str)}


def _missing_mapping(data: bytes) -> ValidationFailed:
    try:
        columns = ", ".join(csv_layout(data).columns)
    except StatementFormatError as exc:
        return exc
    return ValidationFailed(
        _(
            "This is a CSV file: give date_column and amount_column (or debit_column and credit_column). "
            "Its columns: %(columns)s."
        )
        % {"columns": columns},
        field="date_column",
    )


# --------------------------------------------------------------------------- statements
@router.post("/statements", response={201: ImportedOut, 200: ImportedOut, **_ERRORS})
def statement_upload(
    request: HttpRequest, payload: Form[StatementUploadIn], file: File[UploadedFile]
) -> Status[Any]:
    """Import a statement file (multipart: ``file``, ``journal_id``, and for CSV the column mapping).

    201 with the new statement; 200 with the statement that holds them when every line was imported
    before (nothing is written). A file that cannot be read answers 422 and writes nothing."""
    journal = Journal.objects.select_related("company").filter(pk=payload.journal_id).first()
    if journal is None or not request.user.has_perm("accounting.view", journal):
        raise NotFound(_("There is no such journal."), field="journal_id")
    require_perm(request, "accounting.reconcile", journal)
    data = file.read()
    mapping = None
    if detect_format(data, file.name or "") == "csv":
        if not payload.date_column:
            raise _missing_mapping(data)
        mapping = mapping_from(_mapping_fields(payload))
    statement = statement_import(
        company=journal.company,
        journal=journal,
        data=data,
        filename=file.name or "",
        by=_caller(request),
        mapping=mapping,
    )
    return Status(201 if import_counts(statement).imported else 200, statement)


@router.get("/statements", response={200: list[StatementOut], frozenset({401, 403, 422}): ErrorOut})
@paginated
def statement_list(request: HttpRequest, filters: Query[StatementFilters]) -> "QuerySet[BankStatement]":
    """Bank statements of the companies where you may view accounting, latest import first."""
    company_ids = company_ids_with_perm(_caller(request), "accounting.view")
    if company_ids is not None and not company_ids:
        raise permission_denied("accounting.view")
    return filters.select(company_ids)


@router.get("/statements/{statement_id}", response={200: StatementDetailOut, **_READ_ERRORS})
def statement_get(request: HttpRequest, statement_id: int) -> BankStatement:
    return _statement(request, statement_id)


# --------------------------------------------------------------------------- lines
@router.get("/lines/{line_id}", response={200: LineOut, **_READ_ERRORS})
def line_get(request: HttpRequest, line_id: int) -> BankStatementLine:
    return _line(request, line_id)


@router.get("/lines/{line_id}/suggestions", response={200: list[SuggestionOut], **_READ_ERRORS})
def line_suggestions(request: HttpRequest, line_id: int) -> list[dict[str, Any]]:
    """The likely matches of an open line, best first (none once it is reconciled)."""
    return _suggestions_out(_line(request, line_id))


@router.post("/lines/{line_id}/reconcile", response={200: LineOut, **_ERRORS})
def line_reconcile(request: HttpRequest, line_id: int, payload: ReconcileIn) -> BankStatementLine:
    """Reconcile the line with a payment, invoices, a partner's account or a counter account."""
    line = _line(request, line_id, "accounting.reconcile")
    company_id = line.company_id
    payment = None
    if payload.payment_id is not None:
        payment = Payment.all_companies.filter(pk=payload.payment_id, company_id=company_id).first()
        if payment is None:
            raise NotFound(_("There is no such payment."), field="payment_id")
    invoices: list[Invoice] = []
    if payload.invoice_ids:
        invoices = list(Invoice.all_companies.filter(pk__in=payload.invoice_ids, company_id=company_id))
        if len(invoices) != len(set(payload.invoice_ids)):
            raise NotFound(_("One of the invoices does not exist."), field="invoice_ids")
    wht_tax = None
    if payload.wht_tax_id is not None:
        wht_tax = Tax.all_companies.filter(pk=payload.wht_tax_id, company_id=company_id).first()
        if wht_tax is None:
            raise NotFound(_("There is no such tax."), field="wht_tax_id")
    return statement_line_reconcile(
        line=line,
        by=_caller(request),
        invoices=invoices,
        payment=payment,
        partner_id=payload.partner_id,
        counter_account_id=payload.counter_account_id,
        wht_tax=wht_tax,
        allow_overpayment=payload.allow_overpayment,
    )


@router.post("/lines/{line_id}/unreconcile", response={200: LineOut, **_ERRORS})
def line_unreconcile(request: HttpRequest, line_id: int) -> BankStatementLine:
    """Undo the line's reconciliation: the payment it registered is cancelled, its entry reversed."""
    line = _line(request, line_id, "accounting.reconcile")
    return statement_line_unreconcile(line=line, by=_caller(request))
