"""Customers (persons and organisations) and the R1 name search."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pos_app.domain.text import fold, words


class CustomerKind(StrEnum):
    PERSON = "person"  # client physique
    ORGANISATION = "organisation"  # client moral


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    kind: CustomerKind
    name: str  # last name of a person, name of an organisation
    first_name: str | None = None
    email: str | None = None
    phone: str | None = None
    postal_code: str | None = None
    card_code: str | None = None  # the venue's membership card: scanned, it finds them

    @property
    def display_name(self) -> str:
        if self.kind is CustomerKind.PERSON and self.first_name:
            return f"{self.name.upper()} {self.first_name}"
        return self.name

    @property
    def searchable_names(self) -> tuple[str, ...]:
        """R1: organisations are found by name only; persons also by first name."""
        if self.kind is CustomerKind.PERSON and self.first_name:
            return (self.name, self.first_name)
        return (self.name,)


class MatchMode(StrEnum):
    STARTS_WITH = "starts_with"  # `text*`
    CONTAINS = "contains"  # `*text` (and `*text*`)
    WORDS = "words"  # plain text: every typed word starts a word of the name


@dataclass(frozen=True, slots=True)
class NamePattern:
    """What a cashier typed in the one name field, read per R1."""

    mode: MatchMode
    text: str  # folded: case and accents removed, punctuation kept

    @classmethod
    def parse(cls, typed: str) -> NamePattern:
        stripped = typed.strip()
        if stripped.startswith("*"):
            return cls(MatchMode.CONTAINS, fold(stripped.strip("*")))
        if stripped.endswith("*"):
            return cls(MatchMode.STARTS_WITH, fold(stripped.rstrip("*")))
        return cls(MatchMode.WORDS, fold(stripped))

    @property
    def is_empty(self) -> bool:
        return not self.text

    def matches_name(self, name: str) -> bool:
        folded = fold(name)
        if self.mode is MatchMode.STARTS_WITH:
            return folded.startswith(self.text)
        if self.mode is MatchMode.CONTAINS:
            return self.text in folded
        return _words_start_words(words(self.text), words(name)) or folded == self.text

    def matches(self, customer: Customer) -> bool:
        if self.is_empty:
            return False
        if self.mode is MatchMode.WORDS:
            # "Martin Léa" or "Léa Martin": typed words may span last and first name.
            return _words_start_words(words(self.text), _all_words(customer)) or any(
                fold(name) == self.text for name in customer.searchable_names
            )
        return any(self.matches_name(name) for name in customer.searchable_names)


def _all_words(customer: Customer) -> list[str]:
    return [word for name in customer.searchable_names for word in words(name)]


def _words_start_words(typed: list[str], candidate: list[str]) -> bool:
    """Each typed word begins a distinct word of the candidate, in any order."""
    if not typed:
        return False
    remaining = list(candidate)
    for word in typed:
        found = next((w for w in remaining if w.startswith(word)), None)
        if found is None:
            return False
        remaining.remove(found)
    return True


def rank(customer: Customer, pattern: NamePattern) -> tuple[int, str, str]:
    """Exact names first, then alphabetical by folded name and first name."""
    exact = any(fold(name) == pattern.text for name in customer.searchable_names)
    return (0 if exact else 1, fold(customer.name), fold(customer.first_name or ""))
