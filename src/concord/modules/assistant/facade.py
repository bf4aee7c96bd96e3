"""The assistant's public face: what the chat widget and the portal call.

- ``assistant_reply(*, company_id, text, party_id=None, history=())`` -> ``AssistantReply``: the first
  answer to a customer's message. It never raises on any text and never reveals another party's data;
  ``party_id`` None is an anonymous visitor (order and invoice questions then ask to sign in).
- ``detect_language(text)`` -> "en" | "th" | "km" (from the script).
"""

from __future__ import annotations

from collections.abc import Sequence

from concord.modules.assistant.engine import reply as _engine_reply
from concord.modules.assistant.language import detect_language
from concord.modules.assistant.types import SKILLS, AssistantReply

__all__ = ["SKILLS", "AssistantReply", "assistant_reply", "detect_language"]


def assistant_reply(
    *,
    company_id: int,
    text: str,
    party_id: int | None = None,
    history: Sequence[tuple[str, str]] = (),
) -> AssistantReply:
    """The assistant's answer to ``text`` from a customer of ``company_id`` (never raises)."""
    return _engine_reply(company_id=company_id, text=text, party_id=party_id, history=history)
