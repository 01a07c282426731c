"""Receiving a till's fiscal journal: the external witness (docs/sync.md, docs/fiscal.md).

Each chain is extended only from its head, which is locked for the push's transaction
(`SELECT … FOR UPDATE` on PostgreSQL; SQLite's write lock holds the whole database), so
two processes receiving the same entries store each once, in order. An entry is stored
only when it follows the head, its hash is its content's and the till's enrolled key
signed it. The server never overwrites what it holds: a disagreement is *flagged*, its
reason kept in `journal_flags` and on the chain's head.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, Engine, or_, select, update

from pos_app.domain.journal import GENESIS, Chain, entry_hash, entry_message
from sync.contract import ChainAck, WireEntry
from sync.server import tickets
from sync.server.database import DatabaseBusy, insert_ignoring, now, reading, writing
from sync.server.schema import journal_entries, journal_flags, journal_heads, tills
from sync.server.tills import KEY_ROTATED, Till, former_keys

log = logging.getLogger(__name__)

ATTEMPTS = 3
OTHER_KEY = "signed by a key the till did not enrol"


@dataclass(slots=True)
class _Head:
    number: int
    hash: str
    stopped: bool = False  # a gap or a disagreement: the rest of the push waits
    flagged: bool = False  # a disagreement (stopped for good)


@dataclass(slots=True)
class _Keys:
    """The till's keys: the one it signs with now (enrolled, or brought by the latest
    key rotation the server stored) and those it signed with before, read from its
    stored announcement and rotations only when an entry names one."""

    current: str
    public: str
    former: dict[str, str] | None = None  # key id → public key
    rotated: bool = False  # a rotation was stored by this push

    def former_key(self, connection: Connection, till_id: str, key_id: str) -> str | None:
        if self.former is None:
            self.former = former_keys(connection, till_id)
        return self.former.get(key_id) if key_id != self.current else None


def receive(engine: Engine, till: Till, entries: list[WireEntry]) -> list[ChainAck]:
    """Store what follows each chain's head, flag what disagrees; the heads held after.
    A database busy past a few tries raises DatabaseBusy (nothing written)."""
    if not entries:  # a till asking where it stands: no write lock for that
        return acknowledged(engine, till)
    for attempt in range(ATTEMPTS):
        try:
            with writing(engine) as connection:
                _receive(connection, till, entries, now())
                return _acks(connection, till.id)
        except DatabaseBusy as error:
            log.info("journal of till %s: database busy (%s), try %d", till.id, error,
                     attempt + 1)
            if attempt + 1 == ATTEMPTS:
                raise
            time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))
    raise AssertionError("unreachable")


def acknowledged(engine: Engine, till: Till) -> list[ChainAck]:
    with reading(engine) as connection:
        return _acks(connection, till.id)


def _acks(connection: Connection, till_id: str) -> list[ChainAck]:
    rows = connection.execute(
        select(journal_heads.c.chain, journal_heads.c.number, journal_heads.c.hash,
               journal_heads.c.flagged)
        .where(journal_heads.c.till_id == till_id,
               or_(journal_heads.c.number > 0, journal_heads.c.flagged.is_not(None)))
        .order_by(journal_heads.c.chain))
    return [ChainAck(row.chain, row.number, row.hash, row.flagged) for row in rows]


def _receive(connection: Connection, till: Till, entries: list[WireEntry],
             moment: str) -> None:
    heads = _lock_heads(connection, till.id, sorted({entry.chain for entry in entries}),
                        moment)
    held = _held_hashes(connection, till.id, entries, heads)
    # Read in the push's transaction: a rotation another push stored is seen.
    row = connection.execute(select(tills.c.key_id, tills.c.public_key)
                             .where(tills.c.id == till.id)).one()
    keys = _Keys(row.key_id, row.public_key)
    new: list[dict[str, Any]] = []
    for entry in entries:
        head = heads[entry.chain]
        if head.stopped:
            continue
        if entry.number <= head.number:
            problem = _again(till, entry, held.get((entry.chain, entry.number), entry.hash))
            if problem is not None:
                _flag(connection, till.id, entry, f"entry {entry.number} {problem}", moment)
                head.stopped = head.flagged = True
            continue
        if entry.number > head.number + 1:
            head.stopped = True  # a gap: the answer's head says where to resume
            continue
        event_head = heads.get(Chain.EVENT.value)
        if (entry.key_id != keys.current and event_head is not None
                and event_head.stopped and not event_head.flagged):
            # Signed by a key whose rotation waits behind a gap of the event journal.
            head.stopped = True
            continue
        problem = _problem(till, _public_key(connection, till.id, keys, entry), entry,
                           head.hash) or _rotation_problem(keys, entry)
        if problem is not None:
            _flag(connection, till.id, entry, f"entry {entry.number}: {problem}", moment)
            head.stopped = head.flagged = True
            continue
        new.append({"till_id": till.id, "chain": entry.chain, "number": entry.number,
                    "at": entry.at, "amount_cents": entry.amount_cents, "body": entry.body,
                    "previous_hash": entry.previous_hash, "hash": entry.hash,
                    "signature": entry.signature, "key_id": entry.key_id,
                    "received_at": moment})
        held[(entry.chain, entry.number)] = entry.hash
        head.number, head.hash = entry.number, entry.hash
    if keys.rotated:
        connection.execute(update(tills).where(tills.c.id == till.id).values(
            key_id=keys.current, public_key=keys.public))
    if new:
        connection.execute(journal_entries.insert(), new)
        for chain in {row["chain"] for row in new}:
            connection.execute(update(journal_heads).where(
                journal_heads.c.till_id == till.id, journal_heads.c.chain == chain
            ).values(number=heads[chain].number, hash=heads[chain].hash, updated_at=moment))
    if keys.rotated:  # the gates check the tickets it signs from now on with its new key
        tickets.publish_keys(connection, [till.id])


def _lock_heads(connection: Connection, till_id: str, chains: list[str],
                moment: str) -> dict[str, _Head]:
    """Each chain's head, locked until the transaction ends (in chain order, so two
    pushes never wait for each other in a circle); a chain new to the server starts at
    0, the genesis hash."""
    for chain in chains:
        connection.execute(insert_ignoring(connection, journal_heads).values(
            till_id=till_id, chain=chain, number=0, hash=GENESIS, updated_at=moment))
    rows = connection.execute(
        select(journal_heads.c.chain, journal_heads.c.number, journal_heads.c.hash)
        .where(journal_heads.c.till_id == till_id, journal_heads.c.chain.in_(chains))
        .order_by(journal_heads.c.chain).with_for_update())
    return {row.chain: _Head(row.number, row.hash) for row in rows}


def _held_hashes(connection: Connection, till_id: str, entries: list[WireEntry],
                 heads: dict[str, _Head]) -> dict[tuple[str, int], str]:
    """The stored hashes of the entries sent again (at or below their chain's head)."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.number <= heads[entry.chain].number:
            wanted.setdefault(entry.chain, set()).add(entry.number)
    held: dict[tuple[str, int], str] = {}
    for chain, numbers in wanted.items():
        rows = connection.execute(
            select(journal_entries.c.number, journal_entries.c.hash)
            .where(journal_entries.c.till_id == till_id, journal_entries.c.chain == chain,
                   journal_entries.c.number.in_(sorted(numbers))))
        held.update({(chain, row.number): row.hash for row in rows})
    return held


def _again(till: Till, entry: WireEntry, held_hash: str) -> str | None:
    """Why an entry the server holds, sent again, disagrees with it; None if it agrees."""
    if entry.hash != held_hash:
        return "came again with another hash than the one held"
    if not _content_matches(till, entry):
        return "came again with content that does not match its hash"
    return None


def _content_matches(till: Till, entry: WireEntry) -> bool:
    message = entry_message(entry.previous_hash, till.id, entry.chain, entry.number,
                            entry.at, entry.amount_cents, entry.body)
    return entry_hash(message) == entry.hash


def _public_key(connection: Connection, till_id: str, keys: _Keys,
                entry: WireEntry) -> str | None:
    """The public key the entry must verify under: the till's current key; or, outside
    the event journal, a key the till signed with before its latest rotation (an entry
    written before the rotation may come after it, its chain having waited behind a
    gap). The event journal holds the rotations: its entries follow the current key."""
    if entry.key_id == keys.current:
        return keys.public
    if entry.chain == Chain.EVENT.value:
        return None
    return keys.former_key(connection, till_id, entry.key_id)


def _problem(till: Till, public_key: str | None, entry: WireEntry,
             head_hash: str) -> str | None:
    """Why the entry that follows the head cannot be stored; None when it can."""
    if entry.previous_hash != head_hash:
        return "it does not follow the entry held before it (its previous hash differs)"
    if not _content_matches(till, entry):
        return "its content does not match its hash"
    if public_key is None:
        return f"{OTHER_KEY} (key {entry.key_id})"
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
    try:
        key.verify(bytes.fromhex(entry.signature), bytes.fromhex(entry.hash))
    except (InvalidSignature, ValueError):
        return "its signature is not valid"
    return None


def _rotation_problem(keys: _Keys, entry: WireEntry) -> str | None:
    """A key rotation of the event journal, signed by the current key (checked before):
    it must name that key and the new key's id and public key; from it on, the new key
    is the till's. None for any other entry, and for a sound rotation."""
    if entry.chain != Chain.EVENT.value or not entry.body.startswith(
            f'{{"event":"{KEY_ROTATED}",'):
        return None
    body = _body(entry.body)
    new_id, public = body.get("key_id"), body.get("public_key")
    if (body.get("previous_key_id") != keys.current or not isinstance(new_id, str)
            or not isinstance(public, str) or _key_id_of(public) != new_id
            or new_id == keys.current):
        return (f"a key rotation that does not name the key it replaces ({keys.current})"
                " and the new key (its id and public key)")
    if keys.former is not None:
        keys.former[keys.current] = keys.public
    keys.current, keys.public, keys.rotated = new_id, public, True
    return None


def _body(text: str) -> dict[str, Any]:
    try:
        body = json.loads(text)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _key_id_of(public_key: str) -> str | None:
    try:
        raw = bytes.fromhex(public_key)
    except ValueError:
        return None
    return hashlib.sha256(raw).hexdigest()[:16] if len(raw) == 32 else None


def _flag(connection: Connection, till_id: str, entry: WireEntry, reason: str,
          moment: str) -> None:
    log.warning("journal of till %s, %s chain flagged: %s", till_id, entry.chain, reason)
    connection.execute(insert_ignoring(connection, journal_flags).values(
        till_id=till_id, chain=entry.chain, number=entry.number, entry_hash=entry.hash,
        reason=reason, flagged_at=moment))
    connection.execute(update(journal_heads).where(
        journal_heads.c.till_id == till_id, journal_heads.c.chain == entry.chain,
        journal_heads.c.flagged.is_(None)).values(flagged=reason))
