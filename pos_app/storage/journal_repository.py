"""The fiscal journal's tables: entries, chain heads (moved by triggers), signing keys."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pos_app.domain.journal import Chain, ChainHead, Event, JournalEntry
from pos_app.storage.sql import SqlRepository, like_escape, utc_text

_COLUMNS = ("number, at, previous_hash, hash, amount_cents, body, signature, key_id")


class SqlJournal(SqlRepository):
    def __init__(self, connection: sqlite3.Connection, known_keys: set[str]) -> None:
        super().__init__(connection)
        self._known_keys = known_keys  # recorded already: each sale need not ask again

    def head(self, till_id: str, chain: str) -> ChainHead | None:
        row = self._one("SELECT number, hash FROM journal_heads WHERE till_id = ?"
                        " AND chain = ?", (till_id, chain))
        return None if row is None else ChainHead(row[0], row[1])

    def heads(self, till_id: str) -> dict[str, ChainHead]:
        return {chain: ChainHead(number, digest) for chain, number, digest in self._all(
            "SELECT chain, number, hash FROM journal_heads WHERE till_id = ?", (till_id,))}

    def add(self, entry: JournalEntry) -> None:
        self._run("INSERT INTO journal_entries (till_id, chain, number, at, amount_cents,"
                  " body, previous_hash, hash, signature, key_id)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (entry.till_id, entry.chain.value, entry.number, entry.at,
                   entry.amount_cents, entry.body, entry.previous_hash, entry.hash,
                   entry.signature, entry.key_id))

    def register_key(self, key_id: str, public_key: str, at: datetime) -> bool:
        if key_id in self._known_keys:
            return False
        cursor = self._sql.execute("INSERT OR IGNORE INTO till_keys (key_id, public_key,"
                                   " created_at) VALUES (?, ?, ?)",
                                   (key_id, public_key, utc_text(at)))
        self._known_keys.add(key_id)
        return cursor.rowcount == 1

    def knows_key(self, key_id: str) -> bool:
        if key_id in self._known_keys:
            return True
        if self._one("SELECT 1 FROM till_keys WHERE key_id = ?", (key_id,)) is None:
            return False
        self._known_keys.add(key_id)
        return True

    def keys(self) -> dict[str, str]:
        return dict(self._all("SELECT key_id, public_key FROM till_keys"))

    def newest_key(self) -> str | None:
        # Keys are only ever added, the newest last: a rotation's key after the one it
        # replaces (the table's rowid follows).
        row = self._one("SELECT key_id FROM till_keys ORDER BY rowid DESC LIMIT 1", ())
        return None if row is None else str(row[0])

    def key_events(self, till_id: str) -> list[JournalEntry]:
        return [JournalEntry(till_id, Chain(row[0]), *row[1:]) for row in self._all(
            f"SELECT chain, number, at, amount_cents, body, previous_hash, hash, signature,"
            f" key_id FROM journal_entries WHERE till_id = ? AND chain = ? AND"
            f" json_valid(body) AND json_extract(body, '$.event') IN"
            f" ('{Event.KEY_CREATED.value}', '{Event.KEY_ROTATED.value}') ORDER BY seq",
            (till_id, Chain.EVENT.value))]

    def chains(self, till_id: str) -> list[str]:
        return [row[0] for row in self._all(
            "SELECT chain FROM journal_heads WHERE till_id = ? UNION"
            " SELECT DISTINCT chain FROM journal_entries WHERE till_id = ? ORDER BY 1",
            (till_id, till_id))]

    def after(self, till_id: str, seq: int, limit: int) -> list[tuple[int, JournalEntry]]:
        return [(row[0], JournalEntry(till_id, Chain(row[1]), *row[2:]))
                for row in self._all(
                    "SELECT seq, chain, number, at, amount_cents, body, previous_hash, hash,"
                    " signature, key_id FROM journal_entries WHERE till_id = ? AND seq > ?"
                    " AND chain != ? ORDER BY seq LIMIT ?",
                    (till_id, seq, Chain.TRAINING.value, limit))]

    def entry(self, till_id: str, chain: str, number: int) -> JournalEntry | None:
        return _entry(till_id, chain, self._one(
            f"SELECT {_COLUMNS} FROM journal_entries WHERE till_id = ? AND chain = ?"
            " AND number = ?", (till_id, chain, number)))

    def count_after(self, till_id: str, seq: int) -> int:
        row = self._one("SELECT count(*) FROM journal_entries WHERE till_id = ? AND seq > ?"
                        " AND chain != ?", (till_id, seq, Chain.TRAINING.value))
        return 0 if row is None else int(row[0])

    def rows(self, till_id: str, chain: str) -> Iterator[tuple[Any, ...]]:
        # The cursor itself: its rows one by one, with no generator of ours in between.
        return iter(self._sql.execute(f"SELECT {_COLUMNS} FROM journal_entries"
                                      " WHERE till_id = ? AND chain = ? ORDER BY number",
                                      (till_id, chain)))

    def store_order(self, till_id: str) -> Iterator[tuple[Any, ...]]:
        """(chain, number, key id, event, body, hash, signature, at, jump) of every entry
        of the till, in the order they were written (`seq`): one walk for the key proof
        and the time order. `event` is an event entry's name, "" for other chains; body,
        hash and signature are given for event entries only (None for the others: a
        million bodies would cost more than the walk); `jump` is, for an event entry, its
        body's `newest_entry` and `now`, space-separated, as a clock jump records them
        ("" for the others)."""
        event = "chain = ? AND json_valid(body)"
        cursor = self._sql.execute(
            f"SELECT chain, number, key_id, CASE WHEN {event} THEN coalesce(CAST("
            "json_extract(body, '$.event') AS TEXT), '') ELSE '' END, CASE WHEN chain = ?"
            " THEN body END, CASE WHEN chain = ? THEN hash END, CASE WHEN chain = ? THEN"
            f" signature END, at, CASE WHEN {event} THEN coalesce(json_extract(body,"
            " '$.newest_entry'), '') || ' ' || coalesce(json_extract(body, '$.now'), '')"
            " ELSE '' END FROM journal_entries WHERE +till_id = ? ORDER BY seq",
            (*[Chain.EVENT.value] * 5, till_id))
        # The table read in its own order (seq is its rowid), `+till_id` keeping SQLite
        # off the till's index: through it, every row would be looked up, then sorted.
        return iter(cursor)

    def other_tills(self, till_id: str) -> list[str]:
        return [row[0] for row in self._all(
            "SELECT till_id FROM journal_entries WHERE till_id != ? UNION"
            " SELECT till_id FROM journal_heads WHERE till_id != ? ORDER BY 1",
            (till_id, till_id))]

    def records_to_journal(self, till_id: str) -> dict[str, int]:
        # A record is this till's when it says so, or when it names a till the store
        # does not know (the local till's id changed under it). Closures and cash
        # movements are only ever made here; orders, payments and refunds may be other
        # tills' (pulled from the server), which journal them in their own stores. A
        # pulled order brings its till into `tills`, but a payment taken at a third till
        # may not: for payments and refunds, only those saying this till count.
        mine = "(till_id = ? OR till_id NOT IN (SELECT id FROM tills))"
        said = "till_id = ?"
        rows = self._all(
            "SELECT CASE WHEN coalesce(training, 0) THEN 'training' ELSE 'order' END,"
            f" count(*) FROM (SELECT training FROM orders WHERE {mine}"
            f" UNION ALL SELECT training FROM payments WHERE {said}"
            f" UNION ALL SELECT training FROM refunds WHERE {said}) GROUP BY 1"
            f" UNION ALL SELECT 'closure', count(*) FROM closures WHERE {mine}"
            f" UNION ALL SELECT 'event', count(*) FROM cash_movements WHERE {mine}",
            (till_id,) * 5)
        return {chain: count for chain, count in rows if count}

    def last(self, till_id: str, chain: str) -> JournalEntry | None:
        return _entry(till_id, chain, self._one(
            f"SELECT {_COLUMNS} FROM journal_entries WHERE till_id = ? AND chain = ?"
            " ORDER BY number DESC LIMIT 1", (till_id, chain)))

    def sale_of(self, till_id: str, order_number: str,
                chain: Chain = Chain.ORDER) -> JournalEntry | None:
        """The sale entry of an order made at this till (searched from the newest: a
        receipt is mostly asked for soon after the sale)."""
        return _entry(till_id, chain, self._one(
            f"SELECT {_COLUMNS} FROM journal_entries WHERE till_id = ? AND chain = ?"
            " AND body LIKE ? ESCAPE '\\' ORDER BY number DESC LIMIT 1",
            (till_id, chain.value,
             f'{{"kind":"sale",%"number":"{like_escape(order_number)}",%')))

    def order_entries(self, till_id: str, chain: Chain, order_id: str,
                      after: int) -> list[JournalEntry]:
        """The entries of `chain` numbered after `after` whose body names the order's id
        (its payments, returns, refunds, cancellation: "order_id" at the top or in
        "cancels" or "returns"); the caller reads each body to tell which."""
        return [entry for row in self._all(
            f"SELECT {_COLUMNS} FROM journal_entries WHERE till_id = ? AND chain = ?"
            " AND number > ? AND body LIKE ? ESCAPE '\\' ORDER BY number",
            (till_id, chain.value, after, f'%"order_id":"{like_escape(order_id)}"%'))
            if (entry := _entry(till_id, chain, row)) is not None]

    def last_device_event(self, till_id: str, device: str) -> JournalEntry | None:
        # A device event's body starts with its device ("device" sorts before "event").
        return _entry(till_id, Chain.EVENT, self._one(
            f"SELECT {_COLUMNS} FROM journal_entries WHERE till_id = ? AND chain = ?"
            " AND body LIKE ? ESCAPE '\\' ORDER BY number DESC LIMIT 1",
            (till_id, Chain.EVENT.value,
             f'{{"device":"{like_escape(device)}","event":"device\\_%')))

    def last_event(self, till_id: str, *events: str, after: int = 0) -> JournalEntry | None:
        # Bodies are canonical (keys sorted): an event's body starts with its name when no
        # key sorts before "event", as for start. Read from the newest, and no further
        # back than `after`.
        matches = " OR ".join("body LIKE ?" for _event in events)
        return _entry(till_id, Chain.EVENT, self._one(
            f"SELECT {_COLUMNS} FROM journal_entries WHERE till_id = ? AND chain = ?"
            f" AND number > ? AND ({matches}) ORDER BY number DESC LIMIT 1",
            (till_id, Chain.EVENT.value, after,
             *(f'{{"event":"{event}",%' for event in events))))

    def written_between(self, till_id: str, chain: str, after: int,
                        upto: int) -> list[tuple[Any, ...]]:
        return self._all(
            "SELECT till_id, chain, number, at, amount_cents, body, previous_hash, hash,"
            " signature, key_id FROM journal_entries WHERE till_id = ? AND seq > coalesce("
            "(SELECT seq FROM journal_entries WHERE till_id = ? AND chain = ? AND number = ?),"
            " 0) AND seq <= (SELECT seq FROM journal_entries WHERE till_id = ? AND chain = ?"
            " AND number = ?) ORDER BY chain, number",
            (till_id, till_id, chain, after, till_id, chain, upto))

    def range_totals(self, till_id: str, chain: str, first: int,
                     last: int) -> tuple[int, int, int]:
        """Sum, sum of absolute values and count of the amounts of entries first..last."""
        row = self._one("SELECT coalesce(sum(amount_cents), 0),"
                        " coalesce(sum(abs(amount_cents)), 0), count(*) FROM journal_entries"
                        " WHERE till_id = ? AND chain = ? AND number BETWEEN ? AND ?",
                        (till_id, chain, first, last))
        return row[0], row[1], row[2]

    def newest(self, till_id: str) -> tuple[str, str] | None:
        # The entry written last, not the latest time: after a clock went back, the
        # newest entry is the one to compare the clock with. It is one of the chains'
        # heads: a few look-ups, however long the journal (every sale asks).
        row = self._one("SELECT e.at, e.body FROM journal_heads AS h JOIN journal_entries"
                        " AS e ON e.till_id = h.till_id AND e.chain = h.chain"
                        " AND e.number = h.number WHERE h.till_id = ?"
                        " ORDER BY e.seq DESC LIMIT 1", (till_id,))
        return None if row is None else (str(row[0]), str(row[1]))


def _entry(till_id: str, chain: str, row: tuple[Any, ...] | None) -> JournalEntry | None:
    if row is None:
        return None
    number, at, previous, digest, amount, body, signature, key_id = row
    return JournalEntry(till_id, Chain(chain), number, at, amount, body, previous, digest,
                        signature, key_id)
