"""Dated products (R3): slots with places, and the shared stocks products draw on.

A slot is a dated time span of one product with its own places: a 1-hour ride at 14:00,
a guided visit, a boat for the afternoon. A multi-day slot (`daily`) holds the same hours
on each day from its first to its last: a course Monday–Friday 10:00–17:00 is one slot
(sold once, one place for the five days) whose spans are the five days' 10:00–17:00. A
slot's times are stored in UTC; its days and hours are the venue's (`zone`).

A shared stock is a pool of units (20 ponies, 10 boats) that several products draw on,
one unit per place sold. A planned stock serves dated products (its units are held
during each slot's spans); an unplanned one serves undated goods (a unit sold is gone).
Exceptions set the quantity on chosen days (2 boats in repair: 8 instead of 10).
What is left is computed in domain/availability.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from pos_app.domain.errors import DomainError

MAX_PLACES = 99_999
MAX_STOCK = 999_999
MAX_SLOT_DAYS = 366  # a season pass's slot is the longest a venue sells
SLOT_ID_LENGTH = 64  # as every id of the store


@dataclass(frozen=True, slots=True)
class Span:
    """A time a slot holds its places: [start, end), UTC."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Slot:
    id: str
    product_id: str
    start: datetime  # UTC: the first moment of the first span
    end: datetime  # UTC: the end of the last span (not held from then on)
    places: int  # the product's own places in it
    daily: bool = False  # the same hours each day from the first day to the last

    def __post_init__(self) -> None:
        if self.start.utcoffset() is None or self.end.utcoffset() is None:
            raise ValueError("a slot's times carry their offset")
        if self.end <= self.start:
            raise ValueError("a slot ends after it starts")
        if not 0 <= self.places <= MAX_PLACES:
            raise ValueError(f"a slot has 0 to {MAX_PLACES} places")

    def spans(self, zone: tzinfo) -> tuple[Span, ...]:
        """When its places are held: the whole slot, or for a daily one each day's hours
        (as the venue's clock in `zone` reads them, whatever the clocks did overnight)."""
        if not self.daily:
            return (Span(self.start, self.end),)
        first, last = self.start.astimezone(zone), self.end.astimezone(zone)
        opens, closes = first.timetz().replace(tzinfo=None), last.timetz().replace(tzinfo=None)
        spans = []
        day = first.date()
        while day <= last.date():
            spans.append(Span(datetime.combine(day, opens, zone).astimezone(UTC),
                              datetime.combine(day, closes, zone).astimezone(UTC)))
            day += timedelta(days=1)
        return tuple(spans)


class SlotInvalid(DomainError):
    """A slot that cannot be: its hours, days or places said why."""

    def __init__(self, why: str) -> None:
        super().__init__(f"not a slot: {why}")
        self.why = why


def daily_slot(slot_id: str, product_id: str, first_day: date, last_day: date,
               opens: time, closes: time, places: int, zone: tzinfo) -> Slot:
    """A multi-day slot: the same hours (venue time) on each day, first to last."""
    if last_day < first_day:
        raise SlotInvalid("its last day comes before its first")
    if (last_day - first_day).days >= MAX_SLOT_DAYS:
        raise SlotInvalid(f"more than {MAX_SLOT_DAYS} days")
    if closes <= opens:
        raise SlotInvalid("each day it closes before it opens")
    return Slot(slot_id, product_id,
                datetime.combine(first_day, opens, zone).astimezone(UTC),
                datetime.combine(last_day, closes, zone).astimezone(UTC), places,
                daily=last_day > first_day)


def slots_in_bulk(product_id: str, first_day: date, last_day: date,
                  weekdays: Iterable[int], hours: Iterable[tuple[time, time]], places: int,
                  zone: tzinfo, slot_id: Callable[[str, datetime], str] | None = None,
                  ) -> list[Slot]:
    """One slot per chosen weekday (1 Monday … 7 Sunday) and hours, from the first day
    to the last (venue time), each with `places`; ids by `slot_id(product, local start)`,
    by default the product and the start's minute, so that making the same slots again
    gives the same ids."""
    days = set(weekdays)
    if not days <= set(range(1, 8)):
        raise SlotInvalid("weekdays are 1 (Monday) to 7 (Sunday)")
    if last_day < first_day:
        raise SlotInvalid("its last day comes before its first")
    if (last_day - first_day).days >= MAX_SLOT_DAYS:
        raise SlotInvalid(f"more than {MAX_SLOT_DAYS} days")
    times = sorted(set(hours))
    if any(closes <= opens for opens, closes in times):
        raise SlotInvalid("a slot closes before it opens")
    name = slot_id or default_slot_id
    made: list[Slot] = []
    day = first_day
    while day <= last_day:
        if day.isoweekday() in days:
            for opens, closes in times:
                start = datetime.combine(day, opens, zone)
                made.append(Slot(name(product_id, start), product_id, start.astimezone(UTC),
                                 datetime.combine(day, closes, zone).astimezone(UTC),
                                 places))
        day += timedelta(days=1)
    return made


def default_slot_id(product_id: str, local_start: datetime) -> str:
    """`rides@2026-07-13T14:00`; for a product id too long for that, a digest of it."""
    made = f"{product_id}@{local_start:%Y-%m-%dT%H:%M}"
    if len(made) <= SLOT_ID_LENGTH:
        return made
    return "slot:" + hashlib.sha256(made.encode("utf-8")).hexdigest()[:40]


@dataclass(frozen=True, slots=True)
class SharedStock:
    id: str
    name: str
    quantity: int
    planned: bool = True  # dated products' slots; False: undated goods
    # The quantity on chosen days (venue days), instead of `quantity`.
    exceptions: Mapping[date, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 <= self.quantity <= MAX_STOCK or not all(
                0 <= quantity <= MAX_STOCK for quantity in self.exceptions.values()):
            raise ValueError(f"a stock holds 0 to {MAX_STOCK} units")

    def on(self, day: date) -> int:
        """Its quantity on `day`, its exceptions included."""
        return self.exceptions.get(day, self.quantity)
