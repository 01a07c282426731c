"""The order chain (and the training chain) against the business tables, and the figures
of each Z added up as its entries pass (domain/reconciliation.py says how)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pos_app.domain.journal import JournalProblem
from pos_app.domain.reconciliation import RowQueue, differs, excl, to_the_second
from pos_app.domain.z_figures import SHAPE_ERRORS, Figures, Row, not_written_so, said


class OrderChainCheck:
    """The order (or training) chain against the orders, lines, VAT, payments, refunds,
    credit notes and cancellations made at this till. `zs` are the (first, last) order
    entries of each Z, in order: the figures of each are added up as the entries pass
    (the training chain has none)."""

    def __init__(self, chain: str, sales: Iterable[Row],
                 details: Callable[[str], tuple[list[Row], list[Row]]],
                 number_of: Callable[[str], str | None], payments: Iterable[Row],
                 refunds: Iterable[Row], cancellations: Iterable[Row], cancelled_vat: Iterable[Row],
                 credit_notes: Iterable[Row], note_lines: Iterable[Row],
                 note_vat: Iterable[Row], zs: Sequence[tuple[int, int]] = ()) -> None:
        self.chain = chain
        self.problem: JournalProblem | None = None
        self._sales = RowQueue(sales, 0)
        self._details = details
        self._number_of = number_of
        self._payments = RowQueue(payments, 1)
        self._refunds = {row[0]: row for row in refunds}
        self._cancellations = {row[0]: row for row in cancellations}
        self._cancelled_vat: dict[str, list[Row]] = {}
        for row in cancelled_vat:
            self._cancelled_vat.setdefault(row[0], []).append(row)
        self._notes = {row[0]: row for row in credit_notes}
        self._note_lines: dict[str, list[Row]] = {}
        for row in note_lines:
            self._note_lines.setdefault(row[0], []).append(row)
        self._note_vat: dict[str, list[Row]] = {}
        for row in note_vat:
            self._note_vat.setdefault(row[0], []).append(row)
        self._zs = list(zs)
        self._index = {z: index for index, z in enumerate(self._zs)}
        self.figures = [Figures() for _z in self._zs]
        self._z = 0
        self._from, self._until = 1, 0
        self._current: Figures | None = None
        self._last = 0

    # Each entry, as verify_chain reads it: number, at, previous hash, hash, amount,
    # body, signature, key id.
    def feed(self, row: Row) -> None:
        if self.problem is not None:
            return
        number, at, amount, body = row[0], row[1], row[4], row[5]
        self._last = number
        # The current Z's figures while the entry is in its range (looked up again only
        # past it: most entries fall in the same Z as the one before).
        figures = (self._current if self._from <= number <= self._until
                   else self._figures(number))
        if figures is not None:
            figures.amounts += amount
            figures.absolute += amount if amount >= 0 else -amount
        try:
            if body.startswith('{"kind":"sale",'):
                reason = self._sale(at, amount, body, figures)
            else:
                reason = self._other(at, amount, json.loads(body), figures)
        except SHAPE_ERRORS as error:
            reason = not_written_so(error)
        if reason is not None:
            self.problem = JournalProblem(self.chain, number, reason)

    def totals(self, first: int, last: int) -> tuple[int, int] | None:
        """The sum and absolute sum of the amounts of entries `first` to `last`, when
        they are a Z's and every entry was read (None otherwise)."""
        if self.problem is not None or (first, last) not in self._index:
            return None
        figures = self.figures[self._index[(first, last)]]
        return figures.amounts, figures.absolute

    def _figures(self, number: int) -> Figures | None:
        zs = self._zs
        while self._z < len(zs) and number > zs[self._z][1]:
            self._z += 1
        if self._z < len(zs) and number >= zs[self._z][0]:
            self._from, self._until = zs[self._z]
            self._current = self.figures[self._z]
            return self._current
        return None

    def _sale(self, at: str, amount: int, body: str, figures: Figures | None) -> str | None:
        sales, payments = self._sales, self._payments
        order = sales.first
        if order is None:
            return self._sale_parsed(at, amount, json.loads(body), None, [], figures)
        candidates, more = payments.run(order[0]), payments.more
        paid = -1
        # The body's keys are sorted: after '{"kind":"sale",' come its lines, number,
        # order id and payments (order[6] and the payments' text), and it ends with its
        # totals and VAT; only its staff (between the seller and the till) is looked for.
        # Its time: the stored one (utc_text, `…T08:09:00.000000+00:00`) in the second the
        # entry's names (`…T08:09:00Z`), compared as text. Written out here, as `_paid`'s
        # common case below: a call for each of a million sales shows.
        stored = order[8]
        if (amount == order[3] and stored[:19] == at[:19] and stored.endswith("+00:00")
                and at.endswith("Z") and order[5] in body
                and body.endswith(f'"total_cents":{amount},{order[7]}}}')):
            if len(candidates) == 1 and body.startswith(f"{order[6]}{candidates[0][7]}]", 15):
                paid = 1
            else:
                paid = _paid(body, order[6], candidates)
        if paid < 0:  # something differs, or is written otherwise: the parsed body says
            return self._sale_parsed(at, amount, json.loads(body), order, candidates,
                                     figures)
        # The queues' drop, inlined for the common case (one order, its one payment).
        if sales.more:
            sales.drop(1)
        else:
            sales.first = next(sales.rows, None)
        if paid == 1 and len(more) == 1:
            payments.first = more.pop()
        else:
            payments.drop(paid)
        if figures is not None:
            figures.orders += 1
            figures.sales += amount
            sold_vat = figures.sold_vat
            sold_vat[order[7]] = sold_vat.get(order[7], 0) + 1
            taken = figures.taken
            for payment in candidates[:paid]:
                sums = taken.get(payment[3])
                if sums is None:
                    sums = taken[payment[3]] = [0, 0]
                sums[0] += payment[4]
                sums[1] += payment[5]
        return None

    def _take_sale(self, order: Row, payments: list[Row], figures: Figures | None) -> None:
        self._sales.drop(1)
        self._payments.drop(len(payments))
        if figures is not None:
            figures.orders += 1
            figures.sales += order[3]
            figures.sold_vat[order[7]] = figures.sold_vat.get(order[7], 0) + 1
            for payment in payments:
                figures.add_payment(payment[3], payment[4], payment[5])

    def _sale_parsed(self, at: str, amount: int, body: Mapping[str, Any], order: Row | None,
                     candidates: list[Row], figures: Figures | None) -> str | None:
        named = f"order {body['number']} ({body['order_id']})"
        if order is None:
            return f"its sale, {named}, is not in the store (no order of this till follows)"
        if order[0] != body["order_id"]:
            return (f"its sale is {named}, but the store's next order of this till is"
                    f" order {order[1]} ({order[0]}): one of them was removed or added"
                    " without its entry")
        lines, vat = self._details(order[0])
        what = f"order {order[1]}"
        reason = differs(what, "sale", (
            ("number", order[1], body["number"]), ("staff_id", order[2], body["staff_id"]),
            ("total_cents", order[3], body["total_cents"]),
            ("total_cents (the entry's amount)", order[3], amount),
            ("created_at (the entry's time)", to_the_second(order[8]), at),
            ("order_discount", _order_discount(order), body.get("order_discount")),
            ("lines", len(lines), len(body["lines"]))))
        if reason is not None:
            return reason
        for index, (line, written) in enumerate(zip(lines, body["lines"], strict=True)):
            reason = _line_differs(f"{what} line {index + 1}", "sale", line, written, 1)
            if reason is not None:
                return reason
        reason = _vat_differs(what, "sale", vat, body["vat"], 1)
        if reason is None:
            reason = differs(what, "sale", (("total_excl_cents", sum(v[2] for v in vat),
                                              body["total_excl_cents"]),))
        if reason is not None:
            return reason
        written = body["payments"]
        paid = 0
        for payment in written:
            if paid == len(candidates) or candidates[paid][0] != payment["id"]:
                return (f"{what}: its sale entry lists payment {payment['id']} of"
                        f" {said(payment['amount_cents'])} cents, which is not the store's"
                        " next payment of it")
            stored = candidates[paid]
            reason = differs(f"{what} payment {stored[0]}", "sale", (
                ("method", stored[3], payment["method"]),
                ("amount_cents", stored[4], payment["amount_cents"]),
                ("change_cents", stored[5], payment["change_cents"])))
            if reason is not None:
                return reason
            paid += 1
        self._take_sale(order, candidates[:paid], figures)
        return None

    def _other(self, at: str, amount: int, body: Mapping[str, Any],
               figures: Figures | None) -> str | None:
        kind = body.get("kind")
        if kind == "payment":
            return self._payment(amount, body, figures)
        if kind == "refund":
            return self._refund(amount, body, figures)
        if kind == "cancellation":
            return self._cancellation(amount, body, figures)
        if kind == "return":
            return self._return(amount, body, figures)
        if kind == "sale":
            return self._sale_parsed_first(at, amount, body, figures)
        return None  # no table holds it

    def _sale_parsed_first(self, at: str, amount: int, body: Mapping[str, Any],
                           figures: Figures | None) -> str | None:
        order = self._sales.head()
        return self._sale_parsed(at, amount, body, order, [] if order is None
                                 else self._payments.run(order[0]), figures)

    def _payment(self, amount: int, body: Mapping[str, Any],
                 figures: Figures | None) -> str | None:
        stored = self._payments.head()
        if stored is None or stored[0] != body["id"]:
            nxt = ("none" if stored is None
                   else f"payment {stored[0]} of order {self._number_of(stored[1])}")
            return (f"its payment {body['id']} of order {body['number']} is not the store's"
                    f" next payment taken at this till ({nxt})")
        reason = differs(f"payment {stored[0]}", "payment", (
            ("order_id", stored[1], body["order_id"]),
            ("order", self._number_of(stored[1]), body["number"]),
            ("method", stored[3], body["method"]),
            ("amount_cents", stored[4], body["amount_cents"]),
            ("change_cents", stored[5], body["change_cents"]),
            ("staff_id", stored[6], body["staff_id"]),
            ("amount added to the takings", 0, amount)))
        if reason is None:
            self._payments.drop(1)
            if figures is not None:
                figures.add_payment(stored[3], stored[4], stored[5])
        return reason

    def _refund(self, amount: int, body: Mapping[str, Any],
                figures: Figures | None) -> str | None:
        stored = self._refunds.pop(body["id"], None)
        if stored is None:
            return (f"its refund {body['id']} of order {body['number']} is not in the store")
        reason = differs(f"refund {stored[0]}", "refund", (
            ("order_id", stored[1], body["order_id"]), ("order", stored[2], body["number"]),
            ("credit_note_id", stored[3], body["credit_note_id"]),
            ("excess", bool(stored[4]), bool(body.get("excess", False))),
            ("staff_id", stored[5], body["staff_id"]), ("method", stored[6], body["method"]),
            ("amount_cents", -stored[7], body["amount_cents"]),
            ("amount added to the takings", 0, amount)))
        if reason is None and figures is not None:
            figures.refunded[stored[6]] = figures.refunded.get(stored[6], 0) + stored[7]
        return reason

    def _cancellation(self, amount: int, body: Mapping[str, Any],
                      figures: Figures | None) -> str | None:
        cancels = body["cancels"]
        stored = self._cancellations.pop(cancels["order_id"], None)
        if stored is None:
            return (f"its cancellation of order {cancels['number']} is not in the store (the"
                    " order is not cancelled there, or not by this till)")
        what = f"the cancellation of order {stored[1]}"
        vat = _net_vat(self._cancelled_vat.get(stored[0], []))
        reason = differs(what, "cancellation", (
            ("order", stored[1], cancels["number"]), ("staff_id", stored[2], body["staff_id"]),
            ("reason", stored[3], body["reason"]),
            ("total_cents", -stored[4], body["total_cents"]),
            ("total_cents (the entry's amount)", -stored[4], amount)))
        reason = reason or _vat_differs(what, "cancellation", vat, body["vat"], -1)
        reason = reason or differs(what, "cancellation", (
            ("total_excl_cents", -sum(v[2] for v in vat), body["total_excl_cents"]),))
        if reason is None and figures is not None:
            figures.cancellations += 1
            figures.cancelled += stored[4]
            figures.add_vat(vat, -1)
        return reason

    def _return(self, amount: int, body: Mapping[str, Any],
                figures: Figures | None) -> str | None:
        stored = self._notes.pop(body["credit_note_id"], None)
        if stored is None:
            return (f"its return, credit note {body['number']} ({body['credit_note_id']}),"
                    " is not in the store")
        what = f"credit note {stored[1]}"
        lines = self._note_lines.get(stored[0], [])
        vat = self._note_vat.get(stored[0], [])
        returns = body["returns"]
        reason = differs(what, "return", (
            ("number", stored[1], body["number"]), ("order_id", stored[2], returns["order_id"]),
            ("order", stored[3], returns["number"]), ("staff_id", stored[4], body["staff_id"]),
            ("reason", stored[5], body["reason"]),
            ("total_cents", -stored[6], body["total_cents"]),
            ("total_cents (the entry's amount)", -stored[6], amount),
            ("lines", len(lines), len(body["lines"]))))
        if reason is not None:
            return reason
        for index, (line, written) in enumerate(zip(lines, body["lines"], strict=True)):
            where = f"{what} line {index + 1}"
            reason = (differs(where, "return", (("order_line", line[1],
                                                   written["order_line"]),))
                      or _line_differs(where, "return", line, written, -1))
            if reason is not None:
                return reason
        reason = _vat_differs(what, "return", vat, body["vat"], -1) or differs(
            what, "return", (("total_excl_cents", -sum(v[2] for v in vat),
                              body["total_excl_cents"]),))
        if reason is None and figures is not None:
            figures.returns += 1
            figures.returned += stored[6]
            figures.add_vat(vat, -1)
        return reason

    def finish(self) -> JournalProblem | None:
        """After the last entry: a row left over has no entry."""
        if self.problem is not None:
            return self.problem
        after = self._last
        for order in self._sales.rest():
            return self._left(after, f"order {order[1]} ({order[0]}) has no sale entry")
        for payment in self._payments.rest():
            return self._left(after, f"payment {payment[0]} of order"
                              f" {self._number_of(payment[1])}"
                              f" ({said(payment[4])} cents, {payment[3]}) has no entry")
        for refund in sorted(self._refunds.values()):
            return self._left(after, f"refund {refund[0]} of order {refund[2]} has no entry")
        for order in sorted(self._cancellations.values()):
            return self._left(after, f"the cancellation of order {order[1]} has no entry")
        for note in sorted(self._notes.values()):
            return self._left(after, f"credit note {note[1]} has no return entry")
        return None

    def _left(self, after: int, reason: str) -> JournalProblem:
        self.problem = JournalProblem(self.chain, 0, f"{reason} (the chain ends at entry"
                                      f" {after})")
        return self.problem


def _paid(body: str, start: str, candidates: list[Row]) -> int:
    """How many of `candidates` (the store's next payments of the order) a sale's body
    lists, its text up to them being `start`; -1: the body starts otherwise."""
    if len(candidates) == 1:  # the common case: one payment, taken with the sale
        if body.startswith(f"{start}{candidates[0][7]}]", 15):
            return 1
        return 0 if body.startswith(f"{start}]", 15) else -1
    for count in range(len(candidates), -1, -1):
        if body.startswith(start + ",".join([p[7] for p in candidates[:count]]) + "]", 15):
            return count
    return -1


def _line_differs(what: str, kind: str, line: Row, written: Mapping[str, Any],
                  sign: int) -> str | None:
    return differs(what, kind, (
        ("label", line[2], written["label"]),
        ("price_label", line[3], written["price_label"]),
        ("quantity", sign * line[4], written["quantity"]),
        ("unit_price_cents", line[5], written["unit_price_cents"]),
        ("vat_rate_bp", line[6], written["vat_rate_bp"]),
        ("total_cents", sign * line[7], written["total_cents"]),
        ("total_excl_cents", sign * excl(line[7], line[6]), written["total_excl_cents"]),
        ("discount_cents", sign * line[8], written.get("discount_cents", 0)),
        ("discount_reason", line[9] if line[8] else None, written.get("discount_reason")),
        ("discount_by", line[10] if line[8] else None, written.get("discount_by")),
        ("basket_discount_cents", sign * line[11], written.get("basket_discount_cents", 0))))


def _order_discount(order: Row) -> dict[str, Any] | None:
    """The basket's discount as a sale's body holds it (services/changes.py)."""
    if not order[9]:
        return None
    return {"cents": order[9], "percent": order[10], "reason": order[11], "by": order[12]}


def _vat_differs(what: str, kind: str, vat: Sequence[Row], written: Sequence[Any],
                 sign: int) -> str | None:
    stored = [(v[1], sign * v[2], sign * v[3], sign * v[4]) for v in vat]
    journaled = [(w["rate_bp"], w["excl_cents"], w["vat_cents"], w["total_cents"])
                 for w in written]
    return differs(what, kind, (("VAT (rate, without VAT, VAT, total)", stored, journaled),))


def _net_vat(rows: Iterable[Row]) -> list[Row]:
    """VAT rows (owner, rate, excl, vat, total, sign) added up per rate; rates that come
    to nothing left out, the highest first (domain/order.py `net_vat`)."""
    per_rate: dict[int, list[int]] = {}
    for row in rows:
        sums = per_rate.setdefault(row[1], [0, 0, 0])
        for index in range(3):
            sums[index] += row[5] * row[2 + index]
    return [("", rate, *per_rate[rate]) for rate in sorted(per_rate, reverse=True)
            if any(per_rate[rate])]
