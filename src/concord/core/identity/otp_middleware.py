"""Keep a signed-in user who has two-factor sign-in switched on out until they have given a code.

The normal sign-in asks for the code before the session is authenticated at all (see ``views.py``),
so this is the second line: it covers a session that signed in before 2FA was switched on elsewhere,
or one logged in by other means. Such a session may only open the code page and sign out; pages
redirect there, htmx requests get ``HX-Redirect``, and the API answers 401 with a JSON body.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import reduce, wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import BooleanField, Exists, Expression, ExpressionWrapper, OuterRef, Q, Value
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_otp import device_classes, user_has_device

__all__ = [
    "OTP_ENROLLED_ATTRIBUTE",
    "RequireVerifiedIfEnrolledMiddleware",
    "confirmed_device_expression",
    "needs_verification",
    "require_verified_if_enrolled",
]

# Views an enrolled but unverified session may still reach.
ALLOWED_URL_NAMES = frozenset({"identity:login_verify", "identity:logout", "set_language"})

# Set by ``RoleBackend.get_user`` on the session's user: whether they have a confirmed device.
OTP_ENROLLED_ATTRIBUTE = "concord_otp_enrolled"
_ENROLLED_MEMO = "_concord_otp_enrolled"

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


def confirmed_device_expression() -> Expression:
    """A boolean for a user query: the user has a confirmed device of some installed OTP kind.

    The same test as ``django_otp.user_has_device(user, confirmed=True)``, as one expression.
    """
    conditions = [
        Q(Exists(model.objects.filter(user=OuterRef("pk"), confirmed=True))) for model in device_classes()
    ]
    if not conditions:
        return Value(False, output_field=BooleanField())
    return ExpressionWrapper(reduce(operator.or_, conditions), output_field=BooleanField())


def _has_confirmed_device(request: HttpRequest, user: Any) -> bool:
    """Whether ``user`` has a confirmed device, asked at most once per request.

    A user loaded by ``RoleBackend.get_user`` carries the answer already; any other is asked once
    and the answer kept on the request (never longer: enrolling elsewhere counts from the next one).
    """
    enrolled = getattr(user, OTP_ENROLLED_ATTRIBUTE, None)
    if enrolled is not None:
        return bool(enrolled)
    remembered: tuple[Any, bool] | None = getattr(request, _ENROLLED_MEMO, None)
    if remembered is not None and remembered[0] == user.pk:
        return remembered[1]
    answer = bool(user_has_device(user, confirmed=True))
    setattr(request, _ENROLLED_MEMO, (user.pk, answer))
    return answer


def needs_verification(request: HttpRequest) -> bool:
    """True when the request's user is signed in, has a confirmed OTP device and has not given a code."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    # Without OTPMiddleware nothing can be verified, so enrolled users wait.
    if is_verified is not None and is_verified():
        return False
    return _has_confirmed_device(request, user)


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
