"""`caisse journal verify` over a large journal vs reading and hashing the same bytes.

The journal (1,000,000 entries of believable sales, signed by the till's key) is built
once in bulk and kept in .bench-cache/. Ours is `services.journal.verify_journal`, the
command's own work. Baselines read the same rows from the same table with bare sqlite3
and only hash each entry's message (SHA-256), and, for `--full`, also check each
signature with the cryptography library directly: ours must keep at least half their
throughput.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.big_catalogue import CACHE, SCHEMA_VERSION
from bench.timing import Measure, Samples
from pos_app.bootstrap import open_store
from pos_app.domain.journal import Chain, ChainHead, Event, next_entry
from pos_app.services import setup
from pos_app.services.journal import record_event, verify_journal
from pos_app.storage.connection import store_path

TARGET_THROUGHPUT = 0.5
BATCH = 20_000
START = datetime(2026, 1, 2, 8, 0, tzinfo=UTC)


def build(count: int) -> Path:
    """The data directory of a store whose order chain holds `count` entries (cached)."""
    # "-k": made with the key announced (journals cached before lack it).
    data_dir = CACHE / f"journal-{count}-v{SCHEMA_VERSION}-k"
    if (data_dir / "complete").exists():
        return data_dir
    shutil.rmtree(data_dir, ignore_errors=True)
    store = open_store(data_dir)
    till = setup.initialise_till(store.context, "Caisse bench", "9", "Bench")
    signer = store.context.signer
    with store.context.uow() as uow:
        # As the till starts a journal: the key announced first (journal verify wants
        # the event journal to start with it), then what happened.
        record_event(uow, signer, till.id, START, Event.START, version="bench")
        uow.commit()
    store.close()
    rng = random.Random(1_000_000)
    db = sqlite3.connect(store_path(data_dir), isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")  # a bulk load, checked by its final commit
    head: ChainHead | None = None
    for first in range(0, count, BATCH):
        rows = []
        for index in range(first, min(count, first + BATCH)):
            quantity, price = rng.randint(1, 4), rng.choice([250, 900, 1400, 2200, 3500])
            total = quantity * price
            excl = round(total * 10_000 / 11_000)
            payload = {
                "kind": "sale", "order_id": f"order-{index}", "number": f"CD9-{index + 1:06d}",
                "till": {"id": till.id, "code": till.code, "name": till.name,
                         "point_of_sale": till.point_of_sale},
                "staff_id": "staff:caissier",
                "lines": [{"label": "Balade à poney – 1 h", "price_label": "Adulte",
                           "quantity": quantity, "unit_price_cents": price,
                           "vat_rate_bp": 1000, "total_cents": total,
                           "total_excl_cents": excl}],
                "vat": [{"rate_bp": 1000, "excl_cents": excl, "vat_cents": total - excl,
                         "total_cents": total}],
                "total_excl_cents": excl, "total_cents": total,
                "payments": [{"id": f"payment-{index}", "method": "ESP",
                              "amount_cents": total, "change_cents": 0}]}
            entry = next_entry(head, till.id, Chain.ORDER, START + timedelta(seconds=index),
                               total, payload, signer.sign, signer.key_id)
            head = ChainHead(entry.number, entry.hash)
            rows.append((entry.till_id, entry.chain.value, entry.number, entry.at,
                         entry.amount_cents, entry.body, entry.previous_hash, entry.hash,
                         entry.signature, entry.key_id))
        db.execute("BEGIN")
        db.executemany("INSERT INTO journal_entries (till_id, chain, number, at,"
                       " amount_cents, body, previous_hash, hash, signature, key_id)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("COMMIT")
    db.close()
    (data_dir / "complete").touch()
    return data_dir


def raw_hashes(path: Path, with_signatures: bool) -> int:
    """Read every entry's fields with bare sqlite3 and SHA-256 its message (and check its
    signature with the cryptography library); no other check."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    db = sqlite3.connect(path)
    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(
        db.execute("SELECT public_key FROM till_keys").fetchone()[0]))
    count = 0
    sha256 = hashlib.sha256
    for previous, till, chain, number, at, amount, body, signature in db.execute(
            "SELECT previous_hash, till_id, chain, number, at, amount_cents, body, signature"
            " FROM journal_entries ORDER BY till_id, chain, number"):
        digest = sha256("\n".join((previous, till, chain, str(number), at, str(amount),
                                   body)).encode("utf-8")).digest()
        if with_signatures:
            public.verify(bytes.fromhex(signature), digest)
        count += 1
    db.close()
    return count


def measure(count: int, full_count: int, rounds: int) -> list[Measure]:
    """`journal verify` over `count` entries, and `--full` (every signature checked, which
    takes the cryptography library some 50-150 µs an entry) over `full_count`."""
    return [_measure(count, False, rounds), _measure(full_count, True, 1)]


def _measure(count: int, full: bool, rounds: int) -> Measure:
    data_dir = build(count)
    store = open_store(data_dir)
    try:
        ours: list[float] = []
        base: list[float] = []
        for index in range(rounds):
            pair = [("ours", ours), ("base", base)]
            for side, sink in pair if index % 2 else reversed(pair):
                start = time.perf_counter()
                if side == "ours":
                    report = verify_journal(store.context, every_signature=full)
                    assert report.ok, report.problems
                else:
                    raw_hashes(store_path(data_dir), full)
                sink.append(time.perf_counter() - start)
    finally:
        store.close()
    mine, baseline = Samples(ours), Samples(base)
    throughput = baseline.median_ms / mine.median_ms
    what = "SHA-256 + Ed25519 verification" if full else "SHA-256"
    return Measure(f"journal verify{' --full' if full else ''}, {count:,} entries",
                   mine, baseline, f"bare sqlite3 read of the same rows + raw {what}",
                   f"time ≤ {1 / TARGET_THROUGHPUT:.0f}× (throughput ≥ {TARGET_THROUGHPUT}×)",
                   throughput >= TARGET_THROUGHPUT)
