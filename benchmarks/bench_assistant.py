"""The assistant on its evaluation set: right skill, right article, median answer time.

Data: ``src/concord/modules/assistant/data`` (``eval_set.json``: questions in English, Thai and Khmer
with the skill and article they should get; ``eval_articles.json``: the help articles they are about),
loaded into a throw-away company by ``assistant.evaluation.evaluate``.

Three lines. Accuracy is judged as misses against the misses the targets allow: skill accuracy >= 90%
allows 10% wrong skills, article accuracy >= 80% allows 20% wrong top articles (ratio <= 1.0x is the
target met). The answer time is the median of ``assistant_reply`` over the set against the median of
a bare ``knowledge.facade.articles_search`` for the same questions in the same run: the assistant
does one to three searches (the weak-claim probe, the answer, the quoted article) plus phrase matching,
so about 2-4x; the limit of 8x catches a skill doing per-article queries or a search per phrase.
"""

from __future__ import annotations

import statistics
import time
import uuid

from django.db import transaction

from benchmarks.harness import BenchResult
from concord.modules.assistant.evaluation import eval_articles, eval_questions, evaluate

SKILL_TARGET = 0.90
ARTICLE_TARGET = 0.80
TIME_LIMIT_RATIO = 8.0


class _RollbackError(Exception):
    """Raised to roll the throw-away company back."""


def _roll_back() -> None:
    raise _RollbackError


def _search_median_ms() -> float:
    from concord.core.identity.services import company_create
    from concord.modules.knowledge import facade as knowledge

    timings: list[float] = []
    try:
        with transaction.atomic():
            company = company_create(
                by=None,
                name="Search baseline",
                code=f"bench-{uuid.uuid4().hex[:8]}",
                country="TH",
                currency="THB",
            )
            knowledge.articles_import(company=company, items=eval_articles(), by=None)
            knowledge.articles_search(company_id=company.pk, query="warm up")
            for question in eval_questions():
                started = time.perf_counter()
                knowledge.articles_search(company_id=company.pk, query=question["text"], limit=3)
                timings.append((time.perf_counter() - started) * 1000)
            _roll_back()
    except _RollbackError:
        pass
    return statistics.median(timings)


def run() -> list[BenchResult]:
    result = evaluate()
    baseline_ms = _search_median_ms()
    skill_misses = 1 - result.skill_accuracy
    article_misses = 1 - result.article_accuracy
    return [
        BenchResult(
            name="assistant_skill_accuracy",
            seconds=skill_misses,
            baseline_seconds=1 - SKILL_TARGET,
            baseline_label="allowed misses",
            limit_ratio=1.0,
            measured=f"{result.skill_accuracy:.1%} right skill of {result.n}, target >= {SKILL_TARGET:.0%}",
            over_limit="BELOW TARGET",
        ),
        BenchResult(
            name="assistant_article_accuracy",
            seconds=article_misses,
            baseline_seconds=1 - ARTICLE_TARGET,
            baseline_label="allowed misses",
            limit_ratio=1.0,
            measured=f"{result.article_accuracy:.1%} right article, target >= {ARTICLE_TARGET:.0%}",
            over_limit="BELOW TARGET",
        ),
        BenchResult(
            name="assistant_answer_median",
            seconds=result.median_ms / 1000,
            baseline_seconds=baseline_ms / 1000,
            baseline_label="articles_search",
            limit_ratio=TIME_LIMIT_RATIO,
            measured=f"median {result.median_ms:.1f}ms vs {baseline_ms:.1f}ms",
        ),
    ]
