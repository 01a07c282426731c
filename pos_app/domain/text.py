"""Text folding for search: case- and accent-insensitive, every other character kept."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-'’&.,/()]+")

# Letters that Unicode decomposition does not split into base + accent.
_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"}
_LIGATURE = re.compile("[" + "".join(_LIGATURES) + "]")


_COMBINING_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff]+")


def fold(text: str) -> str:
    """`Hélène D'Aubigné-Œuvre` → `helene d'aubigne-oeuvre`; punctuation is kept as typed."""
    if text.isascii():  # most names and every barcode: skip Unicode work
        return " ".join(text.lower().split())
    lowered = _LIGATURE.sub(lambda found: _LIGATURES[found.group()], text.casefold())
    plain = _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", lowered))
    return " ".join(plain.replace("’", "'").split())


def words(text: str) -> list[str]:
    """Folded words of a name: split on spaces, hyphens, apostrophes, `&` and the like."""
    return [word for word in _SEPARATORS.split(fold(text)) if word]
