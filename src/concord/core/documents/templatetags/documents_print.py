"""Template tags for print templates: ``{% page_counter_content %}`` for the "Page X of Y" footer."""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

_PAGE = "\x00page\x00"
_PAGES = "\x00pages\x00"
_COUNTERS = {_PAGE: "counter(page)", _PAGES: "counter(pages)"}


def css_string(text: str) -> str:
    """``text`` as a double-quoted CSS string that is also safe inside a ``<style>`` element."""
    escaped = []
    for char in text:
        if char in '"\\<>&' or ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\{ord(char):X} ")  # a CSS hex escape; the space ends it
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def page_counter_css(pattern: str) -> str:
    """A CSS ``content`` value from a pattern with ``%(page)s`` and ``%(pages)s``.

    ``page_counter_css("Page %(page)s of %(pages)s")`` -> ``"Page " counter(page) " of " counter(pages)``.
    """
    text = pattern % {"page": _PAGE, "pages": _PAGES}
    parts = [part for part in re.split(f"({_PAGE}|{_PAGES})", text) if part]
    return " ".join(_COUNTERS.get(part) or css_string(part) for part in parts) or '""'


@register.simple_tag
def page_counter_content() -> SafeString:
    """The translated "Page X of Y" as a CSS ``content`` value, for an ``@page`` margin box."""
    # Translators: page footer of printed documents (invoices, tax invoices); keep both placeholders.
    pattern = gettext("Page %(page)s of %(pages)s")
    # Safe: css_string escapes quotes, backslashes and <>& (no way out of the string or the <style>).
    return mark_safe(page_counter_css(pattern))  # noqa: S308
