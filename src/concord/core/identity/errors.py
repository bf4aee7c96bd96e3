"""Domain errors raised by the identity services (companies, users, memberships)."""

from __future__ import annotations

from concord.core.errors import Conflict, DomainError, NotFound, ValidationFailed


class IdentityError(ValidationFailed):
    """A company, user or membership change breaks a rule (HTTP 422); ``field`` names the field."""

    code = "identity_invalid"


class DuplicateIdentityError(Conflict):
    """A company code or username is already taken (HTTP 409)."""

    code = "identity_duplicate"


class WeakPasswordError(IdentityError):
    """The password fails the configured password validators; ``errors["password"]`` lists why."""

    code = "password_rejected"


__all__ = [
    "DomainError",
    "DuplicateIdentityError",
    "IdentityError",
    "NotFound",
    "WeakPasswordError",
]
