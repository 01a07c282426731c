"""A basket on hold's name: kept tidy, bounded, and offered as the first free one."""

from __future__ import annotations

import pytest

from pos_app.domain.errors import HeldBasketNameTooLong
from pos_app.domain.held_basket import MAX_NAME, first_free_name, held_name


def test_a_name_is_kept_with_its_spaces_tidied() -> None:
    assert held_name("  Table \t 4 ") == "Table 4"
    assert held_name("   ") == ""
    assert held_name("x" * MAX_NAME) == "x" * MAX_NAME
    with pytest.raises(HeldBasketNameTooLong) as refused:
        held_name("x" * (MAX_NAME + 1))
    assert (refused.value.length, refused.value.maximum) == (MAX_NAME + 1, MAX_NAME)


def test_the_first_free_name_fills_the_gaps_whatever_the_case() -> None:
    assert first_free_name("Panier {n}", []) == "Panier 1"
    assert first_free_name("Panier {n}", ["panier 1", "Panier 3", "Martin"]) == "Panier 2"
    assert first_free_name("Basket {n}", ["Basket 1", "Basket 2"]) == "Basket 3"
