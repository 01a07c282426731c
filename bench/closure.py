"""The Z closure of a busy day (20,000 orders) vs one SQL aggregate over the same rows.

The day is sold once through `selling.sell` (real orders, payments and journal entries)
and kept in .bench-cache/. Each round closes a fresh copy of it with
`closures.finish_closure`: the X figures (orders, cancellations, VAT per rate, payments
per method, cash movements), the check against the journal, the signed closure entry,
the session closed, one fsync'd transaction. Baseline: the VAT-per-rate aggregate over
the session's orders with bare sqlite3, the largest single query a closure needs.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.big_catalogue import CACHE, SCHEMA_VERSION
from bench.timing import Measure, Samples
from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import demo_document, open_store
from pos_app.domain.basket import Basket
from pos_app.domain.closure import CashMovementKind
from pos_app.services import closures, importing, selling, setup
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in
from pos_app.storage.connection import store_path

TARGET_RATIO = 3.0
TARGET_MS = 1000.0
OPENING = datetime(2026, 7, 11, 6, 0, tzinfo=UTC)  # 8:00 in Paris


def build(orders: int) -> Path:
    data_dir = CACHE / f"day-{orders}-v{SCHEMA_VERSION}"
    if (data_dir / "complete").exists():
        return data_dir
    shutil.rmtree(data_dir, ignore_errors=True)
    clock = FrozenClock(OPENING)
    store = open_store(data_dir, clock)
    ctx = store.context
    setup.initialise_till(ctx, "Caisse bench", "9", "Bench")
    importing.import_data(ctx, None, demo_document())
    cashier = sign_in(ctx, "caissier", "1234")
    closures.record_cash_movement(ctx, cashier, CashMovementKind.FLOAT, 15000)
    baskets = []
    for products in (["balade-poney-1h", "cafe"], ["kayak-2h"], ["creme-glacee", "cafe"],
                     ["visite-guidee", "balade-poney-1h"]):
        basket = Basket()
        for product in products:
            selling.add_product(ctx, basket, product)
        baskets.append(basket)
    step = timedelta(hours=12) / orders  # the whole day
    for index in range(orders):
        clock.advance(step)
        basket = baskets[index % len(baskets)]
        method = "ESP" if index % 3 else "CB"
        tendered = basket.total_cents + (500 - basket.total_cents % 500 if method == "ESP"
                                         else 0)
        selling.sell(ctx, cashier, basket, [PaymentRequest(method, tendered)])
    store.close()
    (data_dir / "complete").touch()
    return data_dir


def aggregate(path: Path) -> list[tuple[int, int, int, int]]:
    """VAT per rate of the orders of the till's session (what the Z covers)."""
    db = sqlite3.connect(path)
    rows = db.execute("SELECT v.rate_bp, sum(v.excl_cents), sum(v.vat_cents),"
                      " sum(v.total_cents) FROM orders AS o JOIN order_vat AS v"
                      " ON v.order_id = o.id WHERE o.session_id = (SELECT id FROM"
                      " till_sessions ORDER BY number DESC LIMIT 1) GROUP BY v.rate_bp"
                      ).fetchall()
    db.close()
    return rows


def close_a_copy(source: Path, closing_time: datetime) -> float:
    """Seconds for the Z of a fresh copy of the day (the copy is not timed)."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "till"
        shutil.copytree(source, copy)
        store = open_store(copy, FrozenClock(closing_time))
        try:
            manager = sign_in(store.context, "gerant", "4321")
            start = time.perf_counter()
            result = closures.finish_closure(store.context, manager)
            elapsed = time.perf_counter() - start
        finally:
            store.close()
    assert result.closure.orders > 0
    return elapsed


def measure(orders: int, rounds: int) -> Measure:
    data_dir = build(orders)
    closing_time = OPENING + timedelta(hours=13)
    ours: list[float] = []
    base: list[float] = []
    for index in range(rounds):
        if index % 2:
            ours.append(close_a_copy(data_dir, closing_time))
        start = time.perf_counter()
        assert aggregate(store_path(data_dir))
        base.append(time.perf_counter() - start)
        if not index % 2:
            ours.append(close_a_copy(data_dir, closing_time))
    mine, baseline = Samples(ours), Samples(base)
    ratio = mine.median_ms / baseline.median_ms
    return Measure(f"Z closure of a day of {orders:,} orders", mine, baseline,
                   "bare sqlite3 VAT-per-rate aggregate over the session's orders",
                   f"≤ {TARGET_RATIO}× and < {TARGET_MS:.0f} ms",
                   ratio <= TARGET_RATIO and mine.median_ms < TARGET_MS)
