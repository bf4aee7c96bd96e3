"""One error body for every API failure: ``{"error": {"code", "message", "fields"}}``.

Handlers here turn every exception an endpoint can raise (ninja's own, Django's, the database's and our
domain errors) into that body with a fitting status, so a client parses one shape whatever went wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from concord.core.errors import DomainError, ValidationFailed

__all__ = [
    "MALFORMED_BODY_FLAG",
    "ErrorDetail",
    "ErrorOut",
    "NotAuthenticatedError",
    "error_response",
    "install_error_handlers",
]

logger = logging.getLogger("concord.api")

E = TypeVar("E", bound=Exception)

# Set on the request by the JSON parser when the body is not JSON, so the 400 handler can say so.
MALFORMED_BODY_FLAG = "_concord_malformed_body"

_HTTP_CODES: Mapping[int, str] = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_failed",
    429: "throttled",
}


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    """The body of every 4xx/5xx answer."""

    error: ErrorDetail


class NotAuthenticatedError(AuthenticationError):
    """No valid credentials (401); ``message`` says which problem, e.g. a revoked token."""

    def __init__(self, message: str, *, code: str = "not_authenticated") -> None:
        super().__init__(status_code=401, message=message)
        self.code = code


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    fields: Mapping[str, Sequence[str]] | None = None,
) -> HttpResponse:
    body = {
        "error": {
            "code": code,
            "message": message,
            "fields": {name: [str(m) for m in messages] for name, messages in (fields or {}).items()},
        }
    }
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _field_name(loc: Sequence[Any]) -> str:
    """``("body", "payload", "lines", 0, "qty")`` -> ``"lines.0.qty"``; ``("query", "page")`` -> ``"page"``.

    The first element is where the value came from; for bodies the second is the handler's parameter
    name, which means nothing to a client, so it is dropped when deeper elements follow.
    """
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        source, parts = parts[0], parts[1:]
        if source == "body" and len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def _validation_fields(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        name = _field_name(error.get("loc", ()))
        fields.setdefault(name, []).append(str(error.get("msg", _("Invalid value."))))
    return fields


def _domain_fields(exc: DomainError) -> dict[str, list[str]]:
    if isinstance(exc, ValidationFailed):
        return exc.errors
    if exc.field:
        return {exc.field: [str(exc.message)]}
    return {}


def _register(api: NinjaAPI, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
    # ninja types a handler as taking the exception or its class; it only ever passes an instance.
    api.add_exception_handler(exc_class, cast(Any, handler))


def install_error_handlers(api: NinjaAPI) -> None:
    """Register the handlers that give every failure the common error body."""

    def on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields = _validation_fields(exc.errors)
        names = ", ".join(sorted(fields))
        return error_response(
            api,
            request,
            status=422,
            code="validation_failed",
            message=_("Some values are missing or invalid: %(fields)s.") % {"fields": names},
            fields=fields,
        )

    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return error_response(
            api,
            request,
            status=exc.status_code,
            code=exc.code,
            message=str(exc.message),
            fields=_domain_fields(exc),
        )

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return on_domain_error(request, ValidationFailed.from_django(exc))

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        code = getattr(exc, "code", "not_authenticated")
        message = exc.message if isinstance(exc, NotAuthenticatedError) else _("Authentication required.")
        return error_response(api, request, status=401, code=code, message=message)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and getattr(request, MALFORMED_BODY_FLAG, False):
            return error_response(
                api,
                request,
                status=400,
                code="malformed_body",
                message=_("The request body is not valid JSON."),
            )
        code = _HTTP_CODES.get(exc.status_code, "error")
        return error_response(api, request, status=exc.status_code, code=code, message=str(exc))

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or _("You do not have permission to do this.")
        return error_response(api, request, status=403, code="permission_denied", message=message)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, status=404, code="not_found", message=_("Not found."))

    def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # The database's text names tables and constraints: log it, do not show it.
        logger.info("API request hit a database constraint: %s", exc)
        return error_response(
            api,
            request,
            status=409,
            code="conflict",
            message=_("This conflicts with an existing record."),
        )

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("Unhandled API error on %s %s", request.method, request.path, exc_info=exc)
        return error_response(
            api,
            request,
            status=500,
            code="server_error",
            message=_("Something went wrong on our side. The error was logged."),
        )

    _register(api, Exception, on_unexpected)
    _register(api, NinjaValidationError, on_ninja_validation)
    _register(api, AuthenticationError, on_authentication)
    _register(api, HttpError, on_http_error)
    _register(api, DomainError, on_domain_error)
    _register(api, DjangoValidationError, on_django_validation)
    _register(api, PermissionDenied, on_permission_denied)
    _register(api, Http404, on_not_found)
    _register(api, IntegrityError, on_integrity_error)
