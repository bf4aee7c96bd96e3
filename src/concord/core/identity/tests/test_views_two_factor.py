"""TOTP enrolment, the second sign-in step, backup codes, and keeping unverified sessions out."""

from __future__ import annotations

import re
from binascii import unhexlify

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django_otp.oath import hotp, totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from concord.core.audit.models import AuditEntry
from concord.core.identity.roles import Role
from concord.core.identity.totp import backup_codes_generate, totp_device_confirm, totp_secret_new
from concord.core.identity.views import ENROL_KEY, PENDING_MAX_FAILURES

PASSWORD = "correct-horse-battery"
MIDDLEWARE = "concord.core.identity.otp_middleware.RequireVerifiedIfEnrolledMiddleware"


@pytest.fixture
def verified_middleware(settings):
    """The site-wide guard, in place whether or not settings.MIDDLEWARE lists it yet."""
    if MIDDLEWARE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(middleware.index("django_otp.middleware.OTPMiddleware") + 1, MIDDLEWARE)
        settings.MIDDLEWARE = middleware


def code_for(key_hex: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps_ahead`` 30-second steps later)."""
    return f"{totp(unhexlify(key_hex), drift=steps_ahead):06d}"


@pytest.fixture
def enrolled_user(company, make_user):
    user = make_user(company=company, roles=(Role.SALES,))
    key = totp_secret_new()
    device = totp_device_confirm(user=user, key=key, token=code_for(key))
    codes = backup_codes_generate(user=user)
    return user, device, codes


def test_enrolment_shows_qr_and_secret_then_turns_on_with_a_code(client, company, make_user):
    user = make_user(company=company, roles=(Role.SALES,))
    client.force_login(user)

    page = client.get("/account/2fa/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    assert 'for="id_token"' in html
    key = client.session[ENROL_KEY]
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")
    assert not TOTPDevice.objects.filter(user=user).exists()  # nothing stored before confirmation

    response = client.post("/account/2fa/", {"token": code_for(key)})

    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert device.key == key
    codes = response.context["new_backup_codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(code in response.content.decode() for code in codes)
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert ENROL_KEY not in client.session
    assert AuditEntry.objects.filter(object_id=str(user.pk), changes__two_factor=[False, True]).exists()

    # Shown once: the next visit shows the status, not the codes.
    again = client.get("/account/2fa/")
    assert again.context["enabled"] is True
    assert again.context["new_backup_codes"] is None
    assert not any(code in again.content.decode() for code in codes)


def test_enrolment_refuses_a_wrong_code(client, company, make_user):
    user = make_user(company=company, roles=(Role.SALES,))
    client.force_login(user)
    client.get("/account/2fa/")
    key = client.session[ENROL_KEY]
    wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"

    response = client.post("/account/2fa/", {"token": wrong})

    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.session[ENROL_KEY] == key  # the same QR code stays valid for another try


def test_login_with_2fa_asks_for_the_code_before_signing_in(client, enrolled_user, verified_middleware):
    user, device, _codes = enrolled_user

    step_one = client.post("/account/login/", {"username": user.username, "password": PASSWORD})

    assert step_one.status_code == 302
    assert step_one["Location"] == "/account/login/verify/"
    assert "_auth_user_id" not in client.session
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith("/account/login/")

    step_two = client.post("/account/login/verify/", {"token": code_for(device.key, steps_ahead=1)})

    assert step_two.status_code == 302
    assert step_two["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["company_id"] == user.default_company_id
    response = client.get("/account/profile/")
    assert response.status_code == 200
    assert response.wsgi_request.user.is_verified()


def test_second_step_refuses_a_wrong_code_and_a_reused_one(client, enrolled_user):
    user, device, _codes = enrolled_user
    client.post("/account/login/", {"username": user.username, "password": PASSWORD})
    device.refresh_from_db()
    enrolment_code = f"{hotp(unhexlify(device.key), device.last_t):06d}"  # the code that confirmed it

    response = client.post("/account/login/verify/", {"token": enrolment_code})

    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_second_step_accepts_a_backup_code_once(client, enrolled_user):
    user, _device, codes = enrolled_user
    client.post("/account/login/", {"username": user.username, "password": PASSWORD})

    response = client.post("/account/login/verify/", {"token": codes[0].upper()})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not StaticToken.objects.filter(device__user=user, token=codes[0]).exists()
    assert StaticToken.objects.filter(device__user=user).count() == 9

    client.post("/account/logout/")
    client.post("/account/login/", {"username": user.username, "password": PASSWORD})
    reused = client.post("/account/login/verify/", {"token": codes[0]})
    assert reused.status_code == 400
    assert "_auth_user_id" not in client.session


def test_too_many_wrong_codes_send_the_user_back_to_the_password(client, enrolled_user):
    user, _device, _codes = enrolled_user
    client.post("/account/login/", {"username": user.username, "password": PASSWORD})

    for _attempt in range(PENDING_MAX_FAILURES - 1):
        assert client.post("/account/login/verify/", {"token": "000000"}).status_code == 400
    response = client.post("/account/login/verify/", {"token": "000000"})

    assert response.status_code == 302
    assert response["Location"] == "/account/login/"
    assert client.get("/account/login/verify/")["Location"] == "/account/login/"


def test_verify_page_without_a_password_step_goes_to_login(client, db):
    response = client.get("/account/login/verify/")

    assert response.status_code == 302
    assert response["Location"] == "/account/login/"


def test_enrolled_but_unverified_session_cannot_open_pages(client, enrolled_user, verified_middleware):
    user, device, _codes = enrolled_user
    client.force_login(user)  # authenticated by other means, no code given in this session

    home = client.get("/")
    profile = client.get("/account/profile/")
    api = client.get("/api/v1/openapi.json")
    htmx = client.get("/", HTTP_HX_REQUEST="true")

    assert home.status_code == 302
    assert home["Location"] == "/account/login/verify/?next=%2F"
    assert profile.status_code == 302
    assert profile["Location"].startswith("/account/login/verify/")
    assert api.status_code == 401
    assert api.json()["error"]["code"] == "verification_required"
    assert htmx["HX-Redirect"].startswith("/account/login/verify/")

    verify = client.post(
        "/account/login/verify/?next=/account/profile/", {"token": code_for(device.key, steps_ahead=1)}
    )
    assert verify.status_code == 302
    assert verify["Location"] == "/account/profile/"
    assert client.get("/").status_code == 200


def test_decorator_guards_account_pages_even_without_the_middleware(client, enrolled_user, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    user, _device, _codes = enrolled_user
    client.force_login(user)

    for url in ("/account/profile/", "/account/2fa/", "/account/password/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/login/verify/"), url


def test_user_without_2fa_is_not_disturbed(client, company, make_user, verified_middleware):
    client.force_login(make_user(company=company, roles=(Role.SALES,)))

    assert client.get("/").status_code == 200


def _verified_client(client, user, device):
    client.post("/account/login/", {"username": user.username, "password": PASSWORD})
    response = client.post("/account/login/verify/", {"token": code_for(device.key, steps_ahead=1)})
    assert response.status_code == 302


def test_disable_needs_the_password(client, enrolled_user):
    user, device, _codes = enrolled_user
    _verified_client(client, user, device)

    refused = client.post("/account/2fa/disable/", {"off-password": "not-my-password"})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=user).exists()

    response = client.post("/account/2fa/disable/", {"off-password": PASSWORD})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    client.post("/account/logout/")
    login = client.post("/account/login/", {"username": user.username, "password": PASSWORD})
    assert login["Location"] == reverse(django_settings.LOGIN_REDIRECT_URL)  # no second step any more


def test_new_backup_codes_replace_the_old_ones(client, enrolled_user):
    user, device, old_codes = enrolled_user
    _verified_client(client, user, device)

    response = client.post("/account/2fa/backup-codes/", {"codes-password": PASSWORD})

    assert response.status_code == 200
    new_codes = response.context["new_backup_codes"]
    assert len(new_codes) == 10
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert stored == set(new_codes)
    assert not stored & set(old_codes)


def test_qr_code_is_inline_svg_without_external_requests(client, company, make_user):
    client.force_login(make_user(company=company, roles=(Role.SALES,)))

    html = client.get("/account/2fa/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]

    assert "<?xml" not in html
    assert not re.search(r"(src|href)=\"https?://", svg)
