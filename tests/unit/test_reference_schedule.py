"""Shared stocks and slots in the import format (docs/data-format.md), read on their own:
one slot, a daily one, a series made into its slots, a stock with its exceptions, and
each problem said where it is; their wire form read back as a pull reads it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from pos_app.domain.reference_data import CheckedImport, check_document, products_of, read_change
from pos_app.domain.reference_fields import VENUE_ZONE, InvalidImport
from pos_app.domain.reference_schedule import slots_of
from pos_app.domain.reference_wire import product_data, shared_stock_data, slot_data
from pos_app.domain.schedule import SharedStock, Slot


def ride(**overrides: Any) -> dict[str, Any]:
    item = {"id": "rides", "name": "Balade à poney 1 h", "vat_rate": "10",
            "prices": [{"label": "Balade", "amount": "15.00"}], "stock": "poneys",
            "dated": True}
    item.update(overrides)
    return item


def slots(checked: CheckedImport) -> list[Slot]:
    return [slot for rows in checked.slots.rows() for _, slot in slots_of(rows)]


def problems(document: dict[str, Any]) -> list[str]:
    with pytest.raises(InvalidImport) as refused:
        check_document(document)
    return [str(problem) for problem in refused.value.problems]


def test_a_stock_its_exceptions_and_a_product_drawing_on_it_are_read() -> None:
    checked = check_document({
        "shared_stocks": [{"id": "poneys", "name": "Poneys", "quantity": 20,
                           "exceptions": [{"day": "2026-07-14", "quantity": 8}]},
                          {"id": "boutique", "name": "Stock boutique", "quantity": 5,
                           "planned": False}],
        "products": [ride()]})
    assert checked.shared_stocks == [
        SharedStock("poneys", "Poneys", 20, True, {date(2026, 7, 14): 8}),
        SharedStock("boutique", "Stock boutique", 5, False)]
    [(_, product)] = [item for rows in checked.products.rows() for item in products_of(rows)]
    assert (product.stock_id, product.dated) == ("poneys", True)


def test_one_slot_in_venue_time_or_with_its_offset_is_stored_in_utc() -> None:
    checked = check_document({"slots": [
        {"id": "r1", "product": "rides", "start": "2026-07-14T14:00",
         "end": "2026-07-14T15:00", "places": 12},
        {"product": "rides", "start": "2026-12-05T10:00:00+01:00",
         "end": "2026-12-05T11:00:00+01:00", "places": 0}]})
    assert slots(checked) == [
        Slot("r1", "rides", datetime(2026, 7, 14, 12, tzinfo=UTC),
             datetime(2026, 7, 14, 13, tzinfo=UTC), 12),
        # Without an id, the product and its start's minute (venue time) name it.
        Slot("rides@2026-12-05T10:00", "rides", datetime(2026, 12, 5, 9, tzinfo=UTC),
             datetime(2026, 12, 5, 10, tzinfo=UTC), 0)]


def test_a_daily_slot_holds_the_same_hours_each_day() -> None:
    checked = check_document({"slots": [
        {"id": "course", "product": "course", "start": "2026-07-06T10:00",
         "end": "2026-07-10T17:00", "places": 30, "daily": True}]})
    [course] = slots(checked)
    assert course == Slot("course", "course", datetime(2026, 7, 6, 8, tzinfo=UTC),
                          datetime(2026, 7, 10, 15, tzinfo=UTC), 30, daily=True)
    spans = course.spans(VENUE_ZONE)
    assert [(span.start.day, span.start.hour, span.end.hour) for span in spans] == [
        (day, 8, 15) for day in range(6, 11)]


def test_a_series_is_made_into_its_slots_with_ids_that_stay_the_same() -> None:
    series = {"product": "rides", "from": "2026-07-01", "to": "2026-07-12",
              "weekdays": [3, 6, 7], "hours": ["10:00-11:00", "14:00-15:00"], "places": 50}
    made = slots(check_document({"slots": [series]}))
    # Wednesday 1st, Saturday 4th, Sunday 5th, Wednesday 8th, Saturday 11th, Sunday 12th.
    assert len(made) == 12
    assert made[0] == Slot("rides@2026-07-01T10:00", "rides",
                           datetime(2026, 7, 1, 8, tzinfo=UTC),
                           datetime(2026, 7, 1, 9, tzinfo=UTC), 50)
    assert {slot.start.date().isoweekday() for slot in made} == {3, 6, 7}
    assert [slot.id for slot in slots(check_document({"slots": [series]}))] == [
        slot.id for slot in made]


def test_each_problem_of_a_stock_is_said_where_it_is() -> None:
    assert problems({"shared_stocks": [
        {"id": "poneys", "name": "Poneys", "quantity": -1, "colour": "brun",
         "exceptions": [{"day": "14/07/2026", "quantity": 8},
                        {"day": "2026-07-15", "quantity": 1_000_000},
                        {"day": "2026-07-16", "quantity": 3},
                        {"day": "2026-07-16", "quantity": 4}, "2026-07-17"]},
        {"id": "poneys", "name": "Encore", "quantity": 3, "planned": "oui"},
        {"name": "Sans id", "quantity": 1, "exceptions": {"day": "2026-07-14"}}]}) == [
        "shared_stocks[0].colour: unknown field",
        "shared_stocks[0].quantity: must be a whole number from 0 to 999999",
        "shared_stocks[0].exceptions[0].day: not a day (YYYY-MM-DD): '14/07/2026'",
        "shared_stocks[0].exceptions[1].quantity: must be a whole number from 0 to 999999",
        "shared_stocks[0].exceptions[3].day: 2026-07-16 is given more than once",
        "shared_stocks[0].exceptions[4]: must be an object",
        "shared_stocks[1].planned: must be true or false",
        "shared_stocks[2].id: missing",
        "shared_stocks[2].exceptions: must be a list of {day, quantity}",
    ]
    good = {"id": "poneys", "name": "Poneys", "quantity": 20}
    assert problems({"shared_stocks": [good, good]}) == [
        "shared_stocks[1].id: 'poneys' appears more than once (first at shared_stocks[0])"]


def test_each_problem_of_a_slot_is_said_where_it_is() -> None:
    assert problems({"slots": [
        {"id": "a", "product": "rides", "start": "2026-07-14T15:00",
         "end": "2026-07-14T14:00", "places": 5},
        {"id": "b", "product": "rides", "start": "2026-07-14", "end": "demain",
         "places": 100_000, "room": 3},
        {"id": "c", "product": "rides", "start": "2026-07-06T10:00",
         "end": "2026-07-10T09:00", "places": 5, "daily": True},
        {"id": "d", "product": "rides", "start": "2026-01-01T10:00",
         "end": "2027-06-01T10:00", "places": 5},
        {"id": "a", "product": "rides", "start": "2026-07-15T10:00",
         "end": "2026-07-15T11:00", "places": 5},  # the first `a` was refused
        {"id": "e", "start": "2026-07-15T10:00", "end": "2026-07-15T11:00"}]}) == [
        "slots[0].end: must come after its start",
        "slots[1].room: unknown field",
        "slots[1].start: not a time (YYYY-MM-DDTHH:MM, with or without an offset):"
        " '2026-07-14'",
        "slots[1].end: not a time (YYYY-MM-DDTHH:MM, with or without an offset): 'demain'",
        "slots[1].places: must be a whole number from 0 to 99999",
        "slots[2].daily: each day it closes before it opens",
        "slots[3].end: a slot lasts at most 366 days",
        "slots[5].product: missing",
        "slots[5].places: missing",
    ]


def test_each_problem_of_a_series_is_said_where_it_is() -> None:
    base = {"product": "rides", "from": "2026-07-01", "to": "2026-07-31",
            "weekdays": [6], "hours": ["14:00-15:00"], "places": 10}
    assert problems({"slots": [
        {**base, "weekdays": [0, 8]},
        {**base, "hours": ["14h-15h", "16:00-15:00"]},
        {**base, "to": "2026-06-01"},
        {**base, "to": "2027-12-31"},
        {**base, "hours": ["14:00-15:00", "14:00-16:00"]},
        {**base, "start": "2026-07-01T10:00"},
        {**base, "hours": []},
        base, base]})[:10] == [
        "slots[0].weekdays: must be a non-empty list of weekdays, 1 (Monday) to 7 (Sunday)",
        "slots[1].hours[0]: not hours (HH:MM-HH:MM): '14h-15h'",
        "slots[1].hours[1]: closes before it opens: '16:00-15:00'",
        "slots[2].to: comes before `from`",
        "slots[3]: more than 366 days",
        "slots[4].hours: two slots start at the same time: 'rides@2026-07-04T14:00'",
        "slots[4].hours: two slots start at the same time: 'rides@2026-07-11T14:00'",
        "slots[4].hours: two slots start at the same time: 'rides@2026-07-18T14:00'",
        "slots[4].hours: two slots start at the same time: 'rides@2026-07-25T14:00'",
        "slots[5].start: unknown field",
    ]
    # The same series twice: each of its slots is named where it is made again.
    assert problems({"slots": [base, base]}) == [
        f"slots[1].id: 'rides@2026-07-{day:02d}T14:00' appears more than once (first at"
        " slots[0])" for day in (4, 11, 18, 25)]


def test_a_product_stock_and_dated_are_checked() -> None:
    assert problems({"products": [ride(stock="", dated="yes"), ride(id="b", stock=7)]}) == [
        "products[0].dated: must be true or false",
        "products[1].stock: must be a text",
    ]


def test_deletions_name_stocks_and_slots() -> None:
    checked = check_document({"delete": {"shared_stocks": ["poneys"],
                                         "slots": ["rides@2026-07-04T14:00"]}})
    assert checked.deletions == {"shared_stocks": ["poneys"],
                                 "slots": ["rides@2026-07-04T14:00"]}
    assert problems({"shared_stocks": [{"id": "poneys", "name": "P", "quantity": 1}],
                     "delete": {"shared_stocks": ["poneys"]}}) == [
        "delete.shared_stocks[0]: 'poneys' is also written at shared_stocks[0]"]


def test_the_wire_form_reads_back_as_the_same_items() -> None:
    stock = SharedStock("poneys", "Poneys", 20, True, {date(2026, 7, 14): 8})
    course = Slot("course", "stage", datetime(2026, 7, 6, 8, tzinfo=UTC),
                  datetime(2026, 7, 10, 15, tzinfo=UTC), 30, daily=True)
    assert read_change("shared_stock", "poneys", shared_stock_data(stock), "c") == stock
    assert read_change("slot", "course", slot_data(course), "c") == course
    [(_, product)] = [item for rows in check_document({"products": [ride()]}).products.rows()
                      for item in products_of(rows)]
    assert read_change("product", "rides", product_data(product), "c") == product
    # An undated product's wire form is as it was before products could be dated.
    plain = read_change("product", "x", {"id": "x", "name": "X", "vat_rate": "20",
                                         "prices": [{"label": "P", "amount": "1"}]}, "c")
    assert "dated" not in product_data(plain) and "stock" not in product_data(plain)
    with pytest.raises(InvalidImport, match="unknown field"):  # a pull carries one slot
        read_change("slot", "s", {"product": "rides", "from": "2026-07-01",
                                  "to": "2026-07-02", "weekdays": [3],
                                  "hours": ["10:00-11:00"], "places": 1}, "c")
