"""Domain errors: what a service raises when a business rule says no.

Each error carries a message the user can read (translated where the caller used gettext) and, for
validation failures, the field it concerns. The REST API maps them to HTTP statuses through
``status_code``; web views show ``message`` next to the form. Modules subclass these (``IdentityError``,
``InvoiceAlreadyPosted``) rather than raising bare ``ValueError``.
"""

from __future__ import annotations

from typing import Any, Self

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A business rule refused the operation; ``message`` is meant for the user."""

    status_code: int = 400
    code: str = "domain_error"

    def __init__(self, message: Any, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return str(self.message)

    def as_dict(self) -> dict[str, Any]:
        """The JSON-safe body the API returns for this error."""
        body: dict[str, Any] = {"code": self.code, "detail": str(self.message)}
        if self.field is not None:
            body["field"] = self.field
        return body


class ValidationFailed(DomainError):  # noqa: N818 - named after the HTTP outcome; the API contract uses these names
    """The input breaks a rule (HTTP 422); ``field`` names the offending field when there is one.

    ``errors`` maps field names to lists of messages when several fields failed at once
    (``"__all__"`` for errors not tied to one field).
    """

    status_code = 422
    code = "validation_failed"

    def __init__(
        self,
        message: Any,
        *,
        field: str | None = None,
        code: str | None = None,
        errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message, field=field, code=code)
        self.errors: dict[str, list[str]] = errors or (
            {field or "__all__": [str(message)]} if message else {}
        )

    @classmethod
    def from_django(cls, exc: ValidationError) -> Self:
        """Wrap Django's ``ValidationError`` (from ``full_clean``) into a domain error."""
        if hasattr(exc, "error_dict"):
            errors = {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
        else:
            errors = {"__all__": [str(m) for m in exc.messages]}
        fields = [name for name in errors if name != "__all__"]
        field = fields[0] if len(fields) == 1 and len(errors) == 1 else None
        message = "; ".join(message for messages in errors.values() for message in messages)
        return cls(message, field=field, errors=errors)

    def as_dict(self) -> dict[str, Any]:
        body = super().as_dict()
        body["errors"] = self.errors
        return body


class NotFound(DomainError):  # noqa: N818 - named after the HTTP outcome; the API contract uses these names
    """The thing asked for does not exist, or is not visible to the caller (HTTP 404)."""

    status_code = 404
    code = "not_found"


class Conflict(DomainError):  # noqa: N818 - named after the HTTP outcome; the API contract uses these names
    """The operation clashes with the current state: a duplicate, a stale version (HTTP 409)."""

    status_code = 409
    code = "conflict"


class PermissionDeniedError(DomainError):
    """The caller may not do this (HTTP 403)."""

    status_code = 403
    code = "permission_denied"


__all__ = ["Conflict", "DomainError", "NotFound", "PermissionDeniedError", "ValidationFailed"]
