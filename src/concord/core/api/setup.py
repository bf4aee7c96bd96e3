"""Builds the NinjaAPI at /api/v1/: auth, company scoping, error format, routers of core areas.

Modules mount their routers later through ``build_api`` callers (config); core mounts its own here.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.parser import Parser
from ninja.types import DictStrAny

from concord.core.api.auth import api_auth, scoped_operation
from concord.core.api.errors import MALFORMED_BODY_FLAG, error_response, install_error_handlers

__all__ = ["ConcordAPI", "build_api"]


class JSONParser(Parser):
    """ninja's JSON parser, remembering on the request that the body was not JSON (-> clear 400)."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        try:
            return cast(DictStrAny, json.loads(request.body))
        except ValueError:  # JSONDecodeError and UnicodeDecodeError both derive from it
            setattr(request, MALFORMED_BODY_FLAG, True)
            raise


class ConcordAPI(NinjaAPI):
    """NinjaAPI whose unknown paths answer with the common JSON 404 instead of Django's HTML page."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        # ninja's root view only raises Http404 (it exists so the root path can be reversed); answer
        # with pointers to the docs instead, under the same name.
        patterns = [
            path("", self._root, name="api-root") if getattr(p, "name", None) == "api-root" else p
            for p in patterns
        ]
        patterns.append(re_path(r"^.*$", self._unknown_path, name="unknown-path"))
        return patterns, app_name, namespace

    def _root(self, request: HttpRequest) -> HttpResponse:
        base = request.path.rstrip("/")
        return self.create_response(
            request,
            {
                "name": self.title,
                "version": self.version,
                "docs": f"{base}{self.docs_url}",
                "openapi": f"{base}{self.openapi_url}",
            },
            status=200,
        )

    def _unknown_path(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return error_response(
            self,
            request,
            status=404,
            code="not_found",
            message=_("There is no API endpoint at %(path)s.") % {"path": request.path},
        )


def build_api() -> ConcordAPI:
    api = ConcordAPI(
        title="Concord API",
        version="1",
        description="REST API of Concord. Authenticate with the browser session (plus the CSRF token "
        "on unsafe methods) or with a personal access token: `Authorization: Bearer cc_...`.",
        urls_namespace="api",
        auth=api_auth(),
        parser=JSONParser(),
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    install_error_handlers(api)
    # ninja's mode names are inverted: "view" wraps Operation.run (auth, view and serialisation),
    # which is the span the company scope entered by auth must cover.
    api.add_decorator(scoped_operation, mode="view")

    from concord.core.audit.rest import router as audit_router
    from concord.core.identity.rest import router as identity_router
    from concord.core.money.rest import router as money_router
    from concord.core.outbox.rest import router as outbox_router

    api.add_router("/", identity_router)
    api.add_router("/audit/", audit_router)
    api.add_router("/outbox/", outbox_router)
    api.add_router("/money/", money_router)
    # Modules register their routers in AppConfig.ready(); core never imports them.
    from concord.core.registry import registry

    for prefix, router in registry.api_routers.items():
        api.add_router(f"/{prefix}", router)
    return api
