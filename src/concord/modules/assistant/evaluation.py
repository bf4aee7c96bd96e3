"""The assistant's evaluation set: questions in en/th/km with the skill and article they should get.

``data/eval_articles.json`` holds the help articles (loaded through ``knowledge.facade.articles_import``)
and ``data/eval_set.json`` the questions, so the evaluation needs nothing else. ``evaluate()`` runs in a
throw-away company inside a transaction it rolls back, so it leaves nothing behind.
"""

from __future__ import annotations

import json
import statistics
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class EvalMiss:
    """A question the assistant got wrong."""

    text: str
    language: str
    expected_skill: str
    skill: str
    expected_article: str
    article: str


@dataclass(frozen=True)
class EvalResult:
    """How the assistant did: shares of right skills and right top articles, median answer time."""

    skill_accuracy: float
    article_accuracy: float
    median_ms: float
    n: int
    misses: tuple[EvalMiss, ...] = ()


def eval_articles() -> list[dict[str, Any]]:
    """The evaluation's help articles (``articles_import`` items)."""
    data: dict[str, list[dict[str, Any]]] = json.loads((DATA_DIR / "eval_articles.json").read_text("utf-8"))
    return data["articles"]


def eval_questions() -> list[dict[str, Any]]:
    """The evaluation's questions: ``text``, ``language``, ``skill`` and, for knowledge, ``article``."""
    data: dict[str, list[dict[str, Any]]] = json.loads((DATA_DIR / "eval_set.json").read_text("utf-8"))
    return data["questions"]


class _RollbackError(Exception):
    """Raised to roll the throw-away company back."""

    def __init__(self, result: EvalResult) -> None:
        super().__init__()
        self.result = result


def _run_and_roll_back(company_id: int) -> None:
    raise _RollbackError(_run(company_id))


def _run(company_id: int) -> EvalResult:
    from concord.modules.assistant.facade import assistant_reply
    from concord.modules.knowledge import facade as knowledge

    questions = eval_questions()
    keys: dict[int, str] = {}
    right_skill = right_article = knowledge_n = 0
    timings: list[float] = []
    misses: list[EvalMiss] = []
    for question in questions:
        started = time.perf_counter()
        reply = assistant_reply(company_id=company_id, text=question["text"])
        timings.append((time.perf_counter() - started) * 1000)
        skill_ok = reply.skill == question["skill"]
        right_skill += skill_ok
        expected_article = question.get("article", "")
        article = ""
        if reply.article_ids:
            top = reply.article_ids[0]
            if top not in keys:
                keys[top] = knowledge.article_get(top).translation_key
            article = keys[top]
        if expected_article:
            knowledge_n += 1
            right_article += article == expected_article
        if not skill_ok or article != expected_article:
            misses.append(
                EvalMiss(
                    text=question["text"],
                    language=question["language"],
                    expected_skill=question["skill"],
                    skill=reply.skill,
                    expected_article=expected_article,
                    article=article,
                )
            )
    return EvalResult(
        skill_accuracy=right_skill / len(questions) if questions else 0.0,
        article_accuracy=right_article / knowledge_n if knowledge_n else 0.0,
        median_ms=statistics.median(timings) if timings else 0.0,
        n=len(questions),
        misses=tuple(misses),
    )


def evaluate(*, company_id: int | None = None) -> EvalResult:
    """Run the evaluation set. Without ``company_id`` a throw-away company gets the articles, and
    everything is rolled back afterwards; with one, its articles must already be loaded."""
    if company_id is not None:
        return _run(company_id)
    from concord.core.identity.services import company_create
    from concord.modules.knowledge import facade as knowledge

    try:
        with transaction.atomic():
            code = f"assistant-eval-{uuid.uuid4().hex[:8]}"
            company = company_create(
                by=None, name="Assistant evaluation", code=code, country="TH", currency="THB"
            )
            knowledge.articles_import(company=company, items=eval_articles(), by=None)
            _run_and_roll_back(company.pk)
    except _RollbackError as done:
        return done.result
    raise AssertionError  # pragma: no cover  # _run_and_roll_back always raises
