"""Selling places in slots (R3) through a real store: the rule's worked case sold as a
cashier would (a 5-day course and 1-hour rides on 20 ponies: 2/18, 1/18, 2/18, 1/18),
a place beyond what is left refused (a basket's places counted together), a cancellation
and a return giving places back, a training sale booking none; the slot on the receipt,
in the journal's sale entry and the sale's record; an admission's ticket valid for its
slot; `caisse availability`."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store
from pos_app.domain.availability import NotEnoughPlaces
from pos_app.domain.basket import Basket
from pos_app.domain.errors import SlotOver, SlotRequired, UnknownSlot
from pos_app.domain.order import Order
from pos_app.domain.staff import StaffMember
from pos_app.services import availability, importing, orders, selling
from pos_app.services.receipts import receipt
from pos_app.services.selling import PaymentRequest
from printing.escpos_document import receipt_text_lines
from tests.integration.test_cli import caisse, ok
from tests.pulled_orders import ORDER, OTHER, document, merge

MONDAY = date(2026, 7, 13)
PONIES: dict[str, Any] = {
    "shared_stocks": [{"id": "poneys-r3", "name": "Poneys", "quantity": 20}],
    "products": [
        {"id": "stage-r3", "name": "Stage 5 jours", "vat_rate": "10", "stock": "poneys-r3",
         "dated": True, "prices": [{"label": "Stage", "amount": "250.00"}]},
        {"id": "balade-r3", "name": "Balade 1 h", "vat_rate": "10", "stock": "poneys-r3",
         "dated": True, "prices": [{"label": "Balade", "amount": "15.00"}],
         "admission": {"entries": 1, "before_minutes": 15, "after_minutes": 0}},
    ],
    "slots": [
        {"id": "stage", "product": "stage-r3", "start": "2026-07-13T10:00",
         "end": "2026-07-17T17:00", "places": 30, "daily": True},
        {"id": "lundi-14", "product": "balade-r3", "start": "2026-07-13T14:00",
         "end": "2026-07-13T15:00", "places": 50},
        {"id": "lundi-16", "product": "balade-r3", "start": "2026-07-13T16:00",
         "end": "2026-07-13T17:00", "places": 50},
        {"id": "mardi-10", "product": "balade-r3", "start": "2026-07-14T10:00",
         "end": "2026-07-14T11:00", "places": 50},
    ],
}


@pytest.fixture
def ponies(store: Store, manager: StaffMember) -> Store:
    importing.import_data(store.context, manager, PONIES)
    return store


def sell(store: Store, cashier: StaffMember, *lines: tuple[str, str, int],
         training: bool = False) -> Order:
    basket = Basket()
    for product, slot, places in lines:
        selling.add_product(store.context, basket, product, places, slot_id=slot)
    return selling.sell(store.context, cashier, basket,
                        [PaymentRequest("CB", basket.total_cents)], training=training)


def shown(store: Store, product: str) -> dict[str, str]:
    return {a.slot.id: f"{a.booked}/{a.capacity}" for a in availability.product_availability(
        store.context, product, MONDAY, MONDAY + timedelta(days=4))}


def test_the_worked_case_sold_at_the_till(ponies: Store, cashier: StaffMember,
                                          manager: StaffMember) -> None:
    course = sell(ponies, cashier, ("stage-r3", "stage", 2))
    sell(ponies, cashier, ("balade-r3", "lundi-14", 1))
    late = sell(ponies, cashier, ("balade-r3", "lundi-16", 2))
    sell(ponies, cashier, ("balade-r3", "mardi-10", 1))
    assert shown(ponies, "stage-r3") == {"stage": "2/18"}
    assert shown(ponies, "balade-r3") == {"lundi-14": "1/18", "lundi-16": "2/18",
                                          "mardi-10": "1/18"}
    # Tuesday's ride has 17 left: 17 sell, 18 are refused, with what is left said.
    with pytest.raises(NotEnoughPlaces) as refused:
        selling.add_product(ponies.context, Basket(), "balade-r3", 18, slot_id="mardi-10")
    assert (refused.value.wanted, refused.value.left) == (18, 17)
    # A basket's places count together: 16 more course places and 2 rides on Monday at
    # 14:00 would need 21 ponies then. Each alone fits; the sale refuses both together.
    basket = Basket()
    selling.add_product(ponies.context, basket, "stage-r3", 16, slot_id="stage")
    with pytest.raises(NotEnoughPlaces):
        selling.add_product(ponies.context, basket, "balade-r3", 2, slot_id="lundi-14")
    # Put in the basket anyway (a basket kept from before the others sold): the sale
    # itself refuses it, in its transaction.
    with ponies.context.uow(write=False) as uow:
        ride, slot = uow.catalogue.get("balade-r3"), uow.schedule.slot("lundi-14")
    assert ride is not None and slot is not None
    basket.add(ride, 2, slot=slot)
    with pytest.raises(NotEnoughPlaces):
        selling.sell(ponies.context, cashier, basket,
                     [PaymentRequest("CB", basket.total_cents)])
    assert shown(ponies, "stage-r3") == {"stage": "2/18"}  # nothing written
    # Cancelled, Monday's 16:00 ride gives its ponies back; a course place returned too.
    orders.cancel_order(ponies.context, manager, late.number, "Météo")
    assert shown(ponies, "balade-r3")["lundi-16"] == "0/18"
    orders.return_lines(ponies.context, manager, course.number, [(0, 1)], "Blessure")
    assert shown(ponies, "stage-r3") == {"stage": "1/19"}
    # Training books nothing.
    sell(ponies, cashier, ("balade-r3", "mardi-10", 5), training=True)
    assert shown(ponies, "balade-r3")["mardi-10"] == "1/19"


def test_a_dated_product_needs_its_slot_and_a_slot_must_be_known(
        ponies: Store) -> None:
    with pytest.raises(SlotRequired):
        selling.add_product(ponies.context, Basket(), "stage-r3")
    with pytest.raises(UnknownSlot):
        selling.add_product(ponies.context, Basket(), "stage-r3", slot_id="nulle-part")


def test_the_slot_is_on_the_receipt_the_entry_the_record_and_the_ticket(
        ponies: Store, cashier: StaffMember) -> None:
    order = sell(ponies, cashier, ("balade-r3", "lundi-14", 1))
    text = "\n".join(receipt_text_lines(receipt(ponies.context, order.number), 80))
    assert "Le 13/07/2026 de 14h00 à 15h00" in text
    with ponies.context.uow(write=False) as uow:
        [ticket] = uow.tickets.of_order(order.id)
        [record] = [r for r in uow.outbox.waiting(100) if r.kind == "order.validated"]
        entry = uow.journal.last(order.till_id, "order")
    assert entry is not None
    # 14:00 in Paris is 12:00 UTC; the ride admits from 15 minutes before to its end.
    assert ticket.valid_from == datetime(2026, 7, 13, 11, 45, tzinfo=UTC)
    assert ticket.valid_until == datetime(2026, 7, 13, 13, 0, tzinfo=UTC)
    [line] = json.loads(record.payload)["lines"]
    assert (line["slot_id"], line["slot_start"], line["slot_end"]) == (
        "lundi-14", "2026-07-13T12:00:00+00:00", "2026-07-13T13:00:00+00:00")
    assert json.loads(entry.body)["lines"][0]["slot"] == {
        "start": "2026-07-13T12:00:00+00:00", "end": "2026-07-13T13:00:00+00:00"}


def test_caisse_availability(ponies: Store, cashier: StaffMember, data_dir: Path) -> None:
    sell(ponies, cashier, ("stage-r3", "stage", 2), ("balade-r3", "lundi-16", 2))
    ponies.close()
    slots = ok(caisse(data_dir, "availability", "--product", "balade-r3", "--from",
                      "2026-07-13", "--to", "2026-07-13"))
    assert [(s["slot_id"], s["booked"], s["capacity"], s["left"]) for s in slots] == [
        ("lundi-14", 0, 18, 18), ("lundi-16", 2, 18, 16)]
    wrong = caisse(data_dir, "availability", "--product", "balade-r3", "--from",
                   "2026-07-14", "--to", "2026-07-13")
    assert wrong.returncode == 1 and "--to comes before --from" in wrong.stdout


# What the counters must say: the order lines of standing orders less their returns.
SUMMED = (
    "SELECT slot_id, sum(quantity) FROM ("
    " SELECT l.slot_id, l.quantity FROM order_lines AS l JOIN orders AS o ON o.id = l.order_id"
    " WHERE l.slot_id IS NOT NULL AND o.cancelled_at IS NULL AND NOT o.training"
    " UNION ALL SELECT r.slot_id, -r.quantity FROM credit_note_lines AS r"
    " JOIN credit_notes AS c ON c.id = r.credit_note_id JOIN orders AS o ON o.id = c.order_id"
    " WHERE r.slot_id IS NOT NULL AND o.cancelled_at IS NULL AND NOT o.training)"
    " GROUP BY slot_id")


def counted(store: Store) -> tuple[dict[str, int], dict[str, int]]:
    """The triggers' counters, and the sum of the rows they stand for."""
    with store.engine.connect() as connection:
        kept = dict(connection.exec_driver_sql(
            "SELECT slot_id, places FROM slot_bookings WHERE places != 0").all())
        summed = dict(connection.exec_driver_sql(SUMMED).all())
    return kept, {slot: places for slot, places in summed.items() if places}


def pulled_ride(slot: str, places: int, **changes: Any) -> dict[str, Any]:
    """Another till's order of `places` rides in `slot` (Monday 14:00), paid there."""
    total = 1500 * places
    line = {"product_id": "balade-r3", "label": "Balade 1 h", "price_id": "balade",
            "price_label": "Balade", "unit_price_cents": 1500, "quantity": places,
            "vat_rate_bp": 1000, "total_cents": total, "slot_id": slot,
            "slot_start": "2026-07-13T12:00:00+00:00", "slot_end": "2026-07-13T13:00:00+00:00"}
    excl = round(total / 1.1)
    return document(lines=[line], total_cents=total, payer=None,
                    vat=[{"rate_bp": 1000, "excl_cents": excl, "vat_cents": total - excl,
                          "total_cents": total}],
                    payments=[{"id": "p-1", "order_id": ORDER, "order_number": "CD1-000007",
                               "method": "ESP", "amount_cents": total, "change_cents": 0,
                               "taken_at": "2026-07-11T07:30:00+00:00",
                               "staff_id": "caissier", "till_id": OTHER}], **changes)


def test_the_counters_follow_every_write_of_the_places(
        ponies: Store, cashier: StaffMember, manager: StaffMember) -> None:
    """Sales, a sale refused midway, a return, a cancellation, a training sale, and
    another till's order merged by the pull, then its return and cancellation there."""
    first = sell(ponies, cashier, ("stage-r3", "stage", 3), ("balade-r3", "lundi-14", 2))
    sell(ponies, cashier, ("balade-r3", "lundi-14", 4), training=True)
    orders.return_lines(ponies.context, manager, first.number, [(1, 1)], "Pluie")
    second = sell(ponies, cashier, ("balade-r3", "mardi-10", 5))
    orders.cancel_order(ponies.context, manager, second.number, "Erreur")
    assert merge(ponies.context, pulled_ride("lundi-14", 3)) == 1
    kept, summed = counted(ponies)
    assert kept == summed == {"stage": 3, "lundi-14": 4}
    assert shown(ponies, "balade-r3")["lundi-14"] == "4/17"
    # The other till takes a place back, then cancels the order: the pull brings both.
    returned = pulled_ride("lundi-14", 3, returns=[{
        "id": "n-1", "number": "AV1-000001", "till_id": OTHER,
        "created_at": "2026-07-11T08:00:00+00:00", "staff_id": "gerant", "reason": "Pluie",
        "total_cents": 1500, "lines": [{"order_line": 0, "quantity": 1}]}])
    assert merge(ponies.context, returned) == 1
    assert counted(ponies)[0] == counted(ponies)[1] == {"stage": 3, "lundi-14": 3}
    cancelled = {**returned, "cancellation": {
        "at": "2026-07-11T09:00:00+00:00", "by_staff_id": "gerant", "reason": "Orage",
        "till_id": OTHER}}
    assert merge(ponies.context, cancelled) == 1
    assert counted(ponies)[0] == counted(ponies)[1] == {"stage": 3, "lundi-14": 1}


def test_the_planning_of_a_day_counts_what_lies_beyond_it(
        ponies: Store, cashier: StaffMember) -> None:
    """Tuesday's planning: the course (Monday to Friday) with Monday's rides, which hold
    its ponies though they are not that day's, and Tuesday's ride."""
    sell(ponies, cashier, ("stage-r3", "stage", 2), ("balade-r3", "lundi-16", 5))
    tuesday = availability.planning(ponies.context, MONDAY + timedelta(days=1),
                                    MONDAY + timedelta(days=1))
    assert [(a.slot.id, a.booked, a.capacity) for a in tuesday] == [
        ("stage", 2, 15), ("mardi-10", 0, 18)]
    assert shown(ponies, "stage-r3") == {"stage": "2/15"}


def test_a_slot_that_has_ended_is_not_sold_but_a_course_under_way_is(
        ponies: Store, cashier: StaffMember, clock: FrozenClock) -> None:
    basket = Basket()
    selling.add_product(ponies.context, basket, "balade-r3", 1, slot_id="lundi-14")
    # Monday 15:30 in Paris: the 14:00 ride has ended; the course (to Friday) goes on.
    clock.current = datetime(2026, 7, 13, 13, 30, tzinfo=UTC)
    with pytest.raises(SlotOver) as over:
        selling.add_product(ponies.context, Basket(), "balade-r3", 1, slot_id="lundi-14")
    assert over.value.ended_at == datetime(2026, 7, 13, 13, 0, tzinfo=UTC)
    with pytest.raises(SlotOver):  # the basket kept from before: refused at the sale
        selling.sell(ponies.context, cashier, basket,
                     [PaymentRequest("CB", basket.total_cents)])
    sell(ponies, cashier, ("stage-r3", "stage", 1), ("balade-r3", "lundi-16", 1))
