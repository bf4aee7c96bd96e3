"""The evaluation set's targets: at least 90% right skill and 80% right article (never a time)."""

from __future__ import annotations

from collections import Counter

import pytest

from concord.modules.assistant.evaluation import eval_articles, eval_questions, evaluate


def test_eval_set_is_large_enough_in_each_language() -> None:
    questions = eval_questions()
    by_language = Counter(question["language"] for question in questions)
    assert len(questions) >= 60
    assert all(by_language[language] >= 20 for language in ("en", "th", "km"))
    keys = {article["translation_key"] for article in eval_articles()}
    assert len(keys) >= 15
    assert all(question["article"] in keys for question in questions if question["skill"] == "knowledge")


@pytest.mark.django_db
def test_eval_targets() -> None:
    result = evaluate()
    report = "\n".join(
        f"{miss.language} {miss.text!r}: {miss.skill}/{miss.article} (wanted {miss.expected_skill}/{miss.expected_article})"
        for miss in result.misses
    )
    assert result.n >= 60
    assert result.skill_accuracy >= 0.9, report
    assert result.article_accuracy >= 0.8, report
