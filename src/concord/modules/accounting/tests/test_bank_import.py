"""Importing bank statements into a bank journal: every sample format, duplicates, refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from concord.core.audit.models import AuditEntry
from concord.core.errors import ValidationFailed
from concord.modules.accounting.bank.csv_layout import csv_layout
from concord.modules.accounting.bank.services import import_counts, statement_import
from concord.modules.accounting.bank_formats import CsvMapping, StatementFormatError
from concord.modules.accounting.errors import InvalidAccountError
from concord.modules.accounting.models import BankStatement, BankStatementLine
from concord.modules.accounting.services.setup import accounting_setup

from .conftest import journal

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "bank"

THAI_MAPPING = CsvMapping(
    date="วันที่", debit="ถอนเงิน", credit="ฝากเงิน", description="รายละเอียด", date_format="%d/%m/%Y"
)
SIGNED_MAPPING = CsvMapping(
    date="Date",
    amount="Amount",
    reference="Reference",
    description="Description",
    counterparty="Payer/Payee",
    date_format="%d/%m/%Y",
)


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture
def bank(books):
    return journal(books, "BNK1")


def bank_in(bank, *, account: str = "", currency: str = ""):
    bank.bank_account_number = account
    bank.currency = currency
    bank.save()
    return bank


def do_import(books, bank, name, *, by=None, mapping=None, data=None):
    return statement_import(
        company=books,
        journal=bank,
        data=data if data is not None else sample(name),
        filename=name,
        by=by,
        mapping=mapping,
    )


@pytest.mark.parametrize(
    ("name", "account", "currency", "mapping", "amounts"),
    [
        (
            "camt053_001_08.xml",
            "123-456-7890",
            "",
            None,
            ["45000.00", "-12840.50", "-25.00", "-25.00"],
        ),
        ("camt053_001_02.xml", "DE89 3704 0044 0532 0130 00", "EUR", None, ["2380.00", "-940.50", "-12.75"]),
        ("ofx1_sgml.ofx", "000123456", "USD", None, ["1250.00", "-310.75", "-2.50"]),
        ("ofx2_xml.ofx", "1234567890", "", None, ["45000.00", "-12840.50", "18.42", "-150.00"]),
        (
            "signed_amount_utf8.csv",
            "",
            "",
            SIGNED_MAPPING,
            ["1250.00", "-310.75", "-1234.50", "-50.00", "-50.00"],
        ),
        (
            "thai_debit_credit_tis620.csv",
            "123-4-56789-0",
            "",
            THAI_MAPPING,
            ["45000.00", "-12840.50", "-310.75", "18.42"],
        ),
    ],
)
def test_each_sample_format_imports_into_the_bank_journal(
    books, bank, accountant, name, account, currency, mapping, amounts
):
    bank_in(bank, account=account, currency=currency)
    statement = do_import(books, bank, name, by=accountant, mapping=mapping)
    assert statement.pk is not None
    assert statement.journal_id == bank.pk
    assert statement.currency == (currency or "THB")
    assert statement.imported_by == accountant
    lines = list(statement.lines.order_by("pk"))
    assert [line.amount for line in lines] == [Decimal(amount) for amount in amounts]
    assert {line.currency for line in lines} == {statement.currency}
    assert all(line.state == "open" and line.unique_id for line in lines)
    assert len({line.unique_id for line in lines}) == len(lines)
    assert import_counts(statement).imported == len(amounts)
    assert import_counts(statement).skipped == 0
    assert AuditEntry.objects.filter(object_id=str(statement.pk), action="create").exists()


def test_camt_statement_keeps_period_balances_and_details(books, bank):
    statement = do_import(books, bank_in(bank, account="1234567890"), "camt053_001_08.xml")
    assert statement.source_format == "camt053"
    assert statement.date_start == date(2026, 3, 30)
    assert statement.date_end == date(2026, 3, 31)
    assert statement.balance_start == Decimal("-250.00")
    assert statement.balance_end == Decimal("31859.50")
    first = statement.lines.order_by("pk").first()
    assert first.reference
    assert "INV/2026/00012" in f"{first.reference} {first.description}"
    assert first.counterparty == "บริษัท ข้าวทอง จำกัด"


def test_reimporting_the_same_file_creates_nothing(books, bank):
    first = do_import(books, bank, "ofx2_xml.ofx")
    again = do_import(books, bank, "ofx2_xml.ofx")
    assert again.pk == first.pk
    assert import_counts(again).imported == 0
    assert import_counts(again).skipped == 4
    assert BankStatement.objects.count() == 1
    assert BankStatementLine.objects.count() == 4


def test_an_overlapping_file_adds_only_the_new_lines(books, bank):
    def csv(*rows):
        return ("Date,Amount,Reference\n" + "\n".join(rows) + "\n").encode()

    mapping = CsvMapping(date="Date", amount="Amount", reference="Reference", date_format="%d/%m/%Y")
    do_import(books, bank, "a.csv", mapping=mapping, data=csv("01/03/2026,100,A", "02/03/2026,-20,B"))
    second = do_import(
        books,
        bank,
        "b.csv",
        mapping=mapping,
        data=csv("01/03/2026,100,A", "02/03/2026,-20,B", "03/03/2026,5,C"),
    )
    assert import_counts(second) == type(import_counts(second))(imported=1, skipped=2)
    assert [line.reference for line in second.lines.all()] == ["C"]
    assert BankStatementLine.objects.count() == 3


def test_the_same_ids_in_another_bank_journal_are_not_duplicates(books, bank):
    other = journal(books, "BNK1")
    other.pk = None
    other.code = "BNK2"
    other.save()
    do_import(books, bank, "ofx2_xml.ofx")
    statement = do_import(books, other, "ofx2_xml.ofx")
    assert import_counts(statement).imported == 4


def test_a_statement_of_another_account_is_refused(books, bank):
    bank_in(bank, account="999-9-99999-9")
    with pytest.raises(StatementFormatError, match="1234567890") as excinfo:
        do_import(books, bank, "ofx2_xml.ofx")
    assert excinfo.value.field == "journal"
    assert not BankStatement.objects.exists()
    assert not BankStatementLine.objects.exists()


def test_a_local_account_number_matches_its_iban(books, bank):
    bank_in(bank, account="0532013000", currency="EUR")
    assert do_import(books, bank, "camt053_001_02.xml").lines.count() == 3


def test_a_statement_in_another_currency_is_refused(books, bank):
    with pytest.raises(StatementFormatError, match="USD"):
        do_import(books, bank, "ofx1_sgml.ofx")  # the journal keeps THB, the company's currency
    assert not BankStatement.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("broken.xml", b"<?xml version='1.0'?><Document><BkToCstmrStmt><Stmt>"),
        ("broken.ofx", b"OFXHEADER:100\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>THB"),
        ("broken.csv", b"Date,Amount,Reference\n03/03/2026,abc,X\n"),
        ("empty.csv", b""),
    ],
)
def test_a_malformed_file_is_refused_and_nothing_is_written(books, bank, name, data):
    mapping = CsvMapping(date="Date", amount="Amount", reference="Reference", date_format="%d/%m/%Y")
    with pytest.raises(StatementFormatError) as excinfo:
        do_import(books, bank, name, data=data, mapping=mapping)
    assert excinfo.value.status_code == 422
    assert str(excinfo.value)
    assert not BankStatement.objects.exists()
    assert not BankStatementLine.objects.exists()


def test_a_csv_file_needs_its_mapping(books, bank):
    with pytest.raises(StatementFormatError, match="CSV"):
        do_import(books, bank, "signed_amount_utf8.csv")


def test_only_a_bank_journal_of_the_company_takes_statements(books, bank, make_company):
    with pytest.raises(InvalidAccountError):
        do_import(books, journal(books, "INV"), "ofx2_xml.ofx")
    other = make_company(code="other")
    accounting_setup(company=other, template="th_npae", by=None, fiscal_year=2026)
    with pytest.raises(InvalidAccountError):
        do_import(books, journal(other, "BNK1"), "ofx2_xml.ofx")
    with pytest.raises(ValidationFailed):
        do_import(other, bank, "ofx2_xml.ofx")
    assert not BankStatement.objects.exists()


# --------------------------------------------------------------------------- the CSV mapping step's guess
def test_csv_layout_finds_the_header_below_a_preamble_and_guesses_the_mapping():
    layout = csv_layout(sample("thai_debit_credit_tis620.csv"))
    assert layout.columns[0] == "วันที่"
    assert "ยอดคงเหลือ" in layout.columns
    assert layout.sample_rows[0][0] == "01/03/2569"
    assert layout.guess["date"] == "วันที่"
    assert layout.guess["debit"] == "ถอนเงิน"
    assert layout.guess["credit"] == "ฝากเงิน"
    assert layout.guess["description"] == "รายละเอียด"
    assert "amount" not in layout.guess
    assert layout.guess["date_format"] == "%d/%m/%Y"
    assert layout.guess["decimal_separator"] == "."


def test_csv_layout_of_a_signed_export():
    layout = csv_layout(sample("signed_amount_utf8.csv"))
    assert layout.columns == ("Date", "Amount", "Reference", "Description", "Payer/Payee")
    assert {
        key: layout.guess.get(key) for key in ("date", "amount", "reference", "description", "counterparty")
    } == {
        "date": "Date",
        "amount": "Amount",
        "reference": "Reference",
        "description": "Description",
        "counterparty": "Payer/Payee",
    }
    assert layout.delimiter == ","


def test_csv_layout_reads_european_conventions():
    data = b"Buchungstag;Betrag;Verwendungszweck\n31.03.2026;-1.234,50;Miete\n"
    layout = csv_layout(data)
    assert layout.delimiter == ";"
    assert layout.columns == ("Buchungstag", "Betrag", "Verwendungszweck")
    assert layout.guess["decimal_separator"] == ","


def test_csv_layout_refuses_what_is_no_table():
    with pytest.raises(StatementFormatError):
        csv_layout(b"just one line of text\n")
    with pytest.raises(StatementFormatError):
        csv_layout(b"\x89PNG\r\n\x1a\n\x00\x00")
