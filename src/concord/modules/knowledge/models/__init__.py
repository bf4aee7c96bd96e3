"""Knowledge base models, one file per aggregate."""

from concord.modules.knowledge.models.article import (
    LANGUAGE_CODES,
    Article,
    ArticleLanguage,
    ArticleState,
    ArticleVersion,
    ArticleVisibility,
    ArticleVote,
)
from concord.modules.knowledge.models.category import ArticleCategory

__all__ = [
    "LANGUAGE_CODES",
    "Article",
    "ArticleCategory",
    "ArticleLanguage",
    "ArticleState",
    "ArticleVersion",
    "ArticleVisibility",
    "ArticleVote",
]
