"""The fiscal journal on a real store: written with each action, refused by triggers when
altered through SQL, and any alteration made to the file directly found by `journal
verify`, which names the entry."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store, open_store
from pos_app.domain.journal import Chain, ChainHead, JournalProblem, next_entry
from pos_app.domain.staff import StaffMember
from pos_app.services import orders, selling
from pos_app.services.context import Context
from pos_app.services.journal import record_start, record_stop
from pos_app.services.journal_check import verify_journal
from pos_app.services.selling import PaymentRequest
from pos_app.storage.connection import store_path
from tests.integration.tamper_store import opened_raw, rewrite_chain
from tests.integration.test_cli import caisse
from tests.integration.test_selling_services import basket_of

SALES = 6


@pytest.fixture
def sold(store: Store, ctx: Context, cashier: StaffMember, manager: StaffMember,
         clock: FrozenClock) -> Store:
    """Six sales, the third cancelled (its 50 € given back in cash) and the fourth paid
    later; then the store closes, so that tests can alter its file."""
    for index in range(SALES):
        clock.advance(timedelta(minutes=7))
        payments = [] if index == 3 else [PaymentRequest("ESP", 5000)]
        selling.sell(ctx, cashier, basket_of(ctx, "balade-poney-1h", "cafe"), payments,
                     validate_without_paying=index == 3)
    orders.cancel_order(ctx, manager, "CD2-000003", "erreur de saisie")
    orders.pay_order(ctx, cashier, "CD2-000004", "CB", 1560)
    store.close()
    return store


def reopened(store: Store) -> Store:
    return open_store(store.data_dir)


@pytest.fixture
def raw(sold: Store) -> Iterator[sqlite3.Connection]:
    """The store file, opened as an attacker would: the triggers that refuse changes
    dropped first (those that chain new entries stay, so the till can still write)."""
    with opened_raw(sold.data_dir) as connection:
        yield connection


def problems(store: Store, full: bool = False) -> list[JournalProblem]:
    opened = reopened(store)
    try:
        return verify_journal(opened.context, every_signature=full).problems
    finally:
        opened.close()


def order_rows(connection: sqlite3.Connection) -> list[tuple[int, str]]:
    return connection.execute("SELECT number, body FROM journal_entries WHERE chain = 'order'"
                              " ORDER BY number").fetchall()


def test_every_action_is_journaled_and_the_journal_verifies(sold: Store) -> None:
    opened = reopened(sold)
    try:
        report = verify_journal(opened.context, every_signature=True)
        with opened.context.uow(write=False) as uow:
            till_id = uow.tills.local().id  # type: ignore[union-attr]
            bodies = [json.loads(entry[5]) for entry in uow.journal.rows(till_id, Chain.ORDER)]
            events = [entry[5] for entry in uow.journal.rows(till_id, Chain.EVENT)]
    finally:
        opened.close()
    assert report.ok, report.problems
    assert not any(holds_a_float(json.loads(body)) for body in events), "integers only"
    assert [body["kind"] for body in bodies] == ["sale"] * SALES + ["cancellation", "refund",
                                                                    "payment"]
    assert not any(holds_a_float(body) for body in bodies), "amounts are integer cents"
    assert report.entries[Chain.ORDER] == SALES + 3
    assert '"event":"key_created"' in events[0]
    assert sum('"event":"sign_in"' in event for event in events) == 2


def holds_a_float(value: object) -> bool:
    if isinstance(value, dict):
        return any(holds_a_float(item) for item in value.values())
    if isinstance(value, list):
        return any(holds_a_float(item) for item in value)
    return isinstance(value, float)


def test_the_store_refuses_to_change_or_remove_entries(sold: Store) -> None:
    connection = sqlite3.connect(store_path(sold.data_dir), isolation_level=None)
    try:
        for statement in ("UPDATE journal_entries SET amount_cents = 0 WHERE number = 1",
                          "DELETE FROM journal_entries WHERE number = 1",
                          "DELETE FROM journal_heads",
                          "UPDATE journal_heads SET number = 1",
                          "DELETE FROM till_keys", "UPDATE till_keys SET public_key = 'x'"):
            with pytest.raises(sqlite3.IntegrityError, match=r"never|only moves"):
                connection.execute(statement)
        last = connection.execute("SELECT till_id, number, hash FROM journal_entries WHERE"
                                  " chain = 'order' ORDER BY number DESC LIMIT 1").fetchone()
        forged = ("INSERT INTO journal_entries (till_id, chain, number, at, amount_cents,"
                  " body, previous_hash, hash, signature, key_id)"
                  " VALUES (?, 'order', ?, '2026-07-11T10:00:00Z', 0, '{}', ?, 'x', 'x', 'x')")
        for number, previous in ((last[1] + 2, last[2]), (last[1] + 1, "0" * 64)):
            with pytest.raises(sqlite3.IntegrityError, match="must follow its chain head"):
                connection.execute(forged, (last[0], number, previous))
    finally:
        connection.close()


def test_a_changed_byte_in_a_payload_is_found(sold: Store, raw: sqlite3.Connection) -> None:
    number, body = order_rows(raw)[1]
    raw.execute("UPDATE journal_entries SET body = ? WHERE chain = 'order' AND number = ?",
                (body.replace('"total_cents":1560', '"total_cents":2150', 1), number))
    assert [(p.chain, p.number) for p in problems(sold)] == [("order", 2)]
    assert "content does not match its hash" in problems(sold)[0].reason


def test_a_deleted_entry_is_found(sold: Store, raw: sqlite3.Connection) -> None:
    raw.execute("DELETE FROM journal_entries WHERE chain = 'order' AND number = 3")
    found = problems(sold)
    assert (found[0].chain, found[0].number) == ("order", 4)
    assert "entry 3 is missing" in found[0].reason


def test_two_swapped_entries_are_found(sold: Store, raw: sqlite3.Connection) -> None:
    rows = dict(order_rows(raw))
    for number, other in ((2, 5), (5, 2)):
        raw.execute("UPDATE journal_entries SET body = ? WHERE chain = 'order' AND number = ?",
                    (rows[other], number))
    assert [(p.chain, p.number) for p in problems(sold)] == [("order", 2)]


def test_a_journal_cut_short_is_found(sold: Store, raw: sqlite3.Connection) -> None:
    raw.execute("DELETE FROM journal_entries WHERE chain = 'order' AND number > 5")
    found = problems(sold)
    assert [(p.chain, p.number) for p in found] == [("order", 6)]
    assert "entries 6 to 9 are missing" in found[0].reason


def forge_from(raw: sqlite3.Connection, first: int, change: str) -> str:
    """Rewrite the order chain from entry `first` on, with a new key: hashes and links
    all recomputed, the head moved. Returns the forger's public key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    rows = raw.execute("SELECT till_id, number, at, amount_cents, body, previous_hash"
                       " FROM journal_entries WHERE chain = 'order' AND number >= ?"
                       " ORDER BY number", (first,)).fetchall()
    head: ChainHead | None = ChainHead(first - 1, rows[0][5]) if first > 1 else None
    for till_id, number, at, amount, stored, _previous in rows:
        body = stored.replace('"total_cents":1560', change, 1) if number == first else stored
        entry = next_entry(head, till_id, Chain.ORDER, datetime.fromisoformat(at), amount,
                           json.loads(body),
                           key.sign, "forger")
        raw.execute("UPDATE journal_entries SET body = ?, previous_hash = ?, hash = ?,"
                    " signature = ?, key_id = ? WHERE chain = 'order' AND number = ?",
                    (entry.body, entry.previous_hash, entry.hash, entry.signature,
                     entry.key_id, number))
        head = ChainHead(number, entry.hash)
    assert head is not None
    raw.execute("UPDATE journal_heads SET number = ?, hash = ? WHERE chain = 'order'",
                (head.number, head.hash))
    return public


def test_a_chain_re_signed_with_another_key_is_found(sold: Store,
                                                     raw: sqlite3.Connection) -> None:
    forge_from(raw, 2, '"total_cents":1000')
    # The key each entry names is checked in the default mode too: entry 2 is the first
    # signed under a key the journal does not prove.
    for full in (False, True):
        found = problems(sold, full=full)
        assert [(p.chain, p.number) for p in found] == [("order", 2)]
        assert "signed under key forger" in found[0].reason


def test_a_forged_key_in_the_store_is_found(sold: Store, raw: sqlite3.Connection) -> None:
    public = forge_from(raw, 2, '"total_cents":1000')
    raw.execute("DELETE FROM till_keys")
    raw.execute("INSERT INTO till_keys VALUES ('forger', ?, '2026-07-11T08:00:00+00:00')",
                (public,))
    found = problems(sold, full=True)
    assert ("keys", 0) in [(p.chain, p.number) for p in found]
    assert any("not this till's key" in p.reason for p in found)


def test_verify_on_the_command_line_names_the_entry_and_fails(
        sold: Store, raw: sqlite3.Connection) -> None:
    assert caisse(sold.data_dir, "journal", "verify").returncode == 0
    raw.execute("DELETE FROM journal_entries WHERE chain = 'order' AND number = 3")
    result = caisse(sold.data_dir, "journal", "verify", "--full")
    assert result.returncode == 1
    assert '"number": 4' in result.stdout and "entry 3 is missing" in result.stdout


def test_a_failed_verification_is_recorded_in_the_event_journal(
        sold: Store, raw: sqlite3.Connection) -> None:
    raw.execute("DELETE FROM journal_entries WHERE chain = 'order' AND number = 3")
    problems(sold)
    last = raw.execute("SELECT body FROM journal_entries WHERE chain = 'event'"
                       " ORDER BY number DESC LIMIT 1").fetchone()[0]
    assert '"event":"verification_failure"' in last and "entry 3 is missing" in last


def test_starts_record_a_new_version_and_a_clock_gone_back(ctx: Context,
                                                           clock: FrozenClock) -> None:
    record_start(ctx, "1.0.0")
    record_stop(ctx)
    clock.advance(timedelta(hours=1))
    record_start(ctx, "1.0.0")
    clock.advance(timedelta(hours=-3))  # someone set the clock back
    record_start(ctx, "1.1.0")
    with ctx.uow(write=False) as uow:
        till_id = uow.tills.local().id  # type: ignore[union-attr]
        events = [json.loads(row[5]) for row in uow.journal.rows(till_id, Chain.EVENT)]
    names = [event["event"] for event in events]
    assert names[-6:] == ["start", "stop", "start", "clock_jump", "software_version", "start"]
    assert (events[-2]["previous"], events[-2]["version"]) == ("1.0.0", "1.1.0")
    assert events[-3]["newest_entry"] == "2026-07-11T09:00:00Z"
    assert verify_journal(ctx).ok


def test_a_price_change_goes_in_the_event_journal(ctx: Context,
                                                  manager: StaffMember) -> None:
    from pos_app.services.importing import import_data

    import_data(ctx, manager, {"products": [
        {"id": "cafe", "name": "Café", "category": "snack", "vat_rate": "20",
         "prices": [{"id": "unique", "label": "Prix", "amount": "1.80"}]}]})
    import_data(ctx, manager, {"products": [  # the same price again: nothing to say
        {"id": "cafe", "name": "Café", "category": "snack", "vat_rate": "20",
         "prices": [{"id": "unique", "label": "Prix", "amount": "1.80"}]}]})
    with ctx.uow(write=False) as uow:
        till_id = uow.tills.local().id  # type: ignore[union-attr]
        events = [json.loads(row[5]) for row in uow.journal.rows(till_id, Chain.EVENT)]
    changes = [event for event in events if event["event"] == "price_change"]
    assert len(changes) == 1
    assert changes[0]["products"] == [{"product_id": "cafe",
                                       "before": [["unique", "Prix", 160]],
                                       "after": [["unique", "Prix", 180]]}]
    assert changes[0]["staff_id"] == manager.id


# -- time order ----------------------------------------------------------------------------


def re_sign(raw: sqlite3.Connection, store: Store, chain: str, first: int,
            times: dict[int, str] | None = None) -> None:
    """Rewrite `chain` from entry `first` on as someone holding the till's own key would:
    `times` changed, every hash, link and signature recomputed, the head moved. Only
    the rules that do not rest on hashes or signatures can then find it."""
    opened = reopened(store)
    try:
        signer = opened.context.signer
        rewrite_chain(raw, chain, first, signer.sign, signer.key_id,
                      lambda number, at, body: ((times or {}).get(number, at), body))
    finally:
        opened.close()


def test_a_sale_back_dated_and_re_signed_with_the_till_s_key_is_found(
        sold: Store, raw: sqlite3.Connection) -> None:
    at = raw.execute("SELECT at FROM journal_entries WHERE chain = 'order' AND number = 3"
                     ).fetchone()[0]
    earlier = (datetime.fromisoformat(at) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    re_sign(raw, sold, "order", 3, {3: earlier})
    found = problems(sold, full=True)  # every hash and signature holds
    assert [(p.chain, p.number) for p in found] == [("order", 3)]
    assert earlier in found[0].reason and "no clock jump is journaled" in found[0].reason
    result = caisse(sold.data_dir, "journal", "verify", "--full")
    assert result.returncode == 1 and earlier in result.stdout


def test_a_clock_set_back_at_the_till_is_journaled_and_sound(
        ctx: Context, cashier: StaffMember, clock: FrozenClock) -> None:
    for back in (timedelta(0), timedelta(hours=-3), timedelta(days=-2)):
        clock.current += back
        selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 160)])
    with ctx.uow(write=False) as uow:
        till_id = uow.tills.local().id  # type: ignore[union-attr]
        times = [row[1] for row in uow.journal.rows(till_id, Chain.ORDER)]
        jumps = [row for row in uow.journal.store_order(till_id) if row[3] == "clock_jump"]
    assert times == sorted(times, reverse=True) and len(jumps) == 2
    report = verify_journal(ctx, every_signature=True)
    assert report.ok, report.problems


# -- a journal emptied, moved to another till id, or without its start ---------------------


def test_a_journal_removed_whole_is_not_sound(sold: Store, raw: sqlite3.Connection) -> None:
    raw.execute("DELETE FROM journal_entries")
    raw.execute("DELETE FROM journal_heads")
    found = problems(sold)
    assert ("order", 0) in [(p.chain, p.number) for p in found]
    assert any("no entries" in p.reason and "orders" in p.reason for p in found)
    # The failure the till then records does not make the next check pass.
    result = caisse(sold.data_dir, "journal", "verify")
    assert result.returncode == 1 and "the chain has no entries" in result.stdout


@pytest.mark.parametrize("columns", [False, True], ids=["the till", "every record"])
def test_a_till_id_changed_in_the_store_is_not_sound(sold: Store, raw: sqlite3.Connection,
                                                     columns: bool) -> None:
    old = raw.execute("SELECT id FROM tills WHERE is_local").fetchone()[0]
    new = "01a22de3-0000-7000-8000-000000000000"
    raw.execute("DROP TRIGGER IF EXISTS tills_never_change")
    tables = ["tills"] + (["orders", "payments", "refunds", "closures", "cash_movements",
                           "till_sessions"] if columns else [])
    for table in tables:
        column = "id" if table == "tills" else "till_id"
        raw.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (new, old))
    found = problems(sold)
    assert ("journal", 0) in [(p.chain, p.number) for p in found]
    assert any(old in p.reason and "another till" in p.reason for p in found)
    assert caisse(sold.data_dir, "journal", "verify").returncode == 1


def test_an_event_journal_without_its_first_entry_is_not_sound(
        sold: Store, raw: sqlite3.Connection) -> None:
    raw.execute("DELETE FROM journal_entries WHERE chain = 'event' AND number = 1")
    assert caisse(sold.data_dir, "journal", "verify").returncode == 1
    assert ("event", 2) in [(p.chain, p.number) for p in problems(sold)]


def test_an_event_journal_re_made_without_the_key_announcement_is_not_sound(
        sold: Store, raw: sqlite3.Connection) -> None:
    """Its entries renumbered from 1 without key_created and re-signed with the till's
    own key: every link and signature holds, only its start is wrong."""
    rows = raw.execute("SELECT seq, till_id, at, amount_cents, body FROM journal_entries"
                       " WHERE chain = 'event' ORDER BY number").fetchall()
    assert '"event":"key_created"' in rows[0][4]
    raw.execute("DELETE FROM journal_entries WHERE chain = 'event'")
    raw.execute("DELETE FROM journal_heads WHERE chain = 'event'")
    opened = reopened(sold)
    try:
        signer = opened.context.signer
        head: ChainHead | None = None
        for seq, till_id, at, amount, body in rows[1:]:
            entry = next_entry(head, till_id, Chain.EVENT, datetime.fromisoformat(at), amount,
                               json.loads(body), signer.sign, signer.key_id)
            raw.execute("INSERT INTO journal_entries (seq, till_id, chain, number, at,"
                        " amount_cents, body, previous_hash, hash, signature, key_id)"
                        " VALUES (?, ?, 'event', ?, ?, ?, ?, ?, ?, ?, ?)",
                        (seq, till_id, entry.number, entry.at, amount, entry.body,
                         entry.previous_hash, entry.hash, entry.signature, entry.key_id))
            head = ChainHead(entry.number, entry.hash)
    finally:
        opened.close()
    found = problems(sold, full=True)
    assert [(p.chain, p.number) for p in found] == [("event", 1)]
    assert "key_created" in found[0].reason


def test_a_till_made_by_init_verifies(tmp_path: Path) -> None:
    assert caisse(tmp_path, "init").returncode == 0
    result = caisse(tmp_path, "journal", "verify", "--full")
    assert result.returncode == 0, result.stdout


def test_a_new_till_s_journal_removed_is_not_sound(tmp_path: Path) -> None:
    """Nothing sold yet, so no record misses its entry: the key recorded at the first
    entry tells that there was a journal."""
    assert caisse(tmp_path, "init").returncode == 0
    raw = sqlite3.connect(store_path(tmp_path), isolation_level=None)
    try:
        for name in ("journal_entries_no_delete", "journal_heads_no_delete"):
            raw.execute(f"DROP TRIGGER {name}")
        raw.execute("DELETE FROM journal_entries")
        raw.execute("DELETE FROM journal_heads")
    finally:
        raw.close()
    result = caisse(tmp_path, "journal", "verify")
    assert result.returncode == 1 and "signing key(s) are recorded" in result.stdout
