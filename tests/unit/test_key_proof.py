"""prove_keys: the keys a journal proves, and the first entry under any other."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pos_app.adapters.signing import verify_signature
from pos_app.domain.journal import (
    Chain,
    ChainHead,
    Event,
    JournalEntry,
    next_entry,
    prove_keys,
    public_key_id,
    rotation_digest,
)

AT = datetime(2026, 7, 11, 8, 0, tzinfo=UTC)


class Journal:
    """Entries of one till in the order written, signed by whichever key is given."""

    def __init__(self) -> None:
        self.heads: dict[Chain, ChainHead] = {}
        self.entries: list[JournalEntry] = []

    def add(self, chain: Chain, body: dict[str, Any], key: Ed25519PrivateKey,
            key_id: str | None = None) -> JournalEntry:
        entry = next_entry(self.heads.get(chain), "till", chain, AT, 0, body, key.sign,
                           key_id or public_key_id(public(key)))
        self.heads[chain] = ChainHead(entry.number, entry.hash)
        self.entries.append(entry)
        return entry

    def trail(self) -> list[tuple[Any, ...]]:
        rows = []
        for entry in self.entries:
            event = json.loads(entry.body).get("event", "") if entry.chain == Chain.EVENT else ""
            key_event = event in (Event.KEY_CREATED, Event.KEY_ROTATED)
            rows.append((entry.chain.value, entry.number, entry.key_id, event,
                         entry.body if key_event else None,
                         entry.hash if key_event else None,
                         entry.signature if key_event else None))
        return rows


def public(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes_raw().hex()


def started(key: Ed25519PrivateKey) -> Journal:
    journal = Journal()
    journal.add(Chain.EVENT, {"event": "key_created", "key_id": public_key_id(public(key)),
                              "public_key": public(key)}, key)
    journal.add(Chain.ORDER, {"kind": "sale"}, key)
    return journal


def rotate(journal: Journal, old: Ed25519PrivateKey, new: Ed25519PrivateKey,
           signer: Ed25519PrivateKey | None = None,
           countersigner: Ed25519PrivateKey | None = None) -> JournalEntry:
    old_id, new_id = public_key_id(public(old)), public_key_id(public(new))
    countersignature = (countersigner or new).sign(rotation_digest(old_id, new_id)).hex()
    return journal.add(Chain.EVENT, {
        "event": "key_rotated", "previous_key_id": old_id, "key_id": new_id,
        "public_key": public(new), "staff_id": "g", "new_key_signature": countersignature},
        signer or old, old_id)


def test_a_rotation_signed_by_the_previous_key_proves_the_new_one() -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    journal = started(old)
    rotate(journal, old, new)
    journal.add(Chain.ORDER, {"kind": "sale"}, new)
    proof = prove_keys(journal.trail(), verify_signature)
    assert proof.problem is None
    assert proof.keys == {public_key_id(public(old)): public(old),
                          public_key_id(public(new)): public(new)}
    assert proof.latest == public_key_id(public(new))


def test_the_retired_key_signs_nothing_after_the_rotation() -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    journal = started(old)
    rotate(journal, old, new)
    late = journal.add(Chain.ORDER, {"kind": "sale"}, old)
    problem = prove_keys(journal.trail(), verify_signature).problem
    assert problem is not None
    assert (problem.chain, problem.number) == ("order", late.number)


def test_a_rotation_signed_by_another_key_proves_nothing() -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    journal = started(old)
    forged = rotate(journal, old, new, signer=new)
    problem = prove_keys(journal.trail(), verify_signature).problem
    assert problem is not None and (problem.chain, problem.number) == ("event", forged.number)
    assert "not signed by the key it replaces" in problem.reason


def test_a_second_announcement_proves_nothing() -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    journal = started(old)
    second = journal.add(Chain.EVENT, {"event": "key_created",
                                       "key_id": public_key_id(public(new)),
                                       "public_key": public(new)}, old)
    problem = prove_keys(journal.trail(), verify_signature).problem
    assert problem is not None and (problem.chain, problem.number) == ("event", second.number)


def test_a_journal_that_does_not_start_with_its_key_announcement_proves_nothing() -> None:
    key = Ed25519PrivateKey.generate()
    journal = Journal()
    journal.add(Chain.ORDER, {"kind": "sale"}, key)
    problem = prove_keys(journal.trail(), verify_signature).problem
    assert problem is not None and (problem.chain, problem.number) == ("order", 1)
    assert prove_keys([], verify_signature).latest is None


def test_a_rotation_to_a_key_its_writer_did_not_hold_proves_nothing() -> None:
    """A journal re-signed whole with a key of the forger's, ending with a rotation to
    the till's real key (whose public half anyone may read): without the real key's
    countersignature, the till's key is not proven."""
    real, forger = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    journal = started(forger)
    forged = rotate(journal, forger, real, countersigner=forger)
    proof = prove_keys(journal.trail(), verify_signature)
    assert proof.problem is not None
    assert (proof.problem.chain, proof.problem.number) == ("event", forged.number)
    assert "not countersigned by the new key" in proof.problem.reason
    assert proof.latest != public_key_id(public(real))
