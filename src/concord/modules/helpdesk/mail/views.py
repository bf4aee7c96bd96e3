"""``POST /helpdesk/mail/inbound/``: mail gateways post a raw MIME message; it becomes (part of) a ticket.

Authentication: ``Authorization: Bearer <personal access token>`` (core's API tokens, see
``concord.core.identity.tokens``), of a user holding ``helpdesk.add`` in the company of the team the
message is for. Body: the raw message, ``Content-Type: message/rfc822`` (or ``text/plain``).
The recipient (the team's address) is the ``X-Concord-Recipient`` header (comma-separated) or the
``?to=`` query parameter, as the gateway's envelope knew it; without either, the message's To and Cc.
``X-Concord-Sender`` optionally gives the envelope sender (used when the headers name none).

Answers (JSON, the API's error body ``{"error": {"code", "message", "fields"}}`` on failure):
202 ``{"tickets": [{"id", "number", "created"}], "number": "HD/..."}``; 400 no sender / empty /
refused by the helpdesk; 401 no or bad token; 403 no ``helpdesk.add`` in that company; 404 no team at
that address (teams of companies the caller does not belong to are not revealed); 413 over the size cap;
415 another content type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from concord.core.api.permissions import has_company_perm
from concord.core.identity.models import User
from concord.core.identity.tokens import access_token_lookup, access_token_mark_used, access_token_status
from concord.modules.helpdesk.mail.delivery import mail_deliver
from concord.modules.helpdesk.mail.parsing import MailRejected, max_message_bytes

__all__ = ["ACCEPTED_CONTENT_TYPES", "mail_inbound"]

ACCEPTED_CONTENT_TYPES = frozenset({"message/rfc822", "text/plain"})
_CHUNK_BYTES = 64 * 1024
_PERMISSION = "helpdesk.add"


class _TooLargeError(Exception):
    pass


def _error(
    status: int, code: str, message: str, fields: Mapping[str, Sequence[str]] | None = None
) -> JsonResponse:
    body = {
        "error": {"code": code, "message": message, "fields": {k: list(v) for k, v in (fields or {}).items()}}
    }
    response = JsonResponse(body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _token_user(request: HttpRequest) -> User | None:
    scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    token = access_token_lookup(raw.strip())
    if token is None or access_token_status(token) != "active" or not token.user.is_active:
        return None
    access_token_mark_used(token=token)
    return token.user


def _read_limited(request: HttpRequest, limit: int) -> bytes:
    """The request body, refusing (without reading it all) one larger than ``limit``."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise _TooLargeError
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = request.read(_CHUNK_BYTES)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise _TooLargeError
        chunks.append(chunk)
    return b"".join(chunks)


def _recipients(request: HttpRequest) -> list[str]:
    raw = request.headers.get("X-Concord-Recipient", "") or request.GET.get("to", "")
    return [address.strip() for address in raw.split(",") if address.strip()]


@csrf_exempt  # no cookies: the bearer token is the credential, so there is no CSRF to forge
@require_POST
def mail_inbound(request: HttpRequest) -> JsonResponse:
    user = _token_user(request)
    if user is None:
        return _error(
            401, "not_authenticated", _("Send a valid API access token: Authorization: Bearer <token>.")
        )
    if request.content_type not in ACCEPTED_CONTENT_TYPES:
        return _error(
            415,
            "unsupported_media_type",
            _("Post the raw message as message/rfc822 (or text/plain)."),
        )
    limit = max_message_bytes()
    try:
        raw = _read_limited(request, limit)
    except _TooLargeError:
        return _error(
            413,
            "too_large",
            _("The message is larger than the %(limit)s bytes this helpdesk accepts.") % {"limit": limit},
        )
    member_of = set(user.company_ids())
    denied: set[int] = set()

    def allowed(company_id: int) -> bool:
        if has_company_perm(user, _PERMISSION, company_id):
            return True
        if company_id in member_of:
            denied.add(company_id)
        return False

    try:
        delivered = mail_deliver(
            raw=raw,
            recipients=_recipients(request),
            envelope_from=request.headers.get("X-Concord-Sender", ""),
            source=f"http user {user.pk}",
            max_bytes=limit,
            allowed=allowed,
        )
    except MailRejected as refusal:
        return _refusal_response(refusal, denied=bool(denied))
    return JsonResponse(
        {
            "number": delivered[0].ticket_number,
            "tickets": [
                {"id": item.ticket_id, "number": item.ticket_number, "created": item.created}
                for item in delivered
            ],
        },
        status=202,
    )


def _refusal_response(refusal: MailRejected, *, denied: bool) -> JsonResponse:
    if refusal.code == "unknown_recipient":
        if denied:
            return _error(
                403,
                "permission_denied",
                _("You do not have the permission “%(perm)s”.") % {"perm": _PERMISSION},
            )
        return _error(
            404,
            "not_found",
            _("No helpdesk team receives mail at this address."),
            {"recipient": [_("Unknown address.")]},
        )
    if refusal.code == "too_large":
        return _error(413, "too_large", _("The message is larger than this helpdesk accepts."))
    if refusal.code == "no_sender":
        return _error(
            400,
            "no_sender",
            _("The message has no valid sender address."),
            {"from": [_("Missing or invalid.")]},
        )
    if refusal.code == "empty":
        return _error(400, "empty", _("The message is empty."))
    return _error(
        400, "refused", _("The helpdesk refused the message: %(reason)s") % {"reason": refusal.message}
    )
