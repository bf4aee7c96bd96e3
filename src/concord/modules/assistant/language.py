"""Language from the script: Thai and Khmer have their own Unicode blocks; anything else is English."""

from __future__ import annotations


def detect_language(text: str) -> str:
    """ "th" when Thai letters outnumber Khmer ones, "km" for Khmer, else "en"."""
    thai = khmer = 0
    for char in text or "":
        code = ord(char)
        if 0x0E00 <= code <= 0x0E7F:
            thai += 1
        elif 0x1780 <= code <= 0x17FF:
            khmer += 1
    if thai == 0 and khmer == 0:
        return "en"
    return "th" if thai >= khmer else "km"
