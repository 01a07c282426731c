"""Admission tickets of the venue coming down in a pull (R11, docs/sync.md "Admission
tickets"): every enrolled till's public key (`ticket_key`), so a gate checks a token
it never saw issued; the server's view of each ticket (`ticket`: revocations, voids and
the entries counted by the other tills); and the conflicts the server recorded between
gates that worked apart (`ticket_conflict`). They are applied in the page's transaction,
into the gate's tables; one item that does not read is skipped with a warning, never
stopping the pull (the next change of that ticket replaces it).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pos_app.domain.gate import ConflictKind, TicketConflict, TicketKey, TicketState
from pos_app.domain.sync import PulledChange
from pos_app.services.ports import UnitOfWork

log = logging.getLogger(__name__)

KEY_KIND = "ticket_key"
TICKET_KIND = "ticket"
CONFLICT_KIND = "ticket_conflict"
KINDS = frozenset({KEY_KIND, TICKET_KIND, CONFLICT_KIND})


class _Unreadable(ValueError):
    pass


def apply_tickets(uow: UnitOfWork, changes: Sequence[PulledChange], till_id: str) -> int:
    """Hold the page's keys, ticket states and conflicts, in `uow`'s transaction (the
    page's); how many items were applied. `till_id` is this till's: its own entries are
    its own validations, never counted twice."""
    page = _Page(till_id)
    for change in changes:
        if change.kind in KINDS:
            try:
                page.take(change)
            except (_Unreadable, ValueError, TypeError) as error:
                log.warning("pulled %s %r skipped: it does not read (%s)", change.kind,
                            change.id, error)
    return page.apply(uow)


class _Page:
    """A page's ticket items, the latest of each, read before they are written."""

    def __init__(self, till_id: str) -> None:
        self.till_id = till_id
        self.keys: dict[str, TicketKey] = {}
        self.states: dict[str, TicketState | None] = {}  # None: gone
        self.conflicts: dict[str, TicketConflict | None] = {}

    def take(self, change: PulledChange) -> None:
        data = change.data
        if change.kind == KEY_KIND:
            if data is not None:  # a key is never taken back: a tombstone says nothing
                self.keys[change.id] = _key(data)
        elif change.kind == TICKET_KIND:
            self.states[change.id] = None if data is None else _state(data, self.till_id)
        else:  # settled on the server, or deleted: no longer shown
            settled = data is None or data.get("resolved_at") is not None
            self.conflicts[change.id] = None if settled or data is None else _conflict(data)

    def apply(self, uow: UnitOfWork) -> int:
        if self.keys:
            uow.ticket_keys.save_many(list(self.keys.values()))
        gone = [reference for reference, state in self.states.items() if state is None]
        if gone:
            uow.ticket_states.delete(gone)
        states = [state for state in self.states.values() if state is not None]
        if states:
            uow.ticket_states.save_many(states)
        settled = [item for item, conflict in self.conflicts.items() if conflict is None]
        if settled:
            uow.ticket_conflicts.delete(settled)
        shown = [conflict for conflict in self.conflicts.values() if conflict is not None]
        if shown:
            uow.ticket_conflicts.save_many(shown)
        return len(self.keys) + len(self.states) + len(self.conflicts)


def _key(data: Mapping[str, Any]) -> TicketKey:
    key_id, public_key = _text(data, "key_id"), _text(data, "public_key")
    if len(key_id) != 16 or len(public_key) != 64:
        raise _Unreadable("a key id of 16 and a public key of 64 hex digits")
    bytes.fromhex(key_id + public_key)  # ValueError when not hex
    return TicketKey(key_id.lower(), public_key.lower(), _text(data, "till_id"),
                     _text(data, "till_name"))


def _state(data: Mapping[str, Any], till_id: str) -> TicketState:
    by_till = data.get("entries_by_till")
    if not isinstance(by_till, dict):
        raise _Unreadable("entries_by_till: an object")
    elsewhere = 0
    for other, count in by_till.items():
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise _Unreadable(f"entries_by_till[{other!r}]: a count")
        if other != till_id:
            elsewhere += count
    entries = data.get("entries_allowed")
    if entries is not None and (not isinstance(entries, int) or isinstance(entries, bool)):
        raise _Unreadable("entries_allowed: a whole number or null")
    order_id = data.get("order_id")
    return TicketState(
        reference=_text(data, "reference"), product_id=_text(data, "product_id"),
        order_id=order_id if isinstance(order_id, str) else None,
        valid_from=_time(data, "valid_from"), valid_until=_time(data, "valid_until"),
        entries_allowed=entries, key_id=_text(data, "key_id"),
        revoked_at=_optional_time(data, "revoked_at"),
        voided_at=_optional_time(data, "voided_at"), entries_elsewhere=elsewhere,
        last_validated_at=_optional_time(data, "last_validated_at"))


def _conflict(data: Mapping[str, Any]) -> TicketConflict:
    till_ids = data.get("till_ids")
    if not isinstance(till_ids, list) or not all(isinstance(t, str) for t in till_ids):
        raise _Unreadable("till_ids: a list of till ids")
    reference = data.get("reference")
    details = data.get("details")
    return TicketConflict(
        id=_text(data, "id"), reference=reference if isinstance(reference, str) else None,
        kind=ConflictKind(_text(data, "kind")), at=_time(data, "at"),
        till_ids=tuple(till_ids),
        details=details if isinstance(details, str) else json.dumps(details))


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise _Unreadable(f"{name}: a text")
    return value


def _time(data: Mapping[str, Any], name: str) -> datetime:
    moment = datetime.fromisoformat(_text(data, name).replace("Z", "+00:00"))
    if moment.utcoffset() is None:
        raise _Unreadable(f"{name}: a time with its offset")
    return moment


def _optional_time(data: Mapping[str, Any], name: str) -> datetime | None:
    return None if data.get(name) is None else _time(data, name)
