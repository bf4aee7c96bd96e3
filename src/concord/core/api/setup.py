"""Builds the NinjaAPI: auth, error format, routers of core areas (modules add theirs later)."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import django_auth


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="Concord API",
        version="1",
        urls_namespace="api",
        auth=django_auth,
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    from concord.core.audit.rest import router as audit_router
    from concord.core.money.rest import router as money_router
    from concord.core.outbox.rest import router as outbox_router

    api.add_router("/audit/", audit_router)
    api.add_router("/outbox/", outbox_router)
    api.add_router("/money/", money_router)
    return api
