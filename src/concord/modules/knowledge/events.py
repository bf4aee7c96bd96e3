"""The events the knowledge base publishes through the outbox (past tense, ids not objects)."""

from __future__ import annotations

from dataclasses import dataclass

from concord.core.outbox.events import Event

__all__ = ["ArticlePublished"]


@dataclass(frozen=True)
class ArticlePublished(Event):
    """An article went live (to agents, and to the help centre when it is public)."""

    article_id: int
    company_id: int
    title: str
    language: str
    visibility: str
    translation_key: str
    version_number: int
