"""One key per till, proven: the key announced by event entry 1, then only keys that a
rotation signed by the previous key brings. A till whose key is gone signs nothing, and
a key merely recorded in `till_keys` proves nothing to `journal verify`."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pos_app.adapters.signing import KEY_FILE, KEY_INFO_FILE
from pos_app.bootstrap import Store
from pos_app.domain.journal import Chain, ChainHead, next_entry
from pos_app.services import selling
from pos_app.services.ports import SigningKeyUnavailable
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in
from tests.integration.test_cli import caisse
from tests.integration.test_journal import problems, raw, reopened, sold
from tests.integration.test_selling_services import basket_of

__all__ = ["raw", "sold"]  # fixtures

SALE = json.dumps({"lines": [{"product": "cafe", "quantity": 1}],
                   "payments": [{"method": "ESP", "amount": "1.60"}]})


def counts(data_dir: Path) -> tuple[int, int, int]:
    from pos_app.storage.connection import store_path

    connection = sqlite3.connect(store_path(data_dir))
    try:
        return connection.execute(
            "SELECT (SELECT count(*) FROM journal_entries), (SELECT count(*) FROM orders),"
            " (SELECT count(*) FROM till_keys)").fetchone()
    finally:
        connection.close()


def remove_key_files(data_dir: Path) -> None:
    for name in (KEY_FILE, KEY_INFO_FILE):
        (data_dir / name).unlink(missing_ok=True)


def test_a_till_whose_key_files_are_gone_refuses_to_sign_and_verify_fails(
        sold: Store) -> None:
    opened = reopened(sold)
    try:
        cashier = sign_in(opened.context, "caissier", "1234")  # while the key is there
    finally:
        opened.close()
    before = counts(sold.data_dir)
    remove_key_files(sold.data_dir)
    opened = reopened(sold)
    try:
        ctx = opened.context
        with pytest.raises(SigningKeyUnavailable, match=r"signing key is gone.*restore it"):
            selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 160)])
        with pytest.raises(SigningKeyUnavailable):  # every journaled action, signing in too
            sign_in(ctx, "caissier", "1234")
    finally:
        opened.close()
    assert counts(sold.data_dir) == before
    assert not (sold.data_dir / KEY_FILE).exists()  # no new key was made
    refused = caisse(sold.data_dir, "order", "create", stdin=SALE, staff="caissier",
                     secret="1234")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "signing key is gone" in json.loads(refused.stdout)["error"]
    assert counts(sold.data_dir) == before
    verified = caisse(sold.data_dir, "journal", "verify")
    assert verified.returncode == 1, verified.stdout
    assert "signing key is gone" in verified.stdout
    assert counts(sold.data_dir) == before and not (sold.data_dir / KEY_FILE).exists()


def test_a_key_the_journal_does_not_know_signs_nothing(sold: Store) -> None:
    """Another till's key files put in place: the sale is refused, nothing announced."""
    before = counts(sold.data_dir)
    other = sold.data_dir / "other"
    assert caisse(other, "init").returncode == 0
    for name in (KEY_FILE, KEY_INFO_FILE):
        (sold.data_dir / name).write_bytes((other / name).read_bytes())
    refused = caisse(sold.data_dir, "order", "create", stdin=SALE, staff="caissier",
                     secret="1234")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "not the key its journal is signed with" in json.loads(refused.stdout)["error"]
    assert counts(sold.data_dir) == before


def fresh_key() -> tuple[Ed25519PrivateKey, str, str]:
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes_raw().hex()
    return key, hashlib.sha256(bytes.fromhex(public)).hexdigest()[:16], public


def re_sign_with(raw: sqlite3.Connection, key: Ed25519PrivateKey, key_id: str, chain: str,
                 first: int, bodies: dict[int, str] | None = None) -> None:
    """`chain` from entry `first` on re-hashed and re-signed with `key` (a body replaced
    where `bodies` says), its head moved."""
    rows = raw.execute("SELECT till_id, number, at, amount_cents, body, previous_hash"
                       " FROM journal_entries WHERE chain = ? AND number >= ? ORDER BY number",
                       (chain, first)).fetchall()
    head: ChainHead | None = ChainHead(first - 1, rows[0][5]) if first > 1 else None
    for till_id, number, at, amount, stored, _previous in rows:
        body = (bodies or {}).get(number, stored)
        entry = next_entry(head, till_id, Chain(chain), datetime.fromisoformat(at), amount,
                           json.loads(body), key.sign, key_id)
        raw.execute("UPDATE journal_entries SET body = ?, previous_hash = ?, hash = ?,"
                    " signature = ?, key_id = ? WHERE chain = ? AND number = ?",
                    (entry.body, entry.previous_hash, entry.hash, entry.signature, key_id,
                     chain, number))
        head = ChainHead(number, entry.hash)
    assert head is not None
    raw.execute("UPDATE journal_heads SET number = ?, hash = ? WHERE chain = ?",
                (head.number, head.hash, chain))


def test_entries_re_signed_with_a_fresh_key_added_to_till_keys_are_found(
        sold: Store, raw: sqlite3.Connection) -> None:
    key, key_id, public = fresh_key()
    raw.execute("INSERT INTO till_keys VALUES (?, ?, '2026-07-11T08:00:00+00:00')",
                (key_id, public))
    re_sign_with(raw, key, key_id, "order", 2)
    for full in (False, True):
        found = problems(sold, full=full)
        assert [(p.chain, p.number) for p in found] == [("order", 2)]
        assert f"signed under key {key_id}" in found[0].reason
    result = caisse(sold.data_dir, "journal", "verify")
    assert result.returncode == 1
    assert '"chain": "order"' in result.stdout and '"number": 2' in result.stdout


def test_a_key_in_till_keys_that_nothing_proves_is_named(
        sold: Store, raw: sqlite3.Connection) -> None:
    _key, key_id, public = fresh_key()
    raw.execute("INSERT INTO till_keys VALUES (?, ?, '2026-07-11T08:00:00+00:00')",
                (key_id, public))
    found = problems(sold, full=True)
    assert [(p.chain, p.number) for p in found] == [("keys", 0)]
    assert key_id in found[0].reason and "proves it" in found[0].reason


def test_a_journal_re_signed_whole_under_a_fresh_announced_key_is_found(
        sold: Store, raw: sqlite3.Connection) -> None:
    """Every chain re-hashed and re-signed with a forger's key, announced as the event
    journal's entry 1, and the only key of till_keys: the journal is consistent in
    itself; only the till's own key (file or keyring) says it is not its journal."""
    key, key_id, public = fresh_key()
    announcement = raw.execute("SELECT body FROM journal_entries WHERE chain = 'event'"
                               " AND number = 1").fetchone()[0]
    forged = json.dumps({**json.loads(announcement), "key_id": key_id, "public_key": public})
    for (chain,) in raw.execute("SELECT DISTINCT chain FROM journal_entries").fetchall():
        re_sign_with(raw, key, key_id, chain, 1, {1: forged} if chain == "event" else None)
    raw.execute("DELETE FROM till_keys")
    raw.execute("INSERT INTO till_keys VALUES (?, ?, '2026-07-11T08:00:00+00:00')",
                (key_id, public))
    found = problems(sold, full=True)
    assert [(p.chain, p.number) for p in found] == [("keys", 0)]
    assert "not this till's key" in found[0].reason
    assert caisse(sold.data_dir, "journal", "verify").returncode == 1
