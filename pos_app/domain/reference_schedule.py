"""Reading the `shared_stocks` and `slots` sections of reference data (R3,
docs/data-format.md): a stock with its day exceptions; a slot, a slot every day over
several days, or a series of slots over weekdays and hours. Standard library only.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from pos_app.domain.reference_fields import (
    ID_TEXT,
    NAME_TEXT,
    VENUE_ZONE,
    FieldError,
    Reader,
    read_day,
    read_flag,
    read_hours,
    read_moment,
    whole_number,
)
from pos_app.domain.schedule import (
    MAX_PLACES,
    MAX_SLOT_DAYS,
    MAX_STOCK,
    SharedStock,
    Slot,
    SlotInvalid,
    daily_slot,
    default_slot_id,
    slots_in_bulk,
)

SHARED_STOCK_FIELDS = frozenset({"id", "name", "quantity", "planned", "exceptions"})
EXCEPTION_FIELDS = frozenset({"day", "quantity"})
SLOT_FIELDS = frozenset({"id", "product", "start", "end", "places", "daily"})
# A slot item with any of these is a series, made into one slot per day and hours.
SERIES_ONLY_FIELDS = frozenset({"from", "to", "weekdays", "hours"})
SERIES_FIELDS = SERIES_ONLY_FIELDS | {"product", "places"}


def slot_row(index: int, slot: Slot) -> tuple[Any, ...]:
    """A slot packed: where it was in the file (a series' slots share its place), then
    its fields, times as UTC ISO 8601 texts."""
    return (index, slot.id, slot.product_id, slot.start.isoformat(), slot.end.isoformat(),
            slot.places, slot.daily)


def slots_of(rows: list[tuple[Any, ...]]) -> list[tuple[int, Slot]]:
    return [(index, Slot(slot_id, product_id, datetime.fromisoformat(start),
                         datetime.fromisoformat(end), places, daily))
            for index, slot_id, product_id, start, end, places, daily in rows]



_STOCK_QUANTITY = whole_number(0, MAX_STOCK)
_SLOT_PLACES = whole_number(0, MAX_PLACES)


def read_shared_stock(reader: Reader, item: dict[str, Any]) -> SharedStock | None:
    reader.only(item, SHARED_STOCK_FIELDS)
    stock_id = reader.read(item, "id", ID_TEXT)
    name = reader.read(item, "name", NAME_TEXT)
    quantity = reader.read(item, "quantity", _STOCK_QUANTITY)
    planned = reader.read(item, "planned", read_flag, True, required=False)
    exceptions: dict[date, int] = {}
    value = item.get("exceptions")
    if value is not None:
        with reader.at("exceptions"):
            exceptions = _exceptions(reader, value)
    if stock_id is None or name is None or quantity is None:
        return None
    return SharedStock(stock_id, name, quantity, bool(planned), exceptions)


def _exceptions(reader: Reader, value: Any) -> dict[date, int]:
    """A stock's quantity on chosen days, read with the reader at `exceptions`."""
    found: dict[date, int] = {}
    if not isinstance(value, list):
        reader.problem("must be a list of {day, quantity}")
        return found
    for index, item in enumerate(value):
        with reader.at(f"[{index}]"):
            if not isinstance(item, dict):
                reader.problem("must be an object")
                continue
            reader.only(item, EXCEPTION_FIELDS)
            day = reader.read(item, "day", read_day)
            quantity = reader.read(item, "quantity", _STOCK_QUANTITY)
            if day is None or quantity is None:
                continue
            if day in found:
                reader.problem_at("day", f"{day.isoformat()} is given more than once")
                continue
            found[day] = quantity
    return found


def read_slots(reader: Reader, item: dict[str, Any]) -> list[Slot] | None:
    """An item of `slots`: one slot, or a series (`from`, `to`, `weekdays`, `hours`)
    made into its slots."""
    if item.keys() & SERIES_ONLY_FIELDS:
        return _series(reader, item)
    slot = read_slot(reader, item)
    return None if slot is None else [slot]


def read_slot(reader: Reader, item: dict[str, Any]) -> Slot | None:
    reader.only(item, SLOT_FIELDS)
    product_id = reader.read(item, "product", ID_TEXT)
    start = reader.read(item, "start", read_moment)
    end = reader.read(item, "end", read_moment)
    places = reader.read(item, "places", _SLOT_PLACES)
    daily = reader.read(item, "daily", read_flag, False, required=False)
    if "id" in item:
        slot_id = reader.read(item, "id", ID_TEXT)
    elif product_id is not None and start is not None:
        slot_id = default_slot_id(product_id, start.astimezone(VENUE_ZONE))
    else:
        slot_id = None
    if start is not None and end is not None:
        if end <= start:
            reader.problem_at("end", "must come after its start")
            return None
        if end - start > timedelta(days=MAX_SLOT_DAYS):
            reader.problem_at("end", f"a slot lasts at most {MAX_SLOT_DAYS} days")
            return None
    if slot_id is None or product_id is None or start is None or end is None or (
            places is None):
        return None
    if not daily:
        return Slot(slot_id, product_id, start, end, places)
    first, last = start.astimezone(VENUE_ZONE), end.astimezone(VENUE_ZONE)
    try:
        return daily_slot(slot_id, product_id, first.date(), last.date(),
                          first.time(), last.time(), places, VENUE_ZONE)
    except SlotInvalid as error:
        reader.problem_at("daily", error.why)
        return None


def _series(reader: Reader, item: dict[str, Any]) -> list[Slot] | None:
    reader.only(item, SERIES_FIELDS)
    product_id = reader.read(item, "product", ID_TEXT)
    first = reader.read(item, "from", read_day)
    last = reader.read(item, "to", read_day)
    weekdays = reader.read(item, "weekdays", _weekdays)
    places = reader.read(item, "places", _SLOT_PLACES)
    hours: list[tuple[time, time]] = []
    value = item.get("hours")
    with reader.at("hours"):
        if value is None:
            reader.problem("missing")
        elif not isinstance(value, list) or not value:
            reader.problem("must be a non-empty list of hours (HH:MM-HH:MM)")
        else:
            for index, text in enumerate(value):
                with reader.at(f"[{index}]"):
                    try:
                        hours.append(read_hours(text))
                    except FieldError as error:
                        reader.problem(str(error))
    if first is not None and last is not None and last < first:
        reader.problem_at("to", "comes before `from`")
        return None
    if (product_id is None or first is None or last is None or weekdays is None
            or places is None or not isinstance(value, list) or len(hours) < len(value)):
        return None
    try:
        return slots_in_bulk(product_id, first, last, weekdays, hours, places, VENUE_ZONE)
    except SlotInvalid as error:
        reader.problem(error.why)
        return None


def _weekdays(value: Any) -> list[int]:
    if not isinstance(value, list) or not value or not all(
            type(day) is int and 1 <= day <= 7 for day in value):
        raise FieldError("must be a non-empty list of weekdays, 1 (Monday) to 7 (Sunday)")
    return value
