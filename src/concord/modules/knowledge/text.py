"""Article text: safe rendering of the Markdown-lite body, plain text for search, and search features.

Rendering escapes everything first and only then adds a few formats (paragraphs, ``#``/``##`` headings,
``-`` and ``1.`` lists, ``**bold**``, ``*italic*``, `` `code` ``, ``[text](https://...)`` links), and the
result is cleaned by nh3 as a second line of defence: a ``<script>`` in a body is shown as text.

Search features: Thai and Khmer have no spaces between words, so text is split into runs of one script;
Latin runs give (lightly stemmed) words, Thai and Khmer runs give character 3-grams, so
"สถานะคำสั่งซื้อ" shares most of its 3-grams with "ติดตามสถานะคำสั่งซื้อ".
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

import nh3

__all__ = [
    "body_html",
    "body_plain",
    "detect_language",
    "features",
    "normalise",
    "snippet",
]

_ALLOWED_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "strong", "em", "code", "a", "br"}
_ALLOWED_ATTRIBUTES = {"a": {"href"}}

_HEADING = re.compile(r"^(#{1,2})\s+(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\d+[.)]\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")
# On escaped text: [label](url) with a web, mail or site-relative address only (no javascript:).
_LINK = re.compile(r"\[([^\]]+)\]\(((?:https?://|mailto:|/)[^\s)]*)\)")


def _inline(escaped: str) -> str:
    """Inline formats on already-escaped text."""
    text = _CODE.sub(r"<code>\1</code>", escaped)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    text = _ITALIC.sub(r"<em>\1</em>", text)
    return _LINK.sub(r'<a href="\2">\1</a>', text)


def _blocks(body: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in (body or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def body_html(body: str) -> str:
    """The body as safe HTML (escaped, then the simple formats, then cleaned by nh3)."""
    parts: list[str] = []
    for block in _blocks(body):
        lines = [html.escape(line.strip(), quote=True) for line in block]
        heading = _HEADING.match(lines[0]) if len(lines) == 1 else None
        if heading:
            tag = "h2" if len(heading.group(1)) == 1 else "h3"
            parts.append(f"<{tag}>{_inline(heading.group(2))}</{tag}>")
        elif all(_BULLET.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_BULLET.match(line).group(1))}</li>" for line in lines)  # type: ignore[union-attr]  # all matched above
            parts.append(f"<ul>{items}</ul>")
        elif all(_NUMBERED.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_NUMBERED.match(line).group(1))}</li>" for line in lines)  # type: ignore[union-attr]  # all matched above
            parts.append(f"<ol>{items}</ol>")
        else:
            parts.append(f"<p>{'<br>'.join(_inline(line) for line in lines)}</p>")
    return nh3.clean(
        "\n".join(parts),
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


_MARKUP = re.compile(r"(\*\*|`|^#{1,2}\s+|^[-*]\s+|^\d+[.)]\s+)", re.MULTILINE)


def body_plain(body: str) -> str:
    """The body as plain text (formatting marks dropped, links reduced to their label), for search."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", body or "")
    text = _MARKUP.sub("", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


# --------------------------------------------------------------------------- search features

_THAI = "thai"
_KHMER = "khmer"
_LATIN = "latin"


def normalise(text: str) -> str:
    """NFC and case-folded: what every comparison works on."""
    return unicodedata.normalize("NFC", text or "").casefold()


def _script(char: str) -> str | None:
    code = ord(char)
    if 0x0E00 <= code <= 0x0E7F:
        return _THAI
    if 0x1780 <= code <= 0x17FF or 0x19E0 <= code <= 0x19FF:
        return _KHMER
    if char.isalnum():
        return _LATIN
    return None


def _runs(text: str) -> list[tuple[str, str]]:
    """``text`` cut into runs of one script, dropping spaces and punctuation: [(script, run)]."""
    runs: list[tuple[str, str]] = []
    current: list[str] = []
    current_script: str | None = None
    for char in normalise(text):
        script = _script(char)
        if script != current_script or script is None:
            if current and current_script is not None:
                runs.append((current_script, "".join(current)))
            current = []
        current_script = script
        if script is not None:
            current.append(char)
    if current and current_script is not None:
        runs.append((current_script, "".join(current)))
    return runs


_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "the",
        "this",
        "to",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)


def _stem(word: str) -> str:
    """A light English stem, enough for "orders"/"order", "tracking"/"track", "changed"/"change"."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def features(text: str) -> list[str]:
    """The search features of ``text``: stemmed Latin words, Thai/Khmer character 3-grams (in order)."""
    found: list[str] = []
    for script, run in _runs(text):
        if script == _LATIN:
            if run not in _STOPWORDS:
                found.append(_stem(run))
        elif len(run) < 3:
            found.append(run)
        else:
            found.extend(run[i : i + 3] for i in range(len(run) - 2))
    return found


def detect_language(text: str) -> str | None:
    """ "th" or "km" when ``text`` is mostly Thai or Khmer script, "en" for Latin, None when empty."""
    counts = {_THAI: 0, _KHMER: 0, _LATIN: 0}
    for char in text or "":
        script = _script(char)
        if script is not None:
            counts[script] += 1
    if not any(counts.values()):
        return None
    best = max(counts, key=lambda key: counts[key])
    return {_THAI: "th", _KHMER: "km", _LATIN: "en"}[best]


def snippet(plain: str, terms: Iterable[str], *, width: int = 160) -> str:
    """About ``width`` characters of ``plain`` around the first of ``terms`` it contains (plain text)."""
    folded = normalise(plain)
    position = -1
    for term in terms:
        if term:
            found = folded.find(term)
            if found >= 0 and (position < 0 or found < position):
                position = found
    if len(plain) <= width:
        return plain
    start = max(0, position - width // 3) if position >= 0 else 0
    piece = plain[start : start + width].strip()
    return f"{'…' if start > 0 else ''}{piece}{'…' if start + width < len(plain) else ''}"
