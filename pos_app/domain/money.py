"""Money as integer cents, parsed from and written as French or plain decimal text."""

from __future__ import annotations

import re
from decimal import Decimal

from pos_app.domain.errors import AmountTooLarge, InvalidAmount, shown

Cents = int

# The largest amount the till takes anywhere (a price, a payment, cash counted or moved):
# 999 999,99 €. More is a typing slip, and sums of such amounts stay far inside SQLite's
# 64-bit integers.
MAX_AMOUNT_CENTS: Cents = 99_999_999
_MAX_EUROS = Decimal(MAX_AMOUNT_CENTS) / 100
_CENT = Decimal("0.01")

_AMOUNT = re.compile(r"^\s*(-?)\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*(?:€|EUR)?\s*$", re.IGNORECASE)


def parse_amount(value: object) -> Cents:
    """Euros as text (`14`, `14,5`, `14.50 €`) or a Decimal → cents; refuses anything else.

    An int is taken as whole euros, like the text `14`. Floats are refused: they cannot
    carry cents exactly; so are booleans, lists and the like. Amounts beyond
    MAX_AMOUNT_CENTS either way are refused (AmountTooLarge).
    """
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise InvalidAmount(_typed(value))
    if isinstance(value, int):
        return check_amount(value * 100, value)
    if isinstance(value, Decimal):
        return _decimal_to_cents(value)
    match = _AMOUNT.match(value)
    if match is None:
        raise InvalidAmount(_typed(value))
    sign, euros, cents = match.groups()
    total = int(euros) * 100 + int((cents or "0").ljust(2, "0"))
    return check_amount(-total if sign else total, value.strip())


def _typed(value: object) -> str:
    """What was typed, as an error quotes it (cut short)."""
    if isinstance(value, str | Decimal):
        text = str(value)
        return text if len(text) <= 40 else text[:39] + "…"
    return shown(value)


def check_amount(cents: Cents, typed: object = None) -> Cents:
    """`cents`, unless it is beyond MAX_AMOUNT_CENTS either way (`typed`: as it was given)."""
    if abs(cents) > MAX_AMOUNT_CENTS:
        raise AmountTooLarge(_typed(cents if typed is None else typed), MAX_AMOUNT_CENTS)
    return cents


def _decimal_to_cents(value: Decimal) -> Cents:
    if not value.is_finite():
        raise InvalidAmount(_typed(value))
    if value.copy_abs() > _MAX_EUROS:  # exactly, before any arithmetic: 1E+999999
        raise AmountTooLarge(_typed(value), MAX_AMOUNT_CENTS)
    whole_cents = value.quantize(_CENT)  # under a million euros: ten digits at most, exact
    if whole_cents != value:  # Decimals compare exactly, whatever their digits
        raise InvalidAmount(_typed(value))
    return int(whole_cents * 100)


def format_plain(cents: Cents) -> str:
    """`1400` → `14.00`: the machine-readable form used in JSON and exports."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def round_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounded half away from zero, as French VAT rounding expects."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient
