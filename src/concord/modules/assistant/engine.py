"""Choosing and running a skill for a message: the registered skills score it, the best one answers.

A message no skill claims goes to the knowledge base; when that has no good answer the assistant says
so and offers a person. Nothing here raises: an unexpected error is logged and answered with the
"I don't know" reply and a hand-off offer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.utils import translation
from django.utils.translation import gettext as _

from concord.modules.assistant.language import detect_language
from concord.modules.assistant.types import AssistantReply, Skill, SkillContext

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 2000
# A phrase skill answers from this score up; below it the knowledge base (the fallback) is asked.
CLAIM_THRESHOLD = 0.5
# Below this a claim is weak: the fallback's probe may take the message (a help article that fits well).
STRONG_CLAIM = 0.85
FALLBACK = "knowledge"


def skills() -> list[Skill]:
    """The registered skills, in their order (ties go to the earlier one)."""
    from concord.core.registry import registry

    found = [item for item in registry.assistant_skills.values() if isinstance(item, Skill)]
    return sorted(found, key=lambda skill: skill.order)


def choose(text: str, language: str) -> tuple[Skill | None, float, Skill | None]:
    """The skill that claims ``text`` best, its score and the fallback skill ("knowledge").

    When no skill claims the message, the fallback is the chosen one."""
    best: Skill | None = None
    best_score = 0.0
    fallback: Skill | None = None
    for skill in skills():
        if skill.name == FALLBACK:
            fallback = skill
            continue
        try:
            score = float(skill.match(text, language))
        except Exception:
            logger.exception("assistant: skill %s failed to match", skill.name)
            continue
        if score > best_score:
            best, best_score = skill, score
    if best is not None and best_score >= CLAIM_THRESHOLD:
        return best, best_score, fallback
    return fallback, 0.3 if fallback is not None else 0.0, fallback


def _probe_wins(fallback: Skill | None, ctx: SkillContext) -> bool:
    if fallback is None or fallback.probe is None:
        return False
    try:
        return fallback.probe(ctx) >= 1.0
    except Exception:
        logger.exception("assistant: skill %s failed to probe", fallback.name)
        return False


def _clean(text: object) -> str:
    if not isinstance(text, str):
        return ""
    cleaned = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")
    return cleaned.strip()[:MAX_TEXT_CHARS]


def reply(
    *, company_id: int, text: str, party_id: int | None = None, history: Sequence[tuple[str, str]] = ()
) -> AssistantReply:
    """The assistant's reply to ``text`` (see ``facade.assistant_reply``)."""
    message = _clean(text)
    language = detect_language(message)
    with translation.override(language):
        if not message:
            return AssistantReply(
                text=_("Hello! Ask me about your order, your invoices or anything in our help centre."),
                skill="greeting",
                language=language,
            )
        skill, score, fallback = choose(message, language)
        ctx = SkillContext(
            company_id=company_id,
            text=message,
            language=language,
            party_id=party_id,
            history=tuple(history or ()),
            score=score,
        )
        try:
            if (
                skill is not None
                and skill is not fallback
                and score < STRONG_CLAIM
                and _probe_wins(fallback, ctx)
            ):
                skill = fallback
            if skill is not None:
                return skill.answer(ctx)
            logger.error("assistant: no skill is registered")
        except Exception:
            logger.exception("assistant: skill %s failed", skill.name if skill else None)
        return AssistantReply(
            text=_(
                "I'm sorry, I can't answer that right now. Would you like me to put you in touch with a person?"
            ),
            skill="unknown",
            language=language,
        )
