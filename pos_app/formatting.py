"""Money and dates as French staff read them: `14,00 €`, Europe/Paris local time."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def format_money(cents: int, locale: str = "fr_FR") -> str:
    # Babel loads when first needed: the sign-in screen shows without waiting for it.
    from babel.numbers import format_currency

    return format_currency(Decimal(cents) / 100, "EUR", locale=locale)


def format_local_time(moment: datetime, pattern: str = "%d/%m/%Y %H:%M") -> str:
    return moment.astimezone(PARIS).strftime(pattern)


def format_amount_field(cents: int) -> str:
    """`1400` → `14,00`: an amount as typed into a field, without the currency sign."""
    whole, part = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{whole},{part:02d}"
