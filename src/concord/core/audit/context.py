"""Where the current change comes from (request id, client IP), kept in a context variable.

``AuditContextMiddleware`` fills it for each web request; the worker and management commands leave it
empty. ``audit_record`` copies it onto every entry it writes.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class AuditOrigin:
    """The request a change was made in."""

    request_id: str = ""
    ip_address: str | None = None


_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

_origin: ContextVar[AuditOrigin | None] = ContextVar("concord_audit_origin", default=None)


def current_origin() -> AuditOrigin:
    return _origin.get() or AuditOrigin()


@contextmanager
def audit_origin(*, request_id: str = "", ip_address: str | None = None) -> Iterator[AuditOrigin]:
    """Attribute the audit entries written inside the block to this request id and IP address."""
    origin = AuditOrigin(request_id=request_id[:64], ip_address=ip_address or None)
    token = _origin.set(origin)
    try:
        yield origin
    finally:
        _origin.reset(token)


def _client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it, and
    # the deployment decides that (SECURE_PROXY_SSL_HEADER), not this middleware.
    value = request.META.get("REMOTE_ADDR") or None
    return str(value) if value else None


class AuditContextMiddleware:
    """Give each request an id (``X-Request-ID`` when a proxy sent one) and remember the client IP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.headers.get("X-Request-ID", "")
        request_id = sent if _SAFE_REQUEST_ID.match(sent) else uuid.uuid4().hex
        with audit_origin(request_id=request_id, ip_address=_client_ip(request)):
            response = self.get_response(request)
        response.headers.setdefault("X-Request-ID", request_id)
        return response
