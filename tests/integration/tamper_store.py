"""A real store for the tamper campaign (test_tamper_campaign.py): a month and a bit of a
till's life through its services, and the tools an attacker with write access to the file
would use on copies of it (triggers dropped, entries re-hashed, re-signed)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import open_store
from pos_app.domain.closure import CashMovementKind
from pos_app.domain.journal import entry_hash, entry_message, from_journal_time, journal_time
from pos_app.services import orders, selling
from pos_app.services.archive import export_archive
from pos_app.services.closures import finish_closure, record_cash_movement, start_closure
from pos_app.services.journal import record_start, record_stop, set_training
from pos_app.services.receipts import duplicate_receipt
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in
from pos_app.storage.connection import store_path
from tests.conftest import START
from tests.integration.test_selling_services import basket_of

VERSION = "campaign"


def build_store(template: Path, target: Path) -> Path:
    """The demo store of `template` copied to `target`, then: sales paid in cash and by
    card, one paid later, a return and a cancellation each with its refund, the float and
    a withdrawal, a duplicate, training sales, a Z; the next month more of the same, its
    first Z bringing July's monthly closure, and July's archive. The till stops last."""
    shutil.copytree(template, target)
    clock = FrozenClock(START)
    store = open_store(target, clock)
    ctx = store.context
    try:
        record_start(ctx, VERSION)
        cashier = sign_in(ctx, "caissier", "1234")
        manager = sign_in(ctx, "gerant", "4321")
        for month in range(2):
            record_cash_movement(ctx, cashier, CashMovementKind.FLOAT, 15000)
            numbers = []
            for index in range(5):
                clock.advance(timedelta(minutes=9))
                unpaid = index == 3
                payments = ([] if unpaid else [PaymentRequest("ESP", 5000)] if index % 2
                            else [PaymentRequest("CB", 1560)])
                order = selling.sell(ctx, cashier, basket_of(ctx, "balade-poney-1h", "cafe"),
                                     payments, validate_without_paying=unpaid)
                numbers.append(order.number)
            clock.advance(timedelta(minutes=5))
            orders.pay_order(ctx, cashier, numbers[3], "CB", 1560)
            orders.return_lines(ctx, manager, numbers[1], [(1, 1)], "café renversé")
            orders.cancel_order(ctx, manager, numbers[2], "erreur de saisie")
            record_cash_movement(ctx, cashier, CashMovementKind.OUT, 2000, "dépôt banque")
            duplicate_receipt(ctx, cashier, numbers[0])
            set_training(ctx, manager, True)
            selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 500)],
                         training=True)
            set_training(ctx, manager, False)
            clock.advance(timedelta(hours=8))
            start_closure(ctx, manager)
            finish_closure(ctx, manager)
            if month == 0:
                clock.advance(datetime(2026, 8, 1, 7, 30, tzinfo=START.tzinfo) - clock.now())
                cashier = sign_in(ctx, "caissier", "1234")
        clock.advance(timedelta(minutes=10))
        export_archive(ctx, manager, "2026-07")
        record_stop(ctx)
    finally:
        store.close()
    return target


@contextmanager
def opened_raw(data_dir: Path) -> Iterator[sqlite3.Connection]:
    """The store's file as an attacker opens it: every trigger that refuses a change
    dropped (those that chain new entries stay, so that the till can still write)."""
    connection = sqlite3.connect(store_path(data_dir), isolation_level=None)
    try:
        for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND (name LIKE"
                " '%\\_no\\_%' ESCAPE '\\' OR name LIKE '%never%'"
                " OR name = 'journal_heads_forward_only')").fetchall():
            connection.execute(f'DROP TRIGGER "{name}"')
        yield connection
    finally:
        connection.close()


Signer = Callable[[bytes], bytes]
Edit = Callable[[int, str, str], tuple[str, str]]  # number, time, body → time, body


def rewrite_chain(raw: sqlite3.Connection, chain: str, start: int,
                  sign: Signer | None = None, key_id: str | None = None,
                  edit: Edit | None = None) -> None:
    """Re-hash the chain's entries from number `start` on, each linked to the one before
    as the till would, and move the head to the last: what someone who changed entry
    `start` does to hide it. `edit` changes an entry's time and body first; with `sign`,
    the entries are re-signed too (under `key_id`, else the key each names)."""
    rows = raw.execute(
        "SELECT till_id, number, at, amount_cents, body, previous_hash, signature, key_id"
        " FROM journal_entries WHERE chain = ? AND number >= ? ORDER BY number",
        (chain, start)).fetchall()
    assert rows, f"the {chain} chain has no entry {start}"
    previous = rows[0][5]
    for till_id, number, stored_at, amount, stored_body, _prev, old_signature, old_key in rows:
        at, body = (stored_at, stored_body) if edit is None else edit(number, stored_at,
                                                                       stored_body)
        digest = entry_hash(entry_message(previous, till_id, chain, number, at, amount, body))
        signature = old_signature if sign is None else sign(bytes.fromhex(digest)).hex()
        raw.execute("UPDATE journal_entries SET at = ?, body = ?, previous_hash = ?, hash = ?,"
                    " signature = ?, key_id = ? WHERE till_id = ? AND chain = ? AND number = ?",
                    (at, body, previous, digest, signature, key_id or old_key, till_id, chain,
                     number))
        previous = digest
    raw.execute("UPDATE journal_heads SET number = ?, hash = ? WHERE chain = ?",
                (rows[-1][1], previous, chain))


def moved_back(before: str, days: int = 3) -> str:
    """A time `days` before `before` (that of the entry written before the one moved)."""
    return journal_time(from_journal_time(before) - timedelta(days=days))
