"""Availability (R3): the worked case of the rule (20 ponies, a 5-day course and 1-hour
rides), a stock's exceptions (boats in repair, a boat lent), and for random bookings a
property: what is left is never negative, and equals the least over the slot of the
pool's free units (or the slot's own places left) — checked against the rule's words
evaluated at every hour."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_app.domain.availability import (
    Availability,
    NotEnoughPlaces,
    check_places,
    goods_left,
    slot_availability,
)
from pos_app.domain.schedule import SharedStock, Slot, daily_slot

PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2026, 7, 13)


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), PARIS).astimezone(UTC)


def ride(day: date, hour: int, places: int = 50) -> Slot:
    return Slot(f"balade@{day}T{hour}", "balade", at(day, hour), at(day, hour + 1), places)


def shown(availability: list[Availability]) -> list[str]:
    return [f"{a.booked}/{a.capacity}" for a in availability]


def test_the_worked_case_of_r3() -> None:
    ponies = SharedStock("poneys", "Poneys", 20)
    course = daily_slot("stage", "stage", MONDAY, MONDAY + timedelta(days=4), time(10),
                        time(17), 30, PARIS)
    rides = [ride(MONDAY, 14), ride(MONDAY, 16), ride(MONDAY + timedelta(days=1), 10)]
    booked = {"stage": 2, rides[0].id: 1, rides[1].id: 2, rides[2].id: 1}
    every = [course, *rides]
    assert shown(slot_availability([course], every, booked, ponies, PARIS)) == ["2/18"]
    assert shown(slot_availability(rides, every, booked, ponies, PARIS)) == [
        "1/18", "2/18", "1/18"]
    # A ride nobody booked, on the Wednesday: only the course holds ponies then.
    empty = ride(MONDAY + timedelta(days=2), 11)
    [free] = slot_availability([empty], [*every, empty], booked, ponies, PARIS)
    assert (free.booked, free.capacity, free.left) == (0, 18, 18)
    # After the course's hours, on the Monday evening, every pony is free again.
    evening = ride(MONDAY, 18)
    assert slot_availability([evening], [*every, evening], booked, ponies,
                             PARIS)[0].capacity == 20


def test_a_stocks_exceptions_change_the_days_they_name() -> None:
    # 10 boats; 2 in repair on the Tuesday (8), one lent to the venue on the Wednesday (11).
    boats = SharedStock("bateaux", "Bateaux", 10, exceptions={
        MONDAY + timedelta(days=1): 8, MONDAY + timedelta(days=2): 11})
    slots = [Slot(f"b{day}", "barque", at(MONDAY + timedelta(days=day), 14),
                  at(MONDAY + timedelta(days=day), 18), 12) for day in range(3)]
    booked = {"b0": 3, "b1": 3, "b2": 3}
    result = slot_availability(slots, slots, booked, boats, PARIS)
    assert shown(result) == ["3/10", "3/8", "3/11"]
    assert [a.left for a in result] == [7, 5, 8]
    # A week-long hire across those days gets the least of them, with what others hold.
    week = daily_slot("semaine", "barque-semaine", MONDAY, MONDAY + timedelta(days=2),
                      time(9), time(19), 5, PARIS)
    [long] = slot_availability([week], [*slots, week], booked, boats, PARIS)
    assert (long.capacity, long.left) == (5, 5)  # its own 5 places bind, not the pool's
    [longer] = slot_availability([week], [*slots, week], {**booked, "b1": 7}, boats, PARIS)
    assert (longer.capacity, longer.left) == (1, 1)  # Tuesday: 8 boats, 7 out


def test_overbooked_never_shows_a_negative_left_and_refuses_more() -> None:
    boats = SharedStock("bateaux", "Bateaux", 10, exceptions={MONDAY: 2})
    hire = Slot("h", "barque", at(MONDAY, 14), at(MONDAY, 16), 10)
    [result] = slot_availability([hire], [hire], {"h": 6}, boats, PARIS)
    assert (result.capacity, result.left) == (2, 0)
    # One more place, counted as booked: refused, none left.
    with pytest.raises(NotEnoughPlaces) as refused:
        check_places(slot_availability([hire], [hire], {"h": 7}, boats, PARIS)[0], 1)
    assert (refused.value.wanted, refused.value.left) == (1, 0)
    # On a day of 10 boats, 3 booked: 8 more are refused, 7 were left.
    usual = SharedStock("bateaux", "Bateaux", 10)
    with pytest.raises(NotEnoughPlaces) as refused:
        check_places(slot_availability([hire], [hire], {"h": 11}, usual, PARIS)[0], 8)
    assert (refused.value.wanted, refused.value.left) == (8, 7)
    check_places(slot_availability([hire], [hire], {"h": 2}, boats, PARIS)[0], 2)


def test_without_a_stock_or_on_an_unplanned_one_a_slot_has_its_own_places() -> None:
    visit = Slot("v", "visite", at(MONDAY, 10), at(MONDAY, 11), 25)
    assert shown(slot_availability([visit], [], {"v": 4}, None, PARIS)) == ["4/25"]
    shop = SharedStock("boutique", "Boutique", 3, planned=False)
    assert shown(slot_availability([visit], [], {"v": 4}, shop, PARIS)) == ["4/25"]
    assert goods_left(shop, 1, MONDAY) == 2
    assert goods_left(shop, 5, MONDAY) == 0


# -- the property, against the rule's own words ---------------------------------------------

HOURS = 24 * 4  # four days, hour by hour
START = at(MONDAY, 0)


@st.composite
def venues(draw: st.DrawFn) -> tuple[SharedStock, list[Slot], dict[str, int]]:
    """A stock, slots of three products on it (on the hour, some daily over several
    days), and random bookings (sometimes beyond what is left: a stock's exception
    comes after the sales)."""
    quantity = draw(st.integers(0, 30))
    exceptions = draw(st.dictionaries(st.sampled_from([MONDAY + timedelta(days=d)
                                                       for d in range(4)]),
                                      st.integers(0, 40), max_size=3))
    stock = SharedStock("k", "K", quantity, exceptions=exceptions)
    slots: list[Slot] = []
    for index in range(draw(st.integers(1, 12))):
        product = draw(st.sampled_from(["a", "b", "c"]))
        places = draw(st.integers(0, 40))
        if draw(st.booleans()):
            first = draw(st.integers(0, 2))
            last = draw(st.integers(first, 3))
            opens = draw(st.integers(0, 22))
            closes = draw(st.integers(opens + 1, 23))
            slots.append(daily_slot(f"s{index}", product, MONDAY + timedelta(days=first),
                                    MONDAY + timedelta(days=last), time(opens),
                                    time(closes), places, PARIS))
        else:
            begin = draw(st.integers(0, HOURS - 1))
            length = draw(st.integers(1, min(30, HOURS - begin)))
            slots.append(Slot(f"s{index}", product, START + timedelta(hours=begin),
                              START + timedelta(hours=begin + length), places))
    booked = {slot.id: draw(st.integers(0, 15)) for slot in slots}
    return stock, slots, booked


def least_over(slot: Slot, value_at: Callable[[datetime], int]) -> int:
    """The least of `value_at` at each hour inside the slot's spans (slots are on the
    hour: between two hours nothing changes)."""
    values = []
    for span in slot.spans(PARIS):
        moment = span.start
        while moment < span.end:
            values.append(value_at(moment))
            moment += timedelta(hours=1)
    return min(values)


def holding(slots: list[Slot], booked: dict[str, int], moment: datetime,
            but: str | None = None) -> int:
    return sum(booked[other.id] for other in slots if other.id != but
               and any(s.start <= moment < s.end for s in other.spans(PARIS)))


def quantity(stock: SharedStock, moment: datetime) -> int:
    return stock.on(moment.astimezone(PARIS).date())


@settings(max_examples=200, deadline=None)
@given(venues())
def test_what_is_left_follows_the_rule_and_is_never_negative(
        venue: tuple[SharedStock, list[Slot], dict[str, int]]) -> None:
    stock, slots, booked = venue
    for availability in slot_availability(slots, slots, booked, stock, PARIS):
        slot = availability.slot
        assert availability.left >= 0
        # capacity(S) as R3 words it: K(t) − others(t), others outside S.
        by_the_rule = min(slot.places, least_over(
            slot, lambda t, but=slot.id: quantity(stock, t) - holding(slots, booked, t, but)))
        assert availability.capacity == max(0, by_the_rule)
        # What is left: the least over the slot of the pool's free units (every booking
        # counted, this slot's too), or the slot's own places left, the smaller.
        pool_free = least_over(slot, lambda t: quantity(stock, t) - holding(slots, booked, t))
        assert availability.left == max(0, min(slot.places - booked[slot.id], pool_free))
