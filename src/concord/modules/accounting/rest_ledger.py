"""REST endpoints of the ledger, mounted at /api/v1/accounting/: set-up and settings, fiscal periods, the
chart, journals, taxes, payment terms, entries, invoices, payments, reconciliation, partner balances.

Handlers parse, check the permission in the object's company (area ``accounting``), call one service and
answer; the rules live in ``services``. A row of a company where the caller may not view accounting
answers 404, exactly as if it did not exist; a body naming another company's journal, payment term,
invoice or tax is a 422 on that field (accounts, partners and taxes of lines are checked by the services,
on ``lines``). Amounts are decimal strings rounded to their currency's minor unit.

Which action each write needs: ``settings`` to set up, lock and close periods; ``add`` to draft entries,
invoices and credit notes; ``post`` to post (``post: true`` on a create needs ``add`` and ``post``, and so
does registering a payment, which posts at once); ``change`` and ``delete`` for drafts; ``cancel`` to
cancel invoices and payments and to reverse entries; ``reconcile`` to undo a match.
"""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from django.db import transaction
from django.db.models import F, Model, Prefetch, Q, QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, FilterLookup, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from concord.core.api.errors import ErrorOut
from concord.core.api.filters import ListFilters
from concord.core.api.pagination import paginated
from concord.core.api.permissions import (
    api_caller,
    api_company,
    has_company_perm,
    permission_denied,
    row_for_perm,
    rows_for_perm,
)
from concord.core.errors import NotFound
from concord.core.identity.models import Company
from concord.core.money.currencies import minor_units
from concord.core.money.money import Money
from concord.modules.accounting.errors import InvalidAccountError
from concord.modules.accounting.models import (
    Account,
    AccountingSettings,
    AccountSubtype,
    AccountType,
    EntryState,
    FiscalPeriod,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceState,
    Journal,
    JournalEntry,
    JournalKind,
    JournalLine,
    Payment,
    PaymentDirection,
    PaymentState,
    PaymentTerm,
    PeriodState,
    Tax,
    TaxKind,
    TaxScope,
)
from concord.modules.accounting.queries import matched_entries
from concord.modules.accounting.services import entries as entry_services
from concord.modules.accounting.services import invoices as invoice_services
from concord.modules.accounting.services import payments as payment_services
from concord.modules.accounting.services import reconcile as reconcile_services
from concord.modules.accounting.services import setup as setup_services
from concord.modules.accounting.taxcalc import TaxRule, line_amounts
from concord.modules.parties.facade import party_summary

router = Router(tags=["accounting"])

M = TypeVar("M", bound=Model)

_ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
_READ_ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 422}): ErrorOut}

VIEW = "accounting.view"
ADD = "accounting.add"
CHANGE = "accounting.change"
DELETE = "accounting.delete"
POST = "accounting.post"
CANCEL = "accounting.cancel"
RECONCILE = "accounting.reconcile"
SETTINGS = "accounting.settings"

_OPEN_INVOICE_STATES = (InvoiceState.POSTED, InvoiceState.PARTIAL)
# An open-items answer lists at most this many lines per side; the totals always cover every line.
OPEN_ITEMS_SHOWN = 500


# --------------------------------------------------------------------------- amounts
def _money(amount: Decimal | None, currency: str) -> Decimal:
    """``amount`` rounded half up to ``currency``'s minor unit (the stored columns keep 6 decimals)."""
    return Money(amount or Decimal(0), currency).rounded().amount


def _decimals(number: Decimal) -> int:
    """How many decimals ``number`` really has (1.250000 -> 2, 1000 -> 0)."""
    exponent = number.normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


def _price(amount: Decimal, currency: str) -> Decimal:
    """A unit price: the currency's decimals, or more when the price really has more (0.125 a unit)."""
    return amount.quantize(Decimal(1).scaleb(-max(minor_units(currency), _decimals(amount))))


def _plain(number: Decimal | None) -> Decimal | None:
    """A quantity, rate or percentage without the column's trailing zeros (1.000000 -> 1)."""
    if number is None:
        return None
    return number.quantize(Decimal(1).scaleb(-_decimals(number)))


# --------------------------------------------------------------------------- schemas: input
class InputSchema(Schema):
    """Request bodies refuse unknown fields (422 naming them): a typo must not pass silently."""

    model_config = ConfigDict(extra="forbid")


class SetupIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    template: str = Field(..., description="Chart of accounts: ifrs_sme, th_npae (Thai) or kh (Cambodian).")
    fiscal_year: int | None = Field(None, ge=1900, le=2999, description="Defaults to this year.")


class SettingsPatch(InputSchema):
    lock_date: dt.date | None = Field(..., description="Nothing posts on or before this date; null unlocks.")


class EntryLineIn(InputSchema):
    account_id: int
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    partner_id: int | None = None
    label: str = Field("", max_length=200)


class EntryIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    journal_id: int
    date: dt.date
    ref: str = Field("", max_length=100)
    narration: str = ""
    lines: list[EntryLineIn] = Field(..., max_length=5000)
    post: bool = Field(False, description="Post at once (needs accounting.post): it must balance.")


class ReverseIn(InputSchema):
    date: Annotated[dt.date | None, Field(description="Defaults to the entry's own date.")] = None
    reason: str = ""


class InvoiceLineIn(InputSchema):
    product_id: int | None = None
    description: str = Field(..., max_length=300)
    quantity: Decimal = Decimal(1)
    unit_price: Decimal
    discount_percent: Decimal = Decimal(0)
    tax_ids: list[int] | None = Field(None, description="Omitted: the product's default taxes.")
    account_id: int | None = Field(None, description="Defaults to the company's income or expense account.")


class InvoiceIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    kind: InvoiceKind
    partner_id: int
    date: dt.date | None = Field(None, description="Defaults to today.")
    currency: str | None = Field(None, description="ISO 4217; defaults to the partner's, then the company's.")
    payment_term_id: int | None = None
    due_date: dt.date | None = Field(None, description="Defaults from the payment term or the partner.")
    journal_id: int | None = Field(None, description="Defaults to the first sales or purchase journal.")
    ref: str = Field("", max_length=100)
    narration: str = ""
    lines: list[InvoiceLineIn] = Field(..., max_length=5000)
    post: bool = Field(False, description="Post at once (needs accounting.post).")


class InvoicePatch(InputSchema):
    date: dt.date | None = None
    due_date: dt.date | None = None
    payment_term_id: int | None = None
    ref: str | None = Field(None, max_length=100)
    narration: str | None = None
    lines: list[InvoiceLineIn] | None = Field(None, max_length=5000, description="Replaces every line.")


class InvoiceCancelIn(InputSchema):
    reason: str = ""
    date: Annotated[
        dt.date | None, Field(description="Date of the reversal; defaults to the invoice's date.")
    ] = None


class CreditNoteIn(InputSchema):
    date: Annotated[dt.date | None, Field(description="Defaults to today.")] = None
    reason: str = ""


class PaymentIn(InputSchema):
    company_id: int | None = Field(None, description="Defaults to your default company.")
    partner_id: int
    journal_id: int = Field(..., description="A bank or cash journal.")
    amount: Decimal = Field(..., description="What moved on the bank or cash account.")
    date: dt.date
    currency: str | None = Field(None, description="Defaults to the invoices' currency.")
    invoice_ids: list[int] = Field([], max_length=1000)
    direction: PaymentDirection | None = Field(None, description="Needed without invoices.")
    partner_side: str | None = Field(None, description="customer or supplier; needed without invoices.")
    wht_tax_id: int | None = Field(None, description="The withholding tax deducted, if any.")
    wht_base: Decimal | None = Field(None, description="Defaults to the untaxed share of what is paid.")
    allow_overpayment: bool = Field(False, description="Keep what exceeds the amount due as credit.")
    memo: str = Field("", max_length=200)


class PaymentCancelIn(InputSchema):
    date: Annotated[
        dt.date | None, Field(description="Date of the reversal; defaults to the payment's date.")
    ] = None
    reason: str = ""


# --------------------------------------------------------------------------- schemas: output
class SettingsOut(Schema):
    company_id: int
    company_currency: str
    chart_template: str
    lock_date: dt.date | None
    defaults: dict[str, int] = Field(..., description="Role (receivable, payable, ...) -> account id.")

    @staticmethod
    def resolve_company_currency(obj: AccountingSettings) -> str:
        return obj.company.currency


class FiscalPeriodOut(Schema):
    id: int
    company_id: int
    fiscal_year_id: int
    fiscal_year: str
    name: str
    date_start: dt.date
    date_end: dt.date
    state: PeriodState

    @staticmethod
    def resolve_fiscal_year(obj: FiscalPeriod) -> str:
        return obj.fiscal_year.name


class AccountOut(Schema):
    id: int
    company_id: int
    code: str
    name: str
    local_name: str
    account_type: AccountType
    subtype: AccountSubtype
    parent_id: int | None
    is_group: bool
    reconcile: bool
    currency: str
    is_active: bool


class JournalOut(Schema):
    id: int
    company_id: int
    code: str
    name: str
    kind: JournalKind
    default_account_id: int | None
    currency: str
    bank_account_number: str
    is_active: bool


class TaxOut(Schema):
    id: int
    company_id: int
    code: str
    name: str
    kind: TaxKind
    amount_type: str
    amount: Decimal = Field(..., description="The rate in percent, or the fixed amount per unit.")
    price_include: bool
    scope: TaxScope
    sale_account_id: int | None
    purchase_account_id: int | None
    income_type: str
    children_ids: list[int]
    is_active: bool

    @staticmethod
    def resolve_amount(obj: Tax) -> Decimal | None:
        return _plain(obj.amount)

    @staticmethod
    def resolve_children_ids(obj: Tax) -> list[int]:
        return [child.pk for child in obj.children.all()]


class PaymentTermOut(Schema):
    id: int
    company_id: int
    name: str
    days: int
    end_of_month: bool


class JournalLineOut(Schema):
    id: int
    entry_id: int
    account_id: int
    account_code: str
    partner_id: int | None
    date: dt.date
    label: str
    debit: Decimal
    credit: Decimal
    amount_currency: Decimal
    currency: str
    tax_id: int | None
    tax_base: Decimal
    due_date: dt.date | None
    amount_residual: Decimal
    amount_residual_currency: Decimal
    reconciled: bool

    @staticmethod
    def resolve_account_code(obj: JournalLine) -> str:
        return obj.account.code

    @staticmethod
    def resolve_debit(obj: JournalLine) -> Decimal:
        return _money(obj.debit, obj.company.currency)

    @staticmethod
    def resolve_credit(obj: JournalLine) -> Decimal:
        return _money(obj.credit, obj.company.currency)

    @staticmethod
    def resolve_tax_base(obj: JournalLine) -> Decimal:
        return _money(obj.tax_base, obj.company.currency)

    @staticmethod
    def resolve_amount_residual(obj: JournalLine) -> Decimal:
        return _money(obj.amount_residual, obj.company.currency)

    @staticmethod
    def resolve_amount_currency(obj: JournalLine) -> Decimal:
        return _money(obj.amount_currency, obj.currency)

    @staticmethod
    def resolve_amount_residual_currency(obj: JournalLine) -> Decimal:
        return _money(obj.amount_residual_currency, obj.currency)


class EntryOut(Schema):
    id: int
    company_id: int
    journal_id: int
    journal_code: str
    number: str
    date: dt.date
    ref: str
    narration: str
    state: EntryState
    currency: str
    origin: str
    reversal_of_id: int | None
    reversed_by_id: int | None
    total_debit: Decimal = Field(..., description="In company currency.")
    total_credit: Decimal = Field(..., description="In company currency.")
    posted_at: dt.datetime | None
    posted_by_id: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_journal_code(obj: JournalEntry) -> str:
        return obj.journal.code

    @staticmethod
    def resolve_reversed_by_id(obj: JournalEntry) -> int | None:
        try:
            return obj.reversed_by.pk
        except JournalEntry.DoesNotExist:
            return None

    @staticmethod
    def resolve_total_debit(obj: JournalEntry) -> Decimal:
        return _money(getattr(obj, "total_debit", None), obj.company.currency)

    @staticmethod
    def resolve_total_credit(obj: JournalEntry) -> Decimal:
        return _money(getattr(obj, "total_credit", None), obj.company.currency)


class EntryDetailOut(EntryOut):
    lines: list[JournalLineOut]

    @staticmethod
    def resolve_lines(obj: JournalEntry) -> list[JournalLine]:
        return list(obj.lines.all())


class InvoiceLineOut(Schema):
    id: int
    sequence: int
    product_id: int | None
    description: str
    account_id: int
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    tax_ids: list[int]
    price_subtotal: Decimal
    price_total: Decimal

    @staticmethod
    def resolve_quantity(obj: InvoiceLine) -> Decimal | None:
        return _plain(obj.quantity)

    @staticmethod
    def resolve_discount_percent(obj: InvoiceLine) -> Decimal | None:
        return _plain(obj.discount_percent)

    @staticmethod
    def resolve_unit_price(obj: InvoiceLine) -> Decimal:
        return _price(obj.unit_price, obj.invoice.currency)

    @staticmethod
    def resolve_tax_ids(obj: InvoiceLine) -> list[int]:
        return [tax.pk for tax in obj.taxes.all()]

    @staticmethod
    def resolve_price_subtotal(obj: InvoiceLine) -> Decimal:
        return _money(obj.price_subtotal, obj.invoice.currency)

    @staticmethod
    def resolve_price_total(obj: InvoiceLine) -> Decimal:
        return _money(obj.price_total, obj.invoice.currency)


class InvoiceTaxOut(Schema):
    tax_id: int
    code: str
    name: str
    base: Decimal
    amount: Decimal


class MatchOut(Schema):
    """A document matched against this one, and how much of it (in this document's currency)."""

    id: int
    number: str
    date: dt.date
    amount: Decimal
    currency: str
    state: str


class InvoiceOut(Schema):
    id: int
    company_id: int
    kind: InvoiceKind
    number: str
    partner_id: int
    partner_name: str
    journal_id: int
    date: dt.date
    due_date: dt.date | None
    payment_term_id: int | None
    currency: str
    rate: Decimal = Field(..., description="Company-currency units per unit of the invoice's currency.")
    state: InvoiceState
    ref: str
    narration: str
    origin: str
    reversed_invoice_id: int | None
    amount_untaxed: Decimal
    amount_tax: Decimal
    amount_total: Decimal
    amount_residual: Decimal = Field(..., description="Still due, in the invoice's currency.")
    amount_total_company: Decimal = Field(..., description="The total in company currency, once posted.")
    entry_id: int | None
    cancel_entry_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_partner_name(obj: Invoice) -> str:
        return str(getattr(obj, "partner_name", ""))

    @staticmethod
    def resolve_rate(obj: Invoice) -> Decimal | None:
        return _plain(obj.rate)

    @staticmethod
    def resolve_amount_untaxed(obj: Invoice) -> Decimal:
        return _money(obj.amount_untaxed, obj.currency)

    @staticmethod
    def resolve_amount_tax(obj: Invoice) -> Decimal:
        return _money(obj.amount_tax, obj.currency)

    @staticmethod
    def resolve_amount_total(obj: Invoice) -> Decimal:
        return _money(obj.amount_total, obj.currency)

    @staticmethod
    def resolve_amount_residual(obj: Invoice) -> Decimal:
        return _money(obj.amount_residual, obj.currency)

    @staticmethod
    def resolve_amount_total_company(obj: Invoice) -> Decimal:
        return _money(obj.amount_total_company, obj.company.currency)


class InvoiceDetailOut(InvoiceOut):
    lines: list[InvoiceLineOut]
    taxes: list[InvoiceTaxOut] = Field(..., description="Each tax's base and amount, over every line.")
    payments: list[MatchOut] = Field(..., description="Payments matched against the invoice.")
    matched_invoices: list[MatchOut] = Field(
        ..., description="Credit notes (or, for a credit note, invoices) matched against it."
    )
    credit_note_ids: list[int]

    @staticmethod
    def resolve_lines(obj: Invoice) -> list[InvoiceLine]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_taxes(obj: Invoice) -> list[dict[str, Any]]:
        return _invoice_taxes(obj)

    @staticmethod
    def resolve_payments(obj: Invoice) -> list[dict[str, Any]]:
        return _matches(obj.entry_id, obj.currency)[0]

    @staticmethod
    def resolve_matched_invoices(obj: Invoice) -> list[dict[str, Any]]:
        return _matches(obj.entry_id, obj.currency)[1]

    @staticmethod
    def resolve_credit_note_ids(obj: Invoice) -> list[int]:
        return sorted(note.pk for note in obj.credit_notes.all())


class PaymentOut(Schema):
    id: int
    company_id: int
    direction: PaymentDirection
    number: str
    partner_id: int
    journal_id: int
    date: dt.date
    amount: Decimal
    currency: str
    rate: Decimal
    memo: str
    state: PaymentState
    wht_tax_id: int | None
    wht_base: Decimal
    wht_amount: Decimal
    entry_id: int
    cancel_entry_id: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_amount(obj: Payment) -> Decimal:
        return _money(obj.amount, obj.currency)

    @staticmethod
    def resolve_rate(obj: Payment) -> Decimal | None:
        return _plain(obj.rate)

    @staticmethod
    def resolve_wht_base(obj: Payment) -> Decimal:
        return _money(obj.wht_base, obj.currency)

    @staticmethod
    def resolve_wht_amount(obj: Payment) -> Decimal:
        return _money(obj.wht_amount, obj.currency)


class PaymentDetailOut(PaymentOut):
    invoices: list[MatchOut] = Field(..., description="Invoices the payment settles, and by how much.")

    @staticmethod
    def resolve_invoices(obj: Payment) -> list[dict[str, Any]]:
        return _matches(obj.entry_id, obj.currency)[1]


class UnreconcileOut(Schema):
    undone: int = Field(..., description="How many matches were undone.")
    line: JournalLineOut


class OpenItemOut(Schema):
    line_id: int
    entry_id: int
    entry_number: str
    invoice_id: int | None
    date: dt.date
    due_date: dt.date | None
    label: str
    currency: str
    amount_residual: Decimal = Field(..., description="Open, in company currency (signed: debit positive).")
    amount_residual_currency: Decimal = Field(..., description="Open, in the line's currency (signed).")
    overdue: bool


class BalanceSideOut(Schema):
    open_amount: Decimal = Field(
        ..., description="What is open, in company currency, owed in this direction."
    )
    overdue_amount: Decimal
    open_count: int
    items: list[OpenItemOut] = Field(..., description=f"The oldest {OPEN_ITEMS_SHOWN} open items at most.")


class PartnerBalanceOut(Schema):
    partner_id: int
    company_id: int
    currency: str = Field(..., description="The company's currency, of every amount below.")
    as_of: dt.date
    receivable: BalanceSideOut = Field(..., description="What the partner owes us.")
    payable: BalanceSideOut = Field(..., description="What we owe the partner.")
    net: Decimal = Field(..., description="Receivable minus payable.")


# --------------------------------------------------------------------------- filters
class _CompanyFilters(ListFilters):
    company_id: int | None = Field(None, description="Only this company's rows.")


class FiscalPeriodFilters(_CompanyFilters):
    state: PeriodState | None = None
    year: Annotated[int | None, FilterLookup("fiscal_year__date_start__year")] = Field(
        None, description="Periods of the fiscal year starting in this year."
    )

    ordering_fields = {"date_start": "date_start", "id": "pk"}
    default_ordering = ("date_start",)


class AccountFilters(_CompanyFilters):
    type: Annotated[AccountType | None, FilterLookup("account_type")] = None
    subtype: AccountSubtype | None = None
    q: Annotated[
        str | None, FilterLookup(["code__istartswith", "name__icontains", "local_name__icontains"])
    ] = Field(None, description="Start of the code, or text in the name.")
    is_group: bool | None = None
    is_active: bool | None = None

    ordering_fields = {"code": "code", "name": "name", "id": "pk"}
    default_ordering = ("code",)


class JournalFilters(_CompanyFilters):
    kind: JournalKind | None = None
    is_active: bool | None = None

    ordering_fields = {"code": "code", "name": "name", "id": "pk"}
    default_ordering = ("code",)


class TaxFilters(_CompanyFilters):
    kind: TaxKind | None = None
    scope: TaxScope | None = None
    is_active: bool | None = None

    ordering_fields = {"code": "code", "name": "name", "id": "pk"}
    default_ordering = ("code",)


class PaymentTermFilters(_CompanyFilters):
    ordering_fields = {"days": "days", "name": "name", "id": "pk"}
    default_ordering = ("days",)


class EntryFilters(_CompanyFilters):
    journal_id: int | None = None
    journal: Annotated[str | None, FilterLookup("journal__code__iexact")] = Field(
        None, description="Journal code, e.g. MISC."
    )
    state: EntryState | None = None
    date_from: Annotated[dt.date | None, FilterLookup("date__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("date__lte")] = None
    partner_id: int | None = Field(None, description="Entries with a line of this partner.")
    q: Annotated[str | None, FilterLookup(["number__icontains", "ref__icontains"])] = None

    ordering_fields = {"date": "date", "number": "number", "created_at": "created_at", "id": "pk"}
    default_ordering = ("-date",)

    def filter_partner_id(self, value: int | None) -> Q:
        if value is None:
            return Q()
        return Q(pk__in=JournalLine.objects.filter(partner_id=value).values("entry_id"))


class InvoiceFilters(_CompanyFilters):
    kind: InvoiceKind | None = None
    state: InvoiceState | None = None
    partner_id: int | None = None
    date_from: Annotated[dt.date | None, FilterLookup("date__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("date__lte")] = None
    overdue: bool | None = Field(
        None, description="true: posted or partly paid and due before today; false: every other one."
    )
    q: Annotated[str | None, FilterLookup(["number__icontains", "ref__icontains"])] = None

    ordering_fields = {
        "date": "date",
        "due_date": "due_date",
        "number": "number",
        "amount_total": "amount_total",
        "amount_residual": "amount_residual",
        "created_at": "created_at",
        "id": "pk",
    }
    default_ordering = ("-date",)

    def filter_overdue(self, value: bool | None) -> Q:
        if value is None:
            return Q()
        overdue = Q(state__in=_OPEN_INVOICE_STATES, due_date__lt=timezone.localdate())
        return overdue if value else ~overdue


class PaymentFilters(_CompanyFilters):
    direction: PaymentDirection | None = None
    state: PaymentState | None = None
    partner_id: int | None = None
    journal_id: int | None = None
    date_from: Annotated[dt.date | None, FilterLookup("date__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("date__lte")] = None

    ordering_fields = {"date": "date", "number": "number", "amount": "amount", "id": "pk"}
    default_ordering = ("-date",)


# --------------------------------------------------------------------------- helpers


def _in_company(rows: QuerySet[M], pk: int | None, company: Company, *, field: str, missing: str) -> M | None:
    """A row a body refers to, which must belong to ``company`` (a 422 on ``field`` otherwise)."""
    if pk is None:
        return None
    found = rows.filter(pk=pk, company_id=company.pk).first()
    if found is None:
        raise InvalidAccountError(missing % {"company": company.name}, field=field)
    return found


def _journal(company: Company, journal_id: int) -> Journal:
    journal = _in_company(
        Journal.all_companies.all(),
        journal_id,
        company,
        field="journal_id",
        missing=_("There is no such journal in %(company)s."),
    )
    assert journal is not None  # noqa: S101 - journal_id is not None, so _in_company found or raised
    return journal


def _payment_term(company: Company, term_id: int | None) -> PaymentTerm | None:
    return _in_company(
        PaymentTerm.all_companies.all(),
        term_id,
        company,
        field="payment_term_id",
        missing=_("There is no such payment term in %(company)s."),
    )


def _entries() -> QuerySet[JournalEntry]:
    return JournalEntry.objects.select_related("journal", "company", "reversed_by").annotate(
        total_debit=Sum("lines__debit"), total_credit=Sum("lines__credit")
    )


def _entry_detail(entry_id: int) -> JournalEntry:
    return (
        JournalEntry.all_companies.select_related("journal", "company", "reversed_by")
        .prefetch_related(_lines_prefetch("lines"))
        .annotate(total_debit=Sum("lines__debit"), total_credit=Sum("lines__credit"))
        .get(pk=entry_id)
    )


def _lines_prefetch(lookup: str) -> Prefetch[Any]:
    return Prefetch(lookup, queryset=JournalLine.all_companies.select_related("account", "company"))


def _invoices() -> QuerySet[Invoice]:
    return Invoice.objects.select_related("company").annotate(partner_name=F("partner__name"))


def _invoice_detail(invoice_id: int) -> Invoice:
    return (
        Invoice.all_companies.select_related("company")
        .annotate(partner_name=F("partner__name"))
        .prefetch_related("lines__taxes", "lines__invoice", "credit_notes")
        .get(pk=invoice_id)
    )


def _line_inputs(lines: list[InvoiceLineIn]) -> list[invoice_services.InvoiceLineInput]:
    return [
        invoice_services.InvoiceLineInput(
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            product_id=line.product_id,
            account_id=line.account_id,
            discount_percent=line.discount_percent,
            tax_ids=tuple(line.tax_ids) if line.tax_ids is not None else None,
        )
        for line in lines
    ]


def _invoice_taxes(invoice: Invoice) -> list[dict[str, Any]]:
    """Each tax's base and amount over the invoice's lines, by the arithmetic posting uses."""
    totals: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    taxes: dict[int, Tax] = {}
    for line in invoice.lines.all():
        leaves = list(line.taxes.all())
        if not leaves:
            continue
        amounts = line_amounts(
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            taxes=[TaxRule(tax.pk, tax.amount_type, tax.amount, tax.price_include) for tax in leaves],
            currency=invoice.currency,
        )
        for tax, amount in zip(leaves, amounts.taxes, strict=True):
            taxes[tax.pk] = tax
            totals[tax.pk][0] += amount.base
            totals[tax.pk][1] += amount.amount
    return [
        {
            "tax_id": tax_id,
            "code": taxes[tax_id].code,
            "name": taxes[tax_id].name,
            "base": _money(base, invoice.currency),
            "amount": _money(amount, invoice.currency),
        }
        for tax_id, (base, amount) in totals.items()
    ]


def _matches(entry_id: int | None, currency: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The payments and the invoices matched against the entry's lines: (payments, invoices)."""
    if entry_id is None:
        return [], []
    matched = matched_entries(entry_id)  # the other side's entry id -> amount in currency
    if not matched:
        return [], []
    payments = [
        {
            "id": payment.pk,
            "number": payment.number,
            "date": payment.date,
            "amount": _money(matched[payment.entry_id], currency),
            "currency": currency,
            "state": payment.state,
        }
        for payment in Payment.all_companies.filter(entry_id__in=matched).order_by("date", "pk")
    ]
    invoices = [
        {
            "id": invoice.pk,
            "number": invoice.number,
            "date": invoice.date,
            "amount": _money(matched[invoice.entry_id or 0], currency),
            "currency": currency,
            "state": invoice.state,
        }
        for invoice in Invoice.all_companies.filter(entry_id__in=matched).order_by("date", "pk")
    ]
    return payments, invoices


def _open_items(company: Company, partner_id: int) -> dict[str, Any]:
    """The partner's open receivable and payable lines and their totals, oldest due first."""
    today = timezone.localdate()
    currency = company.currency
    rows = (
        JournalLine.all_companies.filter(
            company_id=company.pk,
            partner_id=partner_id,
            posted=True,
            reconciled=False,
            account__reconcile=True,
            account__subtype__in=(AccountSubtype.RECEIVABLE, AccountSubtype.PAYABLE),
        )
        .order_by(F("due_date").asc(nulls_last=True), "date", "pk")
        .values(
            "pk",
            "entry_id",
            "entry__number",
            "account__subtype",
            "date",
            "due_date",
            "label",
            "currency",
            "amount_residual",
            "amount_residual_currency",
        )
    )
    sides: dict[str, dict[str, Any]] = {
        subtype: {"open_amount": Decimal(0), "overdue_amount": Decimal(0), "open_count": 0, "items": []}
        for subtype in (AccountSubtype.RECEIVABLE, AccountSubtype.PAYABLE)
    }
    for row in rows:
        side = sides[row["account__subtype"]]
        # A receivable's open debit is owed to us, a payable's open credit by us: both count positive.
        sign = 1 if row["account__subtype"] == AccountSubtype.RECEIVABLE else -1
        overdue = row["due_date"] is not None and row["due_date"] < today
        side["open_amount"] += sign * row["amount_residual"]
        side["open_count"] += 1
        if overdue:
            side["overdue_amount"] += sign * row["amount_residual"]
        if len(side["items"]) < OPEN_ITEMS_SHOWN:
            side["items"].append(
                {
                    "line_id": row["pk"],
                    "entry_id": row["entry_id"],
                    "entry_number": row["entry__number"],
                    "date": row["date"],
                    "due_date": row["due_date"],
                    "label": row["label"],
                    "currency": row["currency"],
                    "amount_residual": _money(row["amount_residual"], currency),
                    "amount_residual_currency": _money(row["amount_residual_currency"], row["currency"]),
                    "overdue": overdue,
                }
            )
    shown_entries = {item["entry_id"] for side in sides.values() for item in side["items"]}
    invoice_ids = dict(Invoice.all_companies.filter(entry_id__in=shown_entries).values_list("entry_id", "pk"))
    for side in sides.values():
        side["open_amount"] = _money(side["open_amount"], currency)
        side["overdue_amount"] = _money(side["overdue_amount"], currency)
        for item in side["items"]:
            item["invoice_id"] = invoice_ids.get(item["entry_id"])
    receivable, payable = sides[AccountSubtype.RECEIVABLE], sides[AccountSubtype.PAYABLE]
    return {
        "partner_id": partner_id,
        "company_id": company.pk,
        "currency": currency,
        "as_of": today,
        "receivable": receivable,
        "payable": payable,
        "net": receivable["open_amount"] - payable["open_amount"],
    }


# --------------------------------------------------------------------------- set-up and settings
def _settings(company: Company) -> AccountingSettings:
    found = AccountingSettings.objects.select_related("company").filter(company_id=company.pk).first()
    if found is None:
        raise NotFound(
            _("%(company)s has no chart of accounts yet: set up accounting first.")
            % {"company": company.name},
            code="accounting_not_set_up",
        )
    return found


@router.post("/setup", response={200: SettingsOut, **_ERRORS})
def accounting_setup(request: HttpRequest, payload: SetupIn) -> AccountingSettings:
    """Set the company's books up from a chart template: accounts, journals, taxes, payment terms, the
    fiscal year. Idempotent with the same template; another template is a 409."""
    company = _company(request, payload.company_id, SETTINGS)
    setup_services.accounting_setup(
        company=company, template=payload.template, by=_caller(request), fiscal_year=payload.fiscal_year
    )
    return _settings(company)


@router.get("/settings", response={200: SettingsOut, **_READ_ERRORS})
def settings_get(request: HttpRequest, company_id: int | None = None) -> AccountingSettings:
    """The company's chart template, lock date and default accounts."""
    return _settings(_company(request, company_id, VIEW))


@router.patch("/settings", response={200: SettingsOut, **_ERRORS})
def settings_update(
    request: HttpRequest, payload: SettingsPatch, company_id: int | None = None
) -> AccountingSettings:
    """Set (or, with null, remove) the lock date: nothing posts on or before it."""
    company = _company(request, company_id, SETTINGS)
    setup_services.lock_date_set(company=company, lock_date=payload.lock_date, by=_caller(request))
    return _settings(company)


@router.get("/fiscal-periods", response={200: list[FiscalPeriodOut], **_READ_ERRORS})
@paginated
def fiscal_period_list(request: HttpRequest, filters: Query[FiscalPeriodFilters]) -> QuerySet[FiscalPeriod]:
    """The months of the fiscal years, open or closed."""
    return filters.apply(_visible_rows(request, FiscalPeriod.objects.select_related("fiscal_year")))


def _period_set_state(request: HttpRequest, period_id: int, state: str) -> FiscalPeriod:
    period = _visible(
        request,
        FiscalPeriod.objects.select_related("fiscal_year"),
        period_id,
        SETTINGS,
        _("There is no such fiscal period."),
    )
    return setup_services.fiscal_period_set_state(period=period, state=state, by=_caller(request))


@router.post("/fiscal-periods/{period_id}/close", response={200: FiscalPeriodOut, **_ERRORS})
def fiscal_period_close(request: HttpRequest, period_id: int) -> FiscalPeriod:
    """Close a month: nothing dated in it can post any more."""
    return _period_set_state(request, period_id, PeriodState.CLOSED)


@router.post("/fiscal-periods/{period_id}/reopen", response={200: FiscalPeriodOut, **_ERRORS})
def fiscal_period_reopen(request: HttpRequest, period_id: int) -> FiscalPeriod:
    return _period_set_state(request, period_id, PeriodState.OPEN)


# --------------------------------------------------------------------------- chart, journals, taxes, terms
@router.get("/accounts", response={200: list[AccountOut], **_READ_ERRORS})
@paginated
def account_list(request: HttpRequest, filters: Query[AccountFilters]) -> QuerySet[Account]:
    """The chart of accounts; filter by type, subtype or text."""
    return filters.apply(_visible_rows(request, Account.objects.all()))


@router.get("/accounts/{account_id}", response={200: AccountOut, **_READ_ERRORS})
def account_get(request: HttpRequest, account_id: int) -> Account:
    return _visible(request, Account.objects.all(), account_id, VIEW, _("There is no such account."))


@router.get("/journals", response={200: list[JournalOut], **_READ_ERRORS})
@paginated
def journal_list(request: HttpRequest, filters: Query[JournalFilters]) -> QuerySet[Journal]:
    return filters.apply(_visible_rows(request, Journal.objects.all()))


@router.get("/taxes", response={200: list[TaxOut], **_READ_ERRORS})
@paginated
def tax_list(request: HttpRequest, filters: Query[TaxFilters]) -> QuerySet[Tax]:
    return filters.apply(_visible_rows(request, Tax.objects.prefetch_related("children")))


@router.get("/payment-terms", response={200: list[PaymentTermOut], **_READ_ERRORS})
@paginated
def payment_term_list(request: HttpRequest, filters: Query[PaymentTermFilters]) -> QuerySet[PaymentTerm]:
    return filters.apply(_visible_rows(request, PaymentTerm.objects.all()))


# --------------------------------------------------------------------------- journal entries
@router.get("/entries", response={200: list[EntryOut], **_READ_ERRORS})
@paginated
def entry_list(request: HttpRequest, filters: Query[EntryFilters]) -> QuerySet[JournalEntry]:
    """Journal entries, newest first; filter by journal, state, dates or partner."""
    return filters.apply(_visible_rows(request, _entries()))


@router.get("/entries/{entry_id}", response={200: EntryDetailOut, **_READ_ERRORS})
def entry_get(request: HttpRequest, entry_id: int) -> JournalEntry:
    entry = _visible(request, JournalEntry.objects.all(), entry_id, VIEW, _("There is no such entry."))
    return _entry_detail(entry.pk)


@router.post("/entries", response={201: EntryDetailOut, **_ERRORS})
def entry_create(request: HttpRequest, payload: EntryIn) -> Status[Any]:
    """Write a manual entry as a draft, or posted at once with ``post`` (it must then balance)."""
    company = _company(request, payload.company_id, ADD)
    if payload.post and not has_company_perm(_caller(request), POST, company):
        raise permission_denied(POST)
    entry = entry_services.entry_create(
        company=company,
        journal=_journal(company, payload.journal_id),
        date=payload.date,
        lines=[
            entry_services.LineSpec(
                account_id=line.account_id,
                debit=line.debit,
                credit=line.credit,
                partner_id=line.partner_id,
                label=line.label,
            )
            for line in payload.lines
        ],
        by=_caller(request),
        ref=payload.ref,
        narration=payload.narration,
        post=payload.post,
    )
    return Status(201, _entry_detail(entry.pk))


@router.post("/entries/{entry_id}/post", response={200: EntryDetailOut, **_ERRORS})
def entry_post(request: HttpRequest, entry_id: int) -> JournalEntry:
    """Post a draft: it must balance and fall after the lock date; it gets its number."""
    entry = _visible(request, JournalEntry.objects.all(), entry_id, POST, _("There is no such entry."))
    entry_services.entry_post(entry=entry, by=_caller(request))
    return _entry_detail(entry.pk)


@router.post("/entries/{entry_id}/reverse", response={201: EntryDetailOut, **_ERRORS})
def entry_reverse(request: HttpRequest, entry_id: int, payload: ReverseIn | None = None) -> Status[Any]:
    """Post the mirror image of a posted entry (the way to correct it); answers the reversal."""
    payload = payload or ReverseIn()
    entry = _visible(request, JournalEntry.objects.all(), entry_id, CANCEL, _("There is no such entry."))
    reversal = entry_services.entry_reverse(
        entry=entry, by=_caller(request), date=payload.date, reason=payload.reason
    )
    return Status(201, _entry_detail(reversal.pk))


@router.delete("/entries/{entry_id}", response={204: None, **_ERRORS})
def entry_delete(request: HttpRequest, entry_id: int) -> Status[None]:
    """Delete a draft; a posted entry is a 409 (reverse it instead)."""
    entry = _visible(request, JournalEntry.objects.all(), entry_id, DELETE, _("There is no such entry."))
    entry_services.entry_delete(entry=entry, by=_caller(request))
    return Status(204, None)


# --------------------------------------------------------------------------- invoices
@router.get("/invoices", response={200: list[InvoiceOut], **_READ_ERRORS})
@paginated
def invoice_list(request: HttpRequest, filters: Query[InvoiceFilters]) -> QuerySet[Invoice]:
    """Invoices, bills and credit notes, newest first; ``overdue=true`` for what is late."""
    return filters.apply(_visible_rows(request, _invoices()))


@router.get("/invoices/{invoice_id}", response={200: InvoiceDetailOut, **_READ_ERRORS})
def invoice_get(request: HttpRequest, invoice_id: int) -> Invoice:
    """One invoice with its lines, taxes, and the payments and credit notes matched against it."""
    invoice = _visible(request, Invoice.objects.all(), invoice_id, VIEW, _("There is no such invoice."))
    return _invoice_detail(invoice.pk)


@router.post("/invoices", response={201: InvoiceDetailOut, **_ERRORS})
def invoice_create(request: HttpRequest, payload: InvoiceIn) -> Status[Any]:
    """Draft an invoice, bill or credit note (``post: true`` posts it too; both or neither happen)."""
    company = _company(request, payload.company_id, ADD)
    user = _caller(request)
    if payload.post and not has_company_perm(user, POST, company):
        raise permission_denied(POST)
    with transaction.atomic():  # with ``post``, a refused posting must not leave the draft behind
        invoice = invoice_services.invoice_create(
            company=company,
            kind=payload.kind,
            partner_id=payload.partner_id,
            lines=_line_inputs(payload.lines),
            by=user,
            date=payload.date,
            currency=payload.currency,
            payment_term=_payment_term(company, payload.payment_term_id),
            due_date=payload.due_date,
            journal=_journal(company, payload.journal_id) if payload.journal_id is not None else None,
            ref=payload.ref,
            narration=payload.narration,
        )
        if payload.post:
            invoice_services.invoice_post(invoice=invoice, by=user)
    return Status(201, _invoice_detail(invoice.pk))


@router.patch("/invoices/{invoice_id}", response={200: InvoiceDetailOut, **_ERRORS})
def invoice_update(request: HttpRequest, invoice_id: int, payload: InvoicePatch) -> Invoice:
    """Change a draft (only the fields given; ``lines`` replaces them all). A posted one is a 409."""
    invoice = _visible(
        request, Invoice.objects.select_related("company"), invoice_id, CHANGE, _("There is no such invoice.")
    )
    invoice_services.invoice_update(
        invoice=invoice,
        by=_caller(request),
        lines=_line_inputs(payload.lines) if payload.lines is not None else None,
        date=payload.date,
        due_date=payload.due_date,
        payment_term=_payment_term(invoice.company, payload.payment_term_id),
        ref=payload.ref,
        narration=payload.narration,
    )
    return _invoice_detail(invoice.pk)


@router.delete("/invoices/{invoice_id}", response={204: None, **_ERRORS})
def invoice_delete(request: HttpRequest, invoice_id: int) -> Status[None]:
    """Delete a draft; a posted invoice is a 409 (cancel it instead)."""
    invoice = _visible(request, Invoice.objects.all(), invoice_id, DELETE, _("There is no such invoice."))
    invoice_services.invoice_delete(invoice=invoice, by=_caller(request))
    return Status(204, None)


@router.post("/invoices/{invoice_id}/post", response={200: InvoiceDetailOut, **_ERRORS})
def invoice_post(request: HttpRequest, invoice_id: int) -> Invoice:
    """Post a draft: it gets its number and its entry at the day's exchange rate."""
    invoice = _visible(request, Invoice.objects.all(), invoice_id, POST, _("There is no such invoice."))
    invoice_services.invoice_post(invoice=invoice, by=_caller(request))
    return _invoice_detail(invoice.pk)


@router.post("/invoices/{invoice_id}/cancel", response={200: InvoiceDetailOut, **_ERRORS})
def invoice_cancel(request: HttpRequest, invoice_id: int, payload: InvoiceCancelIn | None = None) -> Invoice:
    """Cancel a draft, or a posted unpaid invoice by a reversal entry (a paid one needs a credit note)."""
    payload = payload or InvoiceCancelIn()
    invoice = _visible(request, Invoice.objects.all(), invoice_id, CANCEL, _("There is no such invoice."))
    invoice_services.invoice_cancel(
        invoice=invoice, by=_caller(request), reason=payload.reason, date=payload.date
    )
    return _invoice_detail(invoice.pk)


@router.post("/invoices/{invoice_id}/apply-credit", response={200: InvoiceDetailOut, **_ERRORS})
def invoice_apply_credit(request: HttpRequest, invoice_id: int) -> Invoice:
    """Settle what is due with the partner's outstanding credit (an overpayment, a credit note)."""
    invoice = _visible(request, Invoice.objects.all(), invoice_id, RECONCILE, _("There is no such invoice."))
    reconcile_services.invoice_credits_apply(invoice=invoice, by=_caller(request))
    return _invoice_detail(invoice.pk)


@router.post("/invoices/{invoice_id}/credit-note", response={201: InvoiceDetailOut, **_ERRORS})
def invoice_credit_note(
    request: HttpRequest, invoice_id: int, payload: CreditNoteIn | None = None
) -> Status[Any]:
    """Draft a credit note of every line of a posted invoice; answers the draft (post it to settle)."""
    payload = payload or CreditNoteIn()
    invoice = _visible(request, Invoice.objects.all(), invoice_id, ADD, _("There is no such invoice."))
    note = invoice_services.credit_note_create(
        invoice=invoice, by=_caller(request), date=payload.date, reason=payload.reason
    )
    return Status(201, _invoice_detail(note.pk))


# --------------------------------------------------------------------------- payments
@router.get("/payments", response={200: list[PaymentOut], **_READ_ERRORS})
@paginated
def payment_list(request: HttpRequest, filters: Query[PaymentFilters]) -> QuerySet[Payment]:
    return filters.apply(_visible_rows(request, Payment.objects.all()))


@router.get("/payments/{payment_id}", response={200: PaymentDetailOut, **_READ_ERRORS})
def payment_get(request: HttpRequest, payment_id: int) -> Payment:
    """One payment with the invoices it settles."""
    return _visible(request, Payment.objects.all(), payment_id, VIEW, _("There is no such payment."))


@router.post("/payments", response={201: PaymentDetailOut, **_ERRORS})
def payment_create(request: HttpRequest, payload: PaymentIn) -> Status[Any]:
    """Register money received or paid and match it to ``invoice_ids`` (oldest due first). It posts at
    once, so it needs accounting.add and accounting.post."""
    company = _company(request, payload.company_id, ADD)
    user = _caller(request)
    if not has_company_perm(user, POST, company):
        raise permission_denied(POST)
    wanted = set(payload.invoice_ids)
    invoices = list(Invoice.all_companies.filter(company_id=company.pk, pk__in=wanted))
    if len(invoices) != len(wanted):
        missing = sorted(wanted - {invoice.pk for invoice in invoices})
        raise InvalidAccountError(
            _("There is no invoice %(ids)s in %(company)s.")
            % {"ids": ", ".join(str(pk) for pk in missing), "company": company.name},
            field="invoice_ids",
        )
    wht_tax = _in_company(
        Tax.all_companies.all(),
        payload.wht_tax_id,
        company,
        field="wht_tax_id",
        missing=_("There is no such tax in %(company)s."),
    )
    payment = payment_services.payment_register(
        company=company,
        partner_id=payload.partner_id,
        journal=_journal(company, payload.journal_id),
        amount=payload.amount,
        date=payload.date,
        by=user,
        currency=payload.currency.upper() if payload.currency else None,
        invoices=invoices,
        direction=payload.direction,
        partner_side=payload.partner_side,
        wht_tax=wht_tax,
        wht_base=payload.wht_base,
        allow_overpayment=payload.allow_overpayment,
        memo=payload.memo,
    )
    return Status(201, Payment.all_companies.get(pk=payment.pk))


@router.post("/payments/{payment_id}/cancel", response={200: PaymentDetailOut, **_ERRORS})
def payment_cancel(request: HttpRequest, payment_id: int, payload: PaymentCancelIn | None = None) -> Payment:
    """Undo a payment: unmatch it from its invoices (due again) and reverse its entry."""
    payload = payload or PaymentCancelIn()
    payment = _visible(request, Payment.objects.all(), payment_id, CANCEL, _("There is no such payment."))
    return payment_services.payment_cancel(
        payment=payment, by=_caller(request), date=payload.date, reason=payload.reason
    )


# --------------------------------------------------------------------------- reconciliation, balances
@router.post("/lines/{line_id}/unreconcile", response={200: UnreconcileOut, **_ERRORS})
def line_unreconcile(request: HttpRequest, line_id: int) -> dict[str, Any]:
    """Undo every match of a receivable or payable line (its invoices are due again)."""
    line = _visible(request, JournalLine.objects.all(), line_id, RECONCILE, _("There is no such line."))
    undone = reconcile_services.line_unreconcile(line=line, by=_caller(request))
    return {
        "undone": undone,
        "line": JournalLine.all_companies.select_related("account", "company").get(pk=line.pk),
    }


@router.get("/partners/{party_id}/balance", response={200: PartnerBalanceOut, **_READ_ERRORS})
def partner_balance(request: HttpRequest, party_id: int) -> dict[str, Any]:
    """What a partner owes and is owed: the open receivable and payable items, oldest due first."""
    partner = party_summary(party_id)
    if partner is None:
        raise NotFound(_("There is no such party."))
    user = _caller(request)
    if not has_company_perm(user, VIEW, partner.company_id):
        raise permission_denied(VIEW)
    company = Company.objects.get(pk=partner.company_id)
    return _open_items(company, partner.id)


# --------------------------------------------------------------------------- access, shared in core.api.permissions
_caller = api_caller
_company = api_company


def _visible_rows(request: HttpRequest, rows: QuerySet[M]) -> QuerySet[M]:
    return rows_for_perm(request, rows, VIEW)


def _visible(request: HttpRequest, rows: QuerySet[M], pk: int, perm: str, missing: str) -> M:
    return row_for_perm(request, rows, pk, perm=perm, view_perm=VIEW, missing=missing)
