"""The visitor's postal code asked with an order when the till says so (R12): venues
count where their visitors come from.

An answer is a French postal code (five digits, 01000 to 98999: Corsica's 20xxx and
Monaco's 98000 included), or one of two answers of their own: the visitor lives abroad,
or would rather not say. None of them is guessed for the visitor: an order that was not
asked has no answer at all (None), which the counts keep apart from "declined".
"""

from __future__ import annotations

from enum import StrEnum

from pos_app.domain.errors import DomainError

POSTAL_CODE_DIGITS = 5
LOWEST_POSTAL_CODE = 1000  # 01000, Bourg-en-Bresse: no department 00
HIGHEST_POSTAL_CODE = 98999  # Monaco and the overseas collectivities end at 98


class PostalAnswer(StrEnum):
    """The answers that are not a French postal code, as stored and sent."""

    ABROAD = "abroad"
    DECLINED = "declined"


_ANSWERS = frozenset(answer.value for answer in PostalAnswer)


class InvalidPostalCode(DomainError):
    """Neither five digits from 01000 to 98999 nor one of the answers of their own."""

    def __init__(self, text: str) -> None:
        answers = ", ".join(answer.value for answer in PostalAnswer)
        super().__init__(
            f"not a French postal code: {text!r} (five digits, 01000 to 98999;"
            f" or {answers})")
        self.text = text


def parse_postal_code(text: str) -> str:
    """The answer as stored: `75011`, `abroad` or `declined`. Spaces around and inside
    are dropped (`75 011` as people write it); anything else is refused, never fixed:
    four digits may be 01234 or 12340."""
    compact = "".join(text.split())
    if compact.lower() in _ANSWERS:
        return compact.lower()
    if (len(compact) != POSTAL_CODE_DIGITS or not compact.isascii()
            or not compact.isdigit()
            or not LOWEST_POSTAL_CODE <= int(compact) <= HIGHEST_POSTAL_CODE):
        raise InvalidPostalCode(text)
    return compact


def is_french_postal_code(answer: str) -> bool:
    """Whether a stored answer is a postal code rather than abroad or declined."""
    return answer not in _ANSWERS
