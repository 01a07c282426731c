"""The planning of a month (R3): every slot's booked places and capacity, for 10 dated
products on 2 shared stocks (3,000 slots, 50,000 booked lines), through
`services.availability.planning`, against one bare sqlite3 aggregate of the same
bookings per slot."""

from __future__ import annotations

import random
import sqlite3
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.timing import Measure, interleave
from pos_app.bootstrap import demo_document, open_store
from pos_app.domain.basket import Basket
from pos_app.services import importing, selling, setup
from pos_app.services.availability import planning
from pos_app.services.periods import day_bounds
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in
from pos_app.services.tickets import venue_zone
from pos_app.storage.connection import store_path
from pos_app.storage.sql import utc_text

TARGET_RATIO = 5.0
TARGET_MS = 100.0
FIRST = date(2027, 10, 1)  # after the demo's slots: only the bench's in the month
DAYS = 30
PRODUCTS = 10
SLOTS_PER_DAY = 10  # per product: 10 × 30 days × 10 products = 3,000 slots
BOOKINGS = 50_000


def month_document() -> dict[str, Any]:
    """Two stocks, five products each, ten slots a day each (one or two hours long, so
    that slots overlap across products)."""
    stocks = [{"id": f"stock-{k}", "name": f"Stock {k}", "quantity": 400,
               "exceptions": [{"day": (FIRST + timedelta(days=9)).isoformat(),
                               "quantity": 300}]} for k in range(2)]
    products = [{"id": f"activite-{p}", "name": f"Activité {p}", "vat_rate": "10",
                 "stock": f"stock-{p % 2}", "dated": True,
                 "prices": [{"label": "Place", "amount": "12.00"}]} for p in range(PRODUCTS)]
    slots = []
    for p in range(PRODUCTS):
        length = 1 + p % 2
        hours = [f"{8 + h:02d}:00-{8 + h + length:02d}:00" for h in range(SLOTS_PER_DAY)]
        slots.append({"product": f"activite-{p}", "from": FIRST.isoformat(),
                      "to": (FIRST + timedelta(days=DAYS - 1)).isoformat(),
                      "weekdays": list(range(1, 8)), "hours": hours, "places": 60})
    return {"shared_stocks": stocks, "products": products, "slots": slots}


def _copies(db: sqlite3.Connection, table: str, where: str, key: str,
            ) -> tuple[list[str], tuple[Any, ...]]:
    cursor = db.execute(f"SELECT * FROM {table} WHERE {where} = ?", (key,))
    return [column[0] for column in cursor.description], cursor.fetchone()


def fill_bookings(db: sqlite3.Connection, order_id: str, slot_ids: list[tuple[str, str, str]],
                  rng: random.Random) -> None:
    """BOOKINGS lines of one place each, on slots at random, ten lines an order: copies
    of a real sale's rows (a bench needs their rows, not as many sales)."""
    order_columns, order = _copies(db, "orders", "id", order_id)
    line_columns, line = _copies(db, "order_lines", "order_id", order_id)
    at = {name: index for index, name in enumerate(order_columns)}
    on = {name: index for index, name in enumerate(line_columns)}
    orders, lines = [], []
    for made in range(BOOKINGS // 10):
        row = list(order)
        row[at["id"]], row[at["number"]] = f"bench-{made}", f"BENCH-{made:06d}"
        row[at["sequence"]] = 1_000_000 + made
        orders.append(row)
        for position in range(10):
            slot_id, starts, ends = rng.choice(slot_ids)
            copy = list(line)
            copy[on["order_id"]], copy[on["position"]] = f"bench-{made}", position
            copy[on["slot_id"]], copy[on["slot_starts_at"]] = slot_id, starts
            copy[on["slot_ends_at"]], copy[on["quantity"]] = ends, 1
            lines.append(copy)
    db.execute("BEGIN")
    db.executemany(f"INSERT INTO orders VALUES ({', '.join('?' * len(order_columns))})",
                   orders)
    db.executemany(f"INSERT INTO order_lines VALUES ({', '.join('?' * len(line_columns))})",
                   lines)
    db.execute("COMMIT")
    db.execute("ANALYZE")


def measure(rounds: int) -> list[Measure]:
    rng = random.Random(3)
    last = FIRST + timedelta(days=DAYS - 1)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "till")
        ctx = store.context
        setup.initialise_till(ctx, "Caisse bench", "9", "Bench")
        importing.import_data(ctx, None, demo_document())
        manager = sign_in(ctx, "gerant", "4321")
        importing.import_data(ctx, manager, month_document())
        cashier = sign_in(ctx, "caissier", "1234")
        start, end = day_bounds(FIRST, last, venue_zone())
        with ctx.uow(write=False) as uow:
            slots = [slot for slot, _stock in uow.schedule.slots_between(start, end)]
        basket = Basket()
        selling.add_product(ctx, basket, "activite-0", 1, slot_id=slots[0].id)
        order = selling.sell(ctx, cashier, basket, [PaymentRequest("CB", basket.total_cents)])
        db = sqlite3.connect(store_path(Path(folder) / "till"), isolation_level=None)
        fill_bookings(db, order.id, [(s.id, utc_text(s.start), utc_text(s.end))
                                     for s in slots], rng)
        bounds = (utc_text(start), utc_text(end))
        result = planning(ctx, FIRST, last)
        assert len(result) == len(slots) == PRODUCTS * DAYS * SLOTS_PER_DAY
        assert sum(a.booked for a in result) == BOOKINGS + 1
        ours, base = interleave(
            lambda _i: planning(ctx, FIRST, last),
            lambda _i: db.execute(
                "SELECT slot_id, sum(quantity) FROM order_lines WHERE slot_id IN"
                " (SELECT id FROM slots WHERE starts_at >= ? AND starts_at < ?)"
                " GROUP BY slot_id", bounds).fetchall(),
            rounds, 3)
        db.close()
        store.close()
    ratio = ours.median_ms / base.median_ms
    return [Measure(
        f"planning of a month: {len(slots):,} slots of {PRODUCTS} products on 2 shared"
        f" stocks, {BOOKINGS:,} booked lines", ours, base,
        "bare sqlite3 sum of the same bookings per slot",
        f"< {TARGET_MS:.0f} ms and ≤ {TARGET_RATIO:.0f}×",
        ours.median_ms < TARGET_MS and ratio <= TARGET_RATIO)]


def report(rounds: int) -> int:
    from bench.__main__ import render

    measures = measure(rounds)
    print(render(measures))
    return 0 if all(m.passed for m in measures) else 1
