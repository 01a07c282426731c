"""Amounts as Babel formats them, without loading Babel on the way to the first price."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from babel.numbers import format_currency
from hypothesis import given
from hypothesis import strategies as st

from pos_app import formatting
from pos_app.formatting import (
    MONEY_FORMATS,
    MONEY_LOCALES,
    compile_money_format,
    format_amount_field,
    format_money,
)

EDGES = [0, 1, 9, 10, 99, 100, 101, 1400, 99999, 100000, 123456789, 10**15]


def babel_money(cents: int, locale: str) -> str:
    return format_currency(Decimal(cents) / 100, "EUR", locale=locale)


def test_french_amounts_read_as_staff_expect() -> None:
    assert format_money(1400) == "14,00\u00a0€"
    assert format_money(-5) == "-0,05\u00a0€"
    assert format_money(123456789) == "1\u202f234\u202f567,89\u00a0€"


@pytest.mark.parametrize("locale", MONEY_LOCALES)
def test_compiled_formats_match_babel_at_the_edges(locale: str) -> None:
    for cents in EDGES + [-cents for cents in EDGES]:
        assert format_money(cents, locale) == babel_money(cents, locale)


@given(st.integers(min_value=-10**13, max_value=10**13), st.sampled_from(MONEY_LOCALES))
def test_compiled_formats_match_babel(cents: int, locale: str) -> None:
    assert format_money(cents, locale) == babel_money(cents, locale)


def test_money_formats_file_is_current() -> None:
    """`python3 dev.py translations` rewrites it; it must say what the installed Babel
    says."""
    compiled = json.loads(MONEY_FORMATS.read_text(encoding="utf-8"))
    assert compiled == {locale: compile_money_format(locale).to_json()
                        for locale in MONEY_LOCALES}


def test_a_locale_not_compiled_comes_from_babel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formatting, "_formats", {})
    assert format_money(-123456789, "de_DE") == babel_money(-123456789, "de_DE")
    assert format_money(150, "fr_CA") == babel_money(150, "fr_CA")


def test_money_formats_load_without_babel() -> None:
    import subprocess
    import sys

    code = ("import sys; from pos_app.formatting import format_money; "
            "print(format_money(1400)); print('babel' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.split("\n")[:2] == ["14,00\u00a0€", "False"]


def test_amount_field_has_no_currency_sign() -> None:
    assert format_amount_field(1400) == "14,00"
    assert format_amount_field(-5) == "-0,05"
