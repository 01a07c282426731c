"""The visitor's postal code (R12): five digits from 01000 to 98999, or abroad, or
declined; nothing else, and nothing guessed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.postal_code import (
    InvalidPostalCode,
    PostalAnswer,
    is_french_postal_code,
    parse_postal_code,
)


@pytest.mark.parametrize(("text", "stored"), [
    ("75011", "75011"), ("01000", "01000"), ("98999", "98999"),
    ("20000", "20000"), ("20090", "20090"), ("20600", "20600"),  # Corsica: 2A and 2B
    ("97400", "97400"), ("98000", "98000"),  # La Réunion, Monaco
    (" 69 003 ", "69003"),  # as people write it
    ("abroad", "abroad"), ("ABROAD", "abroad"), ("declined", "declined"),
])
def test_answers_kept_as_stored(text: str, stored: str) -> None:
    assert parse_postal_code(text) == stored


@pytest.mark.parametrize("text", [
    "", "   ", "7501", "750111", "00999", "00000", "99000", "99999", "2A004", "2B033",
    "75O11", "7501a", "-7501", "+7501", "75,01", "７５０１１", "٧٥٠١١", "Paris", "étranger",
])
def test_anything_else_is_refused_with_what_was_typed(text: str) -> None:
    with pytest.raises(InvalidPostalCode) as refused:
        parse_postal_code(text)
    assert refused.value.text == text
    assert "five digits, 01000 to 98999" in str(refused.value)


def test_four_digits_are_never_made_five() -> None:
    """1234 may be 01234 or 12340: the till asks again rather than guess."""
    with pytest.raises(InvalidPostalCode):
        parse_postal_code("1234")


@given(st.integers(min_value=0, max_value=99999))
def test_five_digits_pass_exactly_within_the_french_range(number: int) -> None:
    text = f"{number:05d}"
    if 1000 <= number <= 98999:
        assert parse_postal_code(text) == text
        assert is_french_postal_code(text)
    else:
        with pytest.raises(InvalidPostalCode):
            parse_postal_code(text)


def test_abroad_and_declined_are_not_postal_codes() -> None:
    assert [is_french_postal_code(answer.value) for answer in PostalAnswer] == [False, False]
