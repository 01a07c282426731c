"""The tamper campaign: copies of a real store (tamper_store.py), each altered once as
someone with write access to the file would (every trigger dropped), then checked by
`caisse journal verify`. Every alteration of every class must make it exit 1 and name
the problem. The figures per class are printed at the end of the run ("detected N of N").

The classes: each entry edited, deleted, swapped with the next, re-hashed after an edit
(its chain re-linked), re-signed with a new key put in `till_keys`, back-dated to three
days before the entry written before it (re-hashed and re-signed with the till's own
key); each chain cut anywhere before what the last Z recorded (its head moved back);
each business table edited alone; the till's id changed. What only the server can show
(a cut of what followed the last Z, a journal rewritten whole with the till's key) is
tested with the server in tests/sync."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from pos_app.adapters.signing import KEY_FILE, key_id_of
from pos_app.cli import main
from pos_app.storage.connection import store_path
from tests.integration.tamper_store import build_store, moved_back, opened_raw, rewrite_chain

Alteration = Callable[[sqlite3.Connection, Path], None]


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    alter: Alteration
    full: bool = False  # checked with --full (the class needs every signature)


@pytest.fixture(scope="module")
def real_store(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(demo_template, tmp_path_factory.mktemp("tamper") / "store")


@pytest.fixture(scope="module")
def entries(real_store: Path) -> list[tuple[int, str, int, str]]:
    """Every entry of the real store as (seq, chain, number, at), in the order written."""
    connection = sqlite3.connect(store_path(real_store))
    try:
        return connection.execute("SELECT seq, chain, number, at FROM journal_entries"
                                  " ORDER BY seq").fetchall()
    finally:
        connection.close()


def verify(data_dir: Path, full: bool) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(["--data-dir", str(data_dir), "--json", "journal", "verify",
                       *(["--full"] if full else [])])
    return status, json.loads(out.getvalue())


def run_class(real_store: Path, tmp_path: Path, cases: list[Case],
              record_property: Callable[[str, object], None], label: str) -> None:
    missed: list[str] = []
    for index, case in enumerate(cases):
        copy = tmp_path / f"case-{index}"
        shutil.copytree(real_store, copy)
        with opened_raw(copy) as raw:
            case.alter(raw, copy)
        status, report = verify(copy, case.full)
        if status != 1 or not report.get("problems"):
            missed.append(f"{case.name}: exit {status}, {report}")
        shutil.rmtree(copy)
    figure = f"{label}: detected {len(cases) - len(missed)} of {len(cases)}"
    record_property("tamper campaign", figure)
    assert cases, "the class has no case on this store"
    assert not missed, figure + "\n" + "\n".join(missed)


def test_the_real_store_is_sound(real_store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(real_store, copy)
    for full in (False, True):
        status, report = verify(copy, full)
        assert status == 0 and report["ok"], report
    assert {"order", "training", "closure", "duplicate", "archive", "event"} <= set(
        report["entries"])


# -- each entry -------------------------------------------------------------------------


def _edit(chain: str, number: int) -> Alteration:
    def alter(raw: sqlite3.Connection, _dir: Path) -> None:
        raw.execute("UPDATE journal_entries SET body = replace(body, '}', ',\"x\":1}'),"
                    " amount_cents = amount_cents + 100 WHERE chain = ? AND number = ?",
                    (chain, number))
    return alter


def _delete(chain: str, number: int) -> Alteration:
    def alter(raw: sqlite3.Connection, _dir: Path) -> None:
        raw.execute("DELETE FROM journal_entries WHERE chain = ? AND number = ?",
                    (chain, number))
    return alter


def _swap(chain: str, number: int) -> Alteration:
    def alter(raw: sqlite3.Connection, _dir: Path) -> None:
        where = "WHERE chain = ? AND number = ?"
        raw.execute(f"UPDATE journal_entries SET number = -1 {where}", (chain, number))
        raw.execute(f"UPDATE journal_entries SET number = ? {where}",
                    (number, chain, number + 1))
        raw.execute(f"UPDATE journal_entries SET number = ? {where}", (number + 1, chain, -1))
    return alter


def _rehash(chain: str, number: int) -> Alteration:
    def alter(raw: sqlite3.Connection, data_dir: Path) -> None:
        _edit(chain, number)(raw, data_dir)
        rewrite_chain(raw, chain, number, None)
    return alter


def _resign_with_new_key(chain: str, number: int) -> Alteration:
    def alter(raw: sqlite3.Connection, data_dir: Path) -> None:
        key = Ed25519PrivateKey.generate()
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        key_id = key_id_of(public)
        raw.execute("INSERT INTO till_keys (key_id, public_key, created_at)"
                    " SELECT ?, ?, created_at FROM till_keys LIMIT 1", (key_id, public.hex()))
        _edit(chain, number)(raw, data_dir)
        rewrite_chain(raw, chain, number, key.sign, key_id)
    return alter


def _own_key(data_dir: Path) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(
        bytes.fromhex((data_dir / KEY_FILE).read_text().strip()))


def _back_date(chain: str, number: int, before: str) -> Alteration:
    def alter(raw: sqlite3.Connection, data_dir: Path) -> None:
        raw.execute("UPDATE journal_entries SET at = ? WHERE chain = ? AND number = ?",
                    (moved_back(before), chain, number))
        rewrite_chain(raw, chain, number, _own_key(data_dir).sign)
    return alter


ENTRY_CLASSES: dict[str, Callable[[str, int], Alteration]] = {
    "edited": _edit, "deleted": _delete, "re-hashed": _rehash,
    "re-signed with a new key": _resign_with_new_key}


@pytest.mark.parametrize("label", list(ENTRY_CLASSES))
def test_every_entry_altered(label: str, real_store: Path, tmp_path: Path,
                             entries: list[tuple[int, str, int, str]],
                             record_property: Callable[[str, object], None]) -> None:
    make = ENTRY_CLASSES[label]
    run_class(real_store, tmp_path,
              [Case(f"{chain} {number} {label}", make(chain, number))
               for _seq, chain, number, _at in entries], record_property, f"entry {label}")


def test_every_entry_swapped_with_the_next(real_store: Path, tmp_path: Path,
                                           entries: list[tuple[int, str, int, str]],
                                           record_property: Callable[[str, object], None]
                                           ) -> None:
    last = {chain: number for _seq, chain, number, _at in entries}
    run_class(real_store, tmp_path,
              [Case(f"{chain} {number} swapped", _swap(chain, number))
               for _seq, chain, number, _at in entries if number < last[chain]],
              record_property, "entries reordered")


def test_every_entry_back_dated(real_store: Path, tmp_path: Path,
                                entries: list[tuple[int, str, int, str]],
                                record_property: Callable[[str, object], None]) -> None:
    """Three days before the entry written before it (the first entry has none), re-hashed
    and re-signed with the till's own key: the time order gives it away."""
    run_class(real_store, tmp_path,
              [Case(f"{chain} {number} back-dated", _back_date(chain, number, before[3]))
               for before, (_seq, chain, number, _at) in pairwise(entries)],
              record_property, "entry back-dated")


# -- chains cut -------------------------------------------------------------------------


def _cut(chain: str, keep: int) -> Alteration:
    def alter(raw: sqlite3.Connection, _dir: Path) -> None:
        raw.execute("DELETE FROM journal_entries WHERE chain = ? AND number > ?",
                    (chain, keep))
        if keep == 0:
            raw.execute("DELETE FROM journal_heads WHERE chain = ?", (chain,))
        else:
            raw.execute("UPDATE journal_heads SET number = ?, hash = (SELECT hash FROM"
                        " journal_entries WHERE chain = ? AND number = ?) WHERE chain = ?",
                        (keep, chain, keep, chain))
    return alter


def _heads_at_last_z(real_store: Path) -> dict[str, int]:
    """Each chain's number when the last Z was written: what that Z recorded."""
    connection = sqlite3.connect(store_path(real_store))
    try:
        (z_seq,) = connection.execute(
            "SELECT max(seq) FROM journal_entries WHERE chain = 'closure'").fetchone()
        return dict(connection.execute(
            "SELECT chain, max(number) FROM journal_entries WHERE seq < ? GROUP BY chain",
            (z_seq,)).fetchall())
    finally:
        connection.close()


def test_every_chain_cut_before_the_last_z(real_store: Path, tmp_path: Path,
                                           record_property: Callable[[str, object], None]
                                           ) -> None:
    heads = _heads_at_last_z(real_store)
    heads["closure"] = heads.get("closure", 0) + 1  # the last Z itself
    run_class(real_store, tmp_path,
              [Case(f"{chain} cut to {keep}", _cut(chain, keep))
               for chain, head in sorted(heads.items()) for keep in range(head)],
              record_property, "chain cut")


# -- the business tables alone ------------------------------------------------------------

FIRST_SALE = "(SELECT id FROM orders WHERE training = 0 ORDER BY sequence LIMIT 1)"
CANCELLED = "(SELECT id FROM orders WHERE cancelled_at IS NOT NULL LIMIT 1)"
TABLE_EDITS: dict[str, list[str]] = {
    "orders": [
        f"DELETE FROM order_lines WHERE order_id = {FIRST_SALE}",
        f"UPDATE orders SET total_cents = total_cents - 100 WHERE id = {FIRST_SALE}",
        f"UPDATE orders SET created_at = '2026-07-01 08:00:00.000000' WHERE id = {FIRST_SALE}",
        "UPDATE orders SET created_at = replace(created_at, '+00:00', '+02:00')"
        f" WHERE id = {FIRST_SALE}",
        "INSERT INTO orders SELECT 'forged', number || 'X', till_id, sequence + 100,"
        " created_at, staff_id, payer_id, total_cents, status, cancelled_at, cancelled_by,"
        " cancel_reason, cancelled_till_id, training, session_id, cancelled_session_id,"
        " discount_cents, discount_percent, discount_reason, discount_by, postal_code"
        f" FROM orders WHERE id = {FIRST_SALE}",
        # A discount given to a sale after the fact, its total left alone.
        "UPDATE orders SET discount_cents = 100, discount_reason = 'Fidélité'"
        f" WHERE id = {FIRST_SALE}",
    ],
    "orders (deleted with its rows)": [
        f"DELETE FROM order_vat WHERE order_id = {FIRST_SALE};"
        f" DELETE FROM payments WHERE order_id = {FIRST_SALE};"
        f" DELETE FROM order_lines WHERE order_id = {FIRST_SALE};"
        f" DELETE FROM orders WHERE id = {FIRST_SALE}",
    ],
    "cancellations": [
        f"UPDATE orders SET cancelled_at = NULL, cancelled_by = NULL, cancel_reason = NULL,"
        f" status = 'validated' WHERE id = {CANCELLED}",
        f"UPDATE orders SET cancel_reason = 'autre' WHERE id = {CANCELLED}",
    ],
    "order_lines": [
        "UPDATE order_lines SET unit_price_cents = unit_price_cents - 100, total_cents ="
        f" total_cents - 100 WHERE order_id = {FIRST_SALE} AND position = 0",
        f"UPDATE order_lines SET vat_rate_bp = 550 WHERE order_id = {FIRST_SALE}",
        f"UPDATE order_lines SET quantity = quantity + 1 WHERE order_id = {FIRST_SALE}"
        " AND position = 0",
        f"UPDATE order_lines SET label = 'Autre' WHERE order_id = {FIRST_SALE}",
        "UPDATE order_lines SET discount_cents = 100, discount_reason = 'Fidélité'"
        f" WHERE order_id = {FIRST_SALE} AND position = 0",
        "UPDATE order_lines SET basket_discount_cents = 100"
        f" WHERE order_id = {FIRST_SALE} AND position = 0",
    ],
    "order_vat": [
        f"UPDATE order_vat SET vat_cents = vat_cents - 10, excl_cents = excl_cents + 10"
        f" WHERE order_id = {FIRST_SALE}",
    ],
    "payments": [
        "UPDATE payments SET method_code = 'CB' WHERE id = (SELECT id FROM payments"
        " WHERE method_code = 'ESP' AND training = 0 LIMIT 1)",
        "UPDATE payments SET amount_cents = amount_cents - 100 WHERE id = (SELECT id FROM"
        " payments WHERE training = 0 LIMIT 1)",
        "DELETE FROM payments WHERE id = (SELECT id FROM payments WHERE training = 0"
        " ORDER BY taken_at DESC LIMIT 1)",
        "INSERT INTO payments SELECT 'forged', order_id, method_code, amount_cents,"
        " change_cents, taken_at, staff_id, till_id, training, session_id FROM payments"
        " WHERE training = 0 LIMIT 1",
    ],
    "credit_notes": [
        "UPDATE credit_notes SET total_cents = total_cents + 100",
        "DELETE FROM credit_note_vat; DELETE FROM credit_note_lines; DELETE FROM refunds"
        " WHERE credit_note_id IS NOT NULL; DELETE FROM credit_notes",
    ],
    "credit_note_lines": ["UPDATE credit_note_lines SET quantity = quantity + 1",
                          "UPDATE credit_note_lines SET discount_cents = discount_cents + 1"],
    "credit_note_vat": ["UPDATE credit_note_vat SET vat_cents = vat_cents + 10"],
    "refunds": [
        "UPDATE refunds SET method_code = 'CB' WHERE method_code = 'ESP'",
        "UPDATE refunds SET amount_cents = amount_cents - 100",
        "DELETE FROM refunds WHERE id = (SELECT id FROM refunds LIMIT 1)",
    ],
    "cash_movements": [
        "UPDATE cash_movements SET amount_cents = amount_cents - 100 WHERE kind = 'out'",
        "DELETE FROM cash_movements WHERE id = (SELECT id FROM cash_movements LIMIT 1)",
        "UPDATE cash_movements SET kind = 'in' WHERE kind = 'out'",
    ],
    "closures": [
        "UPDATE closures SET counted_cash_cents = counted_cash_cents - 500 WHERE kind = 'z'",
        "UPDATE closures SET takings_cents = takings_cents - 500 WHERE kind = 'z'",
        "UPDATE closures SET expected_cash_cents = expected_cash_cents - 500"
        " WHERE kind = 'z'",
        "DELETE FROM closure_methods WHERE closure_id = (SELECT id FROM closures"
        " ORDER BY number DESC LIMIT 1); DELETE FROM closures WHERE id = (SELECT id FROM"
        " closures ORDER BY number DESC LIMIT 1)",
    ],
    "closure_methods": ["UPDATE closure_methods SET counted_cents = counted_cents - 500"
                        " WHERE method_code = 'ESP'"],
}


def _statements(sql: str) -> Alteration:
    def alter(raw: sqlite3.Connection, _dir: Path) -> None:
        changed = 0
        for statement in sql.split(";"):
            changed += raw.execute(statement).rowcount
        assert changed > 0, f"nothing changed: {sql}"  # a case that alters nothing proves nothing
    return alter


def test_each_business_table_edited_alone(real_store: Path, tmp_path: Path,
                                          record_property: Callable[[str, object], None]
                                          ) -> None:
    run_class(real_store, tmp_path,
              [Case(f"{table}: {sql}", _statements(sql))
               for table, edits in TABLE_EDITS.items() for sql in edits],
              record_property, "business table edited alone")


# -- the till's id ------------------------------------------------------------------------

NEW_ID = "'00000000-0000-4000-8000-000000000000'"


def test_the_till_id_changed(real_store: Path, tmp_path: Path,
                             record_property: Callable[[str, object], None]) -> None:
    run_class(real_store, tmp_path, [
        Case("the local till's id", _statements(f"UPDATE tills SET id = {NEW_ID}")),
        Case("the journal's till id", _statements(
            f"UPDATE journal_entries SET till_id = {NEW_ID};"
            f" UPDATE journal_heads SET till_id = {NEW_ID}")),
        Case("every id", _statements(
            f"UPDATE journal_entries SET till_id = {NEW_ID};"
            f" UPDATE journal_heads SET till_id = {NEW_ID}; UPDATE tills SET id = {NEW_ID}")),
        Case("the journal emptied", _statements(
            "DELETE FROM journal_entries; DELETE FROM journal_heads")),
    ], record_property, "till id changed or journal emptied")


@pytest.fixture(autouse=True)
def _no_leftovers(tmp_path: Path) -> Iterator[None]:
    yield
    for leftover in tmp_path.glob("case-*"):
        shutil.rmtree(leftover)
