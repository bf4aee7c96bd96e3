"""Helpers the knowledge services share: who acts, and checking choices."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from concord.core.errors import ValidationFailed
from concord.modules.knowledge.models import LANGUAGE_CODES, ArticleVisibility

__all__ = ["actor", "actor_id", "clean_language", "clean_visibility"]


def actor_id(by: Any) -> int | None:
    return by.pk if by is not None and getattr(by, "is_authenticated", False) else None


def actor(by: Any) -> Any:
    """The user to store as author (None for the system or an anonymous visitor)."""
    return by if actor_id(by) is not None else None


def clean_language(language: str | None, *, field: str = "language") -> str:
    code = (language or "").strip().lower()
    if code not in LANGUAGE_CODES:
        raise ValidationFailed(
            _("“%(code)s” is not a language of the knowledge base (en, th, km).") % {"code": language},
            field=field,
        )
    return code


def clean_visibility(visibility: str | None, *, field: str = "visibility") -> str:
    value = (visibility or "").strip().lower()
    if value not in ArticleVisibility.values:
        raise ValidationFailed(_("Visibility must be “internal” or “public”."), field=field)
    return value
