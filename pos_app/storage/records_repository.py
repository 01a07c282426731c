"""The business rows `journal verify` reconciles with the journal, read as plain tuples
in the orders domain/reconciliation.py documents (its `*_COLUMNS` notes).

What is journaled here is what was done here: an order sold at this till, a payment,
refund, return or cancellation made at this till (whatever till sold the order), the
cash movements, sessions and closures of this till. Rows another till made (pulled from
the server) are that till's journal's. The big streams (orders, their lines and VAT,
payments) come in the order their entries were written: an order's sequence is given
as it is validated, and a payment is inserted in the same transaction as its entry (the
rowid keeps that order); the rest are few and read whole.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from pos_app.storage.sql import SqlRepository

# A line's amount without VAT as domain/vat.py `split_vat` rounds it (half away from
# zero), then a sale's lines and VAT as its entry writes them (keys sorted).
_HALF_UP = ("(CASE WHEN {n} >= 0 THEN (2 * {n} + {d}) / (2 * {d})"
            " ELSE -((-2 * {n} + {d}) / (2 * {d})) END)")
_LINE_EXCL = _HALF_UP.format(n="(total_cents * 10000)", d="(10000 + vat_rate_bp)")
# The lines in their primary key's order (order_id, position), which the look-up follows.
# A discounted line (or order) gives a text no body holds: its entry is then read whole
# and compared field by field (domain/reconciliation.py), as few sales are discounted.
_LINES = ("SELECT group_concat(CASE WHEN discount_cents != 0 OR basket_discount_cents != 0"
          " THEN '\"discounted\"' ELSE json_object('label', label, 'price_label', price_label,"
          " 'quantity', quantity, 'total_cents', total_cents, 'total_excl_cents',"
          f" {_LINE_EXCL}, 'unit_price_cents', unit_price_cents, 'vat_rate_bp', vat_rate_bp)"
          " END, ',') FROM order_lines WHERE order_id = o.id")
_LINE_DISCOUNT = "discount_cents, discount_reason, discount_by, basket_discount_cents"
_VAT = ("SELECT '\"total_excl_cents\":' || coalesce(sum(excl_cents), 0) || ',\"vat\":['"
        " || coalesce(group_concat(rate, ','), '') || ']' FROM (SELECT excl_cents,"
        " json_object('excl_cents', excl_cents, 'rate_bp', rate_bp, 'total_cents',"
        " total_cents, 'vat_cents', vat_cents) AS rate FROM order_vat"
        " WHERE order_id = o.id ORDER BY rate_bp DESC)")


class SqlRecords(SqlRepository):
    def __init__(self, connection: sqlite3.Connection) -> None:
        super().__init__(connection)

    def _stream(self, sql: str, params: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
        # The cursor itself: its rows one by one, with no generator of ours in between.
        return iter(self._sql.execute(sql, params))

    def sales(self, till_id: str, training: bool) -> Iterator[tuple[Any, ...]]:
        # Each order with the text its sale entry gives its lines, VAT and totals, built
        # here by SQLite (a million orders' worth is too slow to build in Python).
        return self._stream(
            "SELECT o.id, o.number, o.staff_id, o.total_cents, NULL,"
            " '\"staff_id\":' || json_quote(o.staff_id),"
            " CASE WHEN o.discount_cents != 0 THEN 'discounted' ELSE"
            f" '\"lines\":[' || coalesce(({_LINES}), '') || '],\"number\":' || json_quote("
            "o.number) || ',\"order_id\":' || json_quote(o.id) || ',\"payments\":[' END,"
            f" ({_VAT}),"
            " o.created_at, o.discount_cents, o.discount_percent, o.discount_reason,"
            " o.discount_by"
            " FROM orders AS o WHERE o.till_id = ? AND o.training = ? ORDER BY o.sequence",
            (till_id, training))

    def sale_details(self, order_id: str) -> tuple[list[tuple[Any, ...]],
                                                    list[tuple[Any, ...]]]:
        return (self._all("SELECT order_id, position, label, price_label, quantity,"
                          f" unit_price_cents, vat_rate_bp, total_cents, {_LINE_DISCOUNT}"
                          " FROM order_lines WHERE order_id = ? ORDER BY position",
                          (order_id,)),
                self._all("SELECT order_id, rate_bp, excl_cents, vat_cents, total_cents"
                          " FROM order_vat WHERE order_id = ? ORDER BY rate_bp DESC",
                          (order_id,)))

    def payments(self, till_id: str, training: bool) -> Iterator[tuple[Any, ...]]:
        return self._stream(
            "SELECT id, order_id, NULL, method_code, amount_cents, change_cents, staff_id,"
            " json_object('amount_cents', amount_cents, 'change_cents', change_cents, 'id',"
            " id, 'method', method_code) FROM payments WHERE till_id = ? AND training = ?"
            " ORDER BY rowid", (till_id, training))

    def order_number(self, order_id: str) -> str | None:
        row = self._one("SELECT number FROM orders WHERE id = ?", (order_id,))
        return None if row is None else str(row[0])

    def refunds(self, till_id: str, training: bool) -> list[tuple[Any, ...]]:
        return self._all(
            "SELECT r.id, r.order_id, o.number, r.credit_note_id, r.excess, r.staff_id,"
            " r.method_code, r.amount_cents FROM refunds AS r LEFT JOIN orders AS o"
            " ON o.id = r.order_id WHERE r.till_id = ? AND r.training = ?",
            (till_id, training))

    def cancellations(self, till_id: str, training: bool) -> list[tuple[Any, ...]]:
        return self._all(
            "SELECT o.id, o.number, o.cancelled_by, o.cancel_reason, o.total_cents"
            " - coalesce((SELECT sum(c.total_cents) FROM credit_notes AS c"
            " WHERE c.order_id = o.id), 0) FROM orders AS o WHERE o.cancelled_till_id = ?"
            " AND o.cancelled_at IS NOT NULL AND o.training = ?", (till_id, training))

    def cancelled_vat(self, till_id: str, training: bool) -> list[tuple[Any, ...]]:
        """(order id, rate, excl, vat, total, sign): the sale's VAT (+1) and its credit
        notes' (-1), of the orders cancelled here."""
        return self._all(
            "SELECT v.order_id, v.rate_bp, v.excl_cents, v.vat_cents, v.total_cents, 1"
            " FROM orders AS o JOIN order_vat AS v ON v.order_id = o.id"
            " WHERE o.cancelled_till_id = ? AND o.cancelled_at IS NOT NULL AND o.training = ?"
            " UNION ALL SELECT c.order_id, v.rate_bp, v.excl_cents, v.vat_cents,"
            " v.total_cents, -1 FROM orders AS o JOIN credit_notes AS c ON c.order_id = o.id"
            " JOIN credit_note_vat AS v ON v.credit_note_id = c.id"
            " WHERE o.cancelled_till_id = ? AND o.cancelled_at IS NOT NULL AND o.training = ?",
            (till_id, training) * 2)

    def credit_notes(self, till_id: str, training: bool) -> list[tuple[Any, ...]]:
        return self._all(
            "SELECT c.id, c.number, c.order_id, o.number, c.staff_id, c.reason,"
            " c.total_cents FROM credit_notes AS c LEFT JOIN orders AS o"
            " ON o.id = c.order_id WHERE c.till_id = ? AND c.training = ?",
            (till_id, training))

    def credit_note_lines(self, till_id: str, training: bool) -> list[tuple[Any, ...]]:
        return self._all(
            "SELECT l.credit_note_id, l.order_line, l.label, l.price_label, l.quantity,"
            " l.unit_price_cents, l.vat_rate_bp, l.total_cents, l.discount_cents,"
            " l.discount_reason, l.discount_by, l.basket_discount_cents FROM credit_notes AS c"
            " JOIN credit_note_lines AS l ON l.credit_note_id = c.id"
            " WHERE c.till_id = ? AND c.training = ? ORDER BY l.credit_note_id, l.position",
            (till_id, training))

    def credit_note_vat(self, till_id: str, training: bool) -> list[tuple[Any, ...]]:
        return self._all(
            "SELECT v.credit_note_id, v.rate_bp, v.excl_cents, v.vat_cents, v.total_cents"
            " FROM credit_notes AS c JOIN credit_note_vat AS v ON v.credit_note_id = c.id"
            " WHERE c.till_id = ? AND c.training = ?"
            " ORDER BY v.credit_note_id, v.rate_bp DESC", (till_id, training))

    def cash_movements(self, till_id: str) -> list[tuple[Any, ...]]:
        return self._all(
            "SELECT id, kind, amount_cents, reason, staff_id, at FROM cash_movements"
            " WHERE till_id = ? ORDER BY rowid", (till_id,))

    def sessions(self, till_id: str) -> list[tuple[Any, ...]]:
        return self._all("SELECT number, opened_by FROM till_sessions WHERE till_id = ?"
                         " ORDER BY number", (till_id,))

    def closures(self, till_id: str) -> list[tuple[Any, ...]]:
        return self._all(
            "SELECT c.id, c.kind, c.number, c.period_end, c.staff_id, c.orders,"
            " c.takings_cents, c.perpetual_cents, c.perpetual_absolute_cents,"
            " c.expected_cash_cents, c.counted_cash_cents, c.journal_number, c.first_entry,"
            " c.last_entry, c.first_part, c.last_part, s.number, c.gap_reason FROM closures AS c"
            " LEFT JOIN till_sessions AS s ON s.id = c.session_id WHERE c.till_id = ?"
            " ORDER BY c.journal_number", (till_id,))

    def closure_methods(self, till_id: str) -> list[tuple[Any, ...]]:
        return self._all(
            "SELECT m.closure_id, m.method_code, m.expected_cents, m.counted_cents"
            " FROM closures AS c JOIN closure_methods AS m ON m.closure_id = c.id"
            " WHERE c.till_id = ? ORDER BY m.closure_id, m.method_code", (till_id,))

    def closure_counts(self, till_id: str) -> list[tuple[Any, ...]]:
        return self._all(
            "SELECT n.closure_id, n.denomination_cents, n.quantity FROM closures AS c"
            " JOIN closure_counts AS n ON n.closure_id = c.id WHERE c.till_id = ?"
            " ORDER BY n.closure_id, n.denomination_cents DESC", (till_id,))

    def cash_methods(self) -> frozenset[str]:
        return frozenset(row[0] for row in self._all(
            "SELECT code FROM payment_methods WHERE gives_change"))
