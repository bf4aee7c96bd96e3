"""How the knowledge base's events read on a timeline: "Article published · Track your order (th)"."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from concord.modules.knowledge.events import ArticlePublished

__all__ = ["EVENT_DESCRIBERS"]


def _published(payload: dict[str, Any]) -> tuple[str, str]:
    title = str(payload.get("title", ""))
    language = str(payload.get("language", ""))
    return _("Article published"), f"{title} ({language})" if language else title


EVENT_DESCRIBERS = {ArticlePublished.event_type: _published}
