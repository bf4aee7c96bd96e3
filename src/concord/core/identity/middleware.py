"""Sets the company scope for each authenticated request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from concord.core.identity.scope import company_scope


class CompanyScopeMiddleware:
    """Scope company-owned querysets to the signed-in user's companies for the whole request.

    Superusers and anonymous requests run unscoped (anonymous views only show public data).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_superuser:
            return self.get_response(request)
        with company_scope(user.company_ids()):
            return self.get_response(request)
