import gettext
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

from concord.core.identity.roles import Role

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def _po_text(message: Message) -> str:
    string = message.string
    return str(string[0] if isinstance(string, (tuple, list)) else string)


def _compiled_text(compiled: gettext.GNUTranslations, message: Message) -> str:
    if isinstance(message.id, (tuple, list)):
        return compiled.ngettext(str(message.id[0]), str(message.id[1]), 1)
    return compiled.gettext(str(message.id))


@pytest.mark.parametrize("language", ["th", "km"])
def test_catalog_is_complete_and_not_fuzzy(language):
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    messages = [message for message in catalog if message.id]
    assert len(messages) > 50
    fuzzy = [message.id for message in messages if message.fuzzy]
    empty = [
        message.id
        for message in messages
        if not (all(message.string) if isinstance(message.string, tuple) else message.string)
    ]
    assert fuzzy == []
    assert empty == []
    stale = [message.id for message in messages if _compiled_text(compiled, message) != _po_text(message)]
    assert stale == [], "run compilemessages after editing the .po file"


def test_english_catalog_exists():
    assert (LOCALE_DIR / "en" / "LC_MESSAGES" / "django.mo").is_file()


def _labels():
    return [str(role.label) for role in Role] + [str(name) for _code, name in settings.LANGUAGES]


@pytest.mark.parametrize("language", ["th", "km"])
def test_role_and_language_names_are_translated(language):
    with translation.override("en"):
        english = _labels()
    with translation.override(language):
        translated = _labels()
    untranslated = [text for text, other in zip(english, translated, strict=True) if text == other]
    assert untranslated == []


@pytest.mark.parametrize(
    ("language", "script_start", "script_end"), [("th", 0x0E00, 0x0E7F), ("km", 0x1780, 0x17FF)]
)
def test_shell_strings_are_in_the_languages_script(language, script_start, script_end):
    with translation.override(language):
        for text in ("Home", "Front office", "Back office", "Search", "Language", "Page not found"):
            translated = translation.gettext(text)
            assert any(script_start <= ord(char) <= script_end for char in translated), (language, text)


@pytest.mark.parametrize(("language", "foreign"), [("th", "\u1780-\u17ff"), ("km", "\u0e00-\u0e7f")])
def test_no_translation_slips_into_the_other_script(language, foreign):
    """Thai and Khmer are easy to mix up when typing; a Thai msgstr holds no Khmer letter and vice versa."""
    catalog = (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    msgstrs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', catalog, flags=re.MULTILINE)
    assert msgstrs
    assert [text for text in msgstrs if re.search(f"[{foreign}]", text)] == []
