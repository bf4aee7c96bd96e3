"""Keep a signed-in user who has two-factor sign-in switched on out until they have given a code.

The normal sign-in asks for the code before the session is authenticated at all (see ``views.py``),
so this is the second line: it covers a session that signed in before 2FA was switched on elsewhere,
or one logged in by other means. Such a session may only open the code page and sign out; pages
redirect there, htmx requests get ``HX-Redirect``, and the API answers 401 with a JSON body.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

__all__ = ["RequireVerifiedIfEnrolledMiddleware", "needs_verification", "require_verified_if_enrolled"]

# Views an enrolled but unverified session may still reach.
ALLOWED_URL_NAMES = frozenset({"identity:login_verify", "identity:logout", "set_language"})

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


def needs_verification(request: HttpRequest) -> bool:
    """True when the request's user is signed in, has a confirmed OTP device and has not given a code."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is None:  # OTPMiddleware missing: nothing can be verified, so enrolled users wait
        return bool(user_has_device(user, confirmed=True))
    if is_verified():
        return False
    return bool(user_has_device(user, confirmed=True))


def _verification_response(request: HttpRequest) -> HttpResponse:
    verify_url = reverse("identity:login_verify")
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "error": {
                    "code": "verification_required",
                    "message": _("Enter your two-factor code to continue."),
                    "fields": {},
                }
            },
            status=401,
        )
    if request.method == "GET":
        verify_url = f"{verify_url}?{urlencode({'next': request.get_full_path()})}"
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = verify_url
        return response
    return HttpResponseRedirect(verify_url)


def require_verified_if_enrolled(view: ViewFunc) -> ViewFunc:
    """View decorator: an enrolled user must have given their code in this session."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if needs_verification(request):
            return _verification_response(request)
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value] # wraps() keeps the signature; mypy cannot see it


class RequireVerifiedIfEnrolledMiddleware:
    """Site-wide ``require_verified_if_enrolled``; install after ``django_otp.middleware.OTPMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if needs_verification(request) and not self._allowed(request):
            return _verification_response(request)
        return self.get_response(request)

    @staticmethod
    def _allowed(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in ALLOWED_URL_NAMES
