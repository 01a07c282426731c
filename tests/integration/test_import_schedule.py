"""Shared stocks and slots imported into a real store, and read back over a window as
the planning reads them: overlaps, daily slots, a stock's slots across its products;
what only the store tells (a product or a stock it does not hold) refused; deletions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from pos_app.bootstrap import Store
from pos_app.domain.availability import NotEnoughPlaces
from pos_app.domain.basket import Basket
from pos_app.domain.schedule import SharedStock, Slot
from pos_app.domain.staff import StaffMember
from pos_app.services import availability, importing, selling
from pos_app.services.importing import InvalidImport
from pos_app.services.selling import PaymentRequest
from tests.support import snapshot


def at(day: int, hour: int, month: int = 7) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def kayaks(**overrides: Any) -> dict[str, Any]:
    item = {"id": "kayak-creneau", "name": "Kayak 2 h", "vat_rate": "10",
            "prices": [{"label": "Kayak", "amount": "18.00"}], "stock": "bateaux",
            "dated": True}
    item.update(overrides)
    return item


DOCUMENT: dict[str, Any] = {
    "shared_stocks": [{"id": "bateaux", "name": "Bateaux", "quantity": 10,
                       "exceptions": [{"day": "2026-07-20", "quantity": 8}]}],
    "products": [kayaks(), kayaks(id="barque-creneau", name="Barque")],
    "slots": [
        # Venue time: 10:00 in Paris is 08:00 UTC in July.
        {"id": "k-morning", "product": "kayak-creneau", "start": "2026-07-20T10:00",
         "end": "2026-07-20T12:00", "places": 6},
        {"id": "k-afternoon", "product": "kayak-creneau", "start": "2026-07-20T14:00",
         "end": "2026-07-20T16:00", "places": 6},
        {"id": "b-week", "product": "barque-creneau", "start": "2026-07-13T09:00",
         "end": "2026-07-24T18:00", "places": 4, "daily": True},
        {"product": "barque-creneau", "from": "2026-08-01", "to": "2026-08-31",
         "weekdays": [6], "hours": ["10:00-11:00"], "places": 2},
    ],
}


@pytest.fixture
def imported(store: Store, manager: StaffMember) -> Store:
    report = importing.import_data(store.context, manager, DOCUMENT)
    assert (report.shared_stocks, report.slots, report.products) == (1, 3 + 5, 2)
    return store


def test_slots_overlapping_a_window_come_in_order_of_start(imported: Store) -> None:
    with imported.context.uow(write=False) as uow:
        schedule = uow.schedule
        day = schedule.slots_of_product("kayak-creneau", at(20, 0), at(21, 0))
        # [start, end): a slot ending as the window starts is not in it, nor one
        # starting as it ends.
        edge = schedule.slots_of_product("kayak-creneau", at(20, 10), at(20, 12))
        inside = schedule.slots_of_product("kayak-creneau", at(20, 9), at(20, 9, 7))
        week = schedule.slots_of_product("barque-creneau", at(20, 0), at(21, 0))
        august = schedule.slots_of_product("barque-creneau", at(1, 0, 8), at(1, 0, 9))
        other = schedule.slots_of_product("kayak-creneau", at(21, 0), at(31, 0))
    assert [slot.id for slot in day] == ["k-morning", "k-afternoon"]
    assert day[0] == Slot("k-morning", "kayak-creneau", at(20, 8), at(20, 10), 6)
    assert edge == [] and [slot.id for slot in inside] == ["k-morning"]
    # A daily slot started a week before the window still holds places in it.
    assert [(slot.id, slot.daily, slot.start) for slot in week] == [
        ("b-week", True, at(13, 7))]
    assert [slot.start for slot in august] == [at(day, 8, 8) for day in (1, 8, 15, 22, 29)]
    assert [slot.id for slot in august] == [f"barque-creneau@2026-08-{day:02d}T10:00"
                                           for day in (1, 8, 15, 22, 29)]
    assert other == []


def test_a_stocks_slots_across_its_products_and_the_stock_itself(imported: Store) -> None:
    with imported.context.uow(write=False) as uow:
        on_stock = uow.schedule.slots_on_stock("bateaux", at(20, 0), at(21, 0))
        ponies = uow.schedule.slots_on_stock("poneys", at(1, 0), at(31, 0))
        stock = uow.schedule.stock("bateaux")
        one = uow.schedule.slot("k-afternoon")
        product = uow.catalogue.get("kayak-creneau")
        found = uow.catalogue.search("kayak 2 h", 10)
        assert uow.schedule.slot("nope") is None and uow.schedule.stock("nope") is None
    assert [slot.id for slot in on_stock] == ["b-week", "k-morning", "k-afternoon"]
    # The demo's ponies: their own products' slots, none of the boats'.
    assert {slot.product_id for slot in ponies} == {"balade-poney-creneau", "stage-poney-5j"}
    assert stock == SharedStock("bateaux", "Bateaux", 10, True, {date(2026, 7, 20): 8})
    assert stock.on(date(2026, 7, 20)) == 8 and stock.on(date(2026, 7, 21)) == 10
    assert one is not None and one.start == at(20, 12)
    assert product is not None and (product.stock_id, product.dated) == ("bateaux", True)
    # The search entry carries them too.
    assert [(p.id, p.stock_id, p.dated) for p in found if p.id == "kayak-creneau"] == [
        ("kayak-creneau", "bateaux", True)]


def test_a_reimport_replaces_by_id_and_deletions_remove_what_nothing_names(
        imported: Store, manager: StaffMember, cashier: StaffMember) -> None:
    ctx = imported.context
    importing.import_data(ctx, manager, {
        "shared_stocks": [{"id": "bateaux", "name": "Bateaux", "quantity": 12}],
        "slots": [{"id": "k-morning", "product": "kayak-creneau",
                   "start": "2026-07-20T09:00", "end": "2026-07-20T12:00", "places": 3}]})
    with ctx.uow(write=False) as uow:
        assert uow.schedule.stock("bateaux") == SharedStock("bateaux", "Bateaux", 12)
        assert uow.schedule.slot("k-morning") == Slot(
            "k-morning", "kayak-creneau", at(20, 7), at(20, 10), 3)
    # A slot an order line names stays, with no places left; the others go. (The sale
    # of a slot sets its lines' slot; here a sale's line is given one.)
    basket = Basket()
    selling.add_product(ctx, basket, "creme-glacee", 1)
    sold = selling.sell(ctx, cashier, basket, [PaymentRequest("ESP", basket.total_cents)])
    with ctx.uow() as uow:
        uow.schedule.save_stocks([SharedStock("vide", "Vide", 1)])
        uow.commit()
    with imported.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE order_lines SET slot_id = 'k-afternoon' WHERE"
                                   " order_id = ?", (sold.id,))
    importing.import_data(ctx, manager, {"delete": {
        "slots": ["k-morning", "k-afternoon", "never-was"],
        "shared_stocks": ["bateaux", "vide"]}})
    with ctx.uow(write=False) as uow:
        assert uow.schedule.slot("k-morning") is None
        afternoon = uow.schedule.slot("k-afternoon")
        # Products still draw on `bateaux`: it stays; `vide` is gone.
        assert uow.schedule.stock("bateaux") is not None
        assert uow.schedule.stock("vide") is None
    assert afternoon is not None and afternoon.places == 0


def test_what_only_the_store_tells_is_refused_and_nothing_written(
        imported: Store, manager: StaffMember) -> None:
    before = snapshot(imported.engine)
    with pytest.raises(InvalidImport) as refused:
        importing.import_data(imported.context, manager, {
            "products": [kayaks(id="canoe", stock="inconnu"), kayaks(id="plain",
                                                                       dated=False)],
            "slots": [{"id": "s1", "product": "nowhere", "start": "2026-07-20T10:00",
                       "end": "2026-07-20T11:00", "places": 1},
                      {"id": "s2", "product": "plain", "start": "2026-07-20T10:00",
                       "end": "2026-07-20T11:00", "places": 1},
                      {"id": "s3", "product": "creme-glacee", "start": "2026-07-20T10:00",
                       "end": "2026-07-20T11:00", "places": 1},
                      # Held by the store and dated: no problem.
                      {"id": "s4", "product": "barque-creneau",
                       "start": "2026-07-20T10:00", "end": "2026-07-20T11:00",
                       "places": 1}]})
    assert [str(problem) for problem in refused.value.problems] == [
        "products[0].stock: unknown shared stock 'inconnu'",
        "slots[0].product: unknown product 'nowhere'",
        "slots[1].product: product 'plain' is not dated (`dated`: true)",
        "slots[2].product: product 'creme-glacee' is not dated (`dated`: true)",
    ]
    assert snapshot(imported.engine) == before


def test_the_demo_pony_club_is_planned(store: Store) -> None:
    """The demo's ponies: rides on Wednesdays and weekends, and week-long courses."""
    with store.context.uow(write=False) as uow:
        ponies = uow.schedule.stock("poneys")
        saturday = uow.schedule.slots_on_stock("poneys", at(11, 0), at(12, 0))
        courses = uow.schedule.slots_of_product("stage-poney-5j", at(1, 0),
                                                at(1, 0) + timedelta(days=62))
    assert ponies is not None and ponies.on(date(2026, 7, 14)) < ponies.quantity == 20
    assert [(slot.start.hour, slot.places) for slot in saturday] == [
        (8, 50), (12, 50), (14, 50)]
    assert len(courses) == 4 and all(slot.daily and slot.places == 30 for slot in courses)


def test_a_ride_imported_with_its_slot_is_sold_and_its_places_counted(
        imported: Store, cashier: StaffMember) -> None:
    """The store's slots as the sale reads them: a place sold in a slot is booked on
    the stock the slot's product draws on, and a place beyond what is left refused."""
    ctx = imported.context
    basket = Basket()
    selling.add_product(ctx, basket, "kayak-creneau", 5, slot_id="k-morning")
    selling.sell(ctx, cashier, basket, [PaymentRequest("ESP", basket.total_cents)])
    [morning, _afternoon] = availability.product_availability(
        ctx, "kayak-creneau", date(2026, 7, 20), date(2026, 7, 20))
    assert (morning.slot.id, morning.booked, morning.left) == ("k-morning", 5, 1)
    with pytest.raises(NotEnoughPlaces):
        selling.add_product(ctx, Basket(), "kayak-creneau", 2, slot_id="k-morning")
