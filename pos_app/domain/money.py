"""Money as integer cents, parsed from and written as French or plain decimal text."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pos_app.domain.errors import InvalidAmount

Cents = int

_AMOUNT = re.compile(r"^\s*(-?)\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*(?:€|EUR)?\s*$", re.IGNORECASE)


def parse_amount(value: object) -> Cents:
    """Euros as text (`14`, `14,5`, `14.50 €`) or a Decimal → cents; refuses anything else.

    An int is taken as whole euros, like the text `14`. Floats are refused: they cannot
    carry cents exactly; so are booleans, lists and the like.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise InvalidAmount(str(value))
    if isinstance(value, int):
        return value * 100
    if isinstance(value, Decimal):
        return _decimal_to_cents(value)
    match = _AMOUNT.match(value)
    if match is None:
        raise InvalidAmount(value)
    sign, euros, cents = match.groups()
    total = int(euros) * 100 + int((cents or "0").ljust(2, "0"))
    return -total if sign else total


def _decimal_to_cents(value: Decimal) -> Cents:
    try:
        cents = value * 100
        if not cents.is_finite() or cents != cents.to_integral_value():
            raise InvalidAmount(str(value))
        return int(cents)
    except InvalidOperation as error:
        raise InvalidAmount(str(value)) from error


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
