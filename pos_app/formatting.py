"""Money and dates as French staff read them: `14,00 €`, Europe/Paris local time.

Amounts follow Babel's (CLDR's) currency format for the locale. Loading Babel's locale
data costs tens of milliseconds on a cheap terminal, on the UI thread, before the first
price shows; so the few facts a euro amount needs (prefix, suffix, separators, grouping)
are compiled from Babel once into resources/money_formats.json (`python3 dev.py
translations`), and a test checks that file against the installed Babel. A locale not in
the file is compiled from Babel when first asked for.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

CURRENCY = "EUR"
MONEY_LOCALES = ("fr_FR", "en_GB")
MONEY_FORMATS = Path(__file__).resolve().parents[1] / "resources" / "money_formats.json"


class MoneyFormat:
    """A locale's currency format for euros: `prefixes`/`suffixes` hold the positive and
    the negative form, with the currency symbol already in place."""

    __slots__ = ("decimal", "group", "grouping", "min_digits", "prefixes", "suffixes")

    def __init__(self, prefixes: tuple[str, str], suffixes: tuple[str, str], decimal: str,
                 group: str, grouping: tuple[int, int], min_digits: int) -> None:
        self.prefixes, self.suffixes = prefixes, suffixes
        self.decimal, self.group = decimal, group
        self.grouping, self.min_digits = grouping, min_digits

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MoneyFormat:
        prefixes, suffixes, grouping = data["prefixes"], data["suffixes"], data["grouping"]
        return cls((prefixes[0], prefixes[1]), (suffixes[0], suffixes[1]), data["decimal"],
                   data["group"], (grouping[0], grouping[1]), data["min_digits"])

    def to_json(self) -> dict[str, Any]:
        return {name: list(value) if isinstance(value := getattr(self, name), tuple) else value
                for name in self.__slots__}

    def apply(self, cents: int) -> str:
        negative = int(cents < 0)
        whole, part = divmod(abs(cents), 100)
        digits = self.grouped(str(whole).rjust(self.min_digits, "0"))
        return (f"{self.prefixes[negative]}{digits}{self.decimal}{part:02d}"
                f"{self.suffixes[negative]}")

    def grouped(self, digits: str) -> str:
        """`10000` → `10 000` (with the locale's group separator)."""
        size, groups = self.grouping[0], ""
        while len(digits) > size:
            groups = self.group + digits[-size:] + groups
            digits = digits[:-size]
            size = self.grouping[1]
        return digits + groups


_formats: dict[str, MoneyFormat] = {}


def format_money(cents: int, locale: str = "fr_FR") -> str:
    money_format = _formats.get(locale)
    if money_format is None:
        money_format = _load_money_format(locale)
    return money_format.apply(cents)


def format_vat_rate(rate_bp: int) -> str:
    """`550` (basis points) → `5,5 %`, the sign held to its number (no break between)."""
    whole, hundredths = divmod(rate_bp, 100)
    text = f"{whole},{hundredths:02d}".rstrip("0").rstrip(",")
    return f"{text}\u00a0%"


def format_count(count: int, locale: str = "fr_FR") -> str:
    """`10000` → `10 000`: a count of things, its digits grouped as the locale groups an
    amount's (records sent: "1 200 / 10 000")."""
    money_format = _formats.get(locale)
    if money_format is None:
        money_format = _load_money_format(locale)
    return ("-" if count < 0 else "") + money_format.grouped(str(abs(count)))


def _load_money_format(locale: str) -> MoneyFormat:
    if not _formats and MONEY_FORMATS.exists():
        compiled = json.loads(MONEY_FORMATS.read_text(encoding="utf-8"))
        _formats.update({code: MoneyFormat.from_json(data) for code, data in compiled.items()})
    if locale not in _formats:
        _formats[locale] = compile_money_format(locale)
    return _formats[locale]


def compile_money_format(locale: str) -> MoneyFormat:
    """Babel's standard currency format for `locale`, reduced to what euro amounts in
    cents need."""
    from babel import Locale
    from babel.numbers import (
        get_currency_precision,
        get_currency_symbol,
        get_decimal_symbol,
        get_group_symbol,
    )

    pattern = Locale.parse(locale).currency_formats["standard"]
    if get_currency_precision(CURRENCY) != 2 or "¤¤" in pattern.pattern or pattern.scale:
        raise ValueError(f"{locale}: currency format {pattern.pattern!r} is not supported")
    symbol = get_currency_symbol(CURRENCY, locale)

    def literal(text: str) -> str:
        # As Babel renders it: the symbol in place, quotes around literal text removed.
        return re.sub(r"'([^']*)'", lambda m: m.group(1) or "'", text.replace("¤", symbol))

    return MoneyFormat(
        (literal(pattern.prefix[0]), literal(pattern.prefix[1])),
        (literal(pattern.suffix[0]), literal(pattern.suffix[1])),
        get_decimal_symbol(locale), get_group_symbol(locale),
        (pattern.grouping[0], pattern.grouping[1]), pattern.int_prec[0])


def write_money_formats() -> None:
    compiled = {locale: compile_money_format(locale).to_json() for locale in MONEY_LOCALES}
    # ASCII escapes show the no-break spaces that separate French amounts.
    MONEY_FORMATS.write_text(json.dumps(compiled, indent=1) + "\n", encoding="utf-8")


@cache
def paris() -> ZoneInfo:
    """Europe/Paris, where the till's staff read times (zoneinfo loads on first use)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Paris")


def format_local_time(moment: datetime, pattern: str = "%d/%m/%Y %H:%M") -> str:
    return moment.astimezone(paris()).strftime(pattern)


def same_local_day(moment: datetime, other: datetime) -> bool:
    """Whether both fall on the same day in Paris (a time of today is said without its
    date)."""
    return moment.astimezone(paris()).date() == other.astimezone(paris()).date()


def format_amount_field(cents: int) -> str:
    """`1400` → `14,00`: an amount as typed into a field, without the currency sign."""
    whole, part = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{whole},{part:02d}"
