"""The outbox (records waiting for the server) and where the till stands with it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pos_app.domain.ids import new_id
from pos_app.domain.sync import (
    RECORD_SCHEMA,
    ChainAck,
    JournalRef,
    QueuedRecord,
    RecordOutcome,
    RecordState,
    SyncCounts,
    SyncLink,
)
from pos_app.services.ports import HeldOrder, OutboxRecord
from pos_app.storage.sql import SqlRepository, from_optional_utc_text, from_utc_text, utc_text

_RECORD = ("seq, record_id, schema, kind, aggregate_id, journal_chain, journal_number,"
           " journal_hash, payload, created_at, state, attempts, reason")


class SqlOutbox(SqlRepository):
    def add(self, records: Sequence[OutboxRecord], at: datetime) -> None:
        import orjson  # loaded by the first sale, not by the sign-in screen

        when = utc_text(at)
        self._many("INSERT INTO outbox (record_id, schema, kind, aggregate_id, journal_chain,"
                   " journal_number, journal_hash, payload, created_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [(new_id(), RECORD_SCHEMA, record.kind, record.aggregate_id,
                     *_journal(record), orjson.dumps(record.payload).decode(), when)
                    for record in records])

    def waiting(self, limit: int) -> list[QueuedRecord]:
        return [_record(row) for row in self._all(
            f"SELECT {_RECORD} FROM outbox WHERE state = 'waiting' ORDER BY seq LIMIT ?",
            (limit,))]

    def settle(self, outcomes: Sequence[RecordOutcome], at: datetime) -> None:
        when = utc_text(at)
        self._many("UPDATE outbox SET state = ?, reason = ?, attempts = attempts + 1,"
                   " answered_at = CASE WHEN ? = 'waiting' THEN answered_at ELSE ? END"
                   " WHERE record_id = ? AND state != 'sent'",
                   [(outcome.state.value, outcome.reason, outcome.state.value, when,
                     outcome.record_id) for outcome in outcomes])

    def counts(self) -> SyncCounts:
        by_state = dict(self._all("SELECT state, count(*) FROM outbox GROUP BY state"))
        oldest = self._one("SELECT created_at FROM outbox WHERE state = 'waiting'"
                           " ORDER BY seq LIMIT 1")
        return SyncCounts(by_state.get("waiting", 0), by_state.get("sent", 0),
                          by_state.get("rejected", 0),
                          None if oldest is None else from_utc_text(oldest[0]))

    def unsettled(self) -> SyncCounts:
        waiting = self._one("SELECT count(*) FROM outbox WHERE state = 'waiting'")
        rejected = self._one("SELECT count(*) FROM outbox WHERE state = 'rejected'")
        oldest = self._one("SELECT created_at FROM outbox WHERE state = 'waiting'"
                           " ORDER BY seq LIMIT 1")
        return SyncCounts(waiting[0] if waiting else 0, 0, rejected[0] if rejected else 0,
                          None if oldest is None else from_utc_text(oldest[0]))

    def rejected(self, limit: int) -> list[QueuedRecord]:
        return [_record(row) for row in self._all(
            f"SELECT {_RECORD} FROM outbox WHERE state = 'rejected' ORDER BY seq DESC"
            " LIMIT ?", (limit,))]


def _journal(record: OutboxRecord) -> tuple[str | None, int | None, str | None]:
    entry = record.entry
    return (None, None, None) if entry is None else (entry.chain.value, entry.number,
                                                      entry.hash)


def _record(row: tuple[Any, ...]) -> QueuedRecord:
    (seq, record_id, schema, kind, aggregate_id, chain, number, digest, payload, created_at,
     state, attempts, reason) = row
    journal = None if chain is None else JournalRef(chain, number, digest)
    return QueuedRecord(seq, record_id, schema, kind, aggregate_id, journal, payload,
                        from_utc_text(created_at), RecordState(state), attempts, reason)


class SqlSyncState(SqlRepository):
    def link(self) -> SyncLink | None:
        row = self._one("SELECT server_url, till_name, enrolled_at, ca_file, journal_sent_seq,"
                        " pull_cursor, last_contact_at, offline_since, last_error,"
                        " clock_offset_seconds FROM sync_state WHERE id = 1")
        if row is None:
            return None
        (url, name, enrolled, ca_file, journal_seq, cursor, contact, offline, error,
         offset) = row
        return SyncLink(url, name, from_utc_text(enrolled), ca_file, journal_seq, cursor,
                        from_optional_utc_text(contact), from_optional_utc_text(offline),
                        error, offset)

    def enrol(self, server_url: str, till_name: str, at: datetime,
              ca_file: str | None) -> None:
        self._run("DELETE FROM sync_state")
        self._run("DELETE FROM journal_acks")
        self._run("INSERT INTO sync_state (id, server_url, till_name, enrolled_at, ca_file)"
                  " VALUES (1, ?, ?, ?, ?)", (server_url, till_name, utc_text(at), ca_file))

    def note_contact(self, at: datetime, clock_offset_seconds: int) -> None:
        self._run("UPDATE sync_state SET last_contact_at = ?, offline_since = NULL,"
                  " last_error = NULL, clock_offset_seconds = ? WHERE id = 1",
                  (utc_text(at), clock_offset_seconds))

    def note_failure(self, at: datetime, error: str) -> None:
        self._run("UPDATE sync_state SET offline_since = coalesce(offline_since, ?),"
                  " last_error = ? WHERE id = 1", (utc_text(at), error))

    def advance_journal(self, seq: int) -> None:
        self._run("UPDATE sync_state SET journal_sent_seq = max(journal_sent_seq, ?)"
                  " WHERE id = 1", (seq,))

    def advance_cursor(self, cursor: int) -> None:
        self._run("UPDATE sync_state SET pull_cursor = ? WHERE id = 1", (cursor,))

    def acknowledgements(self, till_id: str) -> list[ChainAck]:
        return [ChainAck(chain, number, digest, from_utc_text(at), flagged)
                for chain, number, digest, at, flagged in self._all(
                    "SELECT chain, number, hash, acknowledged_at, flagged FROM journal_acks"
                    " WHERE till_id = ? ORDER BY chain", (till_id,))]

    def acknowledge(self, till_id: str, acks: Sequence[ChainAck], at: datetime) -> None:
        self._many("INSERT INTO journal_acks (till_id, chain, number, hash, acknowledged_at,"
                   " flagged) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (till_id, chain) DO UPDATE"
                   " SET number = excluded.number, hash = excluded.hash,"
                   " acknowledged_at = excluded.acknowledged_at,"
                   # The first reason stays, as on the server: a flag the till found
                   # itself is not in the server's later acknowledgements.
                   " flagged = coalesce(journal_acks.flagged, excluded.flagged)",
                   [(till_id, ack.chain, ack.number, ack.hash, utc_text(at), ack.flagged)
                    for ack in acks])

    # -- orders pulled that wait (services/pulled_orders.py) ------------------------------

    def hold_pulled(self, order_id: str, number: str, document: str, reason: str,
                    at: datetime) -> None:
        # Held since it first waited: a newer document or reason keeps that time.
        self._run("INSERT INTO held_orders (order_id, number, document, reason, held_at)"
                  " VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET"
                  " number = excluded.number, document = excluded.document,"
                  " reason = excluded.reason", (order_id, number, document, reason,
                                                utc_text(at)))

    def release_pulled(self, order_ids: Sequence[str]) -> None:
        self._many("DELETE FROM held_orders WHERE order_id = ?", [(i,) for i in order_ids])

    def held_pulled(self, limit: int) -> list[HeldOrder]:
        rows = self._all("SELECT order_id, number, document, reason, held_at FROM held_orders"
                         " ORDER BY held_at, order_id LIMIT ?", (limit,))
        return [HeldOrder(r[0], r[1], r[2], r[3], from_utc_text(r[4])) for r in rows]

    def count_held(self) -> int:
        return int(self._one("SELECT count(*) FROM held_orders")[0])
