"""The closure chain against the closures table, with each Z's methods and count
(domain/reconciliation.py says how)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pos_app.domain.journal import Chain, JournalProblem, journal_time
from pos_app.domain.reconciliation import differs
from pos_app.domain.z_figures import SHAPE_ERRORS, Row, not_written_so


class ClosureChainCheck:
    """Closure entries against the closures table (with each Z's methods and count);
    the Zs' bodies are kept for their recomputation."""

    def __init__(self, closures: Iterable[Row], methods: Iterable[Row],
                 counts: Iterable[Row]) -> None:
        self.problem: JournalProblem | None = None
        self._closures = {row[11]: row for row in closures}
        self._methods: dict[str, list[tuple[Any, ...]]] = {}
        for row in methods:
            self._methods.setdefault(row[0], []).append(tuple(row[1:]))
        self._counts: dict[str, list[tuple[Any, ...]]] = {}
        for row in counts:
            self._counts.setdefault(row[0], []).append(tuple(row[1:]))
        self.zs: list[tuple[int, Mapping[str, Any]]] = []  # (entry number, body)

    def ranges(self) -> list[tuple[int, int]]:
        return [(body["order_entries"]["first"], body["order_entries"]["last"])
                for _number, body in self.zs]

    def feed(self, row: Row) -> None:
        if self.problem is not None:
            return
        number, body = row[0], row[5]
        try:
            reason = self._closure(number, json.loads(body))
        except SHAPE_ERRORS as error:
            reason = not_written_so(error)
        if reason is not None:
            self.problem = JournalProblem(Chain.CLOSURE, number, reason)

    def _closure(self, number: int, body: Mapping[str, Any]) -> str | None:
        kind = body["kind"]
        stored = self._closures.pop(number, None)
        if stored is None:
            return f"its closure ({kind} {body['number']}) is not in the store"
        if kind == "z":
            self.zs.append((number, body))
        totals, cash, entries = body["grand_totals"], body["cash"], body["order_entries"]
        what = f"closure {stored[1]} {stored[2]}"
        fields = [
            ("kind", stored[1], kind), ("number", stored[2], body["number"]),
            ("period end", journal_time(datetime.fromisoformat(stored[3])),
             body["period"]["to"]),
            ("staff_id", stored[4], body["staff_id"]), ("orders", stored[5], body["orders"]),
            ("takings_cents", stored[6], totals["period_cents"]),
            ("perpetual_cents", stored[7], totals["perpetual_cents"]),
            ("perpetual_absolute_cents", stored[8], totals["perpetual_absolute_cents"]),
            ("expected cash", stored[9], cash["expected_cents"]),
            ("counted cash", stored[10], cash["counted_cents"]),
            ("first order entry", stored[12], entries["first"]),
            ("last order entry", stored[13], entries["last"])]
        if kind == "z":
            fields += [
                ("session", stored[16], body["session"]),
                # Said only when given: a Z without one (and every Z before it could be
                # said) records none.
                ("gap reason", stored[17], body.get("gap_reason", "")),
                ("methods (method, expected, counted)", self._methods.get(stored[0], []),
                 sorted((m["method"], m["expected_cents"], m["counted_cents"])
                        for m in body["methods"])),
                ("cash count (cents, quantity)", self._counts.get(stored[0], []),
                 [tuple(pair) for pair in cash["count"] or ()])]
        else:
            fields += [("first part", stored[14], body["parts"]["first"]),
                       ("last part", stored[15], body["parts"]["last"])]
        return differs(what, "closure", fields)

    def finish(self) -> JournalProblem | None:
        if self.problem is not None:
            return self.problem
        for closure in sorted(self._closures.values(), key=lambda row: row[11]):
            self.problem = JournalProblem(
                Chain.CLOSURE, 0, f"closure {closure[1]} {closure[2]} (entry {closure[11]}"
                " by the store) has no entry")
            return self.problem
        return None


# -- each Z recomputed ---------------------------------------------------------------
