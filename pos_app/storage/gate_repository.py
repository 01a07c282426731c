"""The gate's tables (R11), in plain SQL: a verdict is on the checker's hot path, so
each lookup is one indexed statement."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pos_app.domain.gate import (
    ConflictKind,
    Outcome,
    TicketConflict,
    TicketKey,
    TicketState,
    Validation,
)
from pos_app.storage.sql import (
    SqlRepository,
    chunks,
    from_optional_utc_text,
    from_utc_text,
    utc_text,
)

_VALIDATION_COLUMNS = ("id, reference, at, outcome, reason, staff_id, till_id, product_id,"
                       " key_id, token")


def _optional(moment: datetime | None) -> str | None:
    return None if moment is None else utc_text(moment)


def _validation(row: tuple[Any, ...]) -> Validation:
    return Validation(row[0], row[1], from_utc_text(row[2]), Outcome(row[3]), row[4], row[5],
                      row[6], row[7], row[8], row[9])


class SqlTicketValidations(SqlRepository):
    def add(self, validation: Validation) -> None:
        self._run(f"INSERT INTO ticket_validations ({_VALIDATION_COLUMNS})"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (validation.id, validation.reference, utc_text(validation.at),
                   validation.outcome.value, validation.reason, validation.staff_id,
                   validation.till_id, validation.product_id, validation.key_id,
                   validation.token))

    def used(self, reference: str) -> tuple[int, datetime | None]:
        """The entries this till let in on `reference`, and the last one's time."""
        count, last = self._one(
            "SELECT count(*), max(at) FROM ticket_validations"
            " WHERE reference = ? AND outcome = 'validated'", (reference,))
        return count, from_optional_utc_text(last)

    def acts(self, reference: str) -> tuple[int, datetime | None, datetime | None]:
        count, last, voided = self._one(
            "SELECT count(CASE WHEN outcome = 'validated' THEN 1 END),"
            " max(CASE WHEN outcome = 'validated' THEN at END),"
            " min(CASE WHEN outcome = 'voided' THEN at END)"
            " FROM ticket_validations WHERE reference = ?", (reference,))
        return count, from_optional_utc_text(last), from_optional_utc_text(voided)

    def entries_since(self, start: datetime) -> int:
        row = self._one("SELECT count(*) FROM ticket_validations WHERE at >= ?"
                        " AND outcome = 'validated'", (utc_text(start),))
        return int(row[0])

    def count(self, reference: str) -> int:
        return self.used(reference)[0]

    def last(self, reference: str) -> datetime | None:
        return self.used(reference)[1]

    def between(self, start: datetime, end: datetime) -> list[Validation]:
        """Every act from `start` (included) to `end` (excluded), in time order."""
        return [_validation(row) for row in self._all(
            f"SELECT {_VALIDATION_COLUMNS} FROM ticket_validations"
            " WHERE at >= ? AND at < ? ORDER BY at, id", (utc_text(start), utc_text(end)))]


class SqlTicketKeys(SqlRepository):
    def public_key(self, key_id: str) -> str | None:
        row = self._one("SELECT public_key FROM ticket_keys WHERE key_id = ?", (key_id,))
        return None if row is None else str(row[0])

    def all(self) -> list[TicketKey]:
        return [TicketKey(*row) for row in self._all(
            "SELECT key_id, public_key, till_id, till_name FROM ticket_keys ORDER BY key_id")]

    def save_many(self, keys: Sequence[TicketKey]) -> None:
        self._many("INSERT OR REPLACE INTO ticket_keys (key_id, public_key, till_id,"
                   " till_name) VALUES (?, ?, ?, ?)",
                   [(key.key_id, key.public_key, key.till_id, key.till_name) for key in keys])


_STATE_COLUMNS = ("reference, product_id, order_id, valid_from, valid_until, entries_allowed,"
                  " key_id, revoked_at, voided_at, entries_elsewhere, last_validated_at")


class SqlTicketStates(SqlRepository):
    def get(self, reference: str) -> TicketState | None:
        row = self._one(f"SELECT {_STATE_COLUMNS} FROM ticket_states WHERE reference = ?",
                        (reference,))
        if row is None:
            return None
        return TicketState(row[0], row[1], row[2], from_utc_text(row[3]),
                           from_utc_text(row[4]), row[5], row[6],
                           from_optional_utc_text(row[7]), from_optional_utc_text(row[8]),
                           row[9], from_optional_utc_text(row[10]))

    def save_many(self, states: Sequence[TicketState]) -> None:
        self._many(f"INSERT OR REPLACE INTO ticket_states ({_STATE_COLUMNS})"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [(state.reference, state.product_id, state.order_id,
                     utc_text(state.valid_from), utc_text(state.valid_until),
                     state.entries_allowed, state.key_id, _optional(state.revoked_at),
                     _optional(state.voided_at), state.entries_elsewhere,
                     _optional(state.last_validated_at)) for state in states])

    def delete(self, references: Sequence[str]) -> None:
        for part in chunks(references):
            self._run(f"DELETE FROM ticket_states WHERE reference IN"
                      f" ({', '.join('?' * len(part))})", part)


class SqlTicketConflicts(SqlRepository):
    def all(self) -> list[TicketConflict]:
        """Every conflict the server sent, newest first."""
        return [TicketConflict(row[0], row[1], ConflictKind(row[2]), from_utc_text(row[3]),
                               tuple(json.loads(row[4])), row[5])
                for row in self._all("SELECT id, reference, kind, at, till_ids, details"
                                     " FROM ticket_conflicts ORDER BY at DESC, id")]

    def save_many(self, conflicts: Sequence[TicketConflict]) -> None:
        self._many("INSERT OR REPLACE INTO ticket_conflicts (id, reference, kind, at,"
                   " till_ids, details) VALUES (?, ?, ?, ?, ?, ?)",
                   [(conflict.id, conflict.reference, conflict.kind.value,
                     utc_text(conflict.at), json.dumps(list(conflict.till_ids)),
                     conflict.details) for conflict in conflicts])

    def delete(self, ids: Sequence[str]) -> None:
        for part in chunks(ids):
            self._run(f"DELETE FROM ticket_conflicts WHERE id IN"
                      f" ({', '.join('?' * len(part))})", part)
