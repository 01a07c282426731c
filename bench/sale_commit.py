"""(a) A durable sale commit vs a bare fsync'd SQLite transaction writing as many rows."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bench.timing import Measure, interleave
from pos_app.adapters.signing import Ed25519Signer
from pos_app.bootstrap import demo_document, open_store
from pos_app.domain.basket import Basket
from pos_app.domain.ids import new_id
from pos_app.domain.journal import Chain, ChainHead, canonical_json, next_entry
from pos_app.domain.receipt import Venue
from pos_app.domain.till import Till
from pos_app.services import importing, selling, setup
from pos_app.services.changes import order_payload, sale_body
from pos_app.services.ports import Signer
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in
from pos_app.storage.connection import store_path

# A sale of two pony rides and an ice cream, paid in cash, writes: the sequence, the
# order, 2 lines, 2 VAT rates, 1 payment, its fiscal journal entry (whose trigger moves
# the chain's head) and 2 outbox rows.
ROWS_PER_SALE = 10
TARGET_RATIO = 1.5
SIGNING_TARGET_MS = 0.2
ADMISSIONS = 4  # places of an admission product in the ticketed sale
TICKETS_TARGET_MS = 2.0  # half a millisecond a ticket: the sale stays instant
WARMUP = 20
AT = datetime(2026, 7, 11, 8, 0, tzinfo=UTC)
TILL = Till("t", "9", "Bare", "Bench", "CD9-")
VENUE = Venue("Domaine des Écuries du Lac", "1 chemin du Lac", "74000", "Annecy",
              "12345678900012", "FR12345678901")  # what a sale's entry names



def bare_store(data_dir: Path) -> sqlite3.Connection:
    """A store with the till's own schema, written to with nothing but sqlite3."""
    open_store(data_dir).close()
    db = sqlite3.connect(store_path(data_dir), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("INSERT INTO tills VALUES ('t', '9', 'Bare', 'Bench', 'CD9-', 1)")
    db.execute("INSERT INTO payment_methods VALUES ('ESP', 'Espèces', 1, 1, 1, 0)")
    return db


def bare_journal(count: int, body: str) -> list[tuple[object, ...]]:
    """Journal rows for the bare sales, chained and signed before timing."""
    signer = Ed25519Signer(Path(tempfile.mkdtemp()), use_keyring=False)
    payload = json.loads(body)
    head: ChainHead | None = None
    rows: list[tuple[object, ...]] = []
    for _ in range(count):
        entry = next_entry(head, "t", Chain.ORDER, AT, 3050, payload, signer.sign,
                           signer.key_id)
        head = ChainHead(entry.number, entry.hash)
        rows.append((entry.number, entry.at, entry.body, entry.previous_hash, entry.hash,
                     entry.signature, entry.key_id))
    return rows


SESSION = "01a22c8c-439c-7162-8d32-45e87acd8ecc"  # the till session a sale is made in


def bare_sale(db: sqlite3.Connection, ids: tuple[str, str], payload: str,
              journal: tuple[object, ...]) -> None:
    """The same rows a sale writes, as literal values, in one fsync'd transaction.

    The order and payment ids are UUIDv7 text, and the journal entry is chained, hashed
    and signed, before timing: the rows and their index keys are as long as ours, and
    only the making of them is left out.
    """
    order, pay = ids
    at = "2026-07-11T08:00:00.000000+00:00"
    db.execute("BEGIN IMMEDIATE")
    number = db.execute("INSERT INTO sequences VALUES ('t', 'order', 1) ON CONFLICT"
                        " (till_id, kind) DO UPDATE SET last = last + 1 RETURNING last"
                        ).fetchone()[0]
    db.execute("INSERT INTO orders (id, number, till_id, sequence, created_at, staff_id,"
               " payer_id, total_cents, status, session_id) VALUES (?, ?, 't', ?, ?, 's',"
               " NULL, 3050, 'active', ?)", (order, f"CD9-{number:06d}", number, at, SESSION))
    db.executemany("INSERT INTO order_lines (order_id, position, product_id, label, price_id,"
                   " price_label, unit_price_cents, quantity, vat_rate_bp, total_cents)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        (order, 0, "balade-poney-1h", "Balade à poney – 1 h", "adulte", "Adulte", 1400, 2,
         1000, 2800),
        (order, 1, "creme-glacee", "Crème glacée", "1boule", "1 boule", 250, 1, 2000, 250)])
    db.executemany("INSERT INTO order_vat VALUES (?, ?, ?, ?, ?)",
                   [(order, 2000, 208, 42, 250), (order, 1000, 2545, 255, 2800)])
    db.execute("INSERT INTO payments VALUES (?, ?, 'ESP', 3050, 0, ?, 's', 't', 0, ?)",
               (pay, order, at, SESSION))
    db.execute("INSERT INTO journal_entries (number, at, body, previous_hash, hash, signature,"
               " key_id, till_id, chain, amount_cents) VALUES (?, ?, ?, ?, ?, ?, ?, 't',"
               " 'order', 3050)", journal)
    db.executemany("INSERT INTO outbox (record_id, schema, kind, aggregate_id,"
                   " journal_chain, journal_number, journal_hash, payload, created_at)"
                   " VALUES (?, 1, ?, ?, 'order', ?, ?, ?, ?)",
                   [(f"{order[:34]}a1", "order.validated", order, journal[0], journal[4],
                     payload, at),
                    (f"{order[:34]}a2", "payment.taken", pay, journal[0], journal[4],
                     payload[:300], at)])
    db.execute("COMMIT")


def measure(rounds: int) -> list[Measure]:
    """The sale commit against bare sqlite3; then what its journal entry adds to it."""
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
        payload = json.dumps(order_payload(sample), ensure_ascii=False)
        bare = bare_store(Path(folder) / "bare")
        ids = [(new_id(), new_id()) for _ in range(rounds + WARMUP)]
        journal = bare_journal(rounds + WARMUP, canonical_json(sale_body(sample, TILL, VENUE)))
        ours, base = interleave(lambda _i: selling.sell(ctx, cashier, basket, payment),
                                lambda i: bare_sale(bare, ids[i], payload, journal[i]),
                                rounds, WARMUP)
        unsigned = replace(ctx, signer=UnsignedSigner(ctx.signer))
        signed, not_signed = interleave(
            lambda _i: selling.sell(ctx, cashier, basket, payment),
            lambda _i: selling.sell(unsigned, cashier, basket, payment), rounds, WARMUP)
        # Four places of a guided visit (an admission: four tickets, four signatures)
        # against four kayak hires (no admission): one line each, one VAT rate, cash.
        ticketed, plain = Basket(), Basket()
        selling.add_product(ctx, ticketed, "visite-guidee", ADMISSIONS)
        selling.add_product(ctx, plain, "kayak-2h", ADMISSIONS)
        with_tickets, without = interleave(
            lambda _i: selling.sell(ctx, cashier, ticketed,
                                    [PaymentRequest("ESP", ticketed.total_cents)]),
            lambda _i: selling.sell(ctx, cashier, plain,
                                    [PaymentRequest("ESP", plain.total_cents)]),
            rounds, WARMUP)
        bare.close()
        store.close()
    ratio = ours.median_ms / base.median_ms
    added = signed.median_ms - not_signed.median_ms
    issuing = with_tickets.median_ms - without.median_ms
    return [
        Measure("sale commit (order + 2 lines + 2 VAT + payment + journal entry + 2 outbox,"
                " fsync'd)", ours, base,
                f"the same {ROWS_PER_SALE} rows, same schema, bare sqlite3, fsync'd",
                f"≤ {TARGET_RATIO}×", ratio <= TARGET_RATIO),
        Measure(f"Ed25519 signing added to a sale commit: {added:.3f} ms", signed,
                not_signed, "the same sale, its journal entry left unsigned",
                f"adds < {SIGNING_TARGET_MS} ms", added < SIGNING_TARGET_MS),
        Measure(f"a sale of {ADMISSIONS} admission places, its {ADMISSIONS} signed tickets"
                f" issued in its transaction: {issuing:.3f} ms more", with_tickets, without,
                f"the same sale of {ADMISSIONS} places of a product that is no admission",
                f"adds < {TICKETS_TARGET_MS} ms", issuing < TICKETS_TARGET_MS)]


class UnsignedSigner:
    """The till's signer without the signature (64 zero bytes): for comparison only."""

    def __init__(self, real: Signer) -> None:
        self.key_id, self.public_key, self.location = (real.key_id, real.public_key,
                                                       real.location)
        self.verify, self.exists, self.prepare = real.verify, real.exists, real.prepare
        self.rotate = real.rotate

    def sign(self, digest: bytes) -> bytes:
        return bytes(64)
