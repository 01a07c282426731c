"""Slots (R3): a multi-day course holds the same hours each day, even across a change of
the clocks; slots made in bulk over weekdays and hours, with ids that come out the same
when made again."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from pos_app.domain.schedule import (
    SharedStock,
    Slot,
    SlotInvalid,
    Span,
    daily_slot,
    default_slot_id,
    slots_in_bulk,
)

PARIS = ZoneInfo("Europe/Paris")


def paris(day: int, hour: int, month: int = 7) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=PARIS).astimezone(UTC)


def test_a_course_monday_to_friday_holds_each_days_hours() -> None:
    course = daily_slot("stage", "stage-poney", date(2026, 7, 13), date(2026, 7, 17),
                        time(10), time(17), 30, PARIS)
    assert course.daily and course.start == paris(13, 10) and course.end == paris(17, 17)
    assert course.spans(PARIS) == tuple(Span(paris(day, 10), paris(day, 17))
                                        for day in range(13, 18))


def test_a_one_day_slot_is_one_span_and_a_course_across_the_clock_change_keeps_its_hours(
        ) -> None:
    ride = daily_slot("r", "balade", date(2026, 7, 13), date(2026, 7, 13), time(14),
                      time(15), 50, PARIS)
    assert not ride.daily and ride.spans(PARIS) == (Span(paris(13, 14), paris(13, 15)),)
    # The clocks go back on the night of 24 to 25 October 2026: 10:00 is 08:00 UTC on
    # Saturday and 09:00 UTC on Sunday.
    weekend = daily_slot("w", "stage", date(2026, 10, 24), date(2026, 10, 25), time(10),
                         time(12), 8, PARIS)
    assert [span.start.hour for span in weekend.spans(PARIS)] == [8, 9]


def test_slots_refuse_what_cannot_be() -> None:
    with pytest.raises(SlotInvalid):
        daily_slot("x", "p", date(2026, 7, 14), date(2026, 7, 13), time(10), time(11), 1,
                   PARIS)
    with pytest.raises(SlotInvalid):
        daily_slot("x", "p", date(2026, 7, 13), date(2026, 7, 14), time(11), time(10), 1,
                   PARIS)
    with pytest.raises(ValueError, match="offset"):
        Slot("x", "p", datetime(2026, 7, 13, 10), datetime(2026, 7, 13, 11), 1)
    with pytest.raises(ValueError, match="places"):
        Slot("x", "p", paris(13, 10), paris(13, 11), -1)


def test_slots_in_bulk_over_weekdays_and_hours() -> None:
    made = slots_in_bulk("balade", date(2026, 7, 13), date(2026, 7, 26), [3, 6],
                         [(time(14), time(15)), (time(10), time(11))], 12, PARIS)
    # Two Wednesdays and two Saturdays, two slots each, in order of time.
    assert [(slot.start.astimezone(PARIS).day, slot.start.astimezone(PARIS).hour)
            for slot in made] == [(15, 10), (15, 14), (18, 10), (18, 14), (22, 10),
                                  (22, 14), (25, 10), (25, 14)]
    assert {slot.places for slot in made} == {12}
    assert made[0].id == "balade@2026-07-15T10:00"
    again = slots_in_bulk("balade", date(2026, 7, 13), date(2026, 7, 26), [6, 3],
                          [(time(10), time(11)), (time(14), time(15))], 12, PARIS)
    assert [slot.id for slot in again] == [slot.id for slot in made]
    with pytest.raises(SlotInvalid):
        slots_in_bulk("balade", date(2026, 7, 13), date(2026, 7, 26), [0], [], 1, PARIS)


def test_a_long_product_id_gives_a_slot_id_that_fits() -> None:
    made = default_slot_id("p" * 64, datetime(2026, 7, 13, 10, tzinfo=PARIS))
    assert len(made) <= 64 and made.startswith("slot:")
    assert made == default_slot_id("p" * 64, datetime(2026, 7, 13, 10, tzinfo=PARIS))


def test_a_stocks_exceptions_set_its_quantity_on_their_days() -> None:
    boats = SharedStock("bateaux", "Bateaux", 10,
                        exceptions={date(2026, 7, 14): 8, date(2026, 7, 15): 11})
    assert [boats.on(date(2026, 7, day)) for day in (13, 14, 15)] == [10, 8, 11]
    with pytest.raises(ValueError):
        SharedStock("k", "K", -1)
