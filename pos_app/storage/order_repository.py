"""Orders with their lines, VAT per rate, payments, returns (credit notes), refunds and
cancellation. Each record says the till session it was made in (none in training): what
a Z covers."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pos_app.domain.basket import BasketLine
from pos_app.domain.discount import BasketDiscount
from pos_app.domain.order import (
    TRAINING_PREFIX,
    Cancellation,
    CreditNote,
    Order,
    OrderStatus,
    Refund,
    ReturnedLine,
    StatusFilter,
    credit_note_prefix,
)
from pos_app.domain.payment import Payment
from pos_app.domain.text import fold
from pos_app.domain.vat import VatRate
from pos_app.services.ports import OrderSummary
from pos_app.storage.sql import (
    SqlRepository,
    from_optional_utc_text,
    from_utc_text,
    like_escape,
    utc_text,
    utc_text_or_none,
)

if TYPE_CHECKING:  # read by the sync thread's pull only: the sale screen loads without it
    from collections.abc import Sequence

    from pos_app.domain.pulled_order import PulledOrder
    from pos_app.domain.till import Till

# What an order is worth now (nothing once cancelled, its returns off), and what it
# holds of the customer's money: an order search shows what is left from both.
_DUE = ("CASE WHEN o.cancelled_at IS NOT NULL THEN 0 ELSE o.total_cents - coalesce((SELECT"
        " sum(total_cents) FROM credit_notes WHERE order_id = o.id), 0) END")
_NET_PAID = ("coalesce((SELECT sum(amount_cents - change_cents) FROM payments"
             " WHERE order_id = o.id), 0) - coalesce((SELECT sum(amount_cents) FROM refunds"
             " WHERE order_id = o.id), 0)")


_INSERT_PAYMENT = ("INSERT INTO payments (id, order_id, method_code, amount_cents,"
                   " change_cents, taken_at, staff_id, till_id, training, session_id)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_INSERT_REFUND = ("INSERT INTO refunds (id, order_id, credit_note_id, method_code, amount_cents,"
                  " at, staff_id, till_id, training, session_id, excess)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_LINE_COLUMNS = ("product_id, label, price_id, price_label, unit_price_cents, quantity,"
                 " vat_rate_bp, discount_cents, discount_reason, discount_by,"
                 " basket_discount_cents, slot_id, slot_starts_at, slot_ends_at")
# The columns `_line_values` fills, after the owner's and its position.
_LINE_INSERT = ("product_id, label, price_id, price_label, unit_price_cents, quantity,"
                " vat_rate_bp, total_cents, discount_cents, discount_reason, discount_by,"
                " basket_discount_cents, slot_id, slot_starts_at, slot_ends_at")
_LINE_MARKS = ", ".join("?" * len(_LINE_INSERT.split(",")))


def _payment_row(order: Order, payment: Payment, till_id: str,
                 session_id: str | None) -> tuple[Any, ...]:
    return (payment.id, order.id, payment.method_code, payment.amount_cents,
            payment.change_cents, utc_text(payment.taken_at), payment.staff_id, till_id,
            order.training, session_id)


def _number_of_ours(theirs: PulledOrder, local: Till) -> str | None:
    """A number another till gave that this till gives too (two tills of the venue with
    one prefix): held here, it would stop this till's next sale or credit note."""
    if theirs.till.id != local.id and theirs.order.number.startswith(
            (local.order_prefix, TRAINING_PREFIX)):
        return theirs.order.number
    ours = credit_note_prefix(local.code, False)
    return next((note.number for note in theirs.order.returns
                 if note.number.startswith((ours, TRAINING_PREFIX))), None)


def _refund_row(order: Order, refund: Refund, till_id: str,
                session_id: str | None) -> tuple[Any, ...]:
    return (refund.id, order.id, refund.credit_note_id, refund.method_code,
            refund.amount_cents, utc_text(refund.at), refund.staff_id, till_id,
            order.training, session_id, refund.excess)


def _line_values(line: BasketLine) -> tuple[Any, ...]:
    return (line.product_id, line.label, line.price_id, line.price_label,
            line.unit_price_cents, line.quantity, line.vat_rate, line.total_cents,
            line.discount_cents, line.discount_reason or None, line.discount_by,
            line.basket_discount_cents, line.slot_id, utc_text_or_none(line.slot_start),
            utc_text_or_none(line.slot_end))


def _line(row: tuple[Any, ...]) -> BasketLine:
    return BasketLine(row[0], row[1], row[2], row[3], row[4], row[5], VatRate(row[6]),
                      row[7], row[8] or "", row[9], row[10], row[11],
                      from_optional_utc_text(row[12]), from_optional_utc_text(row[13]))


def _discount(row: tuple[Any, ...]) -> BasketDiscount | None:
    """The basket's discount from (cents, percent, reason, by); None when there is none."""
    return None if not row[0] else BasketDiscount(row[0], row[2] or "", row[3], row[1])


def _discount_values(discount: BasketDiscount | None) -> tuple[Any, ...]:
    if discount is None:
        return (0, None, None, None)
    return (discount.cents, discount.percent, discount.reason, discount.by)


# Places sold per slot, as the triggers of migration 0022 keep them (orders standing,
# less what their credit notes took back); the slots named as one JSON array (a month's
# planning asks thousands at once).
_BOOKED = ("SELECT slot_id, places FROM slot_bookings"
           " WHERE slot_id IN (SELECT value FROM json_each(?)) AND places != 0")


class SqlOrders(SqlRepository):
    def booked_places(self, slot_ids: Sequence[str]) -> dict[str, int]:
        if not slot_ids:
            return {}
        return {slot_id: places for slot_id, places in
                self._all(_BOOKED, (json.dumps(list(slot_ids)),)) if places}

    def add(self, order: Order, session_id: str | None) -> None:
        self._run(
            "INSERT INTO orders (id, number, till_id, sequence, created_at, staff_id, payer_id,"
            " total_cents, status, training, session_id, discount_cents, discount_percent,"
            " discount_reason, discount_by, postal_code)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (order.id, order.number, order.till_id, order.sequence,
             utc_text(order.created_at), order.staff_id, order.payer_id, order.total_cents,
             order.status.value, order.training, session_id, *_discount_values(order.discount),
             order.postal_code))
        self._many(
            f"INSERT INTO order_lines (order_id, position, {_LINE_INSERT})"
            f" VALUES (?, ?, {_LINE_MARKS})",
            [(order.id, position, *_line_values(line))
             for position, line in enumerate(order.lines)])
        self._many(
            "INSERT INTO order_vat (order_id, rate_bp, excl_cents, vat_cents, total_cents)"
            " VALUES (?, ?, ?, ?, ?)",
            [(order.id, vat.rate, vat.excl_cents, vat.vat_cents, vat.total_cents)
             for vat in order.vat()])
        self._many(_INSERT_PAYMENT, [_payment_row(order, p, order.till_id, session_id)
                                     for p in order.payments])

    def merge_pulled(self, pulled: PulledOrder, local: Till) -> str | None:
        """Add what other tills made of an order the server sent: the order itself when
        another till sold it (with that till, and its payer when unknown here), then
        their payments, returns, refunds and cancellation not held yet; none belongs to
        a session of this till. Returns why it cannot be held here (nothing of it is
        written then), or None once held."""
        order = pulled.order
        theirs = pulled.others(local.id)
        taken = _number_of_ours(theirs, local)
        if taken is not None:
            return (f"its number {taken} is one this till gives ({local.order_prefix}…): each"
                    " till of the venue needs a number prefix of its own")
        held = self._one("SELECT id FROM orders WHERE number = ?", (order.number,))
        if held is not None and held[0] != order.id:
            return f"its number {order.number} is another order's here"
        if held is None and pulled.till.id == local.id:
            return "it is one of this till's own orders, and this store does not hold it"
        taken = self._ids_of_other_orders(order.id, theirs.order)
        if taken:
            return f"{taken} already belongs to another order here"
        # Whatever constraint still refuses it (a credit note's number, a sequence its till
        # gave twice), the order is left whole, and the page goes on.
        self._run("SAVEPOINT pulled_order")
        try:
            if held is None:
                self._add_pulled(pulled)
            self._add_theirs(theirs)
        except sqlite3.IntegrityError as refused:
            self._run("ROLLBACK TO pulled_order")
            self._run("RELEASE pulled_order")
            return f"the store refused it: {refused}"
        self._run("RELEASE pulled_order")
        return None

    def _ids_of_other_orders(self, order_id: str, theirs: Order) -> str | None:
        """A payment, refund or credit note id of the document that this store holds
        under another order (ids are UUIDs: that is a document gone wrong)."""
        for table, ids in (("payments", [p.id for p in theirs.payments]),
                           ("refunds", [r.id for r in theirs.refunds]),
                           ("credit_notes", [n.id for n in theirs.returns])):
            if not ids:
                continue
            marks = ", ".join("?" * len(ids))
            row = self._one(f"SELECT id FROM {table} WHERE id IN ({marks}) AND order_id != ?",
                            (*ids, order_id))
            if row is not None:
                return f"{table[:-1].replace('_', ' ')} {row[0]}"
        return None

    def _add_pulled(self, pulled: PulledOrder) -> None:
        """Another till's order, as it was validated, with that till and its payer."""
        order, till, payer = pulled.order, pulled.till, pulled.payer
        self._run("INSERT OR IGNORE INTO tills (id, code, name, point_of_sale, order_prefix,"
                  " is_local) VALUES (?, ?, ?, ?, ?, 0)",
                  (till.id, till.code, till.name, till.point_of_sale, till.order_prefix))
        if payer is not None:
            self._run("INSERT OR IGNORE INTO customers (id, kind, name, first_name,"
                      " name_folded, first_name_folded) VALUES (?, ?, ?, ?, ?, ?)",
                      (payer.id, payer.kind.value, payer.name, payer.first_name,
                       fold(payer.name), fold(payer.first_name) if payer.first_name else None))
        self.add(Order(id=order.id, number=order.number, sequence=order.sequence,
                       till_id=order.till_id, created_at=order.created_at,
                       staff_id=order.staff_id, lines=order.lines, payer_id=order.payer_id,
                       discount=order.discount, postal_code=order.postal_code),
                 None)

    def _add_theirs(self, theirs: PulledOrder) -> None:
        """Other tills' payments, returns, refunds and cancellation not held yet."""
        order = theirs.order
        self._many(_INSERT_PAYMENT.replace("INSERT", "INSERT OR IGNORE", 1), [
            _payment_row(order, payment, theirs.made_by[payment.id], None)
            for payment in order.payments])
        for note in order.returns:
            if self._one("SELECT 1 FROM credit_notes WHERE id = ?", (note.id,)) is None:
                self.add_return(note, None)
        self._many(_INSERT_REFUND.replace("INSERT", "INSERT OR IGNORE", 1), [
            _refund_row(order, refund, theirs.made_by[refund.id], None)
            for refund in order.refunds])
        cancellation = order.cancellation
        if cancellation is not None and theirs.cancelled_by_till is not None:
            self._run(
                "UPDATE orders SET status = ?, cancelled_at = ?, cancelled_by = ?,"
                " cancel_reason = ?, cancelled_till_id = ? WHERE id = ?"
                " AND cancelled_at IS NULL",
                (OrderStatus.CANCELLED.value, utc_text(cancellation.at),
                 cancellation.by_staff_id, cancellation.reason, theirs.cancelled_by_till,
                 order.id))

    def add_payment(self, order: Order, payment: Payment, till_id: str,
                    session_id: str | None) -> None:
        self._run(_INSERT_PAYMENT, _payment_row(order, payment, till_id, session_id))

    def add_cancellation(self, order: Order, cancellation: Cancellation, till_id: str,
                         session_id: str | None) -> None:
        self._run(
            "UPDATE orders SET status = ?, cancelled_at = ?, cancelled_by = ?, cancel_reason = ?,"
            " cancelled_till_id = ?, cancelled_session_id = ? WHERE id = ?",
            (OrderStatus.CANCELLED.value, utc_text(cancellation.at), cancellation.by_staff_id,
             cancellation.reason, till_id, session_id, order.id))

    def add_return(self, note: CreditNote, session_id: str | None) -> None:
        self._run(
            "INSERT INTO credit_notes (id, number, order_id, till_id, sequence, created_at,"
            " staff_id, reason, total_cents, training, session_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (note.id, note.number, note.order_id, note.till_id, note.sequence,
             utc_text(note.created_at), note.staff_id, note.reason, note.total_cents,
             note.training, session_id))
        self._many(
            f"INSERT INTO credit_note_lines (credit_note_id, position, order_line, {_LINE_INSERT})"
            f" VALUES (?, ?, ?, {_LINE_MARKS})",
            [(note.id, position, item.position, *_line_values(item.line))
             for position, item in enumerate(note.lines)])
        self._many(
            "INSERT INTO credit_note_vat (credit_note_id, rate_bp, excl_cents, vat_cents,"
            " total_cents) VALUES (?, ?, ?, ?, ?)",
            [(note.id, vat.rate, vat.excl_cents, vat.vat_cents, vat.total_cents)
             for vat in note.vat()])

    def add_refunds(self, order: Order, refunds: list[Refund], till_id: str,
                    session_id: str | None) -> None:
        self._many(_INSERT_REFUND, [_refund_row(order, refund, till_id, session_id)
                                    for refund in refunds])

    def get_by_number(self, number: str) -> Order | None:
        row = self._one(
            "SELECT id, number, till_id, created_at, staff_id, payer_id, cancelled_at,"
            " cancelled_by, cancel_reason, sequence, training, cancelled_till_id,"
            " discount_cents, discount_percent, discount_reason, discount_by, postal_code"
            " FROM orders WHERE number = ?",
            (number.upper(),))
        if row is None:
            return None
        cancellation = None
        if row[6] is not None:
            cancellation = Cancellation(row[7], from_utc_text(row[6]), row[8], row[11])
        lines = self._lines(row[0])
        return Order(id=row[0], number=row[1], sequence=row[9], till_id=row[2],
                     created_at=from_utc_text(row[3]), staff_id=row[4], lines=lines,
                     payer_id=row[5], payments=self._payments(row[0]),
                     cancellation=cancellation, training=bool(row[10]),
                     returns=self._returns(row[0], lines), refunds=self._refunds(row[0]),
                     discount=_discount(row[12:16]), postal_code=row[16])

    def postal_code_counts(self, till_id: str, start: datetime,
                           end: datetime) -> list[tuple[str | None, int]]:
        rows = self._all(
            "SELECT postal_code, COUNT(*) FROM orders WHERE till_id = ? AND training = 0"
            " AND status = ? AND created_at >= ? AND created_at < ? GROUP BY postal_code",
            (till_id, OrderStatus.ACTIVE.value, utc_text(start), utc_text(end)))
        return [(row[0], int(row[1])) for row in rows]

    def _lines(self, order_id: str) -> tuple[BasketLine, ...]:
        rows = self._all(f"SELECT {_LINE_COLUMNS} FROM order_lines WHERE order_id = ?"
                         " ORDER BY position", (order_id,))
        return tuple(_line(row) for row in rows)

    def _payments(self, order_id: str) -> list[Payment]:
        rows = self._all(
            "SELECT id, method_code, amount_cents, change_cents, taken_at, staff_id, till_id"
            " FROM payments WHERE order_id = ? ORDER BY taken_at, id", (order_id,))
        return [Payment(r[0], r[1], r[2], r[3], from_utc_text(r[4]), r[5], r[6]) for r in rows]

    def _returns(self, order_id: str, lines: tuple[BasketLine, ...]) -> list[CreditNote]:
        notes = self._all(
            "SELECT id, number, sequence, till_id, created_at, staff_id, reason, training"
            " FROM credit_notes WHERE order_id = ? ORDER BY sequence, id", (order_id,))
        if not notes:
            return []
        returned: dict[str, list[ReturnedLine]] = {}
        for row in self._all(
                f"SELECT l.credit_note_id, l.order_line, {_LINE_COLUMNS} FROM"
                " credit_note_lines AS l JOIN credit_notes AS c ON c.id = l.credit_note_id"
                " WHERE c.order_id = ? ORDER BY l.credit_note_id, l.position", (order_id,)):
            returned.setdefault(row[0], []).append(ReturnedLine(row[1], _line(row[2:])))
        return [CreditNote(r[0], r[1], r[2], order_id, r[3], from_utc_text(r[4]), r[5], r[6],
                           tuple(returned.get(r[0], ())), bool(r[7])) for r in notes]

    def _refunds(self, order_id: str) -> list[Refund]:
        rows = self._all(
            "SELECT id, method_code, amount_cents, at, staff_id, credit_note_id, excess,"
            " till_id FROM refunds WHERE order_id = ? ORDER BY at, id", (order_id,))
        return [Refund(r[0], r[1], r[2], from_utc_text(r[3]), r[4], r[5], bool(r[6]), r[7])
                for r in rows]

    def search(self, text: str, status: StatusFilter, limit: int,
               training: bool = False) -> list[OrderSummary]:
        """By whole number, number prefix, sequence (`123`), or payer's last name prefix;
        training orders only in training mode, and only those."""
        conditions, params = _status_condition(status)
        conditions.append("o.training = ?")
        params.append(training)
        if text:
            matches = ["o.number LIKE ? ESCAPE '\\'", "c.name_folded LIKE ? ESCAPE '\\'"]
            params += [like_escape(text.upper()) + "%", like_escape(fold(text)) + "%"]
            if text.isdigit():
                matches.append("o.sequence = ?")
                params.append(int(text))
            conditions.append("(" + " OR ".join(matches) + ")")
        where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
        rows = self._all(
            f"SELECT o.number, o.created_at, c.kind, c.name, c.first_name, o.total_cents,"
            f" {_DUE} - ({_NET_PAID}), o.status FROM orders AS o"
            f" LEFT JOIN customers AS c ON c.id = o.payer_id"
            f" {where} ORDER BY o.created_at DESC LIMIT ?", (*params, limit))
        return [OrderSummary(r[0], from_utc_text(r[1]), _payer_name(r[2], r[3], r[4]), r[5], r[6],
                             r[7] == OrderStatus.CANCELLED.value) for r in rows]


def _status_condition(status: StatusFilter) -> tuple[list[str], list[Any]]:
    if status is StatusFilter.ALL:
        return [], []
    if status is StatusFilter.TO_PAY:  # what the list shows as left, above nothing
        return ["o.status = ?", f"{_DUE} - ({_NET_PAID}) > 0"], [OrderStatus.ACTIVE.value]
    return ["o.status = ?"], [status.value]


def _payer_name(kind: str | None, name: str | None, first_name: str | None) -> str | None:
    if name is None:
        return None
    return f"{name.upper()} {first_name}" if kind == "person" and first_name else name
