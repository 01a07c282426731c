"""Places left in slots (R3): for the planning, the command line, and the sale, which
refuses a place beyond what is left.

What is booked is read from the store: this till's orders and those of every other till
as last pulled (their orders come down with their lines' slots), cancelled orders, places
returned and training sales left out. A till that has been offline sells against what it
last knew less its own sales; docs/sync.md says how an oversell found later is reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, tzinfo

from pos_app.domain.availability import Availability, check_places, slot_availability
from pos_app.domain.basket import Basket
from pos_app.domain.catalogue import Product
from pos_app.domain.errors import SlotOver, UnknownProduct, UnknownSlot
from pos_app.domain.schedule import SharedStock, Slot
from pos_app.services.context import Context
from pos_app.services.periods import day_bounds
from pos_app.services.ports import UnitOfWork
from pos_app.services.tickets import venue_zone


def product_availability(ctx: Context, product_id: str, first_day: date, last_day: date,
                         ) -> list[Availability]:
    """Each slot of the product overlapping the days `first_day` to `last_day` (venue
    days), in order of start, with its places booked and its capacity."""
    zone = venue_zone()
    start, end = day_bounds(first_day, last_day, zone)
    with ctx.uow(write=False) as uow:
        product = uow.catalogue.get(product_id)
        if product is None:
            raise UnknownProduct(product_id)
        return places_in(uow, product, uow.schedule.slots_of_product(product_id, start, end),
                         zone)


def planning(ctx: Context, first_day: date, last_day: date) -> list[Availability]:
    """Every slot overlapping the days `first_day` to `last_day` (venue days), of every
    product, in order of start: what the planning shows. Each stock's free units are
    built once for all its slots."""
    zone = venue_zone()
    start, end = day_bounds(first_day, last_day, zone)
    with ctx.uow(write=False) as uow:
        found = uow.schedule.slots_between(start, end)
        by_stock: dict[str | None, list[Slot]] = {}
        for slot, stock_id in found:
            by_stock.setdefault(stock_id, []).append(slot)
        result: dict[str, Availability] = {}
        for stock_id, slots in by_stock.items():
            stock = None if stock_id is None else uow.schedule.stock(stock_id)
            others: list[Slot] = []
            if stock is not None and stock.planned:
                # The stock's slots in the window are known: only those beyond it that
                # overlap the first or last ones are read.
                first, last = min(s.start for s in slots), max(s.end for s in slots)
                if first < start:
                    others += uow.schedule.slots_on_stock(stock.id, first, start)
                if last > end:
                    others += uow.schedule.slots_on_stock(stock.id, end, last)
            booked = uow.orders.booked_places(sorted({s.id for s in [*slots, *others]}))
            result.update((a.slot.id, a) for a in slot_availability(
                slots, [*slots, *others], booked, stock, zone))
    return [result[slot.id] for slot, _stock in found]


def places_in(uow: UnitOfWork, product: Product, slots: Sequence[Slot], zone: tzinfo,
              adding: Mapping[str, int] | None = None) -> list[Availability]:
    """`slots` of `product`, each with what is booked and its capacity, read in `uow`;
    `adding`: places per slot counted as booked too (a basket about to be sold)."""
    if not slots:
        return []
    stock = None if product.stock_id is None else uow.schedule.stock(product.stock_id)
    return _places(uow, slots, stock, zone, adding)


def _places(uow: UnitOfWork, slots: Sequence[Slot], stock: SharedStock | None,
            zone: tzinfo, adding: Mapping[str, int] | None = None) -> list[Availability]:
    others: list[Slot] = []
    if stock is not None and stock.planned:
        # Every slot on the stock that overlaps one asked holds units the asked ones need.
        others = uow.schedule.slots_on_stock(stock.id, min(slot.start for slot in slots),
                                             max(slot.end for slot in slots))
    booked = uow.orders.booked_places(sorted({slot.id for slot in [*slots, *others]}))
    for slot_id, places in (adding or {}).items():
        booked[slot_id] = booked.get(slot_id, 0) + places
    return slot_availability(slots, others, booked, stock, zone)


def slot_of(uow: UnitOfWork, slot_id: str) -> Slot:
    slot = uow.schedule.slot(slot_id)
    if slot is None:
        raise UnknownSlot(slot_id)
    return slot


def check_basket_places(uow: UnitOfWork, basket: Basket, now: datetime,
                        zone: tzinfo | None = None) -> None:
    """Refuse a basket holding places in a slot that has ended at `now` (SlotOver), or
    more places in a slot than are left (NotEnoughPlaces),
    judged in `uow`: the sale's own transaction, so that two sales at this till never
    take the same last place. The basket's places count together: a course and a ride
    of its own on the same ponies take them both."""
    wanted: dict[str, int] = {}
    for line in basket.lines:
        if line.slot_id is not None:
            if line.slot_end is not None and line.slot_end <= now:
                raise SlotOver(line.slot_id, line.slot_end)
            wanted[line.slot_id] = wanted.get(line.slot_id, 0) + line.quantity
    for slot_id in sorted(wanted):
        slot = slot_of(uow, slot_id)
        product = uow.catalogue.get(slot.product_id)
        if product is None:
            raise UnknownProduct(slot.product_id)
        [with_them] = places_in(uow, product, [slot], zone or venue_zone(), wanted)
        check_places(with_them, wanted[slot_id])
