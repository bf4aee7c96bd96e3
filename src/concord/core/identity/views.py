"""Sign-in and account screens: login (with the two-factor step), logout, passwords, 2FA, profile.

Views parse the request, call one service (``totp``, ``tokens``, Django's auth), and render. Sign-in
with 2FA is two steps: the password step only remembers *who* is signing in (in the anonymous
session, for a few minutes); the session becomes authenticated once the code is accepted, so no
page can be reached between the two steps.
"""

from __future__ import annotations

import base64
import time
from datetime import timedelta
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from concord.core.errors import ValidationFailed
from concord.core.identity.forms import (
    AccessTokenCreateForm,
    LanguageForm,
    LoginForm,
    NewPasswordForm,
    OneTimeCodeForm,
    PasswordChangeStyledForm,
    PasswordConfirmForm,
    TranslatedPasswordResetForm,
)
from concord.core.identity.models import Membership, User
from concord.core.identity.otp_middleware import needs_verification, require_verified_if_enrolled
from concord.core.identity.roles import Role
from concord.core.identity.services import user_set_password, user_update
from concord.core.identity.tokens import (
    access_token_create,
    access_token_revoke,
    access_token_status,
    access_tokens_for,
)
from concord.core.identity.totp import (
    backup_codes_generate,
    backup_codes_remaining,
    totp_device_confirm,
    totp_device_for_key,
    totp_qr_svg,
    totp_secret_new,
    two_factor_disable,
    two_factor_enabled,
    two_factor_verify,
)

# Session keys of a sign-in waiting for its second step.
PENDING_USER_ID = "identity_pending_user_id"
PENDING_BACKEND = "identity_pending_backend"
PENDING_SINCE = "identity_pending_since"
PENDING_NEXT = "identity_pending_next"
PENDING_FAILURES = "identity_pending_failures"
PENDING_MAX_AGE_SECONDS = 300
PENDING_MAX_FAILURES = 5
# Session key of the secret being enrolled (kept until the user confirms it with a code).
ENROL_KEY = "identity_totp_enrol_key"
# Session key the web shell reads for the company the user is working in.
COMPANY_SESSION_KEY = "company_id"


def _language_response(response: HttpResponse, language: str) -> HttpResponse:
    """Remember ``language`` in the cookie LocaleMiddleware reads, as Django's set_language does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _user_language(user: User) -> str | None:
    codes = {code for code, _name in settings.LANGUAGES}
    return user.language if user.language in codes else None


def _default_company_id(user: User) -> int | None:
    """The company a fresh session works in: the user's default if still a member, else the first."""
    company_ids = list(user.companies().values_list("id", flat=True))
    if user.default_company_id in company_ids:
        return user.default_company_id
    return company_ids[0] if company_ids else None


def _finish_login(request: HttpRequest, user: User, redirect_to: str) -> HttpResponse:
    """After a complete sign-in: pick the working company and the user's language, then go on."""
    request.session[COMPANY_SESSION_KEY] = _default_company_id(user)
    response = HttpResponseRedirect(redirect_to or resolve_url(settings.LOGIN_REDIRECT_URL))
    language = _user_language(user)
    if language:
        translation.activate(language)
        _language_response(response, language)
    return response


def _clear_pending(request: HttpRequest) -> None:
    for key in (PENDING_USER_ID, PENDING_BACKEND, PENDING_SINCE, PENDING_NEXT, PENDING_FAILURES):
        request.session.pop(key, None)


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


class LoginView(auth_views.LoginView):
    """Step one of sign-in: username and password (throttled by django-axes)."""

    form_class = LoginForm
    template_name = "identity/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override] # narrower form type
        user: User = form.get_user()
        redirect_to = self.get_redirect_url()
        if two_factor_enabled(user=user):
            _clear_pending(self.request)
            self.request.session[PENDING_USER_ID] = user.pk
            self.request.session[PENDING_BACKEND] = user.backend
            self.request.session[PENDING_SINCE] = time.time()
            self.request.session[PENDING_NEXT] = redirect_to
            # A new session id before the second step: a fixed id from an attacker is worth nothing.
            self.request.session.cycle_key()
            return redirect("identity:login_verify")
        auth_login(self.request, user)
        return _finish_login(self.request, user, redirect_to)


def _pending_user(request: HttpRequest) -> User | None:
    """The user who gave a correct password in this session and still owes a code, if any."""
    user_id = request.session.get(PENDING_USER_ID)
    since = request.session.get(PENDING_SINCE)
    if user_id is None or since is None:
        return None
    if time.time() - float(since) > PENDING_MAX_AGE_SECONDS:
        _clear_pending(request)
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def login_verify(request: HttpRequest) -> HttpResponse:
    """Step two of sign-in: a code from the authenticator app or a backup code."""
    already_signed_in = needs_verification(request)
    user: User | None = request.user if already_signed_in else _pending_user(request)  # type: ignore[assignment] # a signed-in request.user is our User
    if user is None:
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        messages.info(request, _("Please sign in again."))
        return redirect("identity:login")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor_verify(user=user, token=form.cleaned_data["token"])
        if device is not None:
            redirect_to = (
                _safe_next(request, request.GET.get("next", ""))
                if already_signed_in
                else str(request.session.get(PENDING_NEXT, ""))
            )
            backend = str(request.session.get(PENDING_BACKEND, ""))
            _clear_pending(request)
            if not already_signed_in:
                auth_login(request, user, backend=backend or None)
            otp_login(request, device)
            return _finish_login(request, user, redirect_to)
        failures = int(request.session.get(PENDING_FAILURES, 0)) + 1
        request.session[PENDING_FAILURES] = failures
        if failures >= PENDING_MAX_FAILURES and not already_signed_in:
            _clear_pending(request)
            messages.error(request, _("Too many wrong codes. Please sign in again."))
            return redirect("identity:login")
        form.add_error("token", _("That code is not right, or it was used already."))
    return render(
        request,
        "identity/login_verify.html",
        {"form": form, "already_signed_in": already_signed_in},
        status=200 if request.method == "GET" or form.is_valid() else 400,
    )


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only, with the CSRF token); back to the sign-in page."""


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password while signed in; the current session stays signed in, others end."""

    form_class = PasswordChangeStyledForm
    template_name = "identity/password_change.html"
    success_url = reverse_lazy("identity:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            user_set_password(user=form.user, by=form.user, password=form.cleaned_data["new_password1"])
        except ValidationFailed as exc:
            form.add_error("new_password2", str(exc.message))
            return self.form_invalid(form)
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password was changed."))
        return HttpResponseRedirect(self.get_success_url())


password_change = login_required(require_verified_if_enrolled(PasswordChangeView.as_view()))


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by email; the answer is the same whether the address is known or not."""

    form_class = TranslatedPasswordResetForm
    template_name = "identity/password_reset_form.html"
    email_template_name = "identity/password_reset_email.txt"
    subject_template_name = "identity/password_reset_subject.txt"
    success_url = reverse_lazy("identity:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    """The "check your inbox" page, shown for every address asked about (known or not)."""

    template_name = "identity/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from the emailed link; a successful reset also lifts a sign-in lockout."""

    form_class = NewPasswordForm
    template_name = "identity/password_reset_confirm.html"
    success_url = reverse_lazy("identity:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            user_set_password(user=form.user, by=form.user, password=form.cleaned_data["new_password1"])
        except ValidationFailed as exc:
            form.add_error("new_password2", str(exc.message))
            return self.form_invalid(form)
        # The link is spent: without this session token the same link cannot set a password again.
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        # Whoever can read the mailbox may sign in again at once, even after repeated failures.
        axes_reset(username=form.user.get_username())
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    """The new password is set; on to sign in."""

    template_name = "identity/password_reset_complete.html"


def _memberships_by_company(user: User) -> list[dict[str, Any]]:
    rows = (
        Membership.objects.filter(user=user, is_active=True, company__is_active=True)
        .select_related("company")
        .order_by("company__name", "role")
    )
    grouped: dict[int, dict[str, Any]] = {}
    for membership in rows:
        entry = grouped.setdefault(membership.company_id, {"company": membership.company, "roles": []})
        entry["roles"].append(Role(membership.role).label)
    return list(grouped.values())


def _profile_context(request: HttpRequest, user: User, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    tokens = [
        {"token": token, "status": access_token_status(token, now=now)}
        for token in access_tokens_for(user=user)
    ]
    context: dict[str, Any] = {
        "profile_user": user,
        "memberships": _memberships_by_company(user),
        "two_factor_enabled": two_factor_enabled(user=user),
        "language_form": LanguageForm(initial={"language": _user_language(user) or settings.LANGUAGE_CODE}),
        "token_form": AccessTokenCreateForm(),
        "tokens": tokens,
        "new_token": None,
    }
    context.update(extra)
    return context


@login_required
@require_verified_if_enrolled
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in user's account: details, language, companies and roles, 2FA, access tokens."""
    user: User = request.user  # type: ignore[assignment] # login_required: a real User
    if request.method == "POST":
        form = LanguageForm(request.POST)
        if form.is_valid():
            language = form.cleaned_data["language"]
            user_update(user=user, by=user, language=language)
            translation.activate(language)
            messages.success(request, _("Your language was saved."))
            return _language_response(redirect("identity:profile"), language)
        return render(
            request, "identity/profile.html", _profile_context(request, user, language_form=form), status=400
        )
    return render(request, "identity/profile.html", _profile_context(request, user))


@login_required
@require_verified_if_enrolled
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Create a personal access token and show its raw value this one time."""
    user: User = request.user  # type: ignore[assignment] # login_required: a real User
    form = AccessTokenCreateForm(request.POST)
    if form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            token, raw = access_token_create(user=user, name=form.cleaned_data["name"], expires_at=expires_at)
        except ValidationFailed as exc:
            form.add_error("name" if exc.field == "name" else None, str(exc.message))
        else:
            # Rendered in the POST response, never stored or redirected: the raw token exists only here.
            response = render(
                request,
                "identity/profile.html",
                _profile_context(request, user, new_token={"token": token, "raw": raw}),
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request, "identity/profile.html", _profile_context(request, user, token_form=form), status=400
    )


@login_required
@require_verified_if_enrolled
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's own tokens (another user's token is a 404: it is not theirs to see)."""
    user: User = request.user  # type: ignore[assignment] # login_required: a real User
    token = get_object_or_404(access_tokens_for(user=user), pk=token_id)
    access_token_revoke(token=token, by=user)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("identity:profile")


def _two_factor_context(request: HttpRequest, user: User, **extra: Any) -> dict[str, Any]:
    enabled = two_factor_enabled(user=user)
    context: dict[str, Any] = {
        "enabled": enabled,
        "backup_codes_remaining": backup_codes_remaining(user=user) if enabled else 0,
        "codes_password_form": PasswordConfirmForm(user=user, prefix="codes"),
        "off_password_form": PasswordConfirmForm(user=user, prefix="off"),
        "new_backup_codes": None,
    }
    if not enabled:
        key = request.session.get(ENROL_KEY)
        if not key:
            key = totp_secret_new()
            request.session[ENROL_KEY] = key
        device = totp_device_for_key(user=user, key=key)
        context.update(
            {
                "qr_svg": totp_qr_svg(data=device.config_url),
                "secret": _group(_base32(device.bin_key)),
                "code_form": OneTimeCodeForm(),
            }
        )
    context.update(extra)
    return context


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode("ascii").rstrip("=")


def _group(secret: str, size: int = 4) -> str:
    return " ".join(secret[i : i + size] for i in range(0, len(secret), size))


def _render_two_factor(request: HttpRequest, user: User, status: int = 200, **extra: Any) -> HttpResponse:
    response = render(
        request, "identity/two_factor.html", _two_factor_context(request, user, **extra), status=status
    )
    response["Cache-Control"] = "no-store"  # secrets and backup codes must not sit in a cache
    return response


@login_required
@require_verified_if_enrolled
def two_factor(request: HttpRequest) -> HttpResponse:
    """Turn on two-factor sign-in: scan the QR code, confirm with a code, receive backup codes."""
    user: User = request.user  # type: ignore[assignment] # login_required: a real User
    if request.method != "POST":
        return _render_two_factor(request, user)
    if two_factor_enabled(user=user):
        return redirect("identity:two_factor")
    form = OneTimeCodeForm(request.POST)
    key = request.session.get(ENROL_KEY)
    if form.is_valid() and key:
        try:
            device = totp_device_confirm(user=user, key=key, token=form.cleaned_data["token"])
        except ValidationFailed as exc:
            form.add_error("token", str(exc.message))
        else:
            request.session.pop(ENROL_KEY, None)
            codes = backup_codes_generate(user=user)
            otp_login(request, device)  # this session proved the code: it counts as verified
            messages.success(request, _("Two-factor sign-in is on."))
            return _render_two_factor(request, user, new_backup_codes=codes)
    return _render_two_factor(request, user, status=400, code_form=form)


@login_required
@require_verified_if_enrolled
@require_POST
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    """Replace the backup codes (after the password) and show the new ones once."""
    user: User = request.user  # type: ignore[assignment] # login_required: a real User
    if not two_factor_enabled(user=user):
        return redirect("identity:two_factor")
    form = PasswordConfirmForm(request.POST, user=user, prefix="codes")
    if not form.is_valid():
        return _render_two_factor(request, user, status=400, codes_password_form=form)
    codes = backup_codes_generate(user=user)
    return _render_two_factor(request, user, new_backup_codes=codes)


@login_required
@require_verified_if_enrolled
@require_POST
def two_factor_off(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off (after the password)."""
    user: User = request.user  # type: ignore[assignment] # login_required: a real User
    form = PasswordConfirmForm(request.POST, user=user, prefix="off")
    if not form.is_valid():
        return _render_two_factor(request, user, status=400, off_password_form=form)
    two_factor_disable(user=user)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect(reverse("identity:two_factor"))
