"""The web chat's screens and endpoints.

Public (the widget, on any website): the script, ``start``, and a conversation's ``messages`` (GET to
poll, POST to send). They use no cookies: a request is the channel token plus the visitor key the widget
keeps in localStorage; they answer with ``Access-Control-Allow-Origin: *`` and are rate limited per
visitor key and per address. Agents (helpdesk.view to read, helpdesk.change to act): the chat inbox,
refreshed by htmx every 3 s, and a conversation page (take, reply, close).
"""

from __future__ import annotations

import json
import secrets
from functools import cache as memoize
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concord.core.errors import DomainError
from concord.core.identity.scope import company_scope
from concord.core.web.session import active_company_with_perm, has_perm_in_company, object_with_perm
from concord.modules.helpdesk.chat import services
from concord.modules.helpdesk.chat.queries import conversation_messages, inbox_conversations
from concord.modules.helpdesk.models import ChatChannel, ChatMessage, ChatStatus, Conversation

VIEW, CHANGE = "helpdesk.view", "helpdesk.change"
_WIDGET = Path(__file__).resolve().parent.parent / "static" / "helpdesk" / "chat" / "widget.js"


# --------------------------------------------------------------------------- public helpers
def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Max-Age"] = "600"
    return response


def _json(data: dict[str, Any], status: int = 200) -> HttpResponse:
    return _cors(JsonResponse(data, status=status))


def _error(exc: DomainError) -> HttpResponse:
    return _json(exc.as_dict(), status=exc.status_code)


def _payload(request: HttpRequest) -> dict[str, Any]:
    """The JSON body (the widget posts text/plain JSON, which needs no CORS preflight), else the form."""
    if request.body and request.content_type in ("application/json", "text/plain"):
        try:
            data = json.loads(request.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return {}
        return data if isinstance(data, dict) else {}
    return {key: request.POST.get(key, "") for key in request.POST}


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    return value if isinstance(value, str) else ""


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def _over_limit(key: str) -> bool:
    limit = int(getattr(settings, "CONCORD_HELPDESK_CHAT_LIMIT", 20))
    window = int(getattr(settings, "CONCORD_HELPDESK_CHAT_WINDOW_SECONDS", 60))
    if cache.add(key, 1, timeout=window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return False
    return count > limit


def chat_rate_limited(request: HttpRequest, visitor_key: str = "") -> bool:
    """True once this address, or this visitor, sent more than the limit of messages in the window."""
    by_ip = _over_limit(f"helpdesk:chat:ip:{_client_ip(request)}")
    by_visitor = _over_limit(f"helpdesk:chat:visitor:{visitor_key}") if visitor_key else False
    return by_ip or by_visitor


def _limited() -> HttpResponse:
    return _json(
        {"code": "rate_limited", "detail": _("Too many messages; please wait a minute and try again.")},
        status=429,
    )


def _channel(token: str) -> ChatChannel:
    channel = ChatChannel.all_companies.filter(token=token, active=True).first()
    if channel is None:
        raise Http404
    return channel


def _visitor_conversation(channel: ChatChannel, pk: int, visitor_key: str) -> Conversation:
    conversation = Conversation.all_companies.filter(pk=pk, channel=channel).first()
    if conversation is None or not secrets.compare_digest(
        conversation.visitor_key.encode(), (visitor_key or "-").encode()
    ):
        raise Http404
    return conversation


def _message_json(message: ChatMessage) -> dict[str, Any]:
    author = ""
    if message.author is not None:
        author = message.author.first_name or message.author.get_username()
    return {
        "id": message.pk,
        "sender": message.sender,
        "author": author,
        "text": message.text,  # plain text: the widget sets it with textContent
        "created_at": message.created_at.isoformat(),
    }


def _state(conversation: Conversation, after_id: int = 0) -> dict[str, Any]:
    rows = [_message_json(row) for row in conversation_messages(conversation, after_id=after_id)]
    return {"conversation": conversation.pk, "status": conversation.status, "messages": rows}


def _widget_labels() -> dict[str, str]:
    """The widget's words in the visitor's language (the locale middleware reads Accept-Language)."""
    return {
        "open": _("Chat with us"),
        "close": _("Close the chat window"),
        "title": _("Chat"),
        "message": _("Your message"),
        "send": _("Send"),
        "placeholder": _("Type your question…"),
        "error": _("The chat is not available right now."),
        "visitor": _("You"),
        "bot": _("Assistant"),
        "agent": _("Agent"),
        "system": "",
    }


# --------------------------------------------------------------------------- public endpoints
@require_GET
def chat_widget_js(request: HttpRequest) -> HttpResponse:
    """The embeddable widget (a static file, served here so the snippet's URL never changes)."""
    response = HttpResponse(_widget_source(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return _cors(response)


@memoize
def _widget_source() -> bytes:
    return _WIDGET.read_bytes()


@csrf_exempt  # called from other sites without cookies: the token and the visitor key are the credentials
@require_http_methods(["POST", "OPTIONS"])
def chat_start(request: HttpRequest, token: str) -> HttpResponse:
    """Start (or resume, same visitor key) a conversation; returns its id, the visitor key and messages."""
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204))
    channel = _channel(token)
    if chat_rate_limited(request):
        return _limited()
    data = _payload(request)
    try:
        with company_scope([channel.company_id]):
            conversation = services.conversation_start(
                channel=channel,
                visitor_key=_text(data, "visitor_key"),
                party_signed=_text(data, "party"),
                name=_text(data, "name"),
                email=_text(data, "email"),
            )
    except DomainError as exc:
        return _error(exc)
    body = _state(conversation)
    body["visitor_key"] = conversation.visitor_key
    body["ui"] = _widget_labels()
    return _json(body, status=201)


@csrf_exempt  # as chat_start
@require_http_methods(["GET", "POST", "OPTIONS"])
def chat_messages(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """GET ``?visitor=<key>&after=<id>``: new messages (the widget polls every 2 s); POST: the visitor writes."""
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204))
    channel = _channel(token)
    if request.method == "GET":
        conversation = _visitor_conversation(channel, pk, request.GET.get("visitor", ""))
        after = request.GET.get("after", "0")
        return _json(_state(conversation, after_id=int(after) if after.isdigit() else 0))
    data = _payload(request)
    visitor_key = _text(data, "visitor_key")
    conversation = _visitor_conversation(channel, pk, visitor_key)
    if chat_rate_limited(request, visitor_key):
        return _limited()
    try:
        with company_scope([channel.company_id]):
            stored = services.visitor_message_send(
                conversation=conversation,
                text=_text(data, "text"),
                name=_text(data, "name"),
                email=_text(data, "email"),
            )
    except DomainError as exc:
        return _error(exc)
    conversation.refresh_from_db()
    after = _text(data, "after")
    body = _state(conversation, after_id=int(after) if after.isdigit() else stored[0].pk - 1)
    return _json(body, status=201)


@require_GET
def chat_demo(request: HttpRequest, token: str) -> HttpResponse:
    """A public page that embeds the widget: to try it, and to show the snippet to paste on a website."""
    channel = _channel(token)
    return render(
        request,
        "helpdesk/chat/demo.html",
        {
            "channel": channel,
            "chat_token": channel.token,
            "chat_party_signed": "",
            "snippet": _snippet(request, channel),
        },
    )


def _snippet(request: HttpRequest, channel: ChatChannel) -> str:
    src = request.build_absolute_uri(reverse("helpdesk:chat-widget-js"))
    return f'<script src="{src}" data-channel="{channel.token}" async></script>'


# --------------------------------------------------------------------------- agents
@login_required
@require_GET
def chat_inbox(request: HttpRequest) -> HttpResponse:
    """Chats waiting for an agent and mine (and those with the assistant), refreshed by htmx every 3 s."""
    company = active_company_with_perm(request, VIEW)
    rows = list(inbox_conversations(company_id=company.pk, agent=request.user)[:200])
    context = {
        "company": company,
        "waiting": [row for row in rows if row.status == ChatStatus.WAITING],
        "mine": [row for row in rows if row.status == ChatStatus.AGENT],
        "with_bot": [row for row in rows if row.status == ChatStatus.BOT],
        "refresh_url": request.path,
    }
    if getattr(request, "htmx", False):
        return render(request, "helpdesk/chat/partials/inbox_rows.html", context)
    with company_scope([company.pk]):
        channel = services.chat_channel_for_company(company.pk)
    context["channel"] = channel
    context["snippet"] = _snippet(request, channel)
    return render(request, "helpdesk/chat/inbox.html", context)


@login_required
@require_GET
def chat_conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """A conversation: its whole transcript (the assistant's answers too), take, reply, close."""
    conversation = object_with_perm(request, Conversation.objects.select_related("party", "ticket"), pk, VIEW)
    context = {
        "conversation": conversation,
        "chat_messages": list(conversation_messages(conversation)),
        "can_act": has_perm_in_company(request, conversation.company, CHANGE),
        "refresh_url": request.path,
    }
    if getattr(request, "htmx", False):
        return render(request, "helpdesk/chat/partials/transcript.html", context)
    return render(request, "helpdesk/chat/conversation.html", context)


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    conversation = object_with_perm(request, Conversation.objects.all(), pk, CHANGE)
    try:
        if action == "take":
            services.conversation_take(conversation=conversation, by=request.user)
        elif action == "reply":
            services.agent_message_send(
                conversation=conversation, text=request.POST.get("text", ""), by=request.user
            )
        else:
            services.conversation_close(conversation=conversation, by=request.user)
            messages.success(request, _("The chat was closed; its transcript is on the ticket."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("helpdesk:chat-conversation", pk=conversation.pk)


@login_required
@require_POST
def chat_take(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "take")


@login_required
@require_POST
def chat_reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "reply")


@login_required
@require_POST
def chat_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "close")
