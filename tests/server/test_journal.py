"""The journal's witness: chains of entries signed by a real Ed25519 key, pushed to a
real `caisse-server` process, on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, text

from pos_app.domain.journal import Chain, ChainHead, next_entry
from sync.contract import ChainAck, parse_acks
from sync.server.database import open_engine
from sync.server.journal import OTHER_KEY
from sync.server.tills import make_enrol_code
from tests.server.support import Till, count, enrol, snapshot, wire


def push(client: httpx.Client, till: Till, entries: list[dict[str, Any]]) -> list[ChainAck]:
    answer = client.post("/v1/journal", json={"entries": entries}, headers=till.auth)
    assert answer.status_code == 200, answer.text
    return parse_acks(answer.json())


def heads(acks: list[ChainAck]) -> dict[str, tuple[int, str | None]]:
    return {ack.chain: (ack.number, ack.flagged) for ack in acks}


def flags(engine: Engine, till: Till) -> list[tuple[str, int, str]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(
            "SELECT chain, number, reason FROM journal_flags WHERE till_id = :t ORDER BY id"),
            {"t": till.id})]


def test_signed_chains_are_acknowledged_and_acknowledged_again_when_sent_again(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till = enrol(client, database_url)
    assert push(client, till, []) == []
    orders, events = till.entries(5), till.entries(3, Chain.EVENT)
    acks = push(client, till, [*orders[:3], *events, *orders[3:]])
    assert heads(acks) == {"event": (3, None), "order": (5, None)}
    assert {ack.chain: ack.hash for ack in acks}["order"] == orders[-1]["hash"]
    # Sent again (an answer lost on the way): the same heads, nothing stored twice.
    assert push(client, till, orders + events) == acks
    assert count(engine, "journal_entries", till) == 8
    ask = client.get("/v1/journal", headers=till.auth)
    assert ask.status_code == 200 and parse_acks(ask.json()) == acks
    assert flags(engine, till) == []


def test_an_entry_changed_on_the_till_flags_the_chain_and_the_stored_one_stays(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till = enrol(client, database_url)
    entries = till.entries(4)
    push(client, till, entries)
    before = snapshot(engine)["journal_entries"]
    # Entry 2 rewritten on the till, rehashed and re-signed with the till's own key.
    rewritten = next_entry(ChainHead(1, entries[0]["hash"]), till.id, Chain.ORDER,
                           till.clock, 1, {"kind": "sale", "n": "rewritten"},
                           till.key.sign, till.key_id)
    acks = push(client, till, [wire(rewritten)])
    assert acks[0].number == 4 and acks[0].hash == entries[-1]["hash"]
    assert acks[0].flagged == "entry 2 came again with another hash than the one held"
    assert snapshot(engine)["journal_entries"] == before
    # The flag is kept, once, whatever comes after.
    push(client, till, [wire(rewritten)])
    assert push(client, till, till.entries(1))[0].flagged == acks[0].flagged
    assert flags(engine, till) == [("order", 2, acks[0].flagged)]


def test_an_entry_after_a_gap_is_not_stored_and_the_head_says_where_to_resume(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till = enrol(client, database_url)
    entries = till.entries(6)
    acks = push(client, till, entries[:2] + entries[3:])
    assert heads(acks) == {"order": (2, None)}
    assert acks[0].hash == entries[1]["hash"]
    assert count(engine, "journal_entries", till) == 2
    assert heads(push(client, till, entries[2:])) == {"order": (6, None)}


def test_a_forged_signature_is_flagged_and_not_stored(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till = enrol(client, database_url)
    entries = till.entries(3)
    forged = {**entries[2], "signature": Ed25519PrivateKey.generate().sign(
        bytes.fromhex(entries[2]["hash"])).hex()}
    acks = push(client, till, [*entries[:2], forged])
    assert heads(acks) == {"order": (2, "entry 3: its signature is not valid")}
    assert count(engine, "journal_entries", till) == 2


def test_an_entry_signed_by_a_key_the_till_did_not_enrol_is_flagged(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till = enrol(client, database_url)
    impostor = Till(till.name, id=till.id)  # the same till id, another key
    acks = push(client, till, impostor.entries(2))
    assert acks[0].number == 0
    assert acks[0].flagged is not None
    assert "signed by a key the till did not enrol" in acks[0].flagged
    assert count(engine, "journal_entries", till) == 0


def test_an_entry_whose_content_is_not_its_hash_is_flagged(
        client: httpx.Client, database_url: str) -> None:
    till = enrol(client, database_url)
    entries = till.entries(2)
    changed = {**entries[1], "amount_cents": 1}
    acks = push(client, till, [entries[0], changed])
    assert heads(acks) == {"order": (1, "entry 2: its content does not match its hash")}
    # Sent again with content that is not its hash: the server's copy still stands.
    again = push(client, till, [{**entries[0], "body": "{}"}])
    assert again[0].number == 1


def test_an_entry_that_does_not_follow_the_head_is_flagged(
        client: httpx.Client, database_url: str) -> None:
    till = enrol(client, database_url)
    push(client, till, till.entries(2))
    # A third entry chained onto another second one than the server's.
    stray = next_entry(ChainHead(2, "ab" * 32), till.id, Chain.ORDER, till.clock, 0, {},
                       till.key.sign, till.key_id)
    acks = push(client, till, [wire(stray)])
    assert acks[0].number == 2
    assert acks[0].flagged == ("entry 3: it does not follow the entry held before it (its"
                               " previous hash differs)")


def test_the_training_chain_is_never_accepted(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till = enrol(client, database_url)
    entries = till.entries(1) + till.entries(1, Chain.TRAINING)
    answer = client.post("/v1/journal", json={"entries": entries}, headers=till.auth)
    assert answer.status_code == 422
    assert answer.json()["error"].startswith("entries[1].chain")
    assert count(engine, "journal_entries", till) == 0


# -- key rotation --------------------------------------------------------------------------


def announce(till: Till) -> dict[str, Any]:
    """The event journal's entry 1, as a till writes it: its key's announcement."""
    entry = next_entry(None, till.id, Chain.EVENT, till.clock, 0,
                       {"event": "key_created", "key_id": till.key_id,
                        "public_key": till.public_key}, till.key.sign, till.key_id)
    till.heads[Chain.EVENT] = ChainHead(entry.number, entry.hash)
    return wire(entry)


def rotation(till: Till, new: Ed25519PrivateKey,
             signer: Ed25519PrivateKey | None = None) -> dict[str, Any]:
    """A key_rotated entry to `new`, signed by the till's key (or by `signer`), after
    which the till signs with `new`."""
    public = new.public_key().public_bytes_raw().hex()
    new_id = hashlib.sha256(bytes.fromhex(public)).hexdigest()[:16]
    till.clock += timedelta(seconds=7)
    entry = next_entry(till.heads.get(Chain.EVENT), till.id, Chain.EVENT, till.clock, 0,
                       {"event": "key_rotated", "key_id": new_id,
                        "previous_key_id": till.key_id, "public_key": public,
                        "staff_id": "gerant"}, (signer or till.key).sign, till.key_id)
    till.heads[Chain.EVENT] = ChainHead(entry.number, entry.hash)
    till.key = new
    return wire(entry)


def make_code(database_url: str, name: str) -> str:
    engine = open_engine(database_url)
    try:
        return make_enrol_code(engine, name).code
    finally:
        engine.dispose()


def enrolled_key(engine: Engine, till: Till) -> tuple[str, str]:
    with engine.connect() as connection:
        row = connection.execute(text("SELECT key_id, public_key FROM tills WHERE id = :t"),
                                 {"t": till.id}).one()
        return row[0], row[1]


def test_a_rotation_signed_by_the_till_s_key_brings_its_new_key(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till = enrol(client, database_url)
    old = till.key
    first = [announce(till), *till.entries(2)]
    written_before = till.entries(1)  # signed by the old key, held back by a gap
    rotated = rotation(till, Ed25519PrivateKey.generate())
    after = till.entries(2)
    acks = push(client, till, [*first, rotated, *after[:1]])
    assert heads(acks) == {"event": (2, None), "order": (2, None)}  # order 3 is missing
    assert enrolled_key(engine, till) == (till.key_id, till.public_key)
    # The entry written before the rotation comes late: its key was the till's then.
    acks = push(client, till, [*written_before, *after])
    assert heads(acks) == {"event": (2, None), "order": (5, None)}
    assert flags(engine, till) == []
    # The event journal, which holds the rotations, follows the new key only.
    stale = next_entry(till.heads[Chain.EVENT], till.id, Chain.EVENT, till.clock, 0,
                       {"event": "start"}, old.sign,
                       hashlib.sha256(old.public_key().public_bytes_raw()).hexdigest()[:16])
    acks = push(client, till, [wire(stale)])
    assert OTHER_KEY in (heads(acks)["event"][1] or "")
    # Enrolled again (a lost token): with the key its journal starts with, or its
    # current one; never with a key the server has not seen it hold.
    for key, status in ((old, 200), (till.key, 200), (Ed25519PrivateKey.generate(), 409)):
        again = Till(till.name, id=till.id, key=key)
        answer = client.post("/v1/enrol", json=again.enrol_request(
            make_code(database_url, till.name)))
        assert answer.status_code == status, answer.text


def test_a_rotation_signed_by_a_foreign_key_is_flagged(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till = enrol(client, database_url)
    enrolled = (till.key_id, till.public_key)
    first = [announce(till), *till.entries(1)]
    forged = rotation(till, Ed25519PrivateKey.generate(),
                      signer=Ed25519PrivateKey.generate())
    acks = push(client, till, [*first, forged, *till.entries(1)])
    assert heads(acks)["event"] == (1, "entry 2: its signature is not valid")
    order = heads(acks)["order"]
    assert order[0] == 1 and OTHER_KEY in (order[1] or "")
    assert enrolled_key(engine, till) == enrolled
