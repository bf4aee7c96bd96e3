"""Checks the browser tests rely on, usable from any app's tests: every form field has a label.

``unlabelled_fields(html)`` lists the ``<input>``, ``<select>`` and ``<textarea>`` elements of a page
that a person (or a test finding fields by label) could not name: those with no ``<label for=...>``
pointing at their id and no ``<label>`` around them. Hidden inputs and buttons need no label.
"""

from __future__ import annotations

from html.parser import HTMLParser

FIELD_TAGS = frozenset({"input", "select", "textarea"})
UNLABELLED_INPUT_TYPES = frozenset({"hidden", "submit", "button", "reset", "image"})


class _FieldCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.label_targets: set[str] = set()
        self.label_depth = 0
        self.fields: list[tuple[str, dict[str, str], bool]] = []  # (tag, attributes, inside a label)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "label":
            self.label_depth += 1
            if attributes.get("for"):
                self.label_targets.add(attributes["for"])
        elif tag in FIELD_TAGS:
            if tag == "input" and attributes.get("type", "text").lower() in UNLABELLED_INPUT_TYPES:
                return
            self.fields.append((tag, attributes, self.label_depth > 0))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "label":
            self.label_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.label_depth > 0:
            self.label_depth -= 1


def unlabelled_fields(html: str) -> list[str]:
    """Short descriptions (``input name=q``) of the fields in ``html`` that have no label."""
    collector = _FieldCollector()
    collector.feed(html)
    collector.close()
    missing = []
    for tag, attributes, wrapped in collector.fields:
        field_id = attributes.get("id", "")
        if wrapped or (field_id and field_id in collector.label_targets):
            continue
        missing.append(f"{tag} name={attributes.get('name', '?')} id={field_id or '?'}")
    return missing
