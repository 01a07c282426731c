"""French VAT rates and the per-order breakdown, computed once per rate (prices include VAT)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from typing import NamedTuple

from pos_app.domain.errors import InvalidVatRate
from pos_app.domain.money import Cents, round_half_up


class VatRate(IntEnum):
    """A rate in basis points (hundredths of a percent), so that 5.5 % stays an integer."""

    STANDARD = 2000
    INTERMEDIATE = 1000
    REDUCED = 550
    SUPER_REDUCED = 210

    @property
    def percent_text(self) -> str:
        """`20`, `10`, `5.5`, `2.1`: how the rate is written in files and on receipts."""
        whole, hundredths = divmod(self.value, 100)
        return f"{whole}.{hundredths:02d}".rstrip("0").rstrip(".")

    @classmethod
    def parse(cls, value: object) -> VatRate:
        """Read a percentage (`20`, `"5,5"`, `Decimal("2.1")`); refuses any other rate."""
        if isinstance(value, bool | float):
            raise InvalidVatRate(value)
        try:
            basis_points = Decimal(str(value).replace(",", ".").strip().rstrip("%")) * 100
        except InvalidOperation as error:
            raise InvalidVatRate(value) from error
        for rate in cls:
            if rate.value == basis_points:
                return rate
        raise InvalidVatRate(value)


class VatLine(NamedTuple):
    """One rate of an order: what was sold at it, split into amount without VAT and VAT."""

    rate: VatRate
    total_cents: Cents
    excl_cents: Cents
    vat_cents: Cents


def split_vat(total_cents: Cents, rate: VatRate) -> VatLine:
    """Split a VAT-inclusive total: the amount without VAT is rounded half-up, VAT is the rest."""
    excl = round_half_up(total_cents * 10_000, 10_000 + rate.value)
    return VatLine(rate=rate, total_cents=total_cents, excl_cents=excl,
                   vat_cents=total_cents - excl)


def vat_breakdown(amounts: Iterable[tuple[VatRate, Cents]]) -> list[VatLine]:
    """Group VAT-inclusive amounts by rate and split each rate's sum once.

    Rounding once per rate (never per line) keeps the receipt's VAT equal to what the
    lines add up to; the rates are listed highest first, as on a French receipt.
    """
    per_rate: dict[VatRate, Cents] = {}
    for rate, amount in amounts:
        per_rate[rate] = per_rate.get(rate, 0) + amount
    return [split_vat(per_rate[rate], rate) for rate in sorted(per_rate, reverse=True)]
