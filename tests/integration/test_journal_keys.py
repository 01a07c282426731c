"""One key per till, proven: the key announced by event entry 1, then only keys that a
rotation signed by the previous key brings. A till whose key is gone signs nothing, and
a key merely recorded in `till_keys` proves nothing to `journal verify`."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pos_app.adapters.signing import (
    KEY_FILE,
    KEY_INFO_FILE,
    NEXT_INFO_FILE,
    NEXT_KEY_FILE,
    Ed25519Signer,
)
from pos_app.bootstrap import Store
from pos_app.domain.journal import Chain, ChainHead, canonical_json, next_entry
from pos_app.services import selling
from pos_app.services.ports import SigningKeyUnavailable
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in
from tests.integration.tamper_store import rewrite_chain
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
    rewrite_chain(raw, chain, first, key.sign, key_id, lambda number, at, body: (
        at, canonical_json(json.loads((bodies or {}).get(number, body)))))


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


# -- rotation ------------------------------------------------------------------------------


def test_an_honest_rotation_verifies_and_the_new_key_signs_on(sold: Store) -> None:
    old_id = json.loads((sold.data_dir / KEY_INFO_FILE).read_text())["key_id"]
    old_private = (sold.data_dir / KEY_FILE).read_text()
    refused = caisse(sold.data_dir, "journal", "rotate-key", staff="caissier", secret="1234")
    assert refused.returncode == 1 and "manager" in json.loads(refused.stdout)["error"]
    rotated = caisse(sold.data_dir, "journal", "rotate-key", staff="gerant", secret="4321")
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    said = json.loads(rotated.stdout)
    assert said["previous_key_id"] == old_id and said["key_id"] != old_id
    info = json.loads((sold.data_dir / KEY_INFO_FILE).read_text())
    assert (info["key_id"], info["public_key"]) == (said["key_id"], said["public_key"])
    assert (sold.data_dir / KEY_FILE).read_text() != old_private  # the old key is removed
    assert caisse(sold.data_dir, "order", "create", stdin=SALE, staff="caissier",
                  secret="1234").returncode == 0
    from pos_app.storage.connection import store_path

    connection = sqlite3.connect(store_path(sold.data_dir))
    try:
        signers = connection.execute("SELECT key_id FROM journal_entries ORDER BY seq"
                                     ).fetchall()
        body, key_id = connection.execute(
            "SELECT body, key_id FROM journal_entries WHERE chain = 'event' AND number = ?",
            (said["event_entry"],)).fetchone()
    finally:
        connection.close()
    assert json.loads(body)["event"] == "key_rotated" and key_id == old_id
    assert signers[-1] == (said["key_id"],)
    result = caisse(sold.data_dir, "journal", "verify", "--full")
    assert result.returncode == 0, result.stdout


def test_a_rotation_signed_by_a_foreign_key_is_found(sold: Store,
                                                     raw: sqlite3.Connection) -> None:
    """A key_rotated entry appended by someone without the till's key: signed by their
    own key, under the till's key id, with the new key recorded in till_keys."""
    key, key_id, public = fresh_key()
    till_id, old_id, number, digest = raw.execute(
        "SELECT e.till_id, e.key_id, h.number, h.hash FROM journal_heads AS h JOIN"
        " journal_entries AS e ON e.chain = h.chain AND e.number = h.number"
        " WHERE h.chain = 'event'").fetchone()
    rotation = next_entry(ChainHead(number, digest), till_id, Chain.EVENT,
                          datetime(2026, 7, 11, 12, 0, tzinfo=UTC), 0,
                          {"event": "key_rotated", "staff_id": None,
                           "previous_key_id": old_id, "key_id": key_id,
                           "public_key": public}, key.sign, old_id)
    raw.execute("INSERT INTO journal_entries (till_id, chain, number, at, amount_cents,"
                " body, previous_hash, hash, signature, key_id) VALUES (?, 'event', ?, ?,"
                " 0, ?, ?, ?, ?, ?)", (till_id, rotation.number, rotation.at, rotation.body,
                                       rotation.previous_hash, rotation.hash,
                                       rotation.signature, old_id))
    raw.execute("INSERT INTO till_keys VALUES (?, ?, '2026-07-11T12:00:00+00:00')",
                (key_id, public))
    found = problems(sold)
    assert ("event", rotation.number) in [(p.chain, p.number) for p in found]
    assert any("not signed by the key it replaces" in p.reason for p in found)
    assert caisse(sold.data_dir, "journal", "verify").returncode == 1


def stop(*_args: object) -> None:
    raise KeyboardInterrupt  # the program stopped there


@pytest.mark.parametrize("committed", [True, False], ids=["committed", "not committed"])
def test_a_rotation_cut_short_is_settled_at_the_next_start(
        sold: Store, monkeypatch: pytest.MonkeyPatch, committed: bool) -> None:
    """The program stops after the rotation was committed, before the new key took
    over: the next start finishes the rotation. Stopped before the commit: the new key
    is dropped and the previous one signs on."""
    from pos_app.services.journal import rotate_key
    from pos_app.services.journal_check import verify_journal

    old_id = json.loads((sold.data_dir / KEY_INFO_FILE).read_text())["key_id"]
    opened = reopened(sold)
    try:
        manager = sign_in(opened.context, "gerant", "4321")
        if committed:
            monkeypatch.setattr(Ed25519Signer, "_promote", stop)
        else:
            monkeypatch.setattr(Ed25519Signer, "_drop_staged", lambda *_args: None)
            monkeypatch.setattr(opened.context.signer, "sign", stop)
        with pytest.raises(KeyboardInterrupt):
            rotate_key(opened.context, manager)
    finally:
        opened.close()
    monkeypatch.undo()
    assert (sold.data_dir / NEXT_INFO_FILE).exists()
    again = reopened(sold)
    try:
        report = verify_journal(again.context, every_signature=True)
        assert report.ok, report.problems
        keys = again.context.uow  # the keys the store knows
        with keys(write=False) as uow:
            known = set(uow.journal.keys())
        assert (again.context.signer.key_id == old_id) is not committed
        assert again.context.signer.key_id in known
    finally:
        again.close()
    assert not (sold.data_dir / NEXT_INFO_FILE).exists()
    assert not (sold.data_dir / NEXT_KEY_FILE).exists()
    assert caisse(sold.data_dir, "order", "create", stdin=SALE, staff="caissier",
                  secret="1234").returncode == 0
    assert caisse(sold.data_dir, "journal", "verify", "--full").returncode == 0


def test_a_program_whose_key_another_rotated_signs_nothing(sold: Store) -> None:
    """The window open while `caisse journal rotate-key` runs: its key, loaded before,
    is retired; it writes nothing under it."""
    opened = reopened(sold)
    try:
        ctx = opened.context
        cashier = sign_in(ctx, "caissier", "1234")  # the key is loaded
        assert caisse(sold.data_dir, "journal", "rotate-key", staff="gerant",
                      secret="4321").returncode == 0
        before = counts(sold.data_dir)
        with pytest.raises(SigningKeyUnavailable, match="start the till again"):
            selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 160)])
        assert counts(sold.data_dir) == before
    finally:
        opened.close()
    assert caisse(sold.data_dir, "journal", "verify", "--full").returncode == 0
