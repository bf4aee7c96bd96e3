"""Reading bank statement files: CSV (Thai and Western conventions), OFX 1.x/2.x, camt.053 .02/.08."""

from __future__ import annotations

import codecs
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from concord.core.errors import ValidationFailed
from concord.modules.accounting import bank_formats
from concord.modules.accounting.bank_formats import (
    CsvMapping,
    ParsedStatement,
    StatementFormatError,
    detect_format,
    parse_camt053,
    parse_csv,
    parse_ofx,
)

DATA = Path(__file__).parent / "data" / "bank"

THAI_MAPPING = CsvMapping(
    date="วันที่",
    debit="ถอนเงิน",
    credit="ฝากเงิน",
    description="รายละเอียด",
    date_format="%d/%m/%Y",
)
SIGNED_MAPPING = CsvMapping(
    date="Date",
    amount="Amount",
    reference="Reference",
    description="Description",
    counterparty="Payer/Payee",
    date_format="%d/%m/%Y",
)
SIMPLE_MAPPING = CsvMapping(date="Date", amount="Amount", reference="Reference", date_format="%d/%m/%Y")


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def failure(excinfo: pytest.ExceptionInfo[StatementFormatError]) -> str:
    return str(excinfo.value)


def simple_csv(*rows: str, header: str = "Date,Amount,Reference") -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode()


def amounts(statement: ParsedStatement) -> list[Decimal]:
    return [line.amount for line in statement.lines]


# --------------------------------------------------------------------------- detection
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("thai_debit_credit_tis620.csv", "csv"),
        ("signed_amount_utf8.csv", "csv"),
        ("ofx1_sgml.ofx", "ofx"),
        ("ofx2_xml.ofx", "ofx"),
        ("camt053_001_02.xml", "camt053"),
        ("camt053_001_08.xml", "camt053"),
    ],
)
def test_detect_format_reads_the_content(name, expected):
    assert detect_format(sample(name)) == expected
    assert detect_format(sample(name), "statement.bin") == expected


def test_detect_format_reads_content_behind_a_bom_and_falls_back_on_the_extension():
    assert detect_format(codecs.BOM_UTF8 + sample("camt053_001_02.xml")) == "camt053"
    assert detect_format(sample("ofx1_sgml.ofx").decode().encode("utf-16")) == "ofx"
    assert detect_format(b"not really anything", "export.QFX") == "ofx"
    assert detect_format(b"not really anything", "export.xml") == "camt053"
    assert detect_format(b"not really anything", "export.csv") == "csv"
    assert detect_format(b"", "") == "csv"


# --------------------------------------------------------------------------- CSV
def test_thai_tis620_csv_with_buddhist_era_dates_and_debit_credit_columns():
    statement = parse_csv(sample("thai_debit_credit_tis620.csv"), THAI_MAPPING)

    assert statement.format == "csv"
    assert statement.currency == ""
    assert statement.account_number == ""
    assert [line.date for line in statement.lines] == [
        date(2026, 3, 1),
        date(2026, 3, 5),
        date(2026, 3, 15),
        date(2026, 3, 31),
    ]
    assert amounts(statement) == [
        Decimal("45000.00"),
        Decimal("-12840.50"),
        Decimal("-310.75"),
        Decimal("18.42"),
    ]
    assert statement.lines[0].description == "INV/2026/00012 บริษัท ข้าวทอง จำกัด"
    assert statement.lines[2].description == "ร้านเครื่องเขียนสมใจ"
    assert (statement.date_start, statement.date_end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert statement.balance_start is None
    assert statement.balance_end is None


def test_signed_amount_csv():
    statement = parse_csv(sample("signed_amount_utf8.csv"), SIGNED_MAPPING)

    assert amounts(statement) == [
        Decimal("1250.00"),
        Decimal("-310.75"),
        Decimal("-1234.5"),
        Decimal("-50.00"),
        Decimal("-50.00"),
    ]
    first = statement.lines[0]
    assert first.date == date(2026, 3, 3)
    assert first.reference == "INV/2026/00012"
    assert first.description == "Customer payment"
    assert first.counterparty == "Angkor Trading Co. Ltd."
    assert first.counterparty_account == ""
    assert statement.lines[2].description == "Salary advance - សុខា ចាន់"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_csv_with_a_byte_order_mark_reads_the_same(encoding):
    text = sample("signed_amount_utf8.csv").decode()
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    elif encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data

    assert parse_csv(data, SIGNED_MAPPING) == parse_csv(sample("signed_amount_utf8.csv"), SIGNED_MAPPING)


def test_thai_csv_saved_as_utf8_reads_the_same_as_tis620():
    utf8 = sample("thai_debit_credit_tis620.csv").decode("cp874").encode("utf-8")

    assert parse_csv(utf8, THAI_MAPPING) == parse_csv(sample("thai_debit_credit_tis620.csv"), THAI_MAPPING)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('"1,234.50"', "1234.50"),
        ('"(1,234.50)"', "-1234.50"),
        ("-1234.5", "-1234.5"),
        ("+2.00", "2.00"),
        ("1234.50-", "-1234.50"),
        ('"THB 1,200.00"', "1200.00"),
        ('"฿1,200.00"', "1200.00"),
        ('"-$1,200.00"', "-1200.00"),
        ('"1,23,456.00"', "123456.00"),
        ('"12,34,567.00"', "1234567.00"),
        ('"1,234,567"', "1234567"),
        ('"1 234.50"', "1234.50"),
        (".50", "0.50"),
        ("0", "0"),
    ],
)
def test_csv_amount_conventions(cell, expected):
    statement = parse_csv(simple_csv(f"15/03/2026,{cell},X"), SIMPLE_MAPPING)

    assert amounts(statement) == [Decimal(expected)]


def test_comma_decimal_separator_with_semicolon_delimiter():
    data = b"Datum;Betrag;Referenz\n15.03.2026;1.234,50;INV/2026/00012\n16.03.2026;-0,99;FEE\n"
    explicit = CsvMapping(
        date="Datum",
        amount="Betrag",
        reference="Referenz",
        date_format="%d.%m.%Y",
        decimal_separator=",",
        thousands_separator=".",
    )
    only_decimal = CsvMapping(
        date="Datum", amount="Betrag", reference="Referenz", date_format="%d.%m.%Y", decimal_separator=","
    )

    assert amounts(parse_csv(data, explicit)) == [Decimal("1234.50"), Decimal("-0.99")]
    assert parse_csv(data, only_decimal) == parse_csv(data, explicit)


def test_explicit_delimiter_and_header_names_match_loosely():
    data = b"  date |AMOUNT|  Reference \n15/03/2026|12.00|A\n"
    mapping = CsvMapping(
        date="Date", amount="Amount", reference="reference", date_format="%d/%m/%Y", delimiter="|"
    )

    assert parse_csv(data, mapping).lines[0].reference == "A"


@pytest.mark.parametrize(
    ("cell", "date_format", "expected"),
    [
        ("15/03/2569", "%d/%m/%Y", date(2026, 3, 15)),
        ("15/03/2026", "%d/%m/%Y", date(2026, 3, 15)),
        ("2569-03-15", "%Y-%m-%d", date(2026, 3, 15)),
        # 2567 BE is 2024, a leap year, though 2567 itself would not be one.
        ("29/02/2567", "%d/%m/%Y", date(2024, 2, 29)),
        ("29/02/2024", "%d/%m/%Y", date(2024, 2, 29)),
        ("15/03/2569 10:22", "%d/%m/%Y %H:%M", date(2026, 3, 15)),
    ],
)
def test_csv_dates_including_buddhist_era_years(cell, date_format, expected):
    mapping = CsvMapping(date="Date", amount="Amount", date_format=date_format)

    statement = parse_csv(simple_csv(f"{cell},1.00,X"), mapping)

    assert statement.lines[0].date == expected


def test_csv_preamble_lines_above_the_header_are_skipped():
    data = simple_csv(
        "15/03/2026,1.00,A", header="Account statement\nAccount,123-4-56789-0\n\nDate,Amount,Reference"
    )

    statement = parse_csv(data, SIMPLE_MAPPING)

    assert amounts(statement) == [Decimal("1.00")]


def test_csv_blank_rows_are_skipped_but_keep_spreadsheet_row_numbers():
    data = simple_csv("15/03/2026,1.00,A", "", ",,", "31/02/2026,1.00,B")

    with pytest.raises(StatementFormatError) as excinfo:
        parse_csv(data, SIMPLE_MAPPING)

    assert failure(excinfo) == "Row 5: '31/02/2026' is not a date in the format %d/%m/%Y."


# --------------------------------------------------------------------------- de-duplication ids
def test_csv_unique_ids_are_stable_and_distinct_for_identical_looking_lines():
    first = parse_csv(sample("signed_amount_utf8.csv"), SIGNED_MAPPING)
    second = parse_csv(sample("signed_amount_utf8.csv"), SIGNED_MAPPING)
    ids = [line.unique_id for line in first.lines]

    assert ids == [line.unique_id for line in second.lines]
    assert len(set(ids)) == len(ids)
    # The two ATM withdrawals look the same but are two transactions.
    assert first.lines[3].unique_id != first.lines[4].unique_id
    assert all(len(unique_id) == 32 for unique_id in ids)


def test_csv_unique_ids_survive_a_longer_export_of_the_same_account():
    short = parse_csv(simple_csv("15/03/2026,1.00,A", "15/03/2026,1.00,A"), SIMPLE_MAPPING)
    longer = parse_csv(
        simple_csv("15/03/2026,1.00,A", "15/03/2026,1.00,A", "16/03/2026,2.00,B"), SIMPLE_MAPPING
    )

    assert [line.unique_id for line in longer.lines[:2]] == [line.unique_id for line in short.lines]


def test_csv_unique_id_ignores_how_the_amount_is_written():
    plain = parse_csv(simple_csv("15/03/2026,1200,A"), SIMPLE_MAPPING)
    formatted = parse_csv(simple_csv('15/03/2026,"1,200.00",A'), SIMPLE_MAPPING)

    assert plain.lines[0].unique_id == formatted.lines[0].unique_id


def test_repeated_bank_ids_in_one_file_are_made_distinct():
    data = sample("ofx2_xml.ofx").replace(b"S20260331-0010", b"S20260331-0009")

    ids = [line.unique_id for line in parse_ofx(data).lines]

    assert ids[2:] == ["S20260331-0009", "S20260331-0009#2"]


# --------------------------------------------------------------------------- CSV errors
def test_csv_wrong_date():
    data = simple_csv("15/03/2026,1.00,A", "16/03/2026,1.00,B", "31/02/2026,1.00,C")

    with pytest.raises(StatementFormatError) as excinfo:
        parse_csv(data, SIMPLE_MAPPING)

    assert failure(excinfo) == "Row 4: '31/02/2026' is not a date in the format %d/%m/%Y."


def test_csv_buddhist_leap_day_that_does_not_exist():
    # 2568 BE is 2025, not a leap year.
    with pytest.raises(StatementFormatError) as excinfo:
        parse_csv(simple_csv("29/02/2568,1.00,A"), SIMPLE_MAPPING)

    assert failure(excinfo) == "Row 2: '29/02/2568' is not a date in the format %d/%m/%Y."


def test_csv_empty_date():
    with pytest.raises(StatementFormatError) as excinfo:
        parse_csv(simple_csv(",1.00,A"), SIMPLE_MAPPING)

    assert failure(excinfo) == "Row 2: the date is empty."


def test_csv_column_missing_from_the_header():
    with pytest.raises(StatementFormatError) as excinfo:
        parse_csv(simple_csv("15/03/2026,1.00", header="Date,Value"), SIMPLE_MAPPING)

    assert failure(excinfo) == "Row 1: the column 'Amount' is missing (the header has: Date, Value)."


def test_csv_column_missing_from_a_short_row():
    with pytest.raises(StatementFormatError) as excinfo:
        parse_csv(simple_csv("15/03/2026,A", header="Date,Reference,Amount"), SIMPLE_MAPPING)

    assert failure(excinfo) == "Row 2: the column 'Amount' is missing."


def test_csv_short_row_without_its_last_text_cells_reads_them_as_empty():
    statement = parse_csv(simple_csv("15/03/2026,1.00"), SIMPLE_MAPPING)

    assert statement.lines[0].reference == ""


def test_csv_thai_and_khmer_digits():
    statement = parse_csv(simple_csv('๑๕/๐๓/๒๕๖๙,"១,២៣៤.៥០",A'), SIMPLE_MAPPING)

    assert (statement.lines[0].date, statement.lines[0].amount) == (date(2026, 3, 15), Decimal("1234.50"))


@pytest.mark.parametrize(
    "cell",
    # "1,5" and "1.234,50" are what a file with comma decimals looks like under the default mapping.
    ["abc", "1.234.50", "12..0", "1,2a", "--5", "(5", "1,5", "1.234,50", "12,3456.00", "1,234.5,0", "฿"],
)
def test_csv_non_numeric_amount(cell):
    with pytest.raises(StatementFormatError) as excinfo:
        parse_csv(simple_csv(f'15/03/2026,"{cell}",A'), SIMPLE_MAPPING)

    assert failure(excinfo) == f"Row 2: '{cell}' in the column 'Amount' is not an amount."


def test_csv_empty_amount():
    with pytest.raises(StatementFormatError) as excinfo:
        parse_csv(simple_csv("15/03/2026,,A"), SIMPLE_MAPPING)

    assert failure(excinfo) == "Row 2: the amount is empty."


def test_csv_debit_and_credit_both_or_neither():
    mapping = CsvMapping(date="Date", debit="Out", credit="In", date_format="%d/%m/%Y")
    header = "Date,Out,In"

    with pytest.raises(StatementFormatError) as both:
        parse_csv(simple_csv("15/03/2026,5.00,7.00", header=header), mapping)
    with pytest.raises(StatementFormatError) as neither:
        parse_csv(simple_csv("15/03/2026,,", "16/03/2026,1.00,", header=header), mapping)

    assert failure(both) == "Row 2: both the column 'Out' and the column 'In' have an amount."
    assert failure(neither) == "Row 2: neither the column 'Out' nor the column 'In' has an amount."


def test_csv_debit_printed_with_a_minus_is_still_money_out():
    mapping = CsvMapping(date="Date", debit="Out", credit="In", date_format="%d/%m/%Y")

    statement = parse_csv(
        simple_csv("15/03/2026,-5.00,", "16/03/2026,0.00,3.00", header="Date,Out,In"), mapping
    )

    assert amounts(statement) == [Decimal("-5.00"), Decimal("3.00")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \r\n\n", "The file is empty."),
        (codecs.BOM_UTF8, "The file is empty."),
        (b"Date,Amount,Reference\n", "The file has a header row but no transactions."),
        (b"Date,Amount,Reference\n\n,,\n", "The file has a header row but no transactions."),
        (
            "Date,Amount\n".encode("utf-16-le"),
            "The file is not a text file (or is UTF-16 without a byte-order mark): save it as UTF-8.",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "The file is not a text file (or is UTF-16 without a byte-order mark): save it as UTF-8.",
        ),
        (
            codecs.BOM_UTF8 + b"\xff\xfe broken",
            "The file is not readable text: its byte-order mark does not match its content.",
        ),
        (b"Date,Amount\n\xdb\xfc\xfd\n", "The file is not readable text: save it as UTF-8."),
    ],
)
def test_csv_unreadable_files(data, message):
    with pytest.raises(StatementFormatError) as excinfo:
        parse_csv(data, SIMPLE_MAPPING)

    assert failure(excinfo) == message


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (
            CsvMapping(date="", amount="Amount"),
            "The column mapping does not say which column holds the date.",
        ),
        (
            CsvMapping(date="Date"),
            "The column mapping needs either an amount column or both a debit and a credit column.",
        ),
        (
            CsvMapping(date="Date", debit="Out"),
            "The column mapping needs either an amount column or both a debit and a credit column.",
        ),
        (
            CsvMapping(date="Date", amount="Amount", debit="Out", credit="In"),
            "The column mapping names both an amount column and debit/credit columns: choose one way.",
        ),
    ],
)
def test_csv_incomplete_mapping(mapping, message):
    with pytest.raises(StatementFormatError) as excinfo:
        parse_csv(simple_csv("15/03/2026,1.00,A"), mapping)

    assert failure(excinfo) == message


def test_csv_line_cap(monkeypatch):
    monkeypatch.setattr(bank_formats, "MAX_LINES", 2)

    parse_csv(simple_csv("15/03/2026,1.00,A", "15/03/2026,1.00,B"), SIMPLE_MAPPING)
    with pytest.raises(StatementFormatError) as excinfo:
        parse_csv(simple_csv("15/03/2026,1.00,A", "15/03/2026,1.00,B", "15/03/2026,1.00,C"), SIMPLE_MAPPING)

    assert failure(excinfo) == "The file has more than 2 transactions: split it into smaller files."


def test_the_line_cap_is_a_hundred_thousand():
    assert bank_formats.MAX_LINES == 100_000


def test_csv_invalid_quoting():
    data = b'Date,Amount,Reference\n15/03/2026,1.00,"A\n'

    with pytest.raises(StatementFormatError) as excinfo:
        parse_csv(
            data, CsvMapping(date="Date", amount="Amount", reference="Reference", date_format="%d/%m/%Y")
        )

    assert failure(excinfo).startswith("Row 2 is not valid CSV (")


def test_the_error_is_a_validation_failure_with_its_own_code():
    with pytest.raises(ValidationFailed) as excinfo:
        parse_csv(b"", SIMPLE_MAPPING)

    assert isinstance(excinfo.value, StatementFormatError)
    assert excinfo.value.code == "statement_format"
    assert excinfo.value.status_code == 422
    assert excinfo.value.as_dict()["code"] == "statement_format"


# --------------------------------------------------------------------------- OFX
def test_ofx1_sgml():
    statement = parse_ofx(sample("ofx1_sgml.ofx"))

    assert statement.format == "ofx"
    assert statement.account_number == "000123456"
    assert statement.currency == "USD"
    assert (statement.date_start, statement.date_end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert statement.balance_start is None
    assert statement.balance_end == Decimal("8936.75")
    assert amounts(statement) == [Decimal("1250.00"), Decimal("-310.75"), Decimal("-2.50")]
    credit, debit, fee = statement.lines
    # Posted at 06:15 Indochina time: still 3 March, not 2 March as it would be in UTC.
    assert credit.date == date(2026, 3, 3)
    assert credit.description == "Payment INV/2026/00012"
    assert credit.counterparty == "Angkor Trading Co., Ltd."
    assert credit.unique_id == credit.reference == "202603030001"
    assert debit.reference == "TT-88231"
    assert debit.unique_id == "202603050007"
    assert fee.description == ""
    assert fee.counterparty == "Monthly account fee"


def test_ofx2_xml():
    statement = parse_ofx(sample("ofx2_xml.ofx"))

    assert statement.account_number == "1234567890"
    assert statement.currency == "THB"
    assert statement.balance_end == Decimal("152027.92")
    assert amounts(statement) == [
        Decimal("45000.00"),
        Decimal("-12840.50"),
        Decimal("18.42"),
        Decimal("-150.00"),
    ]
    credit, debit, _interest, tax = statement.lines
    assert credit.counterparty == "Siam Rice & Grain Co."
    assert credit.description == "INV/2026/00012"
    assert debit.reference == "004512"  # the cheque number
    # MEMO before BANKACCTTO is out of the spec's order; banks do it and it still reads.
    assert debit.description == "Freight invoice BL-7781"
    assert debit.counterparty_account == "9876543210"
    assert tax.counterparty == "Withholding tax on interest and a rather long description"
    assert [line.unique_id for line in statement.lines] == [
        "S20260302-0001",
        "S20260310-0004",
        "S20260331-0009",
        "S20260331-0010",
    ]


def test_ofx_variants_that_strict_parsers_refuse():
    text = sample("ofx1_sgml.ofx").decode()
    variants = [
        text.replace("<LANGUAGE>ENG\n", ""),  # no LANGUAGE in the sign-on block
        text.replace("<TRNTYPE>FEE", "<TRNTYPE>CHARGE"),  # a TRNTYPE outside the spec's list
        text.lower().replace("ofxheader:100", "OFXHEADER:100"),  # lower-case tags
        text.replace("\n", "\r\n"),
        "\n\n" + text,
        text.replace("<MEMO>Payment INV/2026/00012", "<MEMO><![CDATA[Payment <INV/2026/00012>]]>"),
    ]

    for variant in variants:
        statement = parse_ofx(variant.encode())
        assert len(statement.lines) == 3
    assert parse_ofx(variants[-1].encode()).lines[0].description == "Payment <INV/2026/00012>"


def test_ofx_empty_memo_without_end_tag_does_not_swallow_the_next_fields():
    data = sample("ofx1_sgml.ofx").replace(b"<MEMO>Bill PO-2026-0044", b"<MEMO>")

    debit = parse_ofx(data).lines[1]

    assert debit.description == ""
    assert debit.reference == "TT-88231"
    assert debit.counterparty == "Phnom Penh Office Supplies"


def test_ofx_comma_decimal_and_windows_1252_text():
    data = (
        sample("ofx1_sgml.ofx")
        .replace(b"<TRNAMT>-2.50", b"<TRNAMT>-2,50")
        .replace(b"Monthly account fee", "Frais de tenue de compte 2,50 €".encode("cp1252"))
    )

    fee = parse_ofx(data).lines[2]

    assert fee.amount == Decimal("-2.50")
    assert fee.counterparty == "Frais de tenue de compte 2,50 €"


def test_ofx_credit_card_statement():
    data = (
        sample("ofx2_xml.ofx")
        .replace(b"BANKMSGSRSV1", b"CREDITCARDMSGSRSV1")
        .replace(b"STMTTRNRS", b"CCSTMTTRNRS")
        .replace(b"STMTRS", b"CCSTMTRS")
        .replace(b"BANKACCTFROM", b"CCACCTFROM")
    )

    statement = parse_ofx(data)

    assert statement.account_number == "1234567890"
    assert len(statement.lines) == 4


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\n  \n", "The file is empty."),
        (b"this is not an OFX file at all", "The file is not an OFX statement: no <OFX> element."),
        (
            b"\x00\x01\x02garbage\xff",
            "The file is not a text file (or is UTF-16 without a byte-order mark): save it as UTF-8.",
        ),
        (
            b"OFXHEADER:100\n<OFX><SIGNONMSGSRSV1><SONRS></SONRS></SIGNONMSGSRSV1></OFX>",
            "The OFX file holds no bank or credit card statement (no <STMTRS> element).",
        ),
        (
            (
                b"OFXHEADER:100\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD\n"
                b"<BANKTRANLIST><DTSTART>20260301<DTEND>20260331</BANKTRANLIST></STMTRS>"
                b"</STMTTRNRS></BANKMSGSRSV1></OFX>"
            ),
            "The statement has no transactions.",
        ),
    ],
)
def test_ofx_garbage(data, message):
    with pytest.raises(StatementFormatError) as excinfo:
        parse_ofx(data)

    assert failure(excinfo) == message


@pytest.mark.parametrize("cut", [b"<!-- unterminated comment", b"<![CDATA[unterminated"])
def test_ofx_unterminated_markup_is_an_incomplete_file(cut):
    data = sample("ofx1_sgml.ofx").replace(b"<LEDGERBAL>", cut + b"<LEDGERBAL>")

    with pytest.raises(StatementFormatError, match="The OFX file is incomplete"):
        parse_ofx(data)


def test_ofx_truncated_download():
    data = sample("ofx1_sgml.ofx")

    with pytest.raises(StatementFormatError) as excinfo:
        parse_ofx(data[: data.index(b"<LEDGERBAL>")])

    assert failure(excinfo) == (
        "The OFX file is incomplete: it ends before </OFX> (the download may have been cut off)."
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b"<TRNAMT>-310.75", b"<TRNAMT>ten", "Transaction 2: <TRNAMT> 'ten' is not an amount."),
        (b"<TRNAMT>-310.75", b"<TRNAMT>1,234.56", "Transaction 2: <TRNAMT> '1,234.56' is not an amount."),
        (b"<TRNAMT>-310.75\n", b"", "Transaction 2: the element <TRNAMT> is missing."),
        (b"<DTPOSTED>20260305", b"<DTPOSTED>20260231", "Transaction 2: <DTPOSTED> '20260231' is not a date."),
        (
            b"<DTPOSTED>20260305",
            b"<DTPOSTED>05/03/2026",
            "Transaction 2: <DTPOSTED> '05/03/2026' is not a date.",
        ),
        (b"<DTPOSTED>20260305\n", b"", "Transaction 2: the element <DTPOSTED> is missing."),
        (b"<DTSTART>20260301", b"<DTSTART>March", "The statement's <DTSTART> 'March' is not a date."),
        (b"<BALAMT>8936.75", b"<BALAMT>n/a", "The statement's <LEDGERBAL/BALAMT> 'n/a' is not an amount."),
        (
            b"<CURDEF>USD",
            b"<CURDEF>US Dollar",
            "The statement's currency <CURDEF> 'US DOLLAR' is not a three-letter ISO 4217 code.",
        ),
    ],
)
def test_ofx_bad_values(old, new, message):
    data = sample("ofx1_sgml.ofx")
    assert old in data

    with pytest.raises(StatementFormatError) as excinfo:
        parse_ofx(data.replace(old, new))

    assert failure(excinfo) == message


def test_ofx_line_cap(monkeypatch):
    monkeypatch.setattr(bank_formats, "MAX_LINES", 2)

    with pytest.raises(StatementFormatError) as excinfo:
        parse_ofx(sample("ofx1_sgml.ofx"))

    assert failure(excinfo) == "The file has more than 2 transactions: split it into smaller files."


# --------------------------------------------------------------------------- camt.053
def test_camt053_001_02():
    statement = parse_camt053(sample("camt053_001_02.xml"))

    assert statement.format == "camt053"
    assert statement.account_number == "DE89370400440532013000"
    assert statement.currency == "EUR"
    assert statement.reference == "STMT-2026-03-DE01"
    assert (statement.date_start, statement.date_end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert (statement.balance_start, statement.balance_end) == (Decimal("10000.00"), Decimal("11426.75"))
    assert statement.balance_start is not None
    assert statement.balance_start + sum(amounts(statement)) == statement.balance_end
    credit, debit, fee = statement.lines
    assert credit.date == date(2026, 3, 4)
    assert credit.amount == Decimal("2380.00")
    assert credit.reference == "INV/2026/00012"
    assert credit.description == "Invoice INV/2026/00012 customer 10042"
    assert credit.counterparty == "Müller & Söhne KG"
    assert credit.counterparty_account == "DE02120300000000202051"
    assert credit.unique_id == "2026030400123456"
    assert debit.amount == Decimal("-940.50")
    assert debit.reference == "BILL-2026-0311"
    assert debit.counterparty == "Office Supplies Berlin GmbH"
    assert debit.counterparty_account == "DE75512108001245126199"
    assert fee.amount == Decimal("-12.75")
    assert fee.reference == fee.unique_id == "2026033100000001"
    assert fee.description == "Account maintenance fee March 2026"
    assert fee.counterparty == ""


def test_camt053_001_08():
    statement = parse_camt053(sample("camt053_001_08.xml"))

    assert statement.account_number == "1234567890"
    assert statement.currency == "THB"
    assert statement.reference == "451-20260331"
    assert (statement.date_start, statement.date_end) == (date(2026, 3, 30), date(2026, 3, 31))
    # The opening balance is overdrawn: DBIT makes it negative.
    assert (statement.balance_start, statement.balance_end) == (Decimal("-250.00"), Decimal("31859.50"))
    assert statement.balance_start is not None
    assert statement.balance_start + sum(amounts(statement)) == statement.balance_end
    credit, debit, fee, second_fee = statement.lines
    # Booked at 06:15 Bangkok time (a DtTm): the bank's date, not UTC's.
    assert credit.date == date(2026, 3, 30)
    assert credit.counterparty == "บริษัท ข้าวทอง จำกัด"  # the debtor, not our own name as creditor
    assert credit.counterparty_account == "0987654321"
    assert credit.reference == "INV/2026/00012"
    # EndToEndId NOTPROVIDED is no reference: the bank's own is used instead.
    assert debit.reference == "TH0331KB000922"
    assert debit.description == "BL-7781"  # the structured creditor reference when there is no Ustrd
    assert debit.counterparty == "Bangkok Logistics Co., Ltd."
    assert debit.counterparty_account == "5550001112"
    assert fee.description == "ค่าธรรมเนียมโอนเงิน / transfer fee"
    # No AcctSvcrRef: a hash, different for the two identical fees, the same on every parse.
    assert len(fee.unique_id) == 32
    assert fee.unique_id != second_fee.unique_id
    again = parse_camt053(sample("camt053_001_08.xml"))
    assert [line.unique_id for line in again.lines] == [line.unique_id for line in statement.lines]


def test_camt053_without_namespace_and_with_value_date_only():
    data = (
        sample("camt053_001_02.xml")
        .replace(b' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"', b"")
        .replace(b"<BookgDt><Dt>2026-03-04</Dt></BookgDt>", b"")
    )

    statement = parse_camt053(data)

    assert statement.lines[0].date == date(2026, 3, 4)


def test_camt053_in_utf16():
    data = (
        sample("camt053_001_08.xml")
        .decode()
        .replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .encode("utf-16")
    )

    assert parse_camt053(data) == parse_camt053(sample("camt053_001_08.xml"))


def test_camt053_pending_entries_are_left_out():
    data = sample("camt053_001_08.xml").replace(b"<Sts><Cd>BOOK</Cd></Sts>", b"<Sts><Cd>PDNG</Cd></Sts>", 1)

    statement = parse_camt053(data)

    assert len(statement.lines) == 3
    assert statement.lines[0].unique_id == "TH0331KB000922"
    assert Decimal("45000.00") not in amounts(statement)


def test_camt053_several_statements_of_one_account_are_merged():
    text = sample("camt053_001_02.xml").decode()
    head, rest = text.split("<Stmt>", 1)
    march, tail = rest.split("</Stmt>", 1)
    april = (
        march.replace("STMT-2026-03-DE01", "STMT-2026-04-DE01")
        .replace("2026-03-31", "2026-04-30")
        .replace("2026-03-", "2026-04-")
        .replace("<AcctSvcrRef>202603", "<AcctSvcrRef>202604")
        .replace("11426.75", "12853.50")
        .replace("10000.00", "11426.75")
    )
    data = f"{head}<Stmt>{march}</Stmt><Stmt>{april}</Stmt>{tail}".encode()

    statement = parse_camt053(data)

    assert statement.reference == "STMT-2026-03-DE01, STMT-2026-04-DE01"
    assert (statement.date_start, statement.date_end) == (date(2026, 3, 1), date(2026, 4, 30))
    assert (statement.balance_start, statement.balance_end) == (Decimal("10000.00"), Decimal("12853.50"))
    assert len(statement.lines) == 6
    assert len({line.unique_id for line in statement.lines}) == 6


def test_camt053_statements_of_two_accounts_are_refused():
    text = sample("camt053_001_02.xml").decode()
    head, rest = text.split("<Stmt>", 1)
    body, tail = rest.split("</Stmt>", 1)
    other = body.replace("DE89370400440532013000", "DE44500105175407324931")
    data = f"{head}<Stmt>{body}</Stmt><Stmt>{other}</Stmt>{tail}".encode()

    with pytest.raises(StatementFormatError) as excinfo:
        parse_camt053(data)

    assert failure(excinfo) == (
        "The file holds statements for several accounts "
        "(DE44500105175407324931 EUR, DE89370400440532013000 EUR): import one account at a time."
    )


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Document><BkToCstmrStmt><Stmt><Id>&lol4;</Id></Stmt></BkToCstmrStmt></Document>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Document><BkToCstmrStmt><Stmt><Id>&secret;</Id></Stmt></BkToCstmrStmt></Document>
"""
REFUSED = (
    "The file contains a document type declaration (DTD) or entities, which bank statements never use: "
    "it was refused for safety."
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (BOMB, REFUSED),
        (EXTERNAL_ENTITY, REFUSED),
        (b"", "The file is empty."),
        (codecs.BOM_UTF8 + b"\n ", "The file is empty."),
        (b"<Document><BkToCstmrStmt><Stmt>", "The file is not well-formed XML (line 1, column 31)."),
        (b"Date,Amount\n1,2\n", "The file is not well-formed XML (line 1, column 0)."),
        (
            (
                b'<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">'
                b"<CstmrCdtTrfInitn><GrpHdr><MsgId>1</MsgId></GrpHdr></CstmrCdtTrfInitn></Document>"
            ),
            "The file is not a camt.053 statement: no <Stmt> element.",
        ),
        (b"<html><body>Statement</body></html>", "The file is not a camt.053 statement: no <Stmt> element."),
        (
            b'<?xml version="1.0" encoding="klingon"?><Document/>',
            "The file declares a character encoding that is not known.",
        ),
    ],
)
def test_camt053_refused_files(data, message):
    with pytest.raises(StatementFormatError) as excinfo:
        parse_camt053(data)

    assert failure(excinfo) == message


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            b'<Amt Ccy="EUR">940.50',
            b'<Amt Ccy="EUR">940,50',
            "Transaction 2: <Amt> '940,50' is not an amount.",
        ),
        (
            b'<Amt Ccy="EUR">940.50',
            b'<Amt Ccy="EUR">-940.50',
            "Transaction 2: <Amt> '-940.50' is not an amount.",
        ),
        (b'<Amt Ccy="EUR">940.50</Amt>', b"", "Transaction 2: the element <Amt> is missing."),
        (
            b'<Amt Ccy="EUR">940.50',
            b'<Amt Ccy="USD">940.50',
            "Transaction 2: the amount is in USD but the account is in EUR.",
        ),
        (
            b"<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>BOOK</Sts>\n        <BookgDt><Dt>2026-03-12",
            b"<CdtDbtInd>DEBIT</CdtDbtInd>\n        <Sts>BOOK</Sts>\n        <BookgDt><Dt>2026-03-12",
            "Transaction 2: <CdtDbtInd> is 'DEBIT', not CRDT or DBIT.",
        ),
        (
            b"<BookgDt><Dt>2026-03-12</Dt></BookgDt>",
            b"<BookgDt><Dt>12.03.2026</Dt></BookgDt>",
            "Transaction 2: <BookgDt> '12.03.2026' is not a date.",
        ),
        (
            b"<BookgDt><Dt>2026-03-12</Dt></BookgDt>\n        <ValDt><Dt>2026-03-12</Dt></ValDt>",
            b"",
            "Transaction 2: the element <BookgDt> is missing.",
        ),
        (
            b"<FrDtTm>2026-03-01T00:00:00+01:00</FrDtTm>",
            b"<FrDtTm>yesterday</FrDtTm>",
            "The statement's <FrToDt/FrDtTm> 'yesterday' is not a date.",
        ),
        (
            b'<Amt Ccy="EUR">10000.00',
            b'<Amt Ccy="EUR">lots',
            "The statement's <Bal OPBD Amt> 'lots' is not an amount.",
        ),
    ],
)
def test_camt053_bad_values(old, new, message):
    data = sample("camt053_001_02.xml")
    assert old in data

    with pytest.raises(StatementFormatError) as excinfo:
        parse_camt053(data.replace(old, new))

    assert failure(excinfo) == message


def test_camt053_with_no_entries():
    data = sample("camt053_001_02.xml")
    data = data[: data.index(b"<Ntry>")] + data[data.rindex(b"</Ntry>") + len(b"</Ntry>") :]

    with pytest.raises(StatementFormatError) as excinfo:
        parse_camt053(data)

    assert failure(excinfo) == "The statement has no transactions."


def test_camt053_line_cap(monkeypatch):
    monkeypatch.setattr(bank_formats, "MAX_LINES", 3)

    parse_camt053(sample("camt053_001_02.xml"))
    with pytest.raises(StatementFormatError) as excinfo:
        parse_camt053(sample("camt053_001_08.xml"))

    assert failure(excinfo) == "The file has more than 3 transactions: split it into smaller files."
