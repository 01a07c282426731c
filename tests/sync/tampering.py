"""An attacker with access to the till's files: a journal entry rewritten on disk, past
the triggers that refuse it (dropped for the change, then put back as they were)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pos_app.domain.journal import (
    Chain,
    ChainHead,
    JournalEntry,
    from_journal_time,
    next_entry,
)
from pos_app.services.context import Context
from pos_app.services.ports import Signer
from pos_app.storage.connection import store_path

# The triggers that keep entries and heads as written (storage migration 0003).
_GUARDS = ("journal_entries_no_update", "journal_heads_forward_only")


@contextmanager
def unguarded(data_dir: Path) -> Iterator[sqlite3.Connection]:
    """The store's file opened as an attacker would, the guards dropped until the block
    ends, then created again from their own SQL: the till sees nothing of it."""
    connection = sqlite3.connect(store_path(data_dir), isolation_level=None)
    try:
        definitions = dict(connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)",
            _GUARDS).fetchall())
        assert set(definitions) == set(_GUARDS), definitions
        connection.execute("BEGIN IMMEDIATE")
        for name in definitions:
            connection.execute(f"DROP TRIGGER {name}")
        yield connection
        for sql in definitions.values():
            connection.execute(sql)
        connection.execute("COMMIT")
    finally:
        connection.close()


def entry(ctx: Context, till_id: str, chain: Chain, number: int) -> JournalEntry:
    with ctx.uow(write=False) as uow:
        found = uow.journal.entry(till_id, chain.value, number)
    assert found is not None, (chain, number)
    return found


def change_body(data_dir: Path, original: JournalEntry, amount_cents: int) -> None:
    """The entry's amount and body changed, its hash and signature left as they were
    (the change shows to anyone who hashes the entry again)."""
    body = original.body.replace(f'"total_cents":{original.amount_cents}',
                                 f'"total_cents":{amount_cents}')
    assert body != original.body
    with unguarded(data_dir) as connection:
        connection.execute("UPDATE journal_entries SET amount_cents = ?, body = ?"
                           " WHERE till_id = ? AND chain = ? AND number = ?",
                           (amount_cents, body, original.till_id, original.chain.value,
                            original.number))


def forge(data_dir: Path, signer: Signer, original: JournalEntry,
          amount_cents: int) -> JournalEntry:
    """The chain's head replaced by another entry of the same number, hashed and signed
    with the till's own key (which lies on its disk): a journal that says something else
    than what the server took."""
    return forge_body(data_dir, signer, original,
                      {**original.payload, "total_cents": amount_cents}, amount_cents)


def forge_body(data_dir: Path, signer: Signer, original: JournalEntry,
               payload: dict[str, Any], amount_cents: int) -> JournalEntry:
    """`forge` with the whole body given."""
    previous = ChainHead(original.number - 1, original.previous_hash)
    forged = next_entry(None if original.number == 1 else previous, original.till_id,
                        original.chain, from_journal_time(original.at), amount_cents,
                        payload, signer.sign, signer.key_id)
    assert forged.hash != original.hash and forged.at == original.at
    with unguarded(data_dir) as connection:
        head = connection.execute("SELECT number FROM journal_heads WHERE till_id = ? AND"
                                  " chain = ?", (original.till_id, original.chain.value)
                                  ).fetchone()
        assert head == (original.number,), "only the head is forged here"
        connection.execute("UPDATE journal_entries SET amount_cents = ?, body = ?, hash = ?,"
                           " signature = ? WHERE till_id = ? AND chain = ? AND number = ?",
                           (forged.amount_cents, forged.body, forged.hash, forged.signature,
                            original.till_id, original.chain.value, original.number))
        connection.execute("UPDATE journal_heads SET hash = ? WHERE till_id = ? AND chain = ?",
                           (forged.hash, original.till_id, original.chain.value))
    return forged
