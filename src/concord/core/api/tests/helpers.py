"""Helpers for the API tests: a JSON client (bearer token or session) and the error-body check."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

API = "/api/v1"


class ApiClient:
    """Thin JSON wrapper over Django's test client; ``token`` adds ``Authorization: Bearer``."""

    def __init__(self, client: Client, token: str | None = None) -> None:
        self.client = client
        self.token = token

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def get(
        self, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Any:
        return self.client.get(API + path, params or {}, headers=self._headers(headers))

    def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        return self.client.generic(
            method, API + path, data, content_type="application/json", headers=self._headers(headers)
        )

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.send("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.send("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.send("DELETE", path, **kwargs)


def error_of(response: Any) -> dict[str, Any]:
    """The ``error`` object of a failed answer, after checking the body has the common shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["message"], body
    return dict(body["error"])
