"""The email parser: charsets, malformed MIME, sanitising, threading headers and refusals (no database)."""

from __future__ import annotations

import base64
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from concord.modules.helpdesk.mail.parsing import MailRejected, decode_bytes, parse_message

THAI = "สวัสดีครับ สินค้ามาถึงแล้วแต่เสียหาย"


def _raw(headers: str, body: bytes) -> bytes:
    return headers.strip().replace("\n", "\r\n").encode("ascii") + b"\r\n\r\n" + body


@pytest.mark.parametrize("label", ["TIS-620", "windows-874", "ISO-8859-11", "cp874", "x-windows-874"])
def test_thai_single_byte_charsets_decode_to_thai(label):
    subject = "=?" + label + "?B?" + base64.b64encode("แจ้งปัญหา".encode("cp874")).decode() + "?="
    raw = _raw(
        f"""
From: =?{label}?B?{base64.b64encode("สมชาย".encode("cp874")).decode()}?= <somchai@example.co.th>
To: support@siam.example
Subject: {subject}
Content-Type: text/plain; charset="{label}"
Content-Transfer-Encoding: 8bit
""",
        THAI.encode("cp874"),
    )
    message = parse_message(raw)
    assert message.text == THAI
    assert message.subject == "แจ้งปัญหา"
    assert message.from_name == "สมชาย"
    assert message.from_email == "somchai@example.co.th"
    assert message.to == ("support@siam.example",)


def test_unknown_and_wrong_charsets_decode_with_replacement():
    unknown = parse_message(
        _raw("From: a@b.example\nContent-Type: text/plain; charset=x-klingon", "héllo ✓".encode())
    )
    assert unknown.text == "héllo ✓"  # an unknown label is read as UTF-8
    # Declared UTF-8 but really TIS-620 (the usual mislabel in Thai mail): read as Thai
    mislabelled = parse_message(
        _raw("From: a@b.example\nContent-Type: text/plain; charset=utf-8", THAI.encode("cp874"))
    )
    assert mislabelled.text == THAI
    # Bytes valid in no candidate charset: replacement characters, not an exception
    assert "\ufffd" in decode_bytes(b"ok \xff\xfe\x80", "utf-8")
    assert decode_bytes(b"abc", "x-nonsense") == "abc"


def test_malformed_mime_is_kept_best_effort():
    no_boundary = parse_message(
        _raw("From: a@b.example\nSubject: broken\nContent-Type: multipart/mixed", b"the body without parts")
    )
    assert no_boundary.text == "the body without parts"
    broken_base64 = parse_message(
        _raw(
            """
From: a@b.example
Content-Type: multipart/mixed; boundary="XX"
""",
            b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64.b64encode("ข้อความ".encode())[:-3]
            + b'!!\r\n--XX\r\nContent-Type: application/pdf; name="a.pdf"\r\nContent-Transfer-Encoding: base64'
            b"\r\n\r\n%%%not base64\r\n",  # and no closing boundary
        )
    )
    assert broken_base64.text.startswith("ข้อ")
    assert [a.filename for a in broken_base64.attachments] == ["a.pdf"]
    garbled_headers = parse_message(
        _raw('From: "Unclosed <a@b.example\nSubject: =?utf-8?B?####?=\nDate: not a date\nTo: ,,<<>>', b"x")
    )
    assert garbled_headers.from_email == "a@b.example"
    assert garbled_headers.date is None


def test_html_is_sanitised_and_gives_a_text_version():
    message = EmailMessage()
    message["From"] = "Mallory <mallory@example.com>"
    message["Subject"] = "hi"
    message.set_content(
        '<p onclick="steal()">Hello <b>there</b><script>alert(1)</script><img src=x onerror=alert(2)>'
        '<a href="javascript:alert(3)">x</a><a href="https://ok.example/">ok</a></p><style>p{}</style>',
        subtype="html",
    )
    parsed = parse_message(message.as_bytes())
    for bad in ("<script", "alert", "onerror", "onclick", "javascript:", "<img", "<style"):
        assert bad not in parsed.html
    assert "<b>there</b>" in parsed.html
    assert 'href="https://ok.example/"' in parsed.html
    assert parsed.text == "Hello therexok"


def test_threading_headers_attachments_and_alternatives():
    message = EmailMessage()
    message["From"] = "somchai@example.co.th"
    message["To"] = "Support <Support@Siam.Example>"
    message["Cc"] = "boss@example.co.th"
    message["Subject"] = "Re: late delivery [HD/2026/00012]"
    message["Message-ID"] = "<c2@mail.example>"
    message["In-Reply-To"] = "<hd-1-2.ab@siam.example>"
    message["References"] = "<c1@mail.example> <hd-1-2.ab@siam.example>"
    message["Date"] = "Mon, 05 Jan 2026 10:00:00 +0700"
    message.set_content("plain version")
    message.add_alternative("<p>html version</p>", subtype="html")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="..\\..\\invoice.pdf")
    parsed = parse_message(message.as_bytes())
    assert parsed.message_id == "<c2@mail.example>"
    assert parsed.in_reply_to == "<hd-1-2.ab@siam.example>"
    assert parsed.references == ("<c1@mail.example>", "<hd-1-2.ab@siam.example>")
    assert parsed.to == ("support@siam.example", "boss@example.co.th")
    assert parsed.text == "plain version"
    assert parsed.html == "<p>html version</p>"
    assert [(a.filename, a.content_type, a.content) for a in parsed.attachments] == [
        ("invoice.pdf", "application/pdf", b"%PDF-1.4")
    ]
    assert parsed.date is not None
    assert parsed.date.utcoffset() is not None


def test_a_message_without_message_id_gets_a_stable_one():
    raw = _raw("From: a@b.example\nSubject: x", b"body")
    assert parse_message(raw).message_id == parse_message(raw).message_id
    assert parse_message(raw).message_id != parse_message(raw + b"!").message_id


def test_refusals():
    with pytest.raises(MailRejected) as no_sender:
        parse_message(_raw("To: support@siam.example\nSubject: who am I", b"body"))
    assert no_sender.value.code == "no_sender"
    assert no_sender.value.smtp_status.startswith("550")
    # The envelope sender stands in for a missing From
    assert (
        parse_message(_raw("Subject: x", b"body"), envelope_from="bounce@b.example").from_email
        == "bounce@b.example"
    )
    with pytest.raises(MailRejected) as too_large:
        parse_message(_raw("From: a@b.example", b"x" * 2000), max_bytes=1000)
    assert too_large.value.code == "too_large"
    assert too_large.value.smtp_status.startswith("552")
    with pytest.raises(MailRejected) as empty:
        parse_message(b"  \r\n")
    assert empty.value.code == "empty"


@settings(max_examples=150, deadline=None)
@given(
    st.binary(max_size=400),
    st.sampled_from(["", "multipart/mixed; boundary=b", "text/html; charset=tis-620"]),
)
def test_arbitrary_bytes_never_raise_anything_but_mail_rejected(body, content_type):
    raw = b"From: a@b.example\r\nContent-Type: " + content_type.encode() + b"\r\n\r\n" + body
    try:
        parsed = parse_message(raw)
    except MailRejected:
        return
    assert "<script" not in parsed.html.lower()
