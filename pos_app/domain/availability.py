"""What is left to sell in a slot (R3), computed exactly.

For a slot S of product P drawing on shared stock K:

- `booked(S)`: the places of P sold in S;
- `others(t)`: the units of K held at instant t by every booking outside S (other
  products' slots, and P's other slots that overlap S);
- `capacity(S) = min(places(S), min over t in S of K(t) − others(t))`, K(t) being K's
  quantity on t's day (its exceptions included);
- left to sell: `capacity(S) − booked(S)`, never below zero.

Held units only change where a slot's span starts or ends, and K only at midnight (venue
time), so `free(t) = K(t) − held(t)` (every booking counted, S's own included) is a step
function with a step at each of those instants. Inside S, `others(t) = held(t) −
booked(S)`, so `K(t) − others(t) = free(t) + booked(S)`: the pool's function is built
once for all the slots asked, and each slot takes the minimum of its steps over its spans.
A month of one stock (thousands of slots, tens of thousands of bookings summed per slot
by the store) is one sort and one pass.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from pos_app.domain.errors import DomainError
from pos_app.domain.schedule import SharedStock, Slot


@dataclass(frozen=True, slots=True)
class Availability:
    slot: Slot
    booked: int  # places sold in it
    capacity: int  # what it may hold at most, its bookings included (never below 0)

    @property
    def left(self) -> int:
        """What can still be sold in it, never below zero."""
        return max(0, self.capacity - self.booked)


class NotEnoughPlaces(DomainError):
    """More places asked than are left in a slot (or of a stock's undated goods)."""

    def __init__(self, slot_id: str | None, wanted: int, left: int) -> None:
        what = f"slot {slot_id}" if slot_id is not None else "stock"
        super().__init__(f"{wanted} place(s) asked, {left} left in the {what}")
        self.slot_id, self.wanted, self.left = slot_id, wanted, left


class _FreeUnits:
    """`free(t) = K(t) − held(t)` of one stock, as steps: `values[i]` from `times[i]` to
    `times[i + 1]`. Times are POSIX seconds: comparing aware datetimes of two zones (the
    slots' UTC, the venue's midnights) costs an offset lookup each, and the steps are
    searched thousands of times for a month."""

    def __init__(self, stock: SharedStock, slots: Iterable[Slot],
                 booked: Mapping[str, int], zone: tzinfo) -> None:
        changes: dict[float, int] = {}
        first: datetime | None = None
        last: datetime | None = None
        for slot in slots:
            places = booked.get(slot.id, 0)
            for span in slot.spans(zone):
                first = span.start if first is None else min(first, span.start)
                last = span.end if last is None else max(last, span.end)
                if places:
                    start, end = span.start.timestamp(), span.end.timestamp()
                    changes[start] = changes.get(start, 0) + places
                    changes[end] = changes.get(end, 0) - places
        self.times: list[float] = []
        self.values: list[int] = []
        if first is None or last is None:
            return
        days = _midnights(first, last, zone)
        midnights = sorted(days)
        held, today = 0, days[midnights[0]]
        following = 1  # the next midnight's index
        for moment in sorted(changes.keys() | days.keys()):
            held += changes.get(moment, 0)
            while following < len(midnights) and midnights[following] <= moment:
                today = days[midnights[following]]
                following += 1
            self.times.append(moment)
            self.values.append(stock.on(today) - held)

    def least(self, start: datetime, end: datetime) -> int:
        """The least free units over [start, end) (inside what the steps cover)."""
        first = max(bisect_right(self.times, start.timestamp()) - 1, 0)
        after = max(bisect_left(self.times, end.timestamp()), first + 1)
        return min(self.values[first:after])


def _midnights(first: datetime, last: datetime, zone: tzinfo) -> dict[float, date]:
    """The start of each venue day from `first`'s to `last`'s (POSIX seconds), with its
    day: where K's quantity may change (an exception)."""
    found: dict[float, date] = {}
    day, final = first.astimezone(zone).date(), last.astimezone(zone).date()
    while day <= final:
        found[datetime.combine(day, time(0), zone).timestamp()] = day
        day += timedelta(days=1)
    return found


def slot_availability(asked: Sequence[Slot], stock_slots: Iterable[Slot],
                      booked: Mapping[str, int], stock: SharedStock | None,
                      zone: tzinfo) -> list[Availability]:
    """Each slot asked, with its booked places and capacity (R3). `stock_slots`: every
    slot drawing on `stock` that overlaps one asked (of any product; the asked ones may
    be among them); `booked`: places sold per slot id. With no stock (None), or an
    unplanned one, a slot's capacity is its own places."""
    if stock is None or not stock.planned:
        return [Availability(slot, booked.get(slot.id, 0), slot.places) for slot in asked]
    every = {slot.id: slot for slot in stock_slots}
    every.update((slot.id, slot) for slot in asked)
    free = _FreeUnits(stock, every.values(), booked, zone)
    result = []
    for slot in asked:
        sold = booked.get(slot.id, 0)
        pool = min(free.least(span.start, span.end) for span in slot.spans(zone))
        result.append(Availability(slot, sold, max(0, min(slot.places, sold + pool))))
    return result


def goods_left(stock: SharedStock, sold: int, day: date) -> int:
    """Undated goods on an unplanned stock: its quantity that day less what was sold,
    never below zero."""
    return max(0, stock.on(day) - sold)


def check_places(with_them: Availability, wanted: int) -> None:
    """Refuse `wanted` places of a slot when, counted as booked (`with_them`), the slot
    holds more than its capacity; the refusal says how many were left without them."""
    overflow = with_them.booked - with_them.capacity
    if overflow > 0:
        raise NotEnoughPlaces(with_them.slot.id, wanted, max(0, wanted - overflow))
