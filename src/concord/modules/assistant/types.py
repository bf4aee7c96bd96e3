"""The assistant's plain values: a reply, a skill and what a skill gets to answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

SKILLS = ("knowledge", "order_status", "invoice_balance", "open_ticket", "handoff", "unknown", "greeting")


@dataclass(frozen=True)
class AssistantReply:
    """The assistant's answer: ``links`` are (label, url) pairs; ``handoff`` hands it to a person."""

    text: str
    skill: str
    language: str
    article_ids: tuple[int, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    handoff: bool = False
    confidence: float = 0.0


@dataclass(frozen=True)
class SkillContext:
    """What a skill knows when it answers: the message, its language and who asks."""

    company_id: int
    text: str
    language: str
    party_id: int | None
    history: Sequence[tuple[str, str]] = field(default_factory=tuple)
    score: float = 0.0


@dataclass(frozen=True)
class Skill:
    """A registered skill: ``match(text, lang)`` scores 0..1, ``answer(ctx)`` replies.

    ``probe(ctx)`` (the fallback skill's, optional) reaching 1.0 takes a message from a skill that
    claimed it only weakly (below ``engine.STRONG_CLAIM``).
    """

    name: str
    match: Callable[[str, str], float]
    answer: Callable[[SkillContext], AssistantReply]
    order: int = 100
    probe: Callable[[SkillContext], float] | None = None
