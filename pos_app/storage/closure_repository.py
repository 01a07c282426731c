"""Closures, cash movements and the sums a closure reconciles, in plain SQL.

A Z covers one till session: every order, cancellation, return, payment, refund and cash
movement says the session it was recorded in, so a period is what was recorded since the
previous Z, whatever the clock said meanwhile.
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
    Takings,
    totals_by_rate,
)
from pos_app.storage.sql import SqlRepository, from_optional_utc_text, from_utc_text, utc_text

_CLOSURE_COLUMNS = ("id, till_id, kind, number, period_start, period_end, staff_id, orders,"
                    " takings_cents, perpetual_cents, perpetual_absolute_cents,"
                    " expected_cash_cents, counted_cash_cents, journal_number, first_entry,"
                    " last_entry, first_part, last_part, gap_reason")
_RETURNED = "coalesce((SELECT sum(total_cents) FROM credit_notes WHERE order_id = o.id), 0)"
_VAT_COLUMNS = "v.rate_bp, v.excl_cents, v.vat_cents, v.total_cents"
_SALES_VAT = ("SELECT v.rate_bp, sum(v.excl_cents), sum(v.vat_cents), sum(v.total_cents)"
              " FROM orders AS o JOIN order_vat AS v ON v.order_id = o.id"
              " WHERE o.session_id = ? GROUP BY v.rate_bp")
# What cancellations took off (the sale's VAT less its returns') and the returns, apart
# from the sales' own aggregate (the largest, kept a plain GROUP BY): few rows.
_CORRECTIONS_VAT = (
    "SELECT rate_bp, sum(excl_cents * sign), sum(vat_cents * sign), sum(total_cents * sign)"
    f" FROM (SELECT {_VAT_COLUMNS}, -1 AS sign FROM orders AS o"
    " JOIN order_vat AS v ON v.order_id = o.id WHERE o.cancelled_session_id = ?"
    f" UNION ALL SELECT {_VAT_COLUMNS}, 1 FROM orders AS o"
    " JOIN credit_notes AS c ON c.order_id = o.id"
    " JOIN credit_note_vat AS v ON v.credit_note_id = c.id"
    " WHERE o.cancelled_session_id = ?"
    f" UNION ALL SELECT {_VAT_COLUMNS}, -1 FROM credit_notes AS c"
    " JOIN credit_note_vat AS v ON v.credit_note_id = c.id WHERE c.session_id = ?)"
    " GROUP BY rate_bp")


class SqlClosures(SqlRepository):
    def add_cash_movement(self, movement_id: str, till_id: str, kind: CashMovementKind,
                          amount_cents: int, reason: str, staff_id: str, at: datetime,
                          session_id: str) -> None:
        self._run("INSERT INTO cash_movements (id, till_id, kind, amount_cents, reason,"
                  " staff_id, at, session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  (movement_id, till_id, kind.value, amount_cents, reason, staff_id,
                   utc_text(at), session_id))

    def cash_movements(self, session_id: str) -> dict[CashMovementKind, int]:
        rows = self._all("SELECT kind, sum(amount_cents) FROM cash_movements"
                         " WHERE session_id = ? GROUP BY kind", (session_id,))
        return {CashMovementKind(kind): total for kind, total in rows}

    def takings(self, session_id: str) -> Takings:
        orders, sales = self._one(
            "SELECT count(*), coalesce(sum(total_cents), 0) FROM orders WHERE session_id = ?",
            (session_id,))
        cancellations, cancelled = self._one(
            f"SELECT count(*), coalesce(sum(o.total_cents - {_RETURNED}), 0) FROM orders AS o"
            " WHERE o.cancelled_session_id = ?", (session_id,))
        returns, returned = self._one(
            "SELECT count(*), coalesce(sum(total_cents), 0) FROM credit_notes"
            " WHERE session_id = ?", (session_id,))
        per_rate: dict[int, tuple[int, int, int]] = {}
        for rate, excl, vat_cents, total in [*self._all(_SALES_VAT, (session_id,)),
                                             *self._all(_CORRECTIONS_VAT, (session_id,) * 3)]:
            was = per_rate.get(rate, (0, 0, 0))
            per_rate[rate] = (was[0] + excl, was[1] + vat_cents, was[2] + total)
        vat = totals_by_rate((rate, *sums) for rate, sums in per_rate.items())
        return Takings(orders, sales, cancellations, cancelled, returns, returned, vat)

    def payments(self, session_id: str) -> list[tuple[str, int, int]]:
        return self._all("SELECT method_code, sum(amount_cents), sum(change_cents)"
                         " FROM payments WHERE session_id = ? GROUP BY method_code",
                         (session_id,))

    def refunds(self, session_id: str) -> dict[str, int]:
        return dict(self._all("SELECT method_code, sum(amount_cents) FROM refunds"
                              " WHERE session_id = ? GROUP BY method_code", (session_id,)))

    def last(self, till_id: str, kind: ClosureKind) -> Closure | None:
        row = self._one(f"SELECT {_CLOSURE_COLUMNS} FROM closures WHERE till_id = ?"
                        " AND kind = ? ORDER BY number DESC LIMIT 1", (till_id, kind.value))
        return None if row is None else _closure(row)

    def of_kind_after(self, till_id: str, kind: ClosureKind, after: int) -> list[Closure]:
        return [_closure(row) for row in self._all(
            f"SELECT {_CLOSURE_COLUMNS} FROM closures WHERE till_id = ? AND kind = ?"
            " AND number > ? ORDER BY number", (till_id, kind.value, after))]

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
            count: CashCount | None, session_id: str | None) -> None:
        totals = closure.totals
        self._run(f"INSERT INTO closures ({_CLOSURE_COLUMNS}, session_id) VALUES"
                  " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (closure.id, closure.till_id, closure.kind.value, closure.number,
                   None if closure.period_start is None else utc_text(closure.period_start),
                   utc_text(closure.period_end), closure.staff_id, closure.orders,
                   totals.period_cents, totals.perpetual_cents,
                   totals.perpetual_absolute_cents, closure.expected_cash_cents,
                   closure.counted_cash_cents, closure.journal_number, closure.first_entry,
                   closure.last_entry, closure.first_part, closure.last_part, closure.gap_reason,
                   session_id))
        self._many("INSERT INTO closure_methods (closure_id, method_code, expected_cents,"
                   " counted_cents) VALUES (?, ?, ?, ?)",
                   [(closure.id, *method) for method in methods])
        if count is not None:
            self._many("INSERT INTO closure_counts (closure_id, denomination_cents, quantity)"
                       " VALUES (?, ?, ?)",
                       [(closure.id, *pair) for pair in count.quantities])


def _closure(row: tuple[Any, ...]) -> Closure:
    return Closure(row[0], row[1], ClosureKind(row[2]), row[3], from_optional_utc_text(row[4]),
                   from_utc_text(row[5]), row[6], row[7], GrandTotals(row[8], row[9], row[10]),
                   row[11], row[12], row[13], row[14], row[15], row[16], row[17], row[18])
