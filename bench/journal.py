"""`caisse journal verify` over a large journal vs reading and hashing the same bytes.

The journal (1,000,000 entries of believable sales, signed by the till's key) is built
once in bulk and kept in .bench-cache/. Ours is `services.journal_check.verify_journal`, the
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
from typing import TYPE_CHECKING, Any

from bench.big_catalogue import CACHE, SCHEMA_VERSION
from bench.timing import Measure, Samples
from pos_app.bootstrap import open_store
from pos_app.domain.closure import (
    NO_TOTALS,
    CashFigures,
    MethodTotal,
    Reading,
    Takings,
    totals_by_rate,
)
from pos_app.domain.journal import Chain, ChainHead, Event, next_entry
from pos_app.domain.vat import VatRate, split_vat
from pos_app.services import setup
from pos_app.services.changes import z_body
from pos_app.services.journal import event_body, record_event
from pos_app.services.journal_check import verify_journal
from pos_app.storage.connection import store_path
from pos_app.storage.sql import utc_text

if TYPE_CHECKING:
    from pos_app.domain.till import Till
    from pos_app.services.ports import Signer

TARGET_THROUGHPUT = 0.5
BATCH = 20_000
START = datetime(2026, 1, 2, 8, 0, tzinfo=UTC)


PRODUCTS = (  # label, price label, unit price, VAT rate
    ("Balade à poney – 1 h", "Adulte", 1400, 1000), ("Balade à poney – 1 h", "Enfant", 900,
                                                      1000),
    ("Café", "Prix", 160, 2000), ("Crêpe sucre", "Prix", 350, 1000),
    ("Jus de pomme", "Prix", 250, 550), ("Carte postale", "Prix", 120, 2000))
DAY = 2_000  # order entries a day, each day a session closed by its Z
STAFF = "staff:caissier"
ROWS = ("orders", "order_lines", "order_vat", "payments", "refunds", "credit_notes",
        "credit_note_lines", "credit_note_vat", "cash_movements", "till_sessions",
        "closures", "closure_methods")


def build(count: int) -> Path:
    """The data directory of a store whose order chain holds about `count` entries of a
    till's days, with the business rows beside them (cached): sales of 1 to 3 lines paid
    in cash (with change) or by card, some paid later, returned (refunded in cash) or
    cancelled (refunded by card), cash put in and taken out, a session and a Z a day."""
    # "-r": the rows beside the journal (journals cached before lack them).
    data_dir = CACHE / f"journal-{count}-v{SCHEMA_VERSION}-r"
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
    with store.context.uow(write=False) as uow:
        heads = uow.journal.heads(till.id)
    store.close()
    db = sqlite3.connect(store_path(data_dir), isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")  # a bulk load, checked by its final commit
    db.execute("INSERT INTO payment_methods VALUES ('ESP', 'Espèces', 1, 1, 1, 0),"
               " ('CB', 'Carte', 0, 0, 1, 1)")
    day = _Day(till, signer, heads)
    while day.order_entries < count:
        day.write(db, min(DAY, count - day.order_entries))
    db.close()
    (data_dir / "complete").touch()
    return data_dir


class _Day:
    """The generator of the till's days, one after the other, written as a till would."""

    def __init__(self, till: Till, signer: Signer, heads: dict[str, ChainHead]) -> None:
        self.till, self.signer, self.heads = till, signer, dict(heads)
        self.rng = random.Random(1_000_000)
        self.order_entries = 0
        self.sales = self.notes = self.zs = 0
        self.at = START
        self.totals = NO_TOTALS
        self.previous_end: datetime | None = None
        self.till_body = {"id": till.id, "code": till.code, "name": till.name,
                          "point_of_sale": till.point_of_sale}
        # The day being written: its entries and rows, and what its Z adds up.
        self.entries: list[tuple[Any, ...]] = []
        self.rows: dict[str, list[tuple[Any, ...]]] = {}
        self.session_id = ""
        self.counts: dict[str, int] = {}
        self.vat: dict[int, list[int]] = {}
        self.taken: dict[str, list[int]] = {}
        self.refunded: dict[str, int] = {}
        self.moved: dict[str, int] = {}

    def entry(self, chain: Chain, body: dict[str, Any], amount: int = 0) -> tuple[Any, ...]:
        entry = next_entry(self.heads.get(chain), self.till.id, chain, self.at, amount, body,
                           self.signer.sign, self.signer.key_id)
        self.heads[chain] = ChainHead(entry.number, entry.hash)
        if chain is Chain.ORDER:
            self.order_entries = entry.number
        row = (entry.till_id, entry.chain.value, entry.number, entry.at, entry.amount_cents,
               entry.body, entry.previous_hash, entry.hash, entry.signature, entry.key_id)
        self.entries.append(row)
        return row

    def tick(self) -> str:
        self.at += timedelta(seconds=1)
        return utc_text(self.at)

    def write(self, db: sqlite3.Connection, order_entries: int) -> None:
        """One day of about `order_entries` order entries, in one transaction."""
        self.entries, self.rows = [], {table: [] for table in ROWS}
        self.counts = dict.fromkeys(("orders", "sales", "cancellations", "cancelled",
                                     "returns", "returned"), 0)
        self.vat, self.taken, self.refunded = {}, {}, {}
        self.moved = {"float": 0, "in": 0, "out": 0}
        self.zs += 1
        self.session_id = f"session-{self.zs}"
        first = self.order_entries + 1
        opened = self.tick()
        self.entry(Chain.EVENT, event_body(Event.SESSION_OPENED, STAFF, number=self.zs))
        self.move("float", 15000, "")
        mid_day = False
        while self.order_entries - first + 1 < order_entries:
            if not mid_day and self.order_entries - first + 1 >= order_entries // 2:
                mid_day = True
                self.move("in", 2000, "monnaie")
                self.move("out", 10000, "dépôt banque")
            self.sell()
        end = self.tick()
        self.rows["till_sessions"].append((self.session_id, self.till.id, self.zs, opened,
                                           STAFF, end))
        self.close(first, end)
        db.execute("BEGIN")
        db.executemany("INSERT INTO journal_entries (till_id, chain, number, at,"
                       " amount_cents, body, previous_hash, hash, signature, key_id)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.entries)
        for table, values in self.rows.items():
            if values:
                marks = ", ".join("?" * len(values[0]))
                db.executemany(f"INSERT INTO {table}{_COLUMNS[table]} VALUES ({marks})",
                               values)
        db.execute("COMMIT")
        self.at += timedelta(hours=23)  # the next morning

    def sell(self) -> None:
        rng, till, rows, counts = self.rng, self.till, self.rows, self.counts
        self.sales += 1
        index = self.sales
        order_id, order_no = f"order-{index}", f"CD9-{index:06d}"
        at = self.tick()
        lines = [(position, *rng.choice(PRODUCTS), rng.randint(1, 3))
                 for position in range(rng.randint(1, 3))]
        per_rate: dict[int, int] = {}
        for _position, _label, _price_label, price, rate, quantity in lines:
            per_rate[rate] = per_rate.get(rate, 0) + price * quantity
        order_vat = [(rate, _excl(per_rate[rate], rate), per_rate[rate])
                     for rate in sorted(per_rate, reverse=True)]
        total = sum(per_rate.values())
        later = index % 50 == 0
        card = index % 3 == 0 or index % 151 == 0
        method = "CB" if card else "ESP"
        tendered = total if card else -(-total // 500) * 500
        payment = {"id": f"payment-{index}", "method": method, "amount_cents": tendered,
                   "change_cents": tendered - total}
        rows["orders"].append((order_id, order_no, till.id, index, at, STAFF, None, total,
                               "paid", 0, self.session_id, None, None, None, None, None))
        rows["order_lines"] += [
            (order_id, position, "product", label, "price", price_label, price, quantity,
             rate, price * quantity)
            for position, label, price_label, price, rate, quantity in lines]
        rows["order_vat"] += [(order_id, rate, excl, amount - excl, amount)
                              for rate, excl, amount in order_vat]
        rows["payments"].append((payment["id"], order_id, method, tendered, tendered - total,
                                 at, STAFF, till.id, 0, self.session_id))
        self.entry(Chain.ORDER, {
            "kind": "sale", "order_id": order_id, "number": order_no, "till": self.till_body,
            "staff_id": STAFF,
            "lines": [{"label": label, "price_label": price_label, "quantity": quantity,
                       "unit_price_cents": price, "vat_rate_bp": rate,
                       "total_cents": price * quantity,
                       "total_excl_cents": _excl(price * quantity, rate)}
                      for _position, label, price_label, price, rate, quantity in lines],
            "vat": _law_vat(order_vat, 1), "total_excl_cents": sum(v[1] for v in order_vat),
            "total_cents": total, "payments": [] if later else [payment]}, total)
        if later:
            self.entry(Chain.ORDER, {"kind": "payment", "order_id": order_id,
                                     "number": order_no, "staff_id": STAFF, **payment})
        counts["orders"] += 1
        counts["sales"] += total
        for rate, excl, amount in order_vat:
            _add(self.vat, rate, (excl, amount - excl, amount))
        _add(self.taken, method, (tendered, tendered - total))
        if index % 97 == 0 and not card:
            self.take_back(index, order_id, order_no, lines[0], at)
        elif index % 151 == 0:
            self.cancel(index, order_id, order_no, total, order_vat, at)

    def take_back(self, index: int, order_id: str, order_no: str, line: tuple[Any, ...],
                  at: str) -> None:
        """The line's one item taken back, refunded in cash."""
        _position, label, price_label, price, rate, _quantity = line
        self.notes += 1
        note_id, note_no = f"note-{self.notes}", f"AV9-{self.notes:06d}"
        excl = _excl(price, rate)
        rows, till = self.rows, self.till
        rows["credit_notes"].append((note_id, note_no, order_id, till.id, self.notes, at,
                                     STAFF, "défaut", price, 0, self.session_id))
        rows["credit_note_lines"].append((note_id, 0, 0, "product", label, "price",
                                          price_label, price, 1, rate, price))
        rows["credit_note_vat"].append((note_id, rate, excl, price - excl, price))
        rows["refunds"].append((f"refund-{index}", order_id, note_id, "ESP", price, at, STAFF,
                                till.id, 0, self.session_id, 0))
        self.entry(Chain.ORDER, {
            "kind": "return", "credit_note_id": note_id, "number": note_no,
            "returns": {"order_id": order_id, "number": order_no}, "staff_id": STAFF,
            "reason": "défaut",
            "lines": [{"order_line": 0, "label": label, "price_label": price_label,
                       "quantity": -1, "unit_price_cents": price, "vat_rate_bp": rate,
                       "total_cents": -price, "total_excl_cents": -excl}],
            "vat": _law_vat([(rate, excl, price)], -1), "total_excl_cents": -excl,
            "total_cents": -price}, -price)
        self.entry(Chain.ORDER, {
            "kind": "refund", "id": f"refund-{index}", "order_id": order_id,
            "number": order_no, "credit_note_id": note_id, "staff_id": STAFF,
            "method": "ESP", "amount_cents": -price})
        self.counts["returns"] += 1
        self.counts["returned"] += price
        _add(self.vat, rate, (-excl, excl - price, -price))
        self.refunded["ESP"] = self.refunded.get("ESP", 0) + price

    def cancel(self, index: int, order_id: str, order_no: str, total: int,
               order_vat: list[tuple[int, int, int]], at: str) -> None:
        """The order cancelled, refunded by card."""
        rows, till = self.rows, self.till
        rows["orders"][-1] = (*rows["orders"][-1][:8], "cancelled", *rows["orders"][-1][9:11],
                              at, STAFF, "erreur", till.id, self.session_id)
        rows["refunds"].append((f"refund-{index}", order_id, None, "CB", total, at, STAFF,
                                till.id, 0, self.session_id, 0))
        self.entry(Chain.ORDER, {
            "kind": "cancellation", "cancels": {"order_id": order_id, "number": order_no},
            "staff_id": STAFF, "reason": "erreur", "vat": _law_vat(order_vat, -1),
            "total_excl_cents": -sum(v[1] for v in order_vat), "total_cents": -total},
            -total)
        self.entry(Chain.ORDER, {
            "kind": "refund", "id": f"refund-{index}", "order_id": order_id,
            "number": order_no, "credit_note_id": None, "staff_id": STAFF, "method": "CB",
            "amount_cents": -total})
        self.counts["cancellations"] += 1
        self.counts["cancelled"] += total
        for rate, excl, amount in order_vat:
            _add(self.vat, rate, (-excl, excl - amount, -amount))
        self.refunded["CB"] = self.refunded.get("CB", 0) + total

    def close(self, first: int, end: str) -> None:
        """The day's Z, its closure rows and its note in the event journal."""
        counts, taken, refunded = self.counts, self.taken, self.refunded
        takings = Takings(counts["orders"], counts["sales"], counts["cancellations"],
                          counts["cancelled"], counts["returns"], counts["returned"],
                          totals_by_rate((rate, sums[0], sums[1], sums[2])
                                         for rate, sums in self.vat.items()))
        methods = tuple(MethodTotal(code, code, code == "ESP",
                                    taken.get(code, [0, 0])[0] - taken.get(code, [0, 0])[1],
                                    refunded.get(code, 0))
                        for code in sorted(taken.keys() | refunded.keys()))
        cash = CashFigures(self.moved["float"], taken.get("ESP", [0, 0])[0],
                           taken.get("ESP", [0, 0])[1], self.moved["in"], self.moved["out"],
                           refunded.get("ESP", 0))
        reading = Reading(self.till.id, self.zs, self.previous_end, self.at, takings, methods,
                          cash, first, self.order_entries)
        self.totals = self.totals.then(reading.takings_cents, reading.takings_absolute_cents)
        figures = sorted([(m.method_code, m.net_cents, m.net_cents) for m in methods
                          if not m.gives_change]
                         + [("ESP", cash.expected_cents, cash.expected_cents)])
        closure = self.entry(Chain.CLOSURE, z_body(reading, self.zs, STAFF, self.totals,
                                                   figures, cash.expected_cents, None))
        self.entry(Chain.EVENT, event_body(Event.CLOSURE, STAFF, kind="z", number=self.zs,
                                           gap_cents=0))
        closure_id = f"z-{self.zs}"
        self.rows["closures"].append((
            closure_id, self.till.id, "z", self.zs,
            None if self.previous_end is None else utc_text(self.previous_end), end, STAFF,
            counts["orders"], self.totals.period_cents, self.totals.perpetual_cents,
            self.totals.perpetual_absolute_cents, cash.expected_cents, cash.expected_cents,
            closure[2], first, self.order_entries, self.session_id, 0, 0))
        self.rows["closure_methods"] += [(closure_id, *method) for method in figures]
        self.previous_end = self.at

    def move(self, kind: str, amount: int, reason: str) -> None:
        at = self.tick()
        self.moved[kind] += amount
        movements = self.rows["cash_movements"]
        movements.append((f"move-{len(movements)}-{self.session_id}", self.till.id, kind,
                          amount, reason, STAFF, at, self.session_id))
        self.entry(Chain.EVENT, event_body(Event.CASH_MOVEMENT, STAFF, kind=kind,
                                           amount_cents=amount, reason=reason))


def _law_vat(vat: list[tuple[int, int, int]], sign: int) -> list[dict[str, int]]:
    """(rate, excl, total) as the journal writes VAT, with `sign`."""
    return [{"rate_bp": rate, "excl_cents": sign * excl, "vat_cents": sign * (total - excl),
             "total_cents": sign * total} for rate, excl, total in vat]


_COLUMNS = {
    "orders": "(id, number, till_id, sequence, created_at, staff_id, payer_id, total_cents,"
              " status, training, session_id, cancelled_at, cancelled_by, cancel_reason,"
              " cancelled_till_id, cancelled_session_id)",
    "order_lines": "(order_id, position, product_id, label, price_id, price_label,"
                   " unit_price_cents, quantity, vat_rate_bp, total_cents)",
    "order_vat": "(order_id, rate_bp, excl_cents, vat_cents, total_cents)",
    "payments": "(id, order_id, method_code, amount_cents, change_cents, taken_at, staff_id,"
                " till_id, training, session_id)",
    "refunds": "(id, order_id, credit_note_id, method_code, amount_cents, at, staff_id,"
               " till_id, training, session_id, excess)",
    "credit_notes": "(id, number, order_id, till_id, sequence, created_at, staff_id, reason,"
                    " total_cents, training, session_id)",
    "credit_note_lines": "(credit_note_id, position, order_line, product_id, label,"
                         " price_id, price_label, unit_price_cents, quantity, vat_rate_bp,"
                         " total_cents)",
    "credit_note_vat": "(credit_note_id, rate_bp, excl_cents, vat_cents, total_cents)",
    "cash_movements": "(id, till_id, kind, amount_cents, reason, staff_id, at, session_id)",
    "till_sessions": "(id, till_id, number, opened_at, opened_by, closed_at)",
    "closures": "(id, till_id, kind, number, period_start, period_end, staff_id, orders,"
                " takings_cents, perpetual_cents, perpetual_absolute_cents,"
                " expected_cash_cents, counted_cash_cents, journal_number, first_entry,"
                " last_entry, session_id, first_part, last_part)",
    "closure_methods": "(closure_id, method_code, expected_cents, counted_cents)",
}


def _excl(total: int, rate: int) -> int:
    return split_vat(total, VatRate(rate)).excl_cents


def _add(sums: dict[Any, list[int]], key: Any, values: tuple[int, ...]) -> None:
    was = sums.setdefault(key, [0] * len(values))
    for index, value in enumerate(values):
        was[index] += value


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
    for table in ROWS:  # the business rows beside them, each read whole
        for _row in db.execute(f"SELECT * FROM {table}"):
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
                    report = verify_journal(store.context, every_signature=full,
                                            record_failure=False)
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
                   mine, baseline, f"bare sqlite3 read of the same entries + raw {what},"
                   " then of the business rows",
                   f"time ≤ {1 / TARGET_THROUGHPUT:.0f}× (throughput ≥ {TARGET_THROUGHPUT}×)",
                   throughput >= TARGET_THROUGHPUT)
