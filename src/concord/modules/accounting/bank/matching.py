"""Matching suggestions for a bank statement line: which payment or open invoices it most likely is.

Candidates come from bounded queries (the company, the right side and state, the line's currency, an
amount or a date window, at most ``CANDIDATE_CAP`` rows each): invoices whose residual is the amount,
invoices whose number or partner reference appears in the line's text (compared without spaces,
slashes or case, in SQL), the invoices of a date window around the line, and unmatched posted payments
of the journal with the same amount. Each is scored by the amount (one invoice, or two or three of one
partner adding up), the reference, the partner's name against the counterparty, and the dates.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Length, Replace, Upper
from django.db.models.lookups import Contains
from django.utils.translation import gettext as _

from concord.modules.accounting.bank.services import INBOUND_INVOICE_KINDS, OUTBOUND_INVOICE_KINDS
from concord.modules.accounting.models import (
    BankStatementLine,
    Invoice,
    InvoiceState,
    Payment,
    PaymentDirection,
    PaymentState,
    StatementLineState,
)
from concord.modules.parties.facade import party_summaries

__all__ = [
    "CANDIDATE_CAP",
    "Suggestion",
    "compact_reference",
    "name_similarity",
    "open_invoices_for",
    "suggestions_for",
]

CANDIDATE_CAP = 200
REFERENCE_CAP = 50
PAYMENT_CAP = 50
COMBINATION_CAP = 25  # invoices of one partner tried in combinations (25 choose 3 = 2,300 sums)
WINDOW_BEFORE = dt.timedelta(days=180)  # an invoice is paid at most about half a year after its date
WINDOW_AFTER = dt.timedelta(days=31)  # or a little before it (a deposit)
PAYMENT_WINDOW = dt.timedelta(days=60)
MIN_REFERENCE_LENGTH = 4  # shorter numbers or references would be found in any text
MIN_SCORE = 30

SCORE_AMOUNT = 50
SCORE_COMBINATION = 45
SCORE_REFERENCE = 40
SCORE_PARTNER = 30
SCORE_KNOWN_PARTNER = 30
SCORE_DATE_NEAR = 10
SCORE_DATE_CLOSE = 5

_OPEN_STATES = (InvoiceState.POSTED, InvoiceState.PARTIAL)
# What separates the parts of a document number as people write it: "INV/2026/00012", "INV 2026-00012".
_SEPARATORS = ("/", "-", " ", ".", "_", "#", ":")
_NAME_SPLIT = re.compile(r"[\s.,;:/\\()\[\]{}&'\"+\-_*#|]+")
# Words of company names that say nothing about which company it is.
_NAME_NOISE = frozenset(
    {
        "co",
        "company",
        "ltd",
        "limited",
        "inc",
        "llc",
        "plc",
        "corp",
        "corporation",
        "gmbh",
        "kg",
        "ag",
        "sa",
        "sarl",
        "bv",
        "the",
        "and",
        "of",
        "pcl",
        "public",
        "บริษัท",
        "บจก",
        "บมจ",
        "จำกัด",
        "มหาชน",
        "ห้างหุ้นส่วน",
        "หจก",
        "ร้าน",
        "คุณ",
        "นาย",
        "นาง",
        "นางสาว",
        "ក្រុមហ៊ុន",
        "ឯ.ក",
    }
)
_MIN_PREFIX = 4  # banks cut names short: "BANGKOK LOGIST" is Bangkok Logistics


@dataclass(frozen=True)
class Suggestion:
    """A likely match of a statement line: one payment, or invoices of one partner; best first by score."""

    kind: str  # "payment" or "invoices"
    ids: tuple[int, ...]
    partner_id: int | None
    amount: Decimal  # the payment's amount, or what is due on the invoices
    score: int
    reasons: tuple[str, ...]  # translated, for the user: "same amount", "reference INV/2026/00012 found"
    numbers: tuple[str, ...] = ()
    partner_name: str = ""


@dataclass
class _Candidate:
    kind: str
    ids: tuple[int, ...]
    partner_id: int | None
    amount: Decimal
    numbers: tuple[str, ...]
    score: int = 0
    reasons: list[str] | None = None
    distance_days: int = 0

    def add(self, points: int, reason: str) -> None:
        self.score += points
        if self.reasons is None:
            self.reasons = []
        if reason not in self.reasons:
            self.reasons.append(reason)


# --------------------------------------------------------------------------- text helpers
def compact_reference(text: str) -> str:
    """``text`` without spaces, punctuation or case: "inv 2026/00012" -> "INV202600012"."""
    normalised = unicodedata.normalize("NFKC", text).upper()
    return "".join(char for char in normalised if char.isalnum())


def _sql_compact(field: str) -> Upper:
    expression: F | Replace = F(field)
    for separator in _SEPARATORS:
        expression = Replace(expression, Value(separator), Value(""))
    return Upper(expression)


def _normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


# NFKC splits Thai SARA AM ("จำกัด"): the noise words are compared in the same form as the names.
_NOISE_KEYS = frozenset(_normalised(word) for word in _NAME_NOISE)


def _name_tokens(name: str) -> set[str]:
    return {token for token in _NAME_SPLIT.split(_normalised(name)) if token and token not in _NOISE_KEYS}


def _tokens_meet(first: str, second: str) -> bool:
    if first == second:
        return True
    shorter, longer = sorted((first, second), key=len)
    return len(shorter) >= _MIN_PREFIX and longer.startswith(shorter)


def _overlap(tokens: set[str], others: set[str]) -> int:
    return sum(1 for token in tokens if any(_tokens_meet(token, other) for other in others))


def name_similarity(partner_name: str, counterparty: str, description: str = "") -> float:
    """0..1: how well a partner's name matches the counterparty (token overlap, noise words dropped).

    Without a counterparty, the partner's words found in the description count (a Thai bank export
    writes the payer's name in its details column).
    """
    partner = _name_tokens(partner_name)
    if not partner:
        return 0.0
    best = 0.0
    other = _name_tokens(counterparty)
    if other:
        best = 2 * _overlap(partner, other) / (len(partner) + len(other))
    words = _name_tokens(description)
    if words:
        best = max(best, _overlap(partner, words) / len(partner) * 0.9)
    return min(best, 1.0)


# --------------------------------------------------------------------------- candidates
def _side_kinds(line: BankStatementLine) -> tuple[str, ...]:
    return INBOUND_INVOICE_KINDS if line.amount > 0 else OUTBOUND_INVOICE_KINDS


def open_invoices_for(line: BankStatementLine) -> QuerySet[Invoice]:
    """The open invoices a statement line could pay: its company, side and currency (unbounded: slice it)."""
    return Invoice.all_companies.filter(
        company_id=line.company_id,
        state__in=_OPEN_STATES,
        kind__in=_side_kinds(line),
        currency=line.currency,
        amount_residual__gt=0,
    )


def _line_text(line: BankStatementLine) -> str:
    # The parts are compacted apart: joined, "INV" at the end of one and "2026..." at the start of the
    # next would make a number that neither holds.
    return "|".join(compact_reference(part) for part in (line.reference, line.description) if part)


def _invoices_referenced(line: BankStatementLine, text: str) -> list[Invoice]:
    if len(text) < MIN_REFERENCE_LENGTH:
        return []
    rows = (
        open_invoices_for(line)
        .annotate(number_key=_sql_compact("number"), ref_key=_sql_compact("ref"))
        .annotate(
            number_found=Contains(Value(text), F("number_key")),
            ref_found=Contains(Value(text), F("ref_key")),
            number_length=Length("number_key"),
            ref_length=Length("ref_key"),
        )
        .filter(
            Q(number_found=True, number_length__gte=MIN_REFERENCE_LENGTH)
            | Q(ref_found=True, ref_length__gte=MIN_REFERENCE_LENGTH)
        )
        .order_by("due_date", "pk")
    )
    return list(rows[:REFERENCE_CAP])


def _invoice_candidates(line: BankStatementLine, text: str) -> list[Invoice]:
    amount = abs(line.amount)
    same_amount = open_invoices_for(line).filter(amount_residual=amount).order_by("due_date", "pk")
    window = (
        open_invoices_for(line)
        .filter(date__gte=line.date - WINDOW_BEFORE, date__lte=line.date + WINDOW_AFTER)
        .order_by("-date", "-pk")
    )
    found: dict[int, Invoice] = {}
    for invoice in itertools.chain(
        _invoices_referenced(line, text), same_amount[:CANDIDATE_CAP], window[:CANDIDATE_CAP]
    ):
        found.setdefault(invoice.pk, invoice)
    if line.partner_id is not None:
        for invoice in (
            open_invoices_for(line).filter(partner_id=line.partner_id).order_by("due_date")[:REFERENCE_CAP]
        ):
            found.setdefault(invoice.pk, invoice)
    return list(found.values())


def _payment_candidates(line: BankStatementLine) -> list[Payment]:
    reconciled_line = BankStatementLine.all_companies.filter(
        payment_id=OuterRef("pk"), state=StatementLineState.RECONCILED
    )
    rows = (
        Payment.all_companies.filter(
            company_id=line.company_id,
            journal_id=line.journal_id,
            state=PaymentState.POSTED,
            direction=PaymentDirection.INBOUND if line.amount > 0 else PaymentDirection.OUTBOUND,
            currency=line.currency,
            amount=abs(line.amount),
            date__gte=line.date - PAYMENT_WINDOW,
            date__lte=line.date + PAYMENT_WINDOW,
        )
        .exclude(Exists(reconciled_line))
        .order_by("-date", "-pk")
    )
    return list(rows[:PAYMENT_CAP])


# --------------------------------------------------------------------------- scoring
def _days(first: dt.date, second: dt.date) -> int:
    return abs((first - second).days)


def _score_date(candidate: _Candidate, days: int, *, exact_reason: str) -> None:
    candidate.distance_days = days
    if days == 0:
        candidate.add(SCORE_DATE_NEAR, exact_reason)
    elif days <= 7:
        candidate.add(SCORE_DATE_NEAR, _("date close"))
    elif days <= 30:
        candidate.add(SCORE_DATE_CLOSE, _("date close"))


def _score_partner(
    candidate: _Candidate, line: BankStatementLine, partner_name: str, *, partner_id: int | None
) -> None:
    if partner_id is not None and partner_id == line.partner_id:
        candidate.add(SCORE_KNOWN_PARTNER, _("partner of the line"))
        return
    similarity = name_similarity(partner_name, line.counterparty, line.description)
    if similarity >= 0.5:
        candidate.add(round(SCORE_PARTNER * similarity), _("partner name matches"))


def _found_in(text: str, *values: str) -> str:
    """The first of ``values`` that appears in the line's compacted ``text``, as written."""
    for value in values:
        key = compact_reference(value)
        if len(key) >= MIN_REFERENCE_LENGTH and key in text:
            return value
    return ""


def _invoice_date(invoice: Invoice) -> dt.date:
    return invoice.due_date or invoice.date


def _single_invoice(
    line: BankStatementLine, invoice: Invoice, text: str, partner_name: str
) -> _Candidate | None:
    amount = abs(line.amount)
    candidate = _Candidate(
        kind="invoices",
        ids=(invoice.pk,),
        partner_id=invoice.partner_id,
        amount=invoice.amount_residual,
        numbers=(invoice.number,),
    )
    if invoice.amount_residual < amount:
        return None  # one click would pay more than is due: only as part of a combination
    if invoice.amount_residual == amount:
        candidate.add(SCORE_AMOUNT, _("same amount"))
    else:
        candidate.add(0, _("partial payment"))
    reference = _found_in(text, invoice.number, invoice.ref)
    if reference:
        candidate.add(SCORE_REFERENCE, _("reference %(number)s found") % {"number": reference})
    _score_partner(candidate, line, partner_name, partner_id=invoice.partner_id)
    _score_date(candidate, _days(line.date, _invoice_date(invoice)), exact_reason=_("due on that date"))
    return candidate


def _combinations(
    line: BankStatementLine, invoices: Sequence[Invoice], text: str, names: dict[int, str]
) -> Iterable[_Candidate]:
    """Two or three invoices of one partner whose amounts due add up to the line's amount."""
    amount = abs(line.amount)
    by_partner: dict[int, list[Invoice]] = defaultdict(list)
    for invoice in invoices:
        if invoice.amount_residual < amount:
            by_partner[invoice.partner_id].append(invoice)
    for partner_id, found in by_partner.items():
        group = sorted(found, key=lambda invoice: (_invoice_date(invoice), invoice.pk))[:COMBINATION_CAP]
        for size in (2, 3):
            for chosen in itertools.combinations(group, size):
                if sum((invoice.amount_residual for invoice in chosen), Decimal(0)) != amount:
                    continue
                candidate = _Candidate(
                    kind="invoices",
                    ids=tuple(invoice.pk for invoice in chosen),
                    partner_id=partner_id,
                    amount=amount,
                    numbers=tuple(invoice.number for invoice in chosen),
                )
                candidate.add(
                    SCORE_COMBINATION, _("total of %(count)d invoices matches") % {"count": len(chosen)}
                )
                for invoice in chosen:
                    reference = _found_in(text, invoice.number, invoice.ref)
                    if reference:
                        candidate.add(
                            SCORE_REFERENCE // size, _("reference %(number)s found") % {"number": reference}
                        )
                _score_partner(candidate, line, names.get(partner_id, ""), partner_id=partner_id)
                nearest = min(_days(line.date, _invoice_date(invoice)) for invoice in chosen)
                _score_date(candidate, nearest, exact_reason=_("due on that date"))
                yield candidate


def _payment_candidate(line: BankStatementLine, payment: Payment, text: str, partner_name: str) -> _Candidate:
    candidate = _Candidate(
        kind="payment",
        ids=(payment.pk,),
        partner_id=payment.partner_id,
        amount=payment.amount,
        numbers=(payment.number,),
    )
    candidate.add(SCORE_AMOUNT, _("same amount"))
    reference = _found_in(text, payment.number, payment.memo)
    if reference:
        candidate.add(SCORE_REFERENCE, _("reference %(number)s found") % {"number": reference})
    _score_partner(candidate, line, partner_name, partner_id=payment.partner_id)
    _score_date(candidate, _days(line.date, payment.date), exact_reason=_("same date"))
    return candidate


def suggestions_for(line: BankStatementLine, *, limit: int = 5) -> list[Suggestion]:
    """The best ``limit`` matches of an open statement line, best first; none for a reconciled line."""
    if line.state != StatementLineState.OPEN or line.amount == 0:
        return []
    text = _line_text(line)
    invoices = _invoice_candidates(line, text)
    payments = _payment_candidates(line)
    partner_ids = sorted({invoice.partner_id for invoice in invoices} | {p.partner_id for p in payments})
    names = {pk: summary.name for pk, summary in party_summaries(partner_ids).items()} if partner_ids else {}

    candidates: list[_Candidate] = [
        _payment_candidate(line, payment, text, names.get(payment.partner_id, "")) for payment in payments
    ]
    for invoice in invoices:
        single = _single_invoice(line, invoice, text, names.get(invoice.partner_id, ""))
        if single is not None:
            candidates.append(single)
    candidates.extend(_combinations(line, invoices, text, names))

    kept = [candidate for candidate in candidates if candidate.score >= MIN_SCORE]
    kept.sort(key=lambda c: (-c.score, c.distance_days, c.kind != "payment", len(c.ids), c.ids))
    return [
        Suggestion(
            kind=candidate.kind,
            ids=candidate.ids,
            partner_id=candidate.partner_id,
            amount=candidate.amount,
            score=candidate.score,
            reasons=tuple(candidate.reasons or ()),
            numbers=candidate.numbers,
            partner_name=names.get(candidate.partner_id or 0, ""),
        )
        for candidate in kept[:limit]
    ]
