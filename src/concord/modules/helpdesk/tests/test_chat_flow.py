"""The web chat: start, the assistant's answer, hand-off (a ticket with the transcript and
ConversationHandedOff), an agent's reply seen by polling, close, rate limit, CORS, length, XSS, isolation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from concord.core.outbox.models import OutboxEvent
from concord.modules.helpdesk.chat import services as chat
from concord.modules.helpdesk.facade import chat_channel_token
from concord.modules.helpdesk.models import (
    ChatChannel,
    ChatMessage,
    ChatStatus,
    Conversation,
    MessageKind,
    Ticket,
    TicketMessage,
)

pytestmark = pytest.mark.django_db

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def post(client: Client, url: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(url, data=json.dumps(data), content_type="text/plain", **extra)


def start(client: Client, token: str, **data: Any) -> dict[str, Any]:
    response = post(client, reverse("helpdesk:chat-start", args=[token]), data)
    assert response.status_code == 201, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    body: dict[str, Any] = response.json()
    return body


def messages_url(token: str, conversation_id: int) -> str:
    return reverse("helpdesk:chat-messages", args=[token, conversation_id])


def test_chat_flow_from_bot_to_agent_and_close(company, team, agent, customer, signed_in) -> None:
    token = chat_channel_token(company.pk)
    assert chat_channel_token(company.pk) == token  # one channel per company, created once
    visitor = Client()

    # The widget's script is public, cross-origin, and the embed template renders the script tag.
    script = visitor.get(reverse("helpdesk:chat-widget-js"))
    assert script.status_code == 200
    assert b"data-channel" in script.content
    assert script["Access-Control-Allow-Origin"] == "*"
    preflight = visitor.options(reverse("helpdesk:chat-start", args=[token]))
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"

    body = start(visitor, token, email="buyer@chaophraya.example")
    key, conversation_id = body["visitor_key"], body["conversation"]
    assert body["status"] == "bot"
    assert body["messages"][0]["sender"] == "bot"
    conversation = Conversation.all_companies.get(pk=conversation_id)
    assert conversation.party_id == customer.pk  # matched by the email the visitor gave
    # The same visitor key resumes the conversation.
    assert start(visitor, token, visitor_key=key)["conversation"] == conversation_id

    # The assistant answers at once (the real one).
    answered = post(visitor, messages_url(token, conversation_id), {"visitor_key": key, "text": "Hello"})
    assert answered.status_code == 201
    assert answered["Access-Control-Allow-Origin"] == "*"
    senders = [m["sender"] for m in answered.json()["messages"]]
    assert senders == ["visitor", "bot"]
    bot = ChatMessage.all_companies.filter(conversation_id=conversation_id, sender="bot").last()
    assert bot is not None
    assert bot.skill
    assert bot.text

    # Asking for a person hands off: a chat ticket with the transcript, the event, status waiting.
    handed = post(
        visitor, messages_url(token, conversation_id), {"visitor_key": key, "text": f"I want a person {XSS}"}
    )
    assert handed.status_code == 201
    assert handed.json()["status"] == ChatStatus.WAITING
    conversation.refresh_from_db()
    assert conversation.ticket_id is not None
    ticket = Ticket.all_companies.get(pk=conversation.ticket_id)
    assert ticket.channel == "chat"
    assert ticket.party_id == customer.pk
    first = TicketMessage.all_companies.filter(ticket=ticket).order_by("pk").first()
    assert first is not None
    assert "Hello" in first.body_text
    assert bot.text[:20] in first.body_text
    event = OutboxEvent.objects.get(event_type__endswith="ConversationHandedOff")
    assert event.payload["ticket_id"] == ticket.pk
    assert event.payload["conversation_id"] == str(conversation_id)

    # A waiting conversation gets no more bot answers.
    quiet = post(visitor, messages_url(token, conversation_id), {"visitor_key": key, "text": "Anyone?"})
    assert [m["sender"] for m in quiet.json()["messages"]] == ["visitor"]

    # The agent sees it in the chat inbox (htmx partial) with the visitor's text escaped, not as markup.
    client = signed_in(agent)
    inbox = client.get(reverse("helpdesk:chat-inbox"))
    assert inbox.status_code == 200
    rows = client.get(reverse("helpdesk:chat-inbox"), HTTP_HX_REQUEST="true")
    assert reverse("helpdesk:chat-conversation", args=[conversation_id]) in rows.content.decode()
    page = client.get(reverse("helpdesk:chat-conversation", args=[conversation_id]))
    html = page.content.decode()
    assert XSS not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert bot.text[:20] in html or bot.text[:20].replace("'", "&#x27;") in html  # bot answers shown

    # Take and reply; the widget's poll sees the answer.
    last_seen = max(m["id"] for m in quiet.json()["messages"])
    client.post(reverse("helpdesk:chat-take", args=[conversation_id]))
    conversation.refresh_from_db()
    assert conversation.status == ChatStatus.AGENT
    assert conversation.assigned_agent_id == agent.pk
    client.post(reverse("helpdesk:chat-reply", args=[conversation_id]), {"text": "Hi, Somchai here."})
    polled = visitor.get(messages_url(token, conversation_id), {"visitor": key, "after": last_seen})
    assert polled.status_code == 200
    assert polled["Access-Control-Allow-Origin"] == "*"
    texts = [m["text"] for m in polled.json()["messages"]]
    assert "Hi, Somchai here." in texts
    assert polled.json()["status"] == "agent"
    # A wrong visitor key sees nothing.
    assert visitor.get(messages_url(token, conversation_id), {"visitor": "x" * 32}).status_code == 404

    # Close: the rest of the transcript is appended to the ticket as messages.
    client.post(reverse("helpdesk:chat-close", args=[conversation_id]))
    conversation.refresh_from_db()
    assert conversation.status == ChatStatus.CLOSED
    kinds = list(TicketMessage.all_companies.filter(ticket=ticket).values_list("kind", "body_text"))
    assert any(kind == MessageKind.PUBLIC_REPLY and "Hi, Somchai here." in text for kind, text in kinds)
    assert any(kind == MessageKind.CUSTOMER and "Anyone?" in text for kind, text in kinds)
    closed = post(visitor, messages_url(token, conversation_id), {"visitor_key": key, "text": "Thanks"})
    assert closed.status_code == 409


def test_bad_input_rate_limit_length_and_other_company(
    company, make_company, make_user, customer, settings
) -> None:
    settings.CONCORD_HELPDESK_CHAT_LIMIT = 3
    token = chat_channel_token(company.pk)
    visitor = Client()
    body = start(visitor, token)
    key, conversation_id = body["visitor_key"], body["conversation"]
    url = messages_url(token, conversation_id)

    too_long = post(visitor, url, {"visitor_key": key, "text": "x" * 2001})
    assert too_long.status_code == 422
    assert too_long.json()["field"] == "text"
    assert post(visitor, url, {"visitor_key": key, "text": "   "}).status_code == 422
    limited = post(visitor, url, {"visitor_key": key, "text": "hello"})  # the 4th request from this address
    assert limited.status_code == 429
    assert limited["Access-Control-Allow-Origin"] == "*"
    assert limited.json()["detail"]
    assert ChatMessage.all_companies.filter(conversation_id=conversation_id, sender="visitor").count() == 0
    assert visitor.get(reverse("helpdesk:chat-start", args=["nope"])).status_code == 405
    assert post(visitor, reverse("helpdesk:chat-start", args=["nope"]), {}).status_code == 404

    # A signed portal party is trusted only for its own company.
    good = signing.dumps({"party": customer.pk, "company": company.pk}, salt=chat.PARTY_SALT)
    other = make_company(name="Mekong Co., Ltd.", code="mekong")
    forged = signing.dumps({"party": customer.pk, "company": other.pk}, salt=chat.PARTY_SALT)
    channel = ChatChannel.all_companies.get(token=token)
    assert chat.conversation_start(channel=channel, party_signed=good).party_id == customer.pk
    assert chat.conversation_start(channel=channel, party_signed=forged).party_id is None
    assert chat.conversation_start(channel=channel, party_signed="tampered").party_id is None

    # Another company's agent gets a 404 for this conversation.
    outsider = make_user(company=other, roles=("support",), username="mekong-agent")
    client = Client()
    client.force_login(outsider, backend="concord.core.identity.backends.RoleBackend")
    assert client.get(reverse("helpdesk:chat-conversation", args=[conversation_id])).status_code == 404
    assert client.post(reverse("helpdesk:chat-take", args=[conversation_id])).status_code == 404
    rows = client.get(reverse("helpdesk:chat-inbox"), HTTP_HX_REQUEST="true").content.decode()
    assert reverse("helpdesk:chat-conversation", args=[conversation_id]) not in rows


def test_widget_embed_template_renders_the_script_tag() -> None:
    from django.template.loader import render_to_string

    html = render_to_string(
        "helpdesk/chat/widget_embed.html", {"chat_token": "tok", "chat_party_signed": "p:1"}
    )
    assert f'src="{reverse("helpdesk:chat-widget-js")}"' in html
    assert 'data-channel="tok"' in html
    assert 'data-party="p:1"' in html
    assert "async" in html
    assert render_to_string("helpdesk/chat/widget_embed.html", {"chat_token": ""}).strip() == ""
