"""Who is calling the API, and which companies they see.

Two ways in: a personal access token (``Authorization: Bearer cc_...``) or the browser session (with
the CSRF check on unsafe methods, as for any form post). Either way the caller becomes ``request.user``
and the rest of the request runs inside ``company_scope(user's companies)``: the web middleware already
scopes session requests, but a token is only known once ninja authenticates, so the scope is entered
here and left by ``scoped_operation`` when the operation (view and serialisation) is done.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from concord.core.api.errors import NotAuthenticatedError
from concord.core.errors import PermissionDeniedError
from concord.core.identity.models import User
from concord.core.identity.otp_middleware import needs_verification
from concord.core.identity.scope import company_scope, memberships_remembered, remembered_memberships
from concord.core.identity.tokens import access_token_lookup, access_token_mark_used, access_token_status

__all__ = ["ACCESS_TOKEN_ATTRIBUTE", "SessionAuth", "TokenAuth", "api_auth", "scoped_operation"]

_SCOPE_STACK = "_concord_api_scope_stack"
# Set on requests authenticated by a token (the AccessToken row); absent for session requests.
ACCESS_TOKEN_ATTRIBUTE = "concord_access_token"  # noqa: S105 - an attribute name, not a secret


def _enter_company_scope(request: HttpRequest, user: User) -> None:
    """Scope company-owned querysets to ``user``'s companies until the operation ends."""
    if user.is_superuser:
        return  # superusers run unscoped, as in the web middleware
    stack: ExitStack | None = getattr(request, _SCOPE_STACK, None)
    if stack is None:
        # Without the stack the scope could not be left again and would leak into the next request
        # served by this thread; refuse rather than run unscoped.
        raise RuntimeError("API auth used outside scoped_operation; build the API with build_api()")
    # A token request skips CompanyScopeMiddleware: read the memberships once here as it does
    # (a session request is already inside the middleware's, which must not be replaced by an empty one).
    if remembered_memberships(user.pk) is None:
        stack.enter_context(memberships_remembered(user.pk))
    stack.enter_context(company_scope(user.company_ids()))


def scoped_operation(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap ``Operation.run`` (auth, view, serialisation) so a company scope entered by auth is left."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with ExitStack() as stack:
            setattr(request, _SCOPE_STACK, stack)
            try:
                return run(request, *args, **kwargs)
            finally:
                delattr(request, _SCOPE_STACK)

    return wrapper


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <personal access token>``."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        stored = access_token_lookup(token)
        if stored is None:
            raise NotAuthenticatedError(_("This access token is not valid."), code="invalid_token")
        status = access_token_status(stored)
        if status == "revoked":
            raise NotAuthenticatedError(_("This access token was revoked."), code="token_revoked")
        if status == "expired":
            raise NotAuthenticatedError(_("This access token has expired."), code="token_expired")
        user = stored.user
        if not user.is_active:
            raise NotAuthenticatedError(_("This user account is inactive."), code="inactive_user")
        access_token_mark_used(token=stored)
        request.user = user
        setattr(request, ACCESS_TOKEN_ATTRIBUTE, stored)
        _enter_company_scope(request, user)
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods need the CSRF token, as for web forms."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # not signed in: 401, not a CSRF complaint
        if needs_verification(request):
            # Enrolled in two-factor sign-in but no code given in this session (the site middleware
            # says the same; this holds even where it is not installed).
            raise NotAuthenticatedError(
                _("Enter your two-factor code to continue."), code="verification_required"
            )
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise PermissionDeniedError(
                _("CSRF check failed: send the X-CSRFToken header with session requests."),
                code="csrf_failed",
            )
        return self.authenticate(request, None)

    def _get_key(self, request: HttpRequest) -> str | None:  # pragma: no cover - __call__ replaces it
        return None

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not isinstance(user, User) or not user.is_active:
            return None
        _enter_company_scope(request, user)
        return user


def api_auth() -> list[Any]:
    """The auth every endpoint uses unless it says otherwise: token first, then session."""
    return [TokenAuth(), SessionAuth()]
