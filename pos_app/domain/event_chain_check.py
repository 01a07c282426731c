"""The event chain's cash movements and session openings against their rows
(domain/reconciliation.py says how)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pos_app.domain.journal import Chain, JournalProblem, journal_time
from pos_app.domain.reconciliation import RowQueue, differs
from pos_app.domain.z_figures import SHAPE_ERRORS, Row, not_written_so, said


class EventChainCheck:
    """The event journal's cash movements and session openings against their rows; the
    cash moved in each session is added up for its Z."""

    def __init__(self, movements: Iterable[Row], sessions: Iterable[Row]) -> None:
        self.problem: JournalProblem | None = None
        self._movements = RowQueue(movements, 0)
        self._sessions = {row[0]: row for row in sessions}
        self._session = 0
        self.moved: dict[int, dict[str, int]] = {}  # session number → kind → cents
        self._last = 0

    def feed(self, row: Row) -> None:
        if self.problem is not None:
            return
        number, at, body = row[0], row[1], row[5]
        self._last = number
        if '"event":"cash_movement"' not in body and '"event":"session_opened"' not in body:
            return
        try:
            reason = self._event(at, json.loads(body))
        except SHAPE_ERRORS as error:
            reason = not_written_so(error)
        if reason is not None:
            self.problem = JournalProblem(Chain.EVENT, number, reason)

    def _event(self, at: str, body: Mapping[str, Any]) -> str | None:
        if body.get("event") == "session_opened":
            self._session = body["number"]
            stored = self._sessions.pop(body["number"], None)
            if stored is None:
                return f"its session {body['number']} is not in the store"
            return differs(f"session {stored[0]}", "session_opened",
                            (("opened_by", stored[1], body["staff_id"]),))
        if body.get("event") != "cash_movement":
            return None
        stored = self._movements.head()
        if stored is None:
            return (f"its cash movement ({body['kind']}, {said(body['amount_cents'])} cents)"
                    " is not in the store")
        reason = differs(f"cash movement {stored[0]}", "cash_movement", (
            ("kind", stored[1], body["kind"]),
            ("amount_cents", stored[2], body["amount_cents"]),
            ("reason", stored[3], body["reason"]), ("staff_id", stored[4], body["staff_id"]),
            ("time", journal_time(datetime.fromisoformat(stored[5])), at)))
        if reason is None:
            self._movements.drop(1)
            moved = self.moved.setdefault(self._session, {})
            moved[stored[1]] = moved.get(stored[1], 0) + stored[2]
        return reason

    def finish(self) -> JournalProblem | None:
        if self.problem is not None:
            return self.problem
        for movement in self._movements.rest():
            self.problem = JournalProblem(
                Chain.EVENT, 0, f"cash movement {movement[0]} ({movement[1]},"
                f" {said(movement[2])} cents) has no entry")
            return self.problem
        for session in sorted(self._sessions.values()):
            self.problem = JournalProblem(Chain.EVENT, 0, f"session {session[0]} has no"
                                          " session_opened entry")
            return self.problem
        return None
