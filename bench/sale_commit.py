"""(a) A durable sale commit vs a bare fsync'd SQLite transaction writing as many rows."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

from bench.timing import Measure, interleave
from pos_app.bootstrap import demo_document, open_store
from pos_app.domain.basket import Basket
from pos_app.domain.ids import new_id
from pos_app.services import importing, selling, setup
from pos_app.services.payloads import order_record
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in
from pos_app.storage.connection import store_path

# A sale of two pony rides and an ice cream, paid in cash, writes: the sequence, the
# order, 2 lines, 2 VAT rates, 1 payment and 2 outbox rows.
ROWS_PER_SALE = 9
TARGET_RATIO = 1.5
WARMUP = 20



def bare_store(data_dir: Path) -> sqlite3.Connection:
    """A store with the till's own schema, written to with nothing but sqlite3."""
    open_store(data_dir).close()
    db = sqlite3.connect(store_path(data_dir), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("INSERT INTO tills VALUES ('t', '9', 'Bare', 'Bench', 'CD9-', 1)")
    db.execute("INSERT INTO payment_methods VALUES ('ESP', 'Espèces', 1, 1, 1, 0)")
    return db


def bare_sale(db: sqlite3.Connection, ids: tuple[str, str], payload: str) -> None:
    """The same nine rows a sale writes, as literal values, in one fsync'd transaction.

    The order and payment ids are UUIDv7 text made before timing: the rows and their
    index keys are as long as ours, and only the making of ids is left out.
    """
    order, pay = ids
    at = "2026-07-11T08:00:00.000000+00:00"
    db.execute("BEGIN IMMEDIATE")
    number = db.execute("INSERT INTO sequences VALUES ('t', 'order', 1) ON CONFLICT"
                        " (till_id, kind) DO UPDATE SET last = last + 1 RETURNING last"
                        ).fetchone()[0]
    db.execute("INSERT INTO orders (id, number, till_id, sequence, created_at, staff_id,"
               " payer_id, total_cents, status) VALUES (?, ?, 't', ?, ?, 's', NULL, 3050,"
               " 'active')", (order, f"CD9-{number:06d}", number, at))
    db.executemany("INSERT INTO order_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        (order, 0, "balade-poney-1h", "Balade à poney – 1 h", "adulte", "Adulte", 1400, 2,
         1000, 2800),
        (order, 1, "creme-glacee", "Crème glacée", "1boule", "1 boule", 250, 1, 2000, 250)])
    db.executemany("INSERT INTO order_vat VALUES (?, ?, ?, ?, ?)",
                   [(order, 2000, 208, 42, 250), (order, 1000, 2545, 255, 2800)])
    db.execute("INSERT INTO payments VALUES (?, ?, 'ESP', 3050, 0, ?, 's')", (pay, order, at))
    db.executemany("INSERT INTO outbox (kind, aggregate_id, payload, created_at)"
                   " VALUES (?, ?, ?, ?)",
                   [("order.validated", order, payload, at),
                    ("payment.taken", pay, payload[:300], at)])
    db.execute("COMMIT")


def measure(rounds: int) -> Measure:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "till")
        ctx = store.context
        setup.initialise_till(ctx, "Caisse bench", "9", "Bench")
        importing.import_data(ctx, None, demo_document())
        cashier = sign_in(ctx, "caissier", "1234")
        basket = Basket()
        selling.add_product(ctx, basket, "balade-poney-1h", 2)
        selling.add_product(ctx, basket, "creme-glacee")
        payment = [PaymentRequest("ESP", basket.total_cents)]
        sample = selling.sell(ctx, cashier, basket, payment)
        payload = json.dumps(order_record(sample), ensure_ascii=False)
        bare = bare_store(Path(folder) / "bare")
        ids = [(new_id(), new_id()) for _ in range(rounds + WARMUP)]
        ours, base = interleave(lambda _i: selling.sell(ctx, cashier, basket, payment),
                                lambda i: bare_sale(bare, ids[i], payload), rounds, WARMUP)
        bare.close()
        store.close()
    ratio = ours.median_ms / base.median_ms
    return Measure("sale commit (order + 2 lines + 2 VAT + payment + 2 outbox, fsync'd)",
                   ours, base, f"the same {ROWS_PER_SALE} rows, same schema, bare sqlite3, fsync'd",
                   f"≤ {TARGET_RATIO}×", ratio <= TARGET_RATIO)
