import io
import zipfile

import pytest

from concord.core.dataio import parsing
from concord.core.dataio.errors import UploadRejected
from concord.core.dataio.parsing import check_upload_size, open_table
from concord.core.dataio.tests.support import PNG_BYTES, RateImport, csv_bytes, rate_rows, xlsx_bytes

SPEC = RateImport()


def read(data: bytes, filename: str = "rates.csv", spec=SPEC):
    with open_table(io.BytesIO(data), filename=filename, spec=spec) as table:
        return table, list(table.rows())


def rejection(data: bytes, filename: str) -> str:
    with pytest.raises(UploadRejected) as caught:
        read(data, filename)
    assert caught.value.field == "file"
    return str(caught.value.message)


def test_utf8_csv_with_bom_and_semicolons_keeps_thai_text():
    data = csv_bytes(rate_rows(2), delimiter=";", bom=True)
    table, rows = read(data)
    assert table.file_format == "csv"
    assert rows == [
        (2, {"currency": "USD", "rate_date": "2026-01-01", "rate": "36.00", "note": "แถว 1"}),
        (3, {"currency": "USD", "rate_date": "2026-01-02", "rate": "36.01", "note": "แถว 2"}),
    ]
    assert table.header.headers["currency"] == "currency"  # the BOM is not part of the first header


def test_tab_separated_utf16_from_excel_unicode_text():
    data = csv_bytes(rate_rows(1), delimiter="\t", encoding="utf-16")
    _table, rows = read(data, "rates.txt")
    assert rows[0][1]["note"] == "แถว 1"


def test_thai_windows_code_page_874_is_read_when_the_file_is_not_utf8():
    data = csv_bytes(
        [["USD", "2026-01-01", "36.5", "น้ำมันมะพร้าว"]],
        header=["Currency", "Date", "อัตรา", "หมายเหตุ"],
        encoding="cp874",
    )
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    table, rows = read(data)
    assert rows[0][1] == {"currency": "USD", "rate_date": "2026-01-01", "rate": "36.5", "note": "น้ำมันมะพร้าว"}
    assert table.header.headers == {
        "currency": "Currency",
        "rate_date": "Date",
        "rate": "อัตรา",
        "note": "หมายเหตุ",
    }


def test_headers_match_names_or_labels_loosely_and_unknown_columns_are_reported():
    data = csv_bytes(
        [["usd", "2026-01-01", "36.5", "x", "ignored"]],
        header=[" CURRENCY ", "Rate Date", "อัตรา*", "Note", "Colour"],
    )
    table, rows = read(data)
    assert table.header.unknown == ["Colour"]
    assert rows[0][1] == {"currency": "usd", "rate_date": "2026-01-01", "rate": "36.5", "note": "x"}


def test_a_column_named_twice_is_refused():
    message = rejection(csv_bytes([], header=["currency", "Currency", "rate_date", "rate"]), "r.csv")
    assert "both mean currency" in message


def test_missing_required_columns_are_named():
    message = rejection(csv_bytes(rate_rows(1), header=["currency", "note", "x", "y"]), "r.csv")
    assert "rate_date (Date)" in message
    assert "rate (อัตรา)" in message


def test_blank_lines_are_skipped_and_row_numbers_stay_those_of_the_sheet():
    data = b"currency,rate_date,rate\r\n\r\nUSD,2026-01-01,1\r\n,,\r\nEUR,2026-01-01,2\r\n"
    _table, rows = read(data)
    assert [number for number, _row in rows] == [3, 5]
    assert "note" not in rows[1][1]  # columns the file lacks are left out; the service fills them with ""


def test_xlsx_gives_cell_text_as_a_person_sees_it():
    import datetime as dt

    data = xlsx_bytes(
        [
            ["USD", dt.date(2026, 1, 1), 36.45, "ไทย"],
            [None, None, None, None],
            ["EUR", dt.datetime(2026, 1, 2, 0, 0), 40, 1e-05],  # noqa: DTZ001 - Excel cells hold naive datetimes
        ]
    )
    table, rows = read(data, "rates.xlsx")
    assert table.file_format == "xlsx"
    assert rows == [
        (2, {"currency": "USD", "rate_date": "2026-01-01", "rate": "36.45", "note": "ไทย"}),
        (4, {"currency": "EUR", "rate_date": "2026-01-02", "rate": "40", "note": "0.00001"}),
    ]


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (PNG_BYTES, "rates.xlsx", "PNG"),
        (b"currency,rate_date,rate\r\nUSD,2026-01-01,1\r\n", "rates.xlsx", "not an Excel .xlsx workbook"),
        (b"PK\x03\x04 this is not really a zip", "rates.xlsx", "damaged"),
        (PNG_BYTES, "rates.csv", "PNG"),
        (b"", "rates.csv", "empty"),
        (b"\r\n\r\n", "rates.csv", "empty"),
        (b"\x00\x01\x02\x03binary", "rates.csv", "not readable text"),
        (b"whatever", "rates.xls", ".xls"),
        (b"whatever", "rates.pdf", "CSV file (.csv) or an Excel workbook (.xlsx)"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused_with_a_reason(data, filename, expected):
    assert expected in rejection(data, filename)


def test_a_zip_that_is_no_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "zip archive, not an Excel" in rejection(buffer.getvalue(), "rates.xlsx")


def test_a_workbook_missing_its_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert "cannot be read" in rejection(buffer.getvalue(), "rates.xlsx")


def test_a_workbook_that_expands_too_far_is_refused(settings):
    settings.CONCORD_MAX_UPLOAD_BYTES = 100  # the expansion allowance is 30x the upload limit
    assert "expands to" in rejection(xlsx_bytes(rate_rows(50)), "rates.xlsx")


def test_more_rows_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_ROWS", 3)
    assert read(csv_bytes(rate_rows(3)))[1][-1][0] == 4
    assert "more than 3 rows" in rejection(csv_bytes(rate_rows(4)), "rates.csv")
    assert "more than 3 rows" in rejection(xlsx_bytes(rate_rows(4)), "rates.xlsx")


def test_size_is_checked_against_the_setting(settings):
    settings.CONCORD_MAX_UPLOAD_BYTES = 1000
    check_upload_size(1000)
    with pytest.raises(UploadRejected, match="files up to 1000"):
        check_upload_size(1001)


def test_delimiter_is_read_from_the_header_line_not_from_quoted_text():
    assert parsing.sniff_delimiter('"a;b;c",d,e\r\n1;2;3;4;5;6\r\n') == ","
    assert parsing.sniff_delimiter("a;b;c\n1,2,3,4,5") == ";"
    assert parsing.sniff_delimiter("single\n1") == ","
