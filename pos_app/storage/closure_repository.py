"""Closures, cash movements and the sums a closure reconciles, in plain SQL.

Periods are half-open, (after, until]: a closure's end is the next one's start. Times
are ISO 8601 UTC text, which compares in time order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pos_app.domain.closure import (
    CashCount,
    CashMovementKind,
    Closure,
    ClosureKind,
    GrandTotals,
    VatTotal,
    totals_by_rate,
)
from pos_app.storage.sql import SqlRepository, from_optional_utc_text, from_utc_text, utc_text

_CLOSURE_COLUMNS = ("id, till_id, kind, number, period_start, period_end, staff_id, orders,"
                    " takings_cents, perpetual_cents, perpetual_absolute_cents,"
                    " expected_cash_cents, counted_cash_cents, journal_number, first_entry,"
                    " last_entry")
_NO_START = ""  # before any closure: every stored time sorts after it


class SqlClosures(SqlRepository):
    def add_cash_movement(self, movement_id: str, till_id: str, kind: CashMovementKind,
                          amount_cents: int, reason: str, staff_id: str, at: datetime) -> None:
        self._run("INSERT INTO cash_movements (id, till_id, kind, amount_cents, reason,"
                  " staff_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                  (movement_id, till_id, kind.value, amount_cents, reason, staff_id,
                   utc_text(at)))

    def cash_movements(self, till_id: str, after: datetime | None,
                       until: datetime) -> dict[CashMovementKind, int]:
        rows = self._all("SELECT kind, sum(amount_cents) FROM cash_movements WHERE till_id = ?"
                         " AND at > ? AND at <= ? GROUP BY kind",
                         (till_id, _after(after), utc_text(until)))
        return {CashMovementKind(kind): total for kind, total in rows}

    def sales(self, till_id: str, after: datetime | None,
              until: datetime) -> tuple[int, int, int, int, tuple[VatTotal, ...]]:
        """Orders made and orders cancelled at this till in the period: their counts,
        their totals, and VAT per rate net of the cancellations."""
        window = (till_id, _after(after), utc_text(until))
        made, made_cents = self._one(
            "SELECT count(*), coalesce(sum(total_cents), 0) FROM orders WHERE till_id = ?"
            " AND created_at > ? AND created_at <= ? AND NOT training", window)
        cancelled, cancelled_cents = self._one(
            "SELECT count(*), coalesce(sum(total_cents), 0) FROM orders"
            " WHERE cancelled_till_id = ? AND cancelled_at > ? AND cancelled_at <= ?"
            " AND NOT training", window)
        vat = self._all(
            "SELECT rate_bp, sum(excl_cents * sign), sum(vat_cents * sign),"
            " sum(total_cents * sign) FROM ("
            " SELECT v.rate_bp, v.excl_cents, v.vat_cents, v.total_cents, 1 AS sign"
            " FROM orders AS o JOIN order_vat AS v ON v.order_id = o.id"
            " WHERE o.till_id = ? AND o.created_at > ? AND o.created_at <= ? AND NOT o.training"
            " UNION ALL"
            " SELECT v.rate_bp, v.excl_cents, v.vat_cents, v.total_cents, -1"
            " FROM orders AS o JOIN order_vat AS v ON v.order_id = o.id"
            " WHERE o.cancelled_till_id = ? AND o.cancelled_at > ? AND o.cancelled_at <= ?"
            " AND NOT o.training) GROUP BY rate_bp", (*window, *window))
        return made, cancelled, made_cents, cancelled_cents, totals_by_rate(vat)

    def payments(self, till_id: str, after: datetime | None,
                 until: datetime) -> list[tuple[str, int, int]]:
        """(method, tendered, change given) for the payments taken at this till."""
        return self._all("SELECT method_code, sum(amount_cents), sum(change_cents)"
                         " FROM payments WHERE till_id = ? AND taken_at > ? AND taken_at <= ?"
                         " AND NOT training GROUP BY method_code",
                         (till_id, _after(after), utc_text(until)))

    def last(self, till_id: str, kind: ClosureKind) -> Closure | None:
        row = self._one(f"SELECT {_CLOSURE_COLUMNS} FROM closures WHERE till_id = ?"
                        " AND kind = ? ORDER BY number DESC LIMIT 1", (till_id, kind.value))
        return None if row is None else _closure(row)

    def of_kind_between(self, till_id: str, kind: ClosureKind, after: datetime | None,
                        until: datetime) -> list[Closure]:
        return [_closure(row) for row in self._all(
            f"SELECT {_CLOSURE_COLUMNS} FROM closures WHERE till_id = ? AND kind = ?"
            " AND period_end > ? AND period_end <= ? ORDER BY number",
            (till_id, kind.value, _after(after), utc_text(until)))]

    def between(self, till_id: str, start: datetime, end: datetime) -> list[Closure]:
        """Closures that ended in [start, end), oldest first."""
        return [_closure(row) for row in self._all(
            f"SELECT {_CLOSURE_COLUMNS} FROM closures WHERE till_id = ? AND period_end >= ?"
            " AND period_end < ? ORDER BY period_end, kind", (till_id, utc_text(start),
                                                              utc_text(end)))]

    def method_figures(self, closure_id: str) -> list[tuple[str, int, int]]:
        return self._all("SELECT method_code, expected_cents, counted_cents FROM"
                         " closure_methods WHERE closure_id = ? ORDER BY method_code",
                         (closure_id,))

    def add(self, closure: Closure, methods: list[tuple[str, int, int]],
            count: CashCount | None) -> None:
        totals = closure.totals
        self._run(f"INSERT INTO closures ({_CLOSURE_COLUMNS}) VALUES"
                  " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (closure.id, closure.till_id, closure.kind.value, closure.number,
                   None if closure.period_start is None else utc_text(closure.period_start),
                   utc_text(closure.period_end), closure.staff_id, closure.orders,
                   totals.period_cents, totals.perpetual_cents,
                   totals.perpetual_absolute_cents, closure.expected_cash_cents,
                   closure.counted_cash_cents, closure.journal_number, closure.first_entry,
                   closure.last_entry))
        self._many("INSERT INTO closure_methods (closure_id, method_code, expected_cents,"
                   " counted_cents) VALUES (?, ?, ?, ?)",
                   [(closure.id, *method) for method in methods])
        if count is not None:
            self._many("INSERT INTO closure_counts (closure_id, denomination_cents, quantity)"
                       " VALUES (?, ?, ?)",
                       [(closure.id, *pair) for pair in count.quantities])


def _after(moment: datetime | None) -> str:
    return _NO_START if moment is None else utc_text(moment)


def _closure(row: tuple[Any, ...]) -> Closure:
    return Closure(row[0], row[1], ClosureKind(row[2]), row[3], from_optional_utc_text(row[4]),
                   from_utc_text(row[5]), row[6], row[7], GrandTotals(row[8], row[9], row[10]),
                   row[11], row[12], row[13], row[14], row[15])
