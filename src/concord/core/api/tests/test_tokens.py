"""Personal access tokens: format, hashed storage, authentication rules, revocation."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from concord.core.audit.models import AuditEntry
from concord.core.errors import PermissionDeniedError, ValidationFailed
from concord.core.identity.models import AccessToken
from concord.core.identity.tokens import (
    access_token_authenticate,
    access_token_create,
    access_token_revoke,
    access_token_status,
    access_tokens_for,
)


def test_create_returns_raw_token_once_and_stores_only_its_hash(make_user):
    user = make_user()
    token, raw = access_token_create(user=user, name="CI")

    prefix, short, secret = raw.split("_", 2)
    assert prefix == "cc"
    assert len(short) == 8
    assert len(secret) >= 40
    stored = AccessToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.token_hash, stored.prefix, stored.name}
    assert stored.prefix == f"cc_{short}"
    assert AuditEntry.objects.filter(object_id=str(token.pk), action="create").exists()


def test_two_tokens_differ(make_user):
    user = make_user()
    _first, raw1 = access_token_create(user=user, name="a")
    _second, raw2 = access_token_create(user=user, name="b")
    assert raw1 != raw2


def test_authenticate_accepts_a_valid_token_and_records_use(make_user):
    user = make_user()
    token, raw = access_token_create(user=user, name="CI")
    assert access_token_authenticate(raw) == user
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_used_is_written_at_most_once_a_minute(make_user):
    user = make_user()
    token, raw = access_token_create(user=user, name="CI")
    access_token_authenticate(raw)
    token.refresh_from_db()
    first_use = token.last_used_at
    access_token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == first_use

    AccessToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    access_token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.last_used_at > timezone.now() - timedelta(seconds=30)


@pytest.mark.parametrize(
    "raw",
    ["", "garbage", "cc_1234567_x", "xx_12345678_secret", "cc_12345678_"],
)
def test_authenticate_rejects_malformed_tokens(make_user, raw):
    assert access_token_authenticate(raw) is None


def test_authenticate_rejects_a_tampered_token(make_user):
    _token, raw = access_token_create(user=make_user(), name="CI")
    assert access_token_authenticate(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None


def test_authenticate_rejects_revoked_expired_and_inactive(make_user):
    user = make_user()
    revoked, raw_revoked = access_token_create(user=user, name="revoked")
    access_token_revoke(token=revoked, by=user)
    expired, raw_expired = access_token_create(
        user=user, name="expired", expires_at=timezone.now() + timedelta(days=1)
    )
    AccessToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert access_token_authenticate(raw_revoked) is None
    assert access_token_authenticate(raw_expired) is None
    assert access_token_status(AccessToken.objects.get(pk=expired.pk)) == "expired"

    inactive = make_user()
    _token, raw_inactive = access_token_create(user=inactive, name="x")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    assert access_token_authenticate(raw_inactive) is None


def test_create_validates_name_and_expiry(make_user):
    user = make_user()
    with pytest.raises(ValidationFailed) as blank:
        access_token_create(user=user, name="   ")
    assert blank.value.field == "name"
    with pytest.raises(ValidationFailed) as past:
        access_token_create(user=user, name="x", expires_at=timezone.now() - timedelta(minutes=1))
    assert past.value.field == "expires_at"
    assert not AccessToken.objects.filter(user=user).exists()


def test_revoke_is_for_the_owner_and_idempotent(make_user):
    owner, other = make_user(), make_user()
    token, _raw = access_token_create(user=owner, name="CI")
    with pytest.raises(PermissionDeniedError):
        access_token_revoke(token=token, by=other)
    assert AccessToken.objects.get(pk=token.pk).revoked_at is None

    access_token_revoke(token=token, by=owner)
    first = AccessToken.objects.get(pk=token.pk).revoked_at
    assert first is not None
    access_token_revoke(token=token, by=owner)
    assert AccessToken.objects.get(pk=token.pk).revoked_at == first


def test_tokens_for_lists_only_the_users_tokens(make_user):
    owner, other = make_user(), make_user()
    mine, _ = access_token_create(user=owner, name="mine")
    access_token_create(user=other, name="theirs")
    assert list(access_tokens_for(user=owner)) == [mine]
