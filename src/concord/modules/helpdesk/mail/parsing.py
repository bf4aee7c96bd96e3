"""Raw email bytes -> ``InboundMessage``: the one place inbound mail is read.

``parse_message`` is best effort: a missing MIME boundary, broken base64, a wrong or unknown charset
(Thai mail still arrives as TIS-620 / windows-874 / ISO-8859-11) or a garbled header never raise; the
text is decoded with replacement characters where it must. Only two things refuse the whole message,
with ``MailRejected`` (the callers log it, count it and answer the sender):

- no usable sender address (neither ``From`` nor ``Sender`` nor the SMTP envelope's ``MAIL FROM``);
- a message larger than ``CONCORD_HELPDESK_MAIL_MAX_BYTES`` (25 MB by default).

HTML leaves the parser already sanitised by nh3 (basic formatting and links only); the helpdesk
service sanitises again on the way into the database, so neither layer trusts the other.
Message-IDs keep their angle brackets (``<abc@host>``), as ``email.utils.make_msgid`` makes them; a
message without one gets ``<sha256-...@concord.invalid>`` computed from its bytes, so the same message
delivered twice is still recognised.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import html as html_lib
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.header import decode_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Final

import nh3
from django.conf import settings

__all__ = [
    "DEFAULT_MAX_MESSAGE_BYTES",
    "InboundAttachment",
    "InboundMessage",
    "MailRejected",
    "decode_bytes",
    "max_message_bytes",
    "parse_message",
    "sanitize_html",
]

logger = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_BYTES: Final = 25 * 1024 * 1024
MAX_PARTS: Final = 500  # a message with thousands of MIME parts is an attack, not correspondence
MAX_DEPTH: Final = 20
_MAX_FILENAME_CHARS: Final = 200
_MAX_SUBJECT_CHARS: Final = 500
_MAX_MESSAGE_ID_CHARS: Final = 250
_MAX_REFERENCES: Final = 50  # threading needs the recent chain, not a 10,000-entry header

# Thai mailers label the same bytes TIS-620, windows-874 or ISO-8859-11; cp874 is the superset of all
# three (it adds the curly quotes and the ellipsis at 0x80-0x9F), and Python does not know "windows-874".
_CHARSET_ALIASES: Final = {
    "tis-620": "cp874",
    "tis620": "cp874",
    "tis_620": "cp874",
    "windows-874": "cp874",
    "x-windows-874": "cp874",
    "cp874": "cp874",
    "iso-8859-11": "cp874",
    "iso8859-11": "cp874",
    "iso_8859-11": "cp874",
    "x-tis620": "cp874",
    "ms874": "cp874",
    "unknown-8bit": "utf-8",
    "x-unknown": "utf-8",
    "us-ascii": "utf-8",  # 8-bit bytes wrongly labelled ASCII are nearly always UTF-8
    "ascii": "utf-8",
}

_ALLOWED_TAGS: Final = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "u", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES: Final = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_MESSAGE_ID_RE: Final = re.compile(r"<[^<>\s]+>")
_ADDRESS_RE: Final = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_UNSAFE_FILENAME_CHARS: Final = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


class MailRejected(Exception):  # noqa: N818 - the name the helpdesk contract uses: a refusal, not an error
    """A message refused as a whole; ``code`` says why.

    ``no_sender``, ``too_large`` and ``empty`` come from the parser; ``unknown_recipient`` and ``invalid``
    (the helpdesk service refused it with a domain error) from ``delivery.mail_deliver``.

    ``smtp_status`` is the answer an SMTP server gives the sender for it.
    """

    SMTP_STATUS: Final = {
        "no_sender": "550 5.1.7 Message refused: it has no valid sender address",
        "too_large": "552 5.3.4 Message refused: it is larger than this helpdesk accepts",
        "empty": "554 5.6.0 Message refused: it is empty",
        "unknown_recipient": "550 5.1.1 Message refused: no helpdesk mailbox at this address",
        "invalid": "554 5.6.0 Message refused: the helpdesk could not accept it",
    }

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def smtp_status(self) -> str:
        return self.SMTP_STATUS.get(self.code, "554 5.6.0 Message refused")


@dataclass(frozen=True)
class InboundAttachment:
    """A file that came with an inbound message (the helpdesk service applies its size limit)."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class InboundMessage:
    """One parsed inbound email: who, what, the threading headers, the sanitised bodies and the files."""

    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    from_name: str
    from_email: str
    to: tuple[str, ...]
    subject: str
    text: str
    html: str
    attachments: tuple[InboundAttachment, ...]
    date: datetime | None


def max_message_bytes() -> int:
    """The hard cap on one raw message (``settings.CONCORD_HELPDESK_MAIL_MAX_BYTES``, 25 MB by default)."""
    value = getattr(settings, "CONCORD_HELPDESK_MAIL_MAX_BYTES", DEFAULT_MAX_MESSAGE_BYTES)
    return int(value)


def _codec_name(charset: str | None) -> str:
    name = (charset or "").strip().strip("\"'").lower()
    if not name:
        return "utf-8"
    name = _CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode ``data`` declared as ``charset``: never raises; unknown charsets read as UTF-8.

    A declared UTF-8 that is not valid UTF-8 but reads as Thai in cp874 is taken as cp874: the most
    common wrong label in Thai mail. Anything else undecodable becomes U+FFFD.
    """
    codec = _codec_name(charset)
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        pass
    except LookupError:  # a codec name that exists but cannot decode (e.g. a hash), or a broken alias
        codec = "utf-8"
    if codec == "utf-8":
        try:
            guessed = data.decode("cp874")
        except UnicodeDecodeError:
            guessed = ""
        if guessed and any("\u0e00" <= ch <= "\u0e7f" for ch in guessed):
            return guessed
    return data.decode(codec, errors="replace")


def _unescape_surrogates(text: str) -> str:
    """8-bit bytes in a header arrive as surrogate escapes: read them as UTF-8 (best effort)."""
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        return decode_bytes(text.encode("utf-8", errors="surrogateescape"), "utf-8")
    return text


def _decode_header_value(raw: str) -> str:
    """A header's text with RFC 2047 encoded words decoded through our charset table; never raises."""
    if not raw:
        return ""
    if "=?" not in raw:
        return " ".join(_unescape_surrogates(raw).split())
    try:
        chunks = decode_header(raw)
    except Exception:  # noqa: BLE001 - a malformed encoded word: keep the raw text
        return " ".join(_unescape_surrogates(raw).split())
    parts: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            parts.append(decode_bytes(chunk, charset))
        else:
            parts.append(_unescape_surrogates(chunk))
    text = "".join(parts)  # decode_header keeps the whitespace around encoded words in the plain chunks
    return " ".join(text.split())


def _raw_headers(msg: Message, name: str) -> list[str]:
    """Every raw value of header ``name`` (no parsing, so a malformed header cannot raise)."""
    wanted = name.lower()
    values: list[str] = []
    for key, value in msg.raw_items() if isinstance(msg, EmailMessage) else msg.items():
        if key.lower() == wanted:
            values.append(str(value))
    return values


def _first_header(msg: Message, name: str) -> str:
    values = _raw_headers(msg, name)
    return values[0] if values else ""


def _clean_address(address: str) -> str:
    address = address.strip().strip("<>").strip()
    if not address or any(ch.isspace() for ch in address) or address.count("@") != 1:
        return ""
    local, _at, domain = address.partition("@")
    if not local or not domain or "." not in domain.strip("."):
        return ""
    return f"{local}@{domain.lower()}"


def _sender(msg: Message, envelope_from: str) -> tuple[str, str]:
    for header in ("From", "Sender", "Reply-To"):
        for raw in _raw_headers(msg, header):
            text = _unescape_surrogates(raw)
            name, address = parseaddr(text)
            email = _clean_address(address)
            if email:
                return _decode_header_value(name), email
            found = _ADDRESS_RE.search(text)  # a header the address parser gives up on ("Unclosed <a@b)
            if found and (email := _clean_address(found.group(0))):
                return "", email
    email = _clean_address(envelope_from)
    return "", email


def _recipients(msg: Message) -> tuple[str, ...]:
    raw = [_unescape_surrogates(value) for header in ("To", "Cc") for value in _raw_headers(msg, header)]
    seen: dict[str, None] = {}
    try:
        pairs = getaddresses(raw)
    except Exception:  # noqa: BLE001 - a header the address parser chokes on: no recipients from it
        pairs = []
    for _name, address in pairs:
        email = _clean_address(address)
        if email:
            seen.setdefault(email.lower(), None)
    return tuple(seen)


def _bounded_id(message_id: str) -> str:
    """Message-IDs are stored in 255 characters: a longer one is replaced by a stable digest of itself."""
    if len(message_id) <= _MAX_MESSAGE_ID_CHARS:
        return message_id
    return (
        f"<sha256-{hashlib.sha256(message_id.encode('utf-8', 'replace')).hexdigest()[:40]}@concord.invalid>"
    )


def _message_ids(raw: str) -> list[str]:
    return [_bounded_id(mid) for mid in _MESSAGE_ID_RE.findall(_unescape_surrogates(raw))]


def _date(msg: Message) -> datetime | None:
    raw = _first_header(msg, "Date")
    if not raw:
        return None
    try:
        parsed = parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def sanitize_html(value: str) -> str:
    """HTML reduced to basic formatting and http(s)/mailto links; scripts, styles and handlers removed."""
    if not value.strip():
        return ""
    return nh3.clean(
        value,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


_BLOCK_END_RE: Final = re.compile(r"(?i)<\s*(br\s*/?|/p|/div|/li|/tr|/h[1-6])\s*>")


def _html_to_text(value: str) -> str:
    """A readable plain-text version of sanitised HTML (for messages that come as HTML only)."""
    with_breaks = _BLOCK_END_RE.sub("\n", value)
    stripped = nh3.clean(with_breaks, tags=set(), attributes={})
    lines = [" ".join(line.split()) for line in html_lib.unescape(stripped).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_NOT_BASE64_RE: Final = re.compile(rb"[^A-Za-z0-9+/]")


def _lenient_base64(text: str) -> bytes:
    """Decode base64 ignoring stray characters and a truncated end (the stdlib gives up and returns it raw)."""
    data = _NOT_BASE64_RE.sub(b"", text.encode("ascii", errors="ignore"))
    data = data[: len(data) - len(data) % 4] if len(data) % 4 == 1 else data
    data += b"=" * (-len(data) % 4)
    try:
        return base64.b64decode(data)
    except (binascii.Error, ValueError):
        return b""


def _payload_bytes(part: Message) -> bytes:
    """The decoded body of a leaf part: broken base64 / quoted-printable decode as far as they can."""
    raw = part.get_payload()
    if isinstance(raw, str) and str(part.get("Content-Transfer-Encoding", "")).strip().lower() == "base64":
        return _lenient_base64(raw)
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - the stdlib decoders are lenient; this is a last resort
        payload = None
    if isinstance(payload, bytes):
        return payload
    if isinstance(raw, str):
        return raw.encode("utf-8", errors="surrogateescape")
    return b""


def _safe_filename(raw: str, index: int, content_type: str) -> str:
    name = _decode_header_value(raw) if raw else ""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_FILENAME_CHARS.sub("_", name).strip(" .")
    if not name:
        subtype = content_type.partition("/")[2] or "bin"
        name = f"attachment-{index}.{re.sub(r'[^a-z0-9]+', '', subtype)[:10] or 'bin'}"
    if len(name) > _MAX_FILENAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        name = (
            (stem[: _MAX_FILENAME_CHARS - len(ext) - 1] + dot + ext)
            if dot and len(ext) < 12
            else name[:_MAX_FILENAME_CHARS]
        )
    return name


def _part_filename(part: Message) -> str:
    try:
        return part.get_filename() or ""
    except Exception:  # noqa: BLE001 - a garbled Content-Disposition: the file gets a generated name
        return ""


def _part_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # noqa: BLE001
        return "application/octet-stream"


def _is_attachment(part: Message) -> bool:
    try:
        disposition = (part.get_content_disposition() or "").lower()
    except Exception:  # noqa: BLE001
        disposition = ""
    return disposition == "attachment" or bool(_part_filename(part))


class _Collector:
    """Walks the MIME tree once, collecting text, HTML and files."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.htmls: list[str] = []
        self.attachments: list[InboundAttachment] = []
        self.parts_seen = 0

    def visit(self, part: Message, depth: int = 0) -> None:
        self.parts_seen += 1
        if self.parts_seen > MAX_PARTS or depth > MAX_DEPTH:
            return
        content_type = _part_type(part)
        payload = part.get_payload()
        if content_type == "message/rfc822" and isinstance(payload, list) and payload:
            # A forwarded message: kept whole as an .eml file, not merged into this one's text.
            inner = payload[0]
            try:
                content = inner.as_bytes(policy=policy.SMTP) if isinstance(inner, Message) else b""
            except Exception:  # noqa: BLE001 - re-serialising a broken inner message
                content = b""
            self._attach(part, content, "message/rfc822")
            return
        if isinstance(payload, list):
            if content_type == "multipart/alternative":
                self._visit_alternative([child for child in payload if isinstance(child, Message)], depth)
                return
            for child in payload:
                if isinstance(child, Message):
                    self.visit(child, depth + 1)
            return
        if content_type.startswith("multipart/"):
            # A multipart whose boundary is missing or wrong: the parser left the body as one string.
            self.texts.append(decode_bytes(_payload_bytes(part), part.get_content_charset()).strip())
            return
        if _is_attachment(part) or not content_type.startswith("text/"):
            self._attach(part, _payload_bytes(part), content_type)
            return
        text = decode_bytes(_payload_bytes(part), part.get_content_charset())
        if content_type == "text/html":
            self.htmls.append(text)
        else:
            self.texts.append(text.strip())

    def _visit_alternative(self, payload: list[Message], depth: int) -> None:
        # Alternatives say the same thing twice: keep the first plain text and the first HTML only.
        before_texts, before_htmls = len(self.texts), len(self.htmls)
        for child in payload:
            if not isinstance(child, Message):
                continue
            child_type = _part_type(child)
            if child_type == "text/plain" and len(self.texts) > before_texts and not _is_attachment(child):
                continue
            if child_type == "text/html" and len(self.htmls) > before_htmls and not _is_attachment(child):
                continue
            self.visit(child, depth + 1)

    def _attach(self, part: Message, content: bytes, content_type: str) -> None:
        filename = _safe_filename(_part_filename(part), len(self.attachments) + 1, content_type)
        if content_type == "message/rfc822" and "." not in filename:
            filename += ".eml"
        self.attachments.append(
            InboundAttachment(filename=filename, content_type=content_type, content=content)
        )


def parse_message(raw: bytes, *, envelope_from: str = "", max_bytes: int | None = None) -> InboundMessage:
    """Parse ``raw`` (RFC 5322 bytes); raise ``MailRejected`` for no sender or too large, else never.

    ``envelope_from`` is the SMTP ``MAIL FROM``, used when the headers name no sender.
    """
    limit = max_message_bytes() if max_bytes is None else max_bytes
    if len(raw) > limit:
        raise MailRejected(
            "too_large",
            f"message of {len(raw)} bytes is larger than the limit of {limit} bytes",
        )
    if not raw.strip():
        raise MailRejected("empty", "message is empty")
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    from_name, from_email = _sender(msg, envelope_from)
    if not from_email:
        raise MailRejected("no_sender", "message has no valid sender address (From, Sender or envelope)")

    collector = _Collector()
    try:
        collector.visit(msg)
    except Exception:
        logger.warning("malformed MIME structure in a message from %s", from_email, exc_info=True)
    html = sanitize_html("\n".join(h for h in collector.htmls if h.strip()))
    text = "\n\n".join(t for t in collector.texts if t)
    if not text and html:
        text = _html_to_text(html)

    message_ids = _message_ids(_first_header(msg, "Message-ID"))
    message_id = (
        message_ids[0] if message_ids else f"<sha256-{hashlib.sha256(raw).hexdigest()[:40]}@concord.invalid>"
    )
    in_reply_to_ids = _message_ids(_first_header(msg, "In-Reply-To"))
    references = tuple(
        dict.fromkeys(mid for value in _raw_headers(msg, "References") for mid in _message_ids(value))
    )[-_MAX_REFERENCES:]
    subject = _decode_header_value(_first_header(msg, "Subject"))[:_MAX_SUBJECT_CHARS]
    return InboundMessage(
        message_id=message_id,
        in_reply_to=in_reply_to_ids[0] if in_reply_to_ids else "",
        references=references,
        from_name=from_name,
        from_email=from_email,
        to=_recipients(msg),
        subject=subject,
        text=text,
        html=html,
        attachments=tuple(collector.attachments),
        date=_date(msg),
    )
