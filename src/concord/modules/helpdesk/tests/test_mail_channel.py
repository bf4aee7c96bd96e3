"""The email channel end to end over real SMTP on 127.0.0.1: listener, auto-reply, agent reply, bad input.

The listener runs aiosmtpd in its own thread and reaches the database from worker threads, so these
tests are transactional (the rows must be committed for another connection to see them).
"""

from __future__ import annotations

import logging
import smtplib
import socket
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from django.core.mail.utils import DNS_NAME
from django.utils import timezone

from concord.core.outbox.facade import Event, PublishedEvent, dispatch_pending, temporary_handler
from concord.core.registry import registry
from concord.modules.helpdesk.events import TicketOpened, TicketReplied, TicketResolved
from concord.modules.helpdesk.mail import sending
from concord.modules.helpdesk.mail.delivery import MAIL_COUNTERS
from concord.modules.helpdesk.mail.listener import MailInController, mail_listener
from concord.modules.helpdesk.models import Channel, MessageKind, Ticket, TicketMessage
from concord.modules.helpdesk.services.settings import team_create
from concord.modules.helpdesk.services.tickets import ticket_reply, ticket_resolve

pytestmark = pytest.mark.django_db(transaction=True)

TEAM_ADDRESS = "support@siam.example"
CUSTOMER = "somchai@example.co.th"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Mailbox:
    """The customer's mail server: keeps every message Concord sends."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(BytesParser(policy=policy.default).parsebytes(envelope.original_content))
        return "250 OK"


@pytest.fixture
def mail_handlers() -> Iterator[None]:
    """The mail package's outbox handlers, registered temporarily if the app has not registered them."""
    wanted: list[tuple[type[Event], str, Callable[[PublishedEvent], None]]] = [
        (TicketOpened, sending.AUTO_REPLY_HANDLER, sending.send_auto_reply),
        (TicketReplied, sending.REPLY_HANDLER, sending.send_public_reply),
        (TicketResolved, sending.RATING_REQUEST_HANDLER, sending.send_rating_request),
    ]
    with ExitStack() as stack:
        for event, name, function in wanted:
            if f"{event.event_type}:{name}" not in registry.event_handlers:
                stack.enter_context(temporary_handler(event, name, function))
        yield


@pytest.fixture
def mailbox(settings, monkeypatch) -> Iterator[_Mailbox]:
    """Django's SMTP backend pointed at a real aiosmtpd server standing in for the customer's."""
    monkeypatch.setattr(DNS_NAME, "_fqdn", "localhost", raising=False)  # no slow getfqdn() in the sandbox
    handler = _Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def listener(settings) -> Iterator[MailInController]:
    settings.CONCORD_HELPDESK_MAX_ATTACHMENT_BYTES = 50_000
    controller = mail_listener(host="127.0.0.1", port=_free_port(), max_bytes=400_000)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def team(company):
    return team_create(company=company, name="Customer support", by=None, email_address=TEAM_ADDRESS)


def _send(listener: MailInController, message: EmailMessage | bytes, *, to=(TEAM_ADDRESS,), sender=CUSTOMER):
    raw = message if isinstance(message, bytes) else message.as_bytes(policy=policy.SMTP)
    with smtplib.SMTP(listener.hostname, listener.port, local_hostname="localhost", timeout=10) as client:
        return client.sendmail(sender, list(to), raw)


def _customer_mail(subject: str, text: str, *, message_id: str, in_reply_to: str = "") -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Somchai Jaidee <{CUSTOMER}>"
    message["To"] = TEAM_ADDRESS
    message["Subject"] = subject
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(text)
    return message


def test_customer_mails_gets_auto_reply_agent_answers_customer_replies_in_thread(
    company, team, make_partner, make_user, listener, mailbox, mail_handlers, settings
):
    partner = make_partner(company, name="Somchai Jaidee", emails=[CUSTOMER])
    agent = make_user(company=company, roles=("support",))
    first = _customer_mail("Parcel arrived damaged", "The box was crushed.", message_id="<c1@example.co.th>")
    first.add_alternative(
        '<p>The box was <b>crushed</b><script>alert("x")</script><img src=x onerror="alert(1)"></p>',
        subtype="html",
    )
    assert _send(listener, first) == {}

    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.contact_email, ticket.party_id, ticket.team_id) == (
        Channel.EMAIL,
        CUSTOMER,
        partner.pk,
        team.pk,
    )
    customer_message = ticket.messages.get(kind=MessageKind.CUSTOMER)
    assert customer_message.message_id == "<c1@example.co.th>"
    assert "<b>crushed</b>" in customer_message.body_html
    for bad in ("<script", "onerror", "<img"):
        assert bad not in customer_message.body_html

    # The auto-reply, stored by the helpdesk as a system message, goes out over SMTP, threaded.
    dispatch_pending()
    assert len(mailbox.messages) == 1
    auto = mailbox.messages[0]
    stored_auto = ticket.messages.get(kind=MessageKind.SYSTEM)
    assert auto["To"] == CUSTOMER
    assert f"[{ticket.number}]" in auto["Subject"]
    assert ticket.number in auto.get_content()
    assert auto["Message-ID"] == stored_auto.message_id
    assert auto["In-Reply-To"] == "<c1@example.co.th>"
    assert "<c1@example.co.th>" in auto["References"]
    assert auto["Auto-Submitted"] == "auto-replied"
    assert TEAM_ADDRESS in auto["From"]
    stored_auto.refresh_from_db()
    assert stored_auto.sent_at is not None

    # A redelivered TicketOpened sends nothing more.
    opened = PublishedEvent(
        id=0,
        uuid="redelivered",
        event_type=TicketOpened.event_type,
        payload={
            "channel": "email",
            "auto_reply_message_id": stored_auto.pk,
            "first_message_id": customer_message.pk,
            "contact_email": CUSTOMER,
            "subject": ticket.subject,
        },
        company_id=company.pk,
        actor_id=None,
        aggregate_type="",
        aggregate_id="",
        created_at=timezone.now(),
        attempt=2,
    )
    sending.send_auto_reply(opened)
    assert len(mailbox.messages) == 1

    # The agent answers from Concord: sent over SMTP with the stored Message-ID and the thread's headers.
    reply = ticket_reply(ticket=ticket, text="Sorry! A new one is on its way.", by=agent)
    dispatch_pending()
    assert len(mailbox.messages) == 2
    answer = mailbox.messages[1]
    assert answer["Message-ID"] == reply.message_id
    assert answer["In-Reply-To"] == "<c1@example.co.th>"
    assert "<c1@example.co.th>" in answer["References"].split()
    assert f"[{ticket.number}]" in answer["Subject"]
    assert answer.get_content().strip() == "Sorry! A new one is on its way."
    reply.refresh_from_db()
    assert reply.sent_at is not None
    assert sending.ticket_message_send(message_pk=reply.pk) is False  # sent once only

    # The customer answers the agent's mail (no ticket number in the subject): same ticket.
    again = _customer_mail(
        "Re: thanks", "Got it, thank you.", message_id="<c2@example.co.th>", in_reply_to=reply.message_id
    )
    _send(listener, again)
    _send(listener, again)  # the same message delivered twice adds nothing
    assert Ticket.objects.count() == 1
    texts = list(ticket.messages.filter(kind=MessageKind.CUSTOMER).values_list("body_text", flat=True))
    assert texts == ["The box was crushed.", "Got it, thank you."]
    assert len(mailbox.messages) == 2  # no auto-reply on a threaded message

    # Resolving asks for a rating by mail, answering the customer's latest message, with a full link.
    settings.CONCORD_PUBLIC_URL = "https://help.siam.example/"
    ticket_resolve(ticket=ticket, by=agent)
    dispatch_pending()
    assert len(mailbox.messages) == 3
    rating = mailbox.messages[2]
    ticket.refresh_from_db()
    assert rating["In-Reply-To"] == "<c2@example.co.th>"
    assert f"https://help.siam.example/helpdesk/rate/{ticket.rating_token}/" in rating.get_content()


def test_bad_input_is_refused_or_stored_and_the_listener_keeps_serving(company, team, listener, caplog):
    caplog.set_level(logging.INFO, logger="concord.helpdesk.mail")

    with pytest.raises(smtplib.SMTPRecipientsRefused) as unknown:
        _send(listener, _customer_mail("hi", "x", message_id="<u1@x.example>"), to=("nobody@siam.example",))
    assert unknown.value.recipients["nobody@siam.example"][0] == 550

    refused_before = MAIL_COUNTERS["rejected.no_sender"]
    no_sender = b"To: support@siam.example\r\nSubject: anonymous\r\n\r\nwho am I?\r\n"
    with pytest.raises(smtplib.SMTPDataError) as anonymous:
        _send(listener, no_sender, sender="")
    assert anonymous.value.smtp_code == 550
    assert MAIL_COUNTERS["rejected.no_sender"] == refused_before + 1
    assert any("no_sender" in record.getMessage() for record in caplog.records)
    assert not Ticket.objects.exists()

    # Still serving: a Thai message in TIS-620 is decoded.
    thai = "สินค้าชำรุด ขอเปลี่ยนใหม่"
    tis = (
        b"From: somchai@example.co.th\r\nTo: support@siam.example\r\nMessage-ID: <t1@example.co.th>\r\n"
        b"Subject: =?TIS-620?B?" + __import__("base64").b64encode("ของเสีย".encode("cp874")) + b"?=\r\n"
        b"Content-Type: text/plain; charset=TIS-620\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + thai.encode("cp874")
        + b"\r\n"
    )
    _send(listener, tis)
    thai_ticket = Ticket.objects.get()
    assert thai_ticket.subject == "ของเสีย"
    assert thai_ticket.messages.get(kind=MessageKind.CUSTOMER).body_text == thai

    # Malformed MIME (multipart without its boundary, broken base64): stored best effort.
    broken = (
        b"From: somchai@example.co.th\r\nTo: support@siam.example\r\nMessage-ID: <m1@example.co.th>\r\n"
        b'Subject: broken\r\nContent-Type: multipart/mixed; boundary="gone"\r\n\r\n'
        b"--elsewhere\r\nContent-Transfer-Encoding: base64\r\n\r\n%%%\r\nsome readable words\r\n"
    )
    _send(listener, broken)
    broken_ticket = Ticket.objects.get(subject="broken")
    assert "some readable words" in broken_ticket.messages.get(kind=MessageKind.CUSTOMER).body_text

    # An attachment over the helpdesk's limit (50 KB here) is refused, the message kept with a note.
    big = _customer_mail("scan attached", "see the photo", message_id="<b1@example.co.th>")
    big.add_attachment(b"\x89PNG" + b"\x00" * 60_000, maintype="image", subtype="png", filename="photo.png")
    big.add_attachment(b"%PDF-1.4 small", maintype="application", subtype="pdf", filename="receipt.pdf")
    _send(listener, big)
    big_ticket = Ticket.objects.get(subject="scan attached")
    customer_message = big_ticket.messages.get(kind=MessageKind.CUSTOMER)
    assert list(customer_message.attachments.values_list("filename", flat=True)) == ["receipt.pdf"]
    assert big_ticket.messages.filter(kind=MessageKind.SYSTEM, body_text__contains="photo.png").exists()
    assert any("photo.png" in record.getMessage() for record in caplog.records)

    # A whole message over the listener's cap (400 KB here) is refused with 552, and logged.
    huge = _customer_mail("huge", "x", message_id="<h1@example.co.th>")
    huge.add_attachment(
        b"\x00" * 500_000, maintype="application", subtype="octet-stream", filename="dump.bin"
    )
    with pytest.raises((smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) as too_large:
        _send(listener, huge)
    assert too_large.value.smtp_code == 552
    assert any("too_large" in record.getMessage() for record in caplog.records)
    assert not Ticket.objects.filter(subject="huge").exists()

    # And after all that, the listener still takes mail.
    _send(listener, _customer_mail("still there?", "yes", message_id="<s1@example.co.th>"))
    assert Ticket.objects.filter(subject="still there?").exists()
    assert TicketMessage.objects.filter(message_id="<s1@example.co.th>").count() == 1
