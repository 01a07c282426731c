"""Text folding for search: case- and accent-insensitive, every other character kept."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-'’&.,/()]+")

# Letters that Unicode decomposition does not split into base + accent.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})


def fold(text: str) -> str:
    """`Hélène D'Aubigné-Œuvre` → `helene d'aubigne-oeuvre`; punctuation is kept as typed."""
    lowered = text.casefold().translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", lowered)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace("’", "'").split())


def words(text: str) -> list[str]:
    """Folded words of a name: split on spaces, hyphens, apostrophes, `&` and the like."""
    return [word for word in _SEPARATORS.split(fold(text)) if word]
