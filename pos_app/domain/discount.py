"""Discounts: a line's, and the basket's spread over its lines.

A discount is kept in cents. One asked as a percentage becomes cents rounded half-up on
the amount it applies to (the line's total, or the basket's once its lines' own
discounts are off). A basket discount is allocated across the lines in proportion to
their totals, by largest remainder (ties: the earlier line), so that each line carries
its share, the shares add up to the discount exactly, and VAT is computed once per rate
on the lines' net totals. A line returned in parts gives back its net value by a rule
that adds up exactly (`returned_discount`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pos_app.domain.errors import (
    DiscountAboveLimit,
    DiscountExceeds,
    DiscountNegative,
    DiscountReasonMissing,
    InvalidAmount,
    InvalidDiscount,
    ReasonTooLong,
)
from pos_app.domain.money import Cents, parse_amount, round_half_up

MAX_DISCOUNT_REASON = 120  # characters: a reason is printed under the line
# Quick choices the screen offers; any other text is taken as well.
USUAL_REASONS = ("Geste commercial", "Fidélité", "Tarif groupe", "Article abîmé")

_PERCENT = re.compile(r"^\s*(\d{1,3})\s*%\s*$")


@dataclass(frozen=True, slots=True)
class DiscountAsked:
    """What was typed: an amount in cents, or a whole percentage (then `cents` is 0)."""

    cents: Cents = 0
    percent: int | None = None

    def on(self, base_cents: Cents) -> Cents:
        """The discount in cents on `base_cents`: a percentage rounded half-up."""
        if self.percent is None:
            return self.cents
        return percent_of(base_cents, self.percent)


@dataclass(frozen=True, slots=True)
class BasketDiscount:
    """A discount on the whole basket: an amount, or a percentage of the basket (its
    lines' totals after their own discounts), with its reason and who gave it. On a
    validated order `cents` is the amount it came to, the percentage kept as said."""

    cents: Cents
    reason: str
    by: str | None = None  # the staff member who gave it
    percent: int | None = None

    def on(self, base_cents: Cents) -> Cents:
        return DiscountAsked(self.cents, self.percent).on(base_cents)


def parse_discount(value: object) -> DiscountAsked:
    """`"2,00"`, `"2.5 €"` → an amount; `"10%"` → a percentage (0 to 100). A negative or
    unreadable value is refused."""
    if isinstance(value, str):
        match = _PERCENT.match(value)
        if match is not None:
            percent = int(match.group(1))
            if percent > 100:
                raise InvalidDiscount(value)
            return DiscountAsked(percent=percent)
        if "%" in value:
            raise InvalidDiscount(value)
    try:
        cents = parse_amount(value)
    except InvalidAmount as error:
        raise InvalidDiscount(str(value)) from error
    if cents < 0:
        raise DiscountNegative(cents)
    return DiscountAsked(cents=cents)


def percent_of(base_cents: Cents, percent: int) -> Cents:
    """`percent` % of `base_cents`, rounded half-up to the cent."""
    return round_half_up(base_cents * percent, 100)


def check_discount(cents: Cents, base_cents: Cents, reason: str, max_percent: int = 100,
                   percent: int | None = None) -> None:
    """A discount of `cents` on `base_cents`: not negative, not more than its base, not
    beyond the till's `max_percent` (asked as a percentage: that percentage), with a
    reason. No discount (0) needs nothing."""
    if cents < 0:
        raise DiscountNegative(cents)
    if cents == 0:
        return
    if cents > base_cents:
        raise DiscountExceeds(cents, base_cents)
    if (percent if percent is not None else 0) > max_percent or (
            percent is None and cents * 100 > base_cents * max_percent):
        raise DiscountAboveLimit(cents, base_cents, max_percent)
    if not reason.strip():
        raise DiscountReasonMissing()
    if len(reason.strip()) > MAX_DISCOUNT_REASON:
        raise ReasonTooLong(len(reason.strip()), MAX_DISCOUNT_REASON)


def allocate(amount_cents: Cents, weights: Sequence[Cents]) -> list[Cents]:
    """`amount_cents` split in proportion to `weights` (each ≥ 0, amount ≤ their sum):
    each gets the floor of its share, then the cents left go one each to the largest
    remainders (ties: the earlier). The parts add up to `amount_cents` exactly and none
    exceeds its weight."""
    total = sum(weights)
    if amount_cents == 0 or total == 0:
        return [0] * len(weights)
    parts = [amount_cents * weight // total for weight in weights]
    left = amount_cents - sum(parts)
    by_remainder = sorted(range(len(weights)),
                          key=lambda i: (-(amount_cents * weights[i] % total), i))
    for index in by_remainder[:left]:
        parts[index] += 1
    return parts


def returned_discount(gross_cents: Cents, net_cents: Cents, quantity: int, done: int,
                      taking: int) -> Cents:
    """The part of a line's discount that goes with `taking` more of its `quantity`
    units, `done` having been taken back already. The units' value is
    floor(net × (done + taking) / quantity) − floor(net × done / quantity): every unit
    taken back, in any parts, gives back the line's net total exactly, and a part never
    gives back more than its units were sold for."""
    unit = gross_cents // quantity

    def discount_of(units: int) -> Cents:
        return unit * units - net_cents * units // quantity

    return discount_of(done + taking) - discount_of(done)
