"""Personal access tokens for the REST API: create, list, revoke, authenticate.

A raw token reads ``cc_<prefix8>_<secret>``. It is shown to its owner once, at creation; the database
keeps only its SHA-256 hex digest (``AccessToken.token_hash``) and the ``cc_<prefix8>`` start for
display. Authentication hashes the presented token and looks the digest up through the unique index,
so no secret is ever compared character by character.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record, created_changes
from concord.core.errors import PermissionDeniedError, ValidationFailed
from concord.core.identity.models import AccessToken, User

__all__ = [
    "TOKEN_PREFIX",
    "access_token_authenticate",
    "access_token_create",
    "access_token_lookup",
    "access_token_mark_used",
    "access_token_revoke",
    "access_token_status",
    "access_tokens_for",
    "hash_token",
]

TOKEN_PREFIX = "cc"  # noqa: S105 -- the public marker at the start of every token, not a secret
_PREFIX_LENGTH = 8
_SECRET_BYTES = 32
# Writing last_used_at on every request would turn each API read into a write; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)
_NAME_MAX_LENGTH = AccessToken._meta.get_field("name").max_length or 100


def hash_token(raw: str) -> str:
    """The SHA-256 hex digest stored for a raw token."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _display_prefix(raw: str) -> str:
    # "cc_<prefix8>": enough for the owner to recognise the token, useless to an attacker.
    return raw[: len(TOKEN_PREFIX) + 1 + _PREFIX_LENGTH]


def _looks_like_token(raw: str) -> bool:
    parts = raw.split("_", 2)
    return len(parts) == 3 and parts[0] == TOKEN_PREFIX and len(parts[1]) == _PREFIX_LENGTH and bool(parts[2])


def access_token_create(
    *, user: User, name: str, expires_at: datetime | None = None
) -> tuple[AccessToken, str]:
    """Issue a token for ``user``; returns the stored row and the raw token (shown only this once)."""
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Give the token a name."), field="name")
    if len(name) > _NAME_MAX_LENGTH:
        raise ValidationFailed(
            _("The name may have at most %(max)d characters.") % {"max": _NAME_MAX_LENGTH}, field="name"
        )
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            raise ValidationFailed(_("The expiry needs a time zone."), field="expires_at")
        if expires_at <= timezone.now():
            raise ValidationFailed(_("The expiry must be in the future."), field="expires_at")
    if not user.is_active:
        raise ValidationFailed(_("An inactive user cannot have tokens."))
    raw = f"{TOKEN_PREFIX}_{secrets.token_hex(_PREFIX_LENGTH // 2)}_{secrets.token_urlsafe(_SECRET_BYTES)}"
    with transaction.atomic():
        token = AccessToken.objects.create(
            user=user,
            name=name,
            prefix=_display_prefix(raw),
            token_hash=hash_token(raw),
            expires_at=expires_at,
        )
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            obj=token,
            changes=created_changes(token, fields=["user", "name", "prefix", "expires_at"]),
        )
    return token, raw


def access_token_revoke(*, token: AccessToken, by: User) -> AccessToken:
    """Revoke ``token`` (its owner or a superuser may); revoking twice keeps the first time."""
    if token.user_id != by.pk and not by.is_superuser:
        raise PermissionDeniedError(_("You can only revoke your own tokens."))
    with transaction.atomic():
        locked = AccessToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            audit_record(
                actor=by,
                action=AuditAction.UPDATE,
                obj=locked,
                changes={"revoked_at": [None, locked.revoked_at.isoformat()]},
            )
    token.revoked_at = locked.revoked_at
    return token


def access_tokens_for(*, user: User) -> QuerySet[AccessToken]:
    """The user's tokens, newest first (revoked and expired ones included, for the record)."""
    return AccessToken.objects.filter(user=user).order_by("-created_at", "-id")


def access_token_status(token: AccessToken, *, now: datetime | None = None) -> str:
    """``"active"``, ``"expired"`` or ``"revoked"``."""
    now = now or timezone.now()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def access_token_lookup(raw: str) -> AccessToken | None:
    """The stored token matching ``raw`` whatever its state, or None (lets the API say why it failed)."""
    raw = raw.strip()
    if not _looks_like_token(raw):
        return None
    digest = hash_token(raw)
    token = AccessToken.objects.select_related("user").filter(token_hash=digest).first()
    # The lookup already matched on the digest; compare again in constant time as defence in depth.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    return token


def access_token_mark_used(*, token: AccessToken, now: datetime | None = None) -> None:
    """Record that ``token`` was just used, at most once per ``LAST_USED_RESOLUTION``."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A plain UPDATE: no read-modify-write race, and concurrent requests at most write twice.
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def access_token_authenticate(raw: str) -> User | None:
    """The active user a valid token belongs to, or None (unknown, revoked, expired, inactive user)."""
    token = access_token_lookup(raw)
    if token is None:
        return None
    now = timezone.now()
    if access_token_status(token, now=now) != "active" or not token.user.is_active:
        return None
    access_token_mark_used(token=token, now=now)
    return token.user
