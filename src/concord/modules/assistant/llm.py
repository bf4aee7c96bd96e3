"""Optional large-language-model phrasing through any OpenAI-compatible endpoint (off by default).

On when ``CONCORD_ASSISTANT_LLM_URL`` (the base URL, e.g. ``http://127.0.0.1:8080/v1``) and
``CONCORD_ASSISTANT_LLM_MODEL`` are set; ``CONCORD_ASSISTANT_LLM_KEY`` is sent as a bearer token when
set. The model only rephrases what retrieval found: any error or odd answer falls back to the
retrieval answer (``phrase`` returns None).
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from collections.abc import Sequence

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0
_MAX_CONTEXT_CHARS = 6000
_LANGUAGE_NAMES = {"en": "English", "th": "Thai", "km": "Khmer"}


def _settings() -> tuple[str, str, str] | None:
    url = os.environ.get("CONCORD_ASSISTANT_LLM_URL", "").strip()
    model = os.environ.get("CONCORD_ASSISTANT_LLM_MODEL", "").strip()
    if not url.startswith(("http://", "https://")) or not model:
        return None
    return url.rstrip("/"), model, os.environ.get("CONCORD_ASSISTANT_LLM_KEY", "").strip()


def enabled() -> bool:
    """Whether the environment names an endpoint and a model."""
    return _settings() is not None


def _messages(question: str, language: str, articles: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    context = "\n\n".join(f"## {title}\n{body}" for title, body in articles)[:_MAX_CONTEXT_CHARS]
    system = (
        "You are a customer service assistant. Answer in "
        f"{_LANGUAGE_NAMES.get(language, 'English')}, briefly, using only the help articles below. "
        "If they do not answer the question, say plainly that you do not know and offer to put the "
        "customer in touch with a person. Never invent order, invoice or account details.\n\n"
        f"Help articles:\n{context or '(none found)'}"
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": question[:2000]}]


def phrase(*, question: str, language: str, articles: Sequence[tuple[str, str]]) -> str | None:
    """The model's answer to ``question`` from ``articles`` (title, plain body), or None (off or failed)."""
    settings = _settings()
    if settings is None:
        return None
    url, model, key = settings
    payload = json.dumps(
        {"model": model, "messages": _messages(question, language, articles), "temperature": 0.2}
    ).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(  # noqa: S310  # http(s) only, checked in _settings
        f"{url}/chat/completions", data=payload, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # http(s) only
            data = json.loads(response.read(1_000_000).decode("utf-8"))
        content = data["choices"][0]["message"]["content"]
    except Exception:  # any failure: the retrieval answer stands
        logger.warning(
            "assistant: the language model endpoint failed; using the retrieval answer", exc_info=True
        )
        return None
    if not isinstance(content, str) or not content.strip():
        return None
    return content.strip()[:4000]
