"""Customer service across channels: email over real SMTP within the SLA, and the assistant in the portal.

1. A customer emails support (a real SMTP conversation with Concord's listener on 127.0.0.1); a ticket
   opens, matched to the customer, with the team's SLA; the auto-reply with the ticket number reaches
   the customer's mail server; the agent answers from Concord and the customer's answer to that mail
   lands in the same ticket. The first response came in time: the SLA check finds nothing to flag.
2. The same customer, signed in to the portal, asks the chat assistant in Thai where the order is and
   gets its number and status; a stranger asking about that order number learns nothing, not even that
   it exists.
"""

from __future__ import annotations

import re
import smtplib
import socket
from collections.abc import Iterator
from decimal import Decimal
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from django.core.mail.utils import DNS_NAME
from django.utils import timezone

from concord.core.identity.roles import Role
from concord.core.outbox.facade import dispatch_pending
from concord.modules.assistant.facade import assistant_reply
from concord.modules.helpdesk.mail.listener import mail_listener
from concord.modules.helpdesk.models import MessageKind, Ticket
from concord.modules.helpdesk.services.settings import sla_policy_set, team_create
from concord.modules.helpdesk.services.sla import sla_check
from concord.modules.helpdesk.services.tickets import ticket_reply
from concord.modules.inventory import facade as inventory
from concord.modules.portal.services.access import invitation_token, portal_invitation_accept, portal_invite
from concord.modules.sales.services.orders import OrderLineInput, order_confirm, order_create

pytestmark = pytest.mark.django_db(transaction=True)  # the listener's threads need committed rows

TEAM_ADDRESS = "support@baan-kitchen.example"
CUSTOMER = "somsri@baansomsri.example"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """The customer's mail server: keeps what Concord sends."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(BytesParser(policy=policy.default).parsebytes(envelope.original_content))
        return "250 OK"


@pytest.fixture
def mailbox(settings, monkeypatch) -> Iterator[Mailbox]:
    monkeypatch.setattr(DNS_NAME, "_fqdn", "localhost", raising=False)  # no slow getfqdn() in a sandbox
    handler = Mailbox()
    server = Controller(handler, hostname="127.0.0.1", port=_free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield handler
    finally:
        server.stop()


@pytest.fixture
def listener() -> Iterator[object]:
    controller = mail_listener(host="127.0.0.1", port=_free_port(), max_bytes=1_000_000)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def send(listener, message: EmailMessage) -> None:
    with smtplib.SMTP(listener.hostname, listener.port, local_hostname="localhost", timeout=10) as client:
        assert client.sendmail(CUSTOMER, [TEAM_ADDRESS], message.as_bytes(policy=policy.SMTP)) == {}


def customer_mail(subject: str, text: str, *, message_id: str, in_reply_to: str = "") -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Somsri Jaidee <{CUSTOMER}>"
    message["To"] = TEAM_ADDRESS
    message["Subject"] = subject
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = message["References"] = in_reply_to
    message.set_content(text)
    return message


def test_email_within_the_sla_then_the_portal_assistant_answers_in_thai(
    company, make_books, make_user, make_partner, make_product, listener, mailbox, client
) -> None:
    make_books(company, fiscal_year=timezone.localdate().year)
    agent = make_user(company=company, roles=(Role.SUPPORT,), username="nok")
    customer = make_partner(company, "Baan Somsri Restaurant", is_supplier=False, emails=[CUSTOMER])
    stranger = make_partner(company, "Another Restaurant", is_supplier=False, emails=["other@example.com"])
    team = team_create(company=company, name="Customer support", by=None, email_address=TEAM_ADDRESS)
    sla_policy_set(
        team=team,
        priority="normal",
        first_response_minutes=60,
        resolution_minutes=480,
        by=None,
        business_hours=False,
    )

    # 1. The email: a ticket with the SLA, the auto-reply, the agent's answer, the reply in the thread.
    send(
        listener,
        customer_mail("Where are my woks?", "I ordered 12 woks last week.", message_id="<s1@baansomsri>"),
    )
    ticket = Ticket.objects.get()
    assert (ticket.party_id, ticket.team_id, ticket.channel) == (customer.pk, team.pk, "email")
    assert ticket.first_response_due is not None
    dispatch_pending()
    (auto_reply,) = mailbox.messages
    assert ticket.number in auto_reply.get_content()
    assert auto_reply["In-Reply-To"] == "<s1@baansomsri>"

    answer = ticket_reply(ticket=ticket, text="They leave our warehouse today.", by=agent)
    dispatch_pending()
    assert len(mailbox.messages) == 2
    assert mailbox.messages[1]["Message-ID"] == answer.message_id
    send(
        listener,
        customer_mail("Re: woks", "Thank you!", message_id="<s2@baansomsri>", in_reply_to=answer.message_id),
    )
    assert Ticket.objects.count() == 1
    assert list(ticket.messages.filter(kind=MessageKind.CUSTOMER).values_list("body_text", flat=True)) == [
        "I ordered 12 woks last week.",
        "Thank you!",
    ]
    ticket.refresh_from_db()
    assert ticket.first_responded_at is not None
    assert ticket.first_responded_at <= ticket.first_response_due
    sla_check(company_id=company.pk)
    ticket.refresh_from_db()
    assert not ticket.sla_breached

    # 2. The portal: the customer's order, confirmed and waiting for its delivery.
    wok = make_product(company, "Carbon steel wok 36 cm", internal_ref="WOK36", sale_price="1000")
    receipt = inventory.receipt_create(
        company_id=company.pk,
        lines=[inventory.StockLine(product_id=wok.pk, quantity=Decimal(20), unit_cost=Decimal(600))],
        by=None,
    )
    inventory.transfer_validate(receipt.id, by=None)
    order = order_confirm(
        order=order_create(
            company=company,
            partner_id=customer.pk,
            lines=[OrderLineInput(product_id=wok.pk, quantity=Decimal(12))],
            by=agent,
        ),
        by=None,
    )
    assert order.state == "sale"
    access = portal_invite(company=company, party_id=customer.pk, email=CUSTOMER, by=None)
    access = portal_invitation_accept(token=invitation_token(access), password="Woks-for-Somsri-2026")
    client.force_login(access.user, backend="concord.core.identity.backends.RoleBackend")
    home = client.get("/portal/").content.decode()
    channel = re.search(r'data-channel="([^"]+)"', home)
    party = re.search(r'data-party="([^"]+)"', home)
    assert channel is not None, "the portal embeds the chat widget"
    assert party is not None, "with its customer signed in"
    client.logout()  # the widget talks to Concord without the session, by its channel and signed party

    started = client.post(
        f"/helpdesk/chat/{channel.group(1)}/start", {"party": party.group(1)}, content_type="application/json"
    ).json()
    asked = client.post(
        f"/helpdesk/chat/{channel.group(1)}/conversations/{started['conversation']}/messages",
        {"visitor_key": started["visitor_key"], "text": "คำสั่งซื้อของฉันอยู่ที่ไหน"},
        content_type="application/json",
    )
    assert asked.status_code == 201
    bot = [message for message in asked.json()["messages"] if message["sender"] == "bot"]
    assert bot, asked.json()
    assert order.order_number in bot[-1]["text"]

    # The assistant answers from the party's own data only: the same question from a stranger, naming
    # this order, gets exactly what a made-up number gets.
    named = assistant_reply(company_id=company.pk, text=f"สถานะ {order.order_number}", party_id=stranger.pk)
    made_up = assistant_reply(company_id=company.pk, text="สถานะ SO/2026/99999", party_id=stranger.pk)
    assert named.skill == "order_status"
    assert order.order_number not in named.text
    assert (
        named.text == made_up.text.replace("SO/2026/99999", order.order_number) or named.text == made_up.text
    )
    mine = assistant_reply(company_id=company.pk, text="คำสั่งซื้อของฉันอยู่ที่ไหน", party_id=customer.pk)
    assert (mine.skill, mine.language) == ("order_status", "th")
    assert order.order_number in mine.text
