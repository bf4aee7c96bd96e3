"""Template context shared by every page of the shell."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, Any]:
    office = request.session.get("office", "front") if hasattr(request, "session") else "front"
    return {"office": office}
