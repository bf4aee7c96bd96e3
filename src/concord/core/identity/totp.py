"""Two-factor sign-in with time-based one-time passwords (TOTP), on django-otp's device models.

A user turns 2FA on by scanning a QR code of a fresh secret into an authenticator app and typing
back one code: only then is a confirmed ``TOTPDevice`` written, so a half-finished enrolment leaves
nothing behind. Ten single-use backup codes (a ``StaticDevice``) come with it, shown once. Turning
2FA off removes both. Verifying a code at sign-in goes through django-otp (``match_token``), which
throttles repeated wrong codes per device and refuses a TOTP code that was already used.
"""

from __future__ import annotations

import time
from binascii import unhexlify
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token, user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import ValidationFailed
from concord.core.identity.models import User

__all__ = [
    "BACKUP_CODE_COUNT",
    "backup_codes_generate",
    "backup_codes_remaining",
    "totp_device_confirm",
    "totp_device_for_key",
    "totp_qr_svg",
    "totp_secret_new",
    "two_factor_disable",
    "two_factor_enabled",
    "two_factor_verify",
]

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"
_SECRET_BYTES = 20  # 160 bits, the size RFC 4226 recommends for HMAC-SHA1


def totp_secret_new() -> str:
    """A fresh random TOTP secret, hex-encoded, for an enrolment that is not confirmed yet."""
    return str(random_hex(_SECRET_BYTES))


def totp_device_for_key(*, user: User, key: str) -> Any:
    """An unsaved TOTP device for ``key``: gives the otpauth:// URL and the base32 secret to show."""
    return TOTPDevice(user=user, key=key, name=TOTP_DEVICE_NAME, confirmed=False)


def totp_qr_svg(*, data: str) -> str:
    """The QR code of ``data`` as an inline SVG element (no image file, no external request)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    # Drop the XML declaration so the markup can sit inside an HTML page.
    return svg[svg.index("<svg") :]


def two_factor_enabled(*, user: User) -> bool:
    """Whether the user must give a one-time code after the password."""
    if not user.is_authenticated:
        return False
    return bool(user_has_device(user, confirmed=True))


def backup_codes_remaining(*, user: User) -> int:
    """How many unused backup codes the user still has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()  # type: ignore[no-any-return] # django-otp is untyped


def totp_device_confirm(*, user: User, key: str, token: str) -> Any:
    """Turn 2FA on: check ``token`` against the secret the user scanned, then store the device.

    Any earlier authenticator device of the user is replaced, so one phone is the one that counts.
    """
    try:
        bin_key = unhexlify(key.encode())
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(_("The set-up expired. Scan the new QR code."), field="token") from exc
    token = token.strip().replace(" ", "")
    totp = TOTP(bin_key)
    totp.time = time.time()
    if not token.isdigit() or not totp.verify(int(token), tolerance=1):
        raise ValidationFailed(
            _("That code is not right. Check the time on your phone and try the newest code."),
            field="token",
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user,
            key=key,
            name=TOTP_DEVICE_NAME,
            confirmed=True,
            drift=totp.drift,
            last_t=totp.t(),  # the code just typed cannot be used again to sign in
        )
        audit_record(actor=user, action=AuditAction.UPDATE, obj=user, changes={"two_factor": [False, True]})
    return device


def backup_codes_generate(*, user: User, count: int = BACKUP_CODE_COUNT) -> list[str]:
    """Replace the user's backup codes with ``count`` new single-use ones and return them (shown once)."""
    codes = [str(StaticToken.random_token()) for _i in range(count)]
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
        audit_record(
            actor=user, action=AuditAction.UPDATE, obj=user, changes={"backup_codes": ["[redacted]", count]}
        )
    return codes


def two_factor_disable(*, user: User) -> None:
    """Turn 2FA off: remove the user's authenticator devices and backup codes."""
    with transaction.atomic():
        for device in list(devices_for_user(user, confirmed=None)):
            device.delete()
        audit_record(actor=user, action=AuditAction.UPDATE, obj=user, changes={"two_factor": [True, False]})


def two_factor_verify(*, user: User, token: str) -> Any | None:
    """The device that accepts ``token`` (a 6-digit code or a backup code), or None.

    django-otp throttles each device after a wrong code and refuses a TOTP code used before; a backup
    code is deleted when it is used.
    """
    token = token.strip().replace(" ", "").lower()
    if not token:
        return None
    return match_token(user, token)
