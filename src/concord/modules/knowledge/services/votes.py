""" "Was this helpful?": one vote per visitor and article; a visitor may change their mind."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import NotFound, ValidationFailed
from concord.modules.knowledge.models import Article, ArticleVote

__all__ = ["article_vote"]


def _counts(helpful: bool, step: int) -> dict[str, Any]:
    name = "helpful_count" if helpful else "not_helpful_count"
    return {name: F(name) + step}


def article_vote(*, article: Article, helpful: bool, voter_key: str, by: Any = None) -> ArticleVote:
    """Record the visitor's vote on a public article; voting again replaces (never adds to) their vote."""
    if not voter_key or len(voter_key) > 64:
        raise ValidationFailed(_("The visitor could not be recognised."), field="voter_key")
    with transaction.atomic():
        locked = Article.all_companies.select_for_update().filter(pk=article.pk).first()
        if locked is None or not locked.is_public:
            raise NotFound(_("There is no such article."))
        vote = ArticleVote.all_companies.filter(article_id=locked.pk, voter_key=voter_key).first()
        if vote is None:
            vote = ArticleVote.all_companies.create(
                company_id=locked.company_id, article=locked, helpful=helpful, voter_key=voter_key
            )
            Article.all_companies.filter(pk=locked.pk).update(**_counts(helpful, 1))
            audit_record(actor=by, action=AuditAction.CREATE, obj=vote)
        elif vote.helpful != helpful:
            audit_record(
                actor=by, action=AuditAction.UPDATE, obj=vote, changes={"helpful": [vote.helpful, helpful]}
            )
            vote.helpful = helpful
            vote.save(update_fields=["helpful", "updated_at"])
            Article.all_companies.filter(pk=locked.pk).update(
                **_counts(helpful, 1), **_counts(not helpful, -1)
            )
    return vote
