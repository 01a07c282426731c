"""Admission tickets (R11): written with their sale in its transaction, in plain SQL
(the sale's commit is the till's hot path), revoked with the cancellation or the return
that takes their places back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pos_app.domain.gate import TicketState
from pos_app.domain.ticket import Ticket
from pos_app.services.ports import GateView, TicketAtGate
from pos_app.storage.sql import SqlRepository, from_optional_utc_text, from_utc_text, utc_text

_COLUMNS = ("reference, order_id, order_number, line_position, unit, product_id, valid_from,"
            " valid_until, entries_allowed, token, key_id, issued_at, till_id, voided_at,"
            " void_reason, revoked_at, entries_used, last_validated_at")
_INSERT = (f"INSERT INTO tickets ({_COLUMNS})"
           f" VALUES ({', '.join('?' * len(_COLUMNS.split(',')))})")


def _row(ticket: Ticket) -> tuple[Any, ...]:
    return (ticket.reference, ticket.order_id, ticket.order_number, ticket.line_position,
            ticket.unit, ticket.product_id, utc_text(ticket.valid_from),
            utc_text(ticket.valid_until), ticket.entries_allowed, ticket.token, ticket.key_id,
            utc_text(ticket.issued_at), ticket.till_id,
            None if ticket.voided_at is None else utc_text(ticket.voided_at),
            ticket.void_reason,
            None if ticket.revoked_at is None else utc_text(ticket.revoked_at),
            ticket.entries_used,
            None if ticket.last_validated_at is None else utc_text(ticket.last_validated_at))


def _ticket(row: tuple[Any, ...]) -> Ticket:
    return Ticket(row[0], row[1], row[2], row[3], row[4], row[5], from_utc_text(row[6]),
                  from_utc_text(row[7]), row[8], row[9], row[10], from_utc_text(row[11]),
                  row[12], from_optional_utc_text(row[13]), row[14],
                  from_optional_utc_text(row[15]), row[16], from_optional_utc_text(row[17]))


_STATE = ("s.reference, s.product_id, s.order_id, s.valid_from, s.valid_until,"
          " s.entries_allowed, s.key_id, s.revoked_at, s.voided_at, s.entries_elsewhere,"
          " s.last_validated_at")
# The verdict is on the checker's hot path, and most tickets scanned at a till's gate are
# its own: one statement gives this till's ticket (whose row counts this till's entries
# and holds its void), whether its order was cancelled and what is left to pay on it (its
# returns off), the server's view of it and the product's name, each an indexed lookup.
_OWN_VIEW = ("SELECT t.product_id, t.valid_from, t.valid_until, t.entries_allowed, t.token,"
             " t.key_id, t.voided_at, t.revoked_at, t.entries_used, t.last_validated_at,"
             " o.cancelled_at IS NOT NULL, CASE WHEN o.cancelled_at IS NOT NULL THEN 0"
             " ELSE o.total_cents - coalesce((SELECT sum(total_cents) FROM credit_notes"
             " WHERE order_id = o.id), 0) - coalesce((SELECT sum(amount_cents - change_cents)"
             " FROM payments WHERE order_id = o.id), 0) + coalesce((SELECT sum(amount_cents)"
             f" FROM refunds WHERE order_id = o.id), 0) END, p.name, {_STATE}"
             " FROM tickets AS t JOIN orders AS o ON o.id = t.order_id"
             " LEFT JOIN products AS p ON p.id = t.product_id"
             " LEFT JOIN ticket_states AS s ON s.reference = t.reference"
             " WHERE t.reference = ?")
_OWN_WIDTH = 13
# Any other reference: the server's view, this till's acts on it, the product's name.
_OTHER_VIEW = (f"SELECT p.name, {_STATE}, v.used, v.last, v.voided"
               " FROM (SELECT ? AS reference) AS r"
               " LEFT JOIN ticket_states AS s ON s.reference = r.reference"
               " LEFT JOIN products AS p ON p.id = s.product_id"
               " LEFT JOIN (SELECT count(CASE WHEN outcome = 'validated' THEN 1 END) AS used,"
               " max(CASE WHEN outcome = 'validated' THEN at END) AS last,"
               " min(CASE WHEN outcome = 'voided' THEN at END) AS voided"
               " FROM ticket_validations WHERE reference = ?) AS v")


def _state(row: tuple[Any, ...]) -> TicketState | None:
    return None if row[0] is None else TicketState(
        row[0], row[1], row[2], from_utc_text(row[3]), from_utc_text(row[4]), row[5], row[6],
        from_optional_utc_text(row[7]), from_optional_utc_text(row[8]), row[9],
        from_optional_utc_text(row[10]))


class SqlTickets(SqlRepository):
    def gate_view(self, reference: str) -> GateView:
        row = self._one(_OWN_VIEW, (reference,))
        if row is not None:
            own = TicketAtGate(row[0], from_utc_text(row[1]), from_utc_text(row[2]),
                               row[3], row[4], row[5],
                               from_optional_utc_text(row[6]), from_optional_utc_text(row[7]),
                               row[8], from_optional_utc_text(row[9]), bool(row[10]),
                               row[11], row[12])
            return GateView(own, _state(row[_OWN_WIDTH:]), own.entries_used,
                            own.last_validated_at, own.voided_at, own.product_name)
        row = self._one(_OTHER_VIEW, (reference, reference))
        used, last, voided = row[12:15]
        return GateView(None, _state(row[1:12]), used or 0, from_optional_utc_text(last),
                        from_optional_utc_text(voided), row[0])

    def add_many(self, tickets: Sequence[Ticket]) -> None:
        self._many(_INSERT, [_row(ticket) for ticket in tickets])

    def get(self, reference: str) -> Ticket | None:
        row = self._one(f"SELECT {_COLUMNS} FROM tickets WHERE reference = ?", (reference,))
        return None if row is None else _ticket(row)

    def mark_validated(self, reference: str, at: datetime) -> None:
        self._run("UPDATE tickets SET entries_used = entries_used + 1, last_validated_at = ?"
                  " WHERE reference = ?", (utc_text(at), reference))

    def mark_voided(self, reference: str, at: datetime, reason: str) -> None:
        self._run("UPDATE tickets SET voided_at = ?, void_reason = ? WHERE reference = ?"
                  " AND voided_at IS NULL", (utc_text(at), reason, reference))

    def of_order(self, order_id: str) -> list[Ticket]:
        return [_ticket(row) for row in self._all(
            f"SELECT {_COLUMNS} FROM tickets WHERE order_id = ?"
            " ORDER BY line_position, unit", (order_id,))]

    def revoke_order(self, order_id: str, at: datetime) -> list[str]:
        rows = self._all(
            "UPDATE tickets SET revoked_at = ? WHERE order_id = ? AND revoked_at IS NULL"
            " RETURNING reference", (utc_text(at), order_id))
        return sorted(row[0] for row in rows)

    def revoke_places(self, order_id: str, line_position: int, places: int,
                      at: datetime) -> list[str]:
        """Revoke `places` tickets of a line still standing: those used least first (a
        ticket already let in is the last to go), then the last issued."""
        rows = self._all(
            "UPDATE tickets SET revoked_at = ? WHERE reference IN (SELECT reference FROM"
            " tickets WHERE order_id = ? AND line_position = ? AND revoked_at IS NULL"
            " ORDER BY entries_used, unit DESC LIMIT ?) RETURNING reference",
            (utc_text(at), order_id, line_position, places))
        return sorted(row[0] for row in rows)
