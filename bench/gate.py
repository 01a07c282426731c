"""The gate's verdict offline (R11): `check_ticket` on a typed reference, with 1,000,000
tickets in the store, against a bare indexed sqlite3 lookup of the same reference; and
scanned tokens checked per second (the Ed25519 verification included)."""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.timing import Measure, Samples, interleave
from pos_app.bootstrap import demo_document, open_store
from pos_app.domain.basket import Basket
from pos_app.domain.ticket import new_reference
from pos_app.services import importing, selling, setup
from pos_app.services.admissions import check_ticket
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in
from pos_app.storage.connection import store_path
from pos_app.storage.sql import utc_text

TARGET_RATIO = 3.0
TARGET_P99_MS = 5.0
BATCH = 50_000


def fill_tickets(db: sqlite3.Connection, order_id: str, template: tuple[object, ...],
                 count: int, rng: random.Random) -> list[str]:
    """`count` tickets of one order (a bench needs their rows, not as many orders), as the
    store keeps them; their references, for the lookups."""
    references: list[str] = []
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        rows = []
        for index in range(size):
            reference = new_reference(rng.randbytes)
            references.append(reference)
            rows.append((reference, order_id, template[2], 1000 + (made + index) // 1000,
                         (made + index) % 1000 + 1, *template[5:]))
        db.execute("BEGIN")
        db.executemany("INSERT OR IGNORE INTO tickets (reference, order_id, order_number,"
                       " line_position, unit, product_id, valid_from, valid_until,"
                       " entries_allowed, token, key_id, issued_at, till_id)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("COMMIT")
        made += size
    return references


def measure(tickets: int, rounds: int) -> list[Measure]:
    rng = random.Random(17)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "till")
        ctx = store.context
        setup.initialise_till(ctx, "Caisse bench", "9", "Bench")
        importing.import_data(ctx, None, demo_document())
        cashier = sign_in(ctx, "caissier", "1234")
        basket = Basket()
        selling.add_product(ctx, basket, "nocturne", 1)
        order = selling.sell(ctx, cashier, basket, [PaymentRequest("CB", basket.total_cents)])
        with ctx.uow(write=False) as uow:
            [ticket] = uow.tickets.of_order(order.id)
        db = sqlite3.connect(store_path(Path(folder) / "till"), isolation_level=None)
        template = (None, order.id, order.number, None, None, ticket.product_id,
                    utc_text(ticket.valid_from), utc_text(ticket.valid_until),
                    ticket.entries_allowed, ticket.token, ticket.key_id,
                    utc_text(ticket.issued_at), ticket.till_id)
        references = fill_tickets(db, order.id, template, tickets - 1, rng)
        db.execute("ANALYZE")
        picks = [rng.choice(references) for _ in range(rounds + 40)]
        ours, base = interleave(
            lambda i: check_ticket(ctx, picks[i]),
            lambda i: db.execute("SELECT * FROM tickets WHERE reference = ?",
                                 (picks[i],)).fetchone(),
            rounds, 20)
        # Tokens: the signature checked each time (the QR of the till's own ticket).
        tokens: list[float] = []
        start = time.perf_counter()
        for _ in range(rounds):
            began = time.perf_counter()
            check_ticket(ctx, ticket.token)
            tokens.append(time.perf_counter() - began)
        per_second = rounds / (time.perf_counter() - start)
        db.close()
        store.close()
    ratio = ours.median_ms / base.median_ms
    return [
        Measure(f"ticket verdict offline by reference, {tickets:,} tickets in the store",
                ours, base, "bare sqlite3 indexed look-up of the same reference",
                f"≤ {TARGET_RATIO:.0f}× and p99 < {TARGET_P99_MS:.0f} ms",
                ratio <= TARGET_RATIO and ours.p99_ms < TARGET_P99_MS),
        Measure(f"ticket verdict from a scanned token (Ed25519 verified): {per_second:,.0f}"
                " checks/s", Samples(tokens), ours, "the same verdict by reference",
                f"p99 < {TARGET_P99_MS:.0f} ms", Samples(tokens).p99_ms < TARGET_P99_MS),
    ]


def report(tickets: int, rounds: int) -> int:
    from bench.__main__ import render

    measures = measure(tickets, rounds)
    print(render(measures))
    return 0 if all(m.passed for m in measures) else 1
