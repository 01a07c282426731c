"""Receipts (AGEC: made on request only) and their duplicates, journaled.

A receipt of an order sold at this till is made from the order's signed journal
entries, never from the editable tables: the sale's entry gives the seller as it was,
the number, the time, the till, the lines, the VAT per rate, the total and the payments
taken with it; the later `payment`, `return`, `refund` and `cancellation` entries of the
same order (same chain) give what was paid since, and whether it was cancelled. Each
entry's hash is computed again and its signature checked with the till's key first: an
entry missing or that does not check refuses the receipt (UnsoundDocumentRecord). Its
QR code carries a summary of the sale's entry signed by the till's key
(domain/receipt.py). A reprint is a duplicate: it gets the next number of the journal's
duplicate chain and says "DUPLICATA" with it, its time and who asked for it. A training
order's QR carries the training marker, so that checking it never says it is a sale.

An order sold at another till (pulled from the server) was journaled there: its receipt
is shown from the records pulled, without a QR code (its document comes from there).
Refund slips are made the same way from the `return`, `cancellation` and `refund`
entries when this till made them, from the records pulled when another till did.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from pos_app.domain.basket import BasketLine
from pos_app.domain.errors import NoRefundSlip, UnknownOrder, UnsoundDocumentRecord
from pos_app.domain.journal import (
    Chain,
    Event,
    JournalEntry,
    entry_hash,
    from_journal_time,
    order_chain,
)
from pos_app.domain.order import CreditNote, Order, Refund, line_part
from pos_app.domain.receipt import (
    Receipt,
    ReceiptLine,
    ReceiptPayment,
    RefundReceipt,
    Venue,
    qr_message,
    signed_qr,
)
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.till import Till
from pos_app.domain.vat import VatLine, VatRate
from pos_app.services.context import Context, local_till
from pos_app.services.journal import append, proven_keys, record_event
from pos_app.services.ports import Signer, UnitOfWork


def receipt(ctx: Context, number: str) -> Receipt:
    """The receipt of an order, as first issued (not journaled: showing it on screen or
    printing it the first time is not a reprint)."""
    with ctx.uow(write=False) as uow:
        return _receipt(uow, ctx.signer, _order(uow, number))


def duplicate_receipt(ctx: Context, staff: StaffMember, number: str) -> Receipt:
    """A reprint: journaled in the duplicate chain, whose number it carries, with its
    time and the name of who reprinted it. A receipt that cannot be made (its entries do
    not check) journals no duplicate."""
    staff.require(Role.CASHIER, "reprint a receipt")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        till = local_till(uow)
        order = _order(uow, number)
        made = _receipt(uow, ctx.signer, order)
        entry = append(uow, ctx.signer, till.id, Chain.DUPLICATE, now,
                       {"order_id": order.id, "number": order.number, "staff_id": staff.id})
        record_event(uow, ctx.signer, till.id, now, Event.DUPLICATE, staff.id,
                     order_id=order.id, number=order.number, duplicate=entry.number)
        uow.commit()
    return replace(made, duplicate_number=entry.number,
                   reprinted_at=from_journal_time(entry.at), reprinted_by=staff.display_name)


def _order(uow: UnitOfWork, number: str) -> Order:
    order = uow.orders.get_by_number(number.strip())
    if order is None:
        raise UnknownOrder(number)
    return order


def _receipt(uow: UnitOfWork, signer: Signer, order: Order) -> Receipt:
    till = local_till(uow)
    if order.till_id != till.id:
        return _pulled_receipt(uow, order, till)
    journaled = _Journaled.read(uow, signer, till, order)
    assert journaled.sale is not None  # read refuses an order of this till without one
    try:
        return _from_entries(uow, order, till, journaled.sale, journaled.sale.payload,
                             [e.payload for e in journaled.later], signer)
    except (KeyError, TypeError, ValueError) as error:  # signed, but no shape a till writes
        raise UnsoundDocumentRecord(order.number, "is not a sale the till wrote") from error


def _check(entry: JournalEntry, keys: dict[str, str], signer: Signer, number: str) -> None:
    """The entry as it was signed: its hash recomputed, its signature checked with the
    till's key it names."""
    if entry_hash(entry.message()) != entry.hash:
        raise UnsoundDocumentRecord(number, f"({entry.chain} chain, entry {entry.number})"
                                    " does not match its hash")
    public_key = keys.get(entry.key_id)
    try:
        valid = public_key is not None and signer.verify(
            public_key, bytes.fromhex(entry.hash), bytes.fromhex(entry.signature))
    except ValueError:
        valid = False
    if not valid:
        raise UnsoundDocumentRecord(number, f"({entry.chain} chain, entry {entry.number})"
                                    " has no valid signature of the till's key")


def _from_entries(uow: UnitOfWork, order: Order, till: Till, sale: JournalEntry,
                  body: dict[str, Any], later: list[dict[str, Any]],
                  signer: Signer) -> Receipt:
    at = from_journal_time(sale.at)
    vat = tuple(VatLine(VatRate(v["rate_bp"]), int(v["total_cents"]), int(v["excl_cents"]),
                        int(v["vat_cents"])) for v in body["vat"])
    total = int(body["total_cents"])
    training = sale.chain is Chain.TRAINING
    qr = signed_qr(qr_message(till.id, str(body["number"]), at, vat, total, sale.hash,
                              training=training), signer.sign)
    methods = {method.code: method.label for method in uow.payment_methods.active()}
    # What this till did is in its journal; what other tills did to the order (pulled:
    # a payment, a return, a refund, its cancellation) is in theirs, and comes from their
    # records as pulled, each once (by id).
    here = (None, till.id)
    journaled = [*body["payments"], *(e for e in later if e.get("kind") == "payment")]
    paid = [(p["method"], int(p["amount_cents"]), int(p["change_cents"])) for p in journaled]
    ids = {p["id"] for p in journaled}
    paid += [(p.method_code, p.amount_cents, p.change_cents) for p in order.payments
             if p.till_id not in here and p.id not in ids]
    returns = [e for e in later if e.get("kind") == "return"]
    ids = {e["credit_note_id"] for e in returns}
    returned = sum(int(e["total_cents"]) for e in returns) - sum(
        note.total_cents for note in order.returns
        if note.till_id not in here and note.id not in ids)
    refunds = [e for e in later if e.get("kind") == "refund"]
    ids = {e["id"] for e in refunds}
    refunded = sum(int(e["amount_cents"]) for e in refunds) - sum(
        refund.amount_cents for refund in order.refunds
        if refund.till_id not in here and refund.id not in ids)
    cancelled = any(e.get("kind") == "cancellation" for e in later) or (
        order.cancellation is not None and order.cancellation.till_id not in here)
    due = 0 if cancelled else total + returned
    net_paid = sum(amount - change for _method, amount, change in paid) + refunded
    sold_at = body["till"]
    return Receipt(
        venue=_seller(uow, body), till_name=str(sold_at["name"]),
        point_of_sale=str(sold_at["point_of_sale"]), number=str(body["number"]), at=at,
        lines=tuple(_line(line) for line in body["lines"]),
        vat=vat, total_cents=total,
        payments=tuple(ReceiptPayment(methods.get(method, method), amount, change)
                       for method, amount, change in paid),
        left_cents=due - net_paid, cancelled=cancelled, qr=qr, training=training,
        basket_discount_reason=str((body.get("order_discount") or {}).get("reason", "")))


def _seller(uow: UnitOfWork, body: dict[str, Any]) -> Venue | None:
    """The seller the entry names; an entry of an earlier build names none (it has no
    `seller` key): the venue as it is now stands in for it."""
    if "seller" not in body:
        return uow.tills.venue()
    seller = body["seller"]
    return None if seller is None else Venue(**seller)


def _pulled_receipt(uow: UnitOfWork, order: Order, this_till: Till) -> Receipt:
    """An order another till sold, as pulled: no QR (the till that sold it signs it)."""
    methods = {method.code: method.label for method in uow.payment_methods.active()}
    seller = _till_of(uow, order.till_id, this_till)
    return Receipt(
        venue=uow.tills.venue(), till_name=seller.name, point_of_sale=seller.point_of_sale,
        number=order.number, at=order.created_at,
        lines=tuple(_order_line(line) for line in order.lines),
        vat=tuple(order.vat()), total_cents=order.total_cents,
        payments=tuple(ReceiptPayment(methods.get(p.method_code, p.method_code),
                                      p.amount_cents, p.change_cents)
                       for p in order.payments),
        left_cents=order.left_cents, cancelled=order.cancellation is not None, qr="",
        training=order.training,
        basket_discount_reason="" if order.discount is None else order.discount.reason)


def refund_receipt(ctx: Context, number: str, credit_note: str | None = None,
                   overpayment: bool = False) -> RefundReceipt:
    """The slip of a return (`credit_note`, its number), of the order's cancellation, or
    of what it held beyond its worth given back (`overpayment`; also the default for an
    order neither cancelled nor asked a credit note of): what was taken back and how the
    money went back (on request, as a receipt). Each names the till that did it.

    What this till did is read from its journal, each entry checked as a receipt's
    (`_Journaled`); what another till did (a credit note or a cancellation made there,
    pulled), from its records as pulled."""
    with ctx.uow(write=False) as uow:
        till = local_till(uow)
        order = _order(uow, number)
        note = next((n for n in order.returns
                     if n.number == (credit_note or "").strip().upper()), None)
        if credit_note is not None and note is None:
            raise UnknownOrder(credit_note)
        methods = {method.code: method.label for method in uow.payment_methods.active()}
        cancellation = order.cancellation
        # Where what the slip tells was done: an excess goes back only where it was sold.
        here = (note.till_id == till.id if note is not None
                else order.till_id == till.id if overpayment or cancellation is None
                else cancellation.till_id in (None, till.id))
        if not here:
            return _pulled_refund_receipt(uow, till, order, note, overpayment, methods)
        journaled = _Journaled.read(uow, ctx.signer, till, order)
        return journaled.slip(uow, order, note, overpayment, methods)


class _Journaled:
    """The entries of one order in this till's journal, each checked (hash, signature)."""

    def __init__(self, till: Till, sale: JournalEntry | None,
                 later: list[JournalEntry]) -> None:
        self.till, self.sale, self.later = till, sale, later

    @classmethod
    def read(cls, uow: UnitOfWork, signer: Signer, till: Till, order: Order) -> _Journaled:
        """The sale's entry (None: sold at another till) and those after it."""
        chain = order_chain(order.training)
        keys = proven_keys(uow, signer, till.id)
        sale, order_id = None, order.id
        if order.till_id == till.id:
            sale = uow.journal.sale_of(till.id, order.number, chain)
            if sale is None:
                raise UnsoundDocumentRecord(order.number, "is missing (no sale entry)")
            _check(sale, keys, signer, order.number)
            body = sale.payload
            if body.get("number") != order.number:
                raise UnsoundDocumentRecord(order.number, "names another order")
            order_id = str(body.get("order_id"))  # the signed id, not the table's
        later = uow.journal.order_entries(till.id, chain, order_id,
                                          0 if sale is None else sale.number)
        for entry in later:
            _check(entry, keys, signer, order.number)
        return cls(till, sale, later)

    def of(self, kind: str, **matching: object) -> list[JournalEntry]:
        return [entry for entry in self.later if entry.payload.get("kind") == kind
                and all(entry.payload.get(key) == value for key, value in matching.items())]

    def slip(self, uow: UnitOfWork, order: Order, note: CreditNote | None,
             overpayment: bool, methods: dict[str, str]) -> RefundReceipt:
        try:
            return self._slip(uow, order, note, overpayment, methods)
        except (KeyError, TypeError, ValueError) as error:  # signed, but no shape a till writes
            raise UnsoundDocumentRecord(order.number, "is not one the till wrote") from error

    def _slip(self, uow: UnitOfWork, order: Order, note: CreditNote | None,
              overpayment: bool, methods: dict[str, str]) -> RefundReceipt:
        till = self.till

        def given(entries: list[JournalEntry]) -> tuple[ReceiptPayment, ...]:
            return tuple(ReceiptPayment(methods.get(e.payload["method"], e.payload["method"]),
                                        int(e.payload["amount_cents"]), 0) for e in entries)

        def vat(body: dict[str, Any]) -> tuple[VatLine, ...]:
            return tuple(VatLine(VatRate(v["rate_bp"]), int(v["total_cents"]),
                                 int(v["excl_cents"]), int(v["vat_cents"]))
                         for v in body["vat"])

        if note is not None:
            found = self.of("return", credit_note_id=note.id)
            if not found:
                raise UnsoundDocumentRecord(note.number, "is missing (no return entry)")
            entry, body = found[0], found[0].payload
            lines = tuple(_line(line) for line in body["lines"])
            return RefundReceipt(_seller(uow, body), till.name, till.point_of_sale,
                                 order.number, str(body["number"]), from_journal_time(entry.at),
                                 str(body["reason"]), lines, vat(body), int(body["total_cents"]),
                                 given(self.of("refund", credit_note_id=note.id)),
                                 order.training)
        sold = {} if self.sale is None else self.sale.payload
        seller = _seller(uow, sold) if sold else uow.tills.venue()
        cancelled = self.of("cancellation")
        if overpayment or order.cancellation is None:
            excess = self.of("refund", excess=True)
            if not excess:
                raise NoRefundSlip(order.number)
            return RefundReceipt(seller, till.name, till.point_of_sale, order.number, None,
                                 from_journal_time(excess[-1].at), "trop-perçu", (), (), 0,
                                 given(excess), order.training, overpayment=True)
        if not cancelled:
            raise UnsoundDocumentRecord(order.number, "is missing (no cancellation entry)")
        entry, body = cancelled[0], cancelled[0].payload
        return RefundReceipt(seller, till.name, till.point_of_sale, order.number, None,
                             from_journal_time(entry.at), str(body["reason"]),
                             self._left_lines(order), vat(body), int(body["total_cents"]),
                             given([e for e in self.of("refund", credit_note_id=None)
                                    if not e.payload.get("excess")]), order.training)

    def _left_lines(self, order: Order) -> tuple[ReceiptLine, ...]:
        """What a cancellation took back: the sale's lines less what returns took (from
        the sale's entry and the returns' when this till sold; as pulled otherwise)."""
        if self.sale is None:
            return _cancelled_lines(order)
        taken = dict.fromkeys(range(len(self.sale.payload["lines"])), 0)
        for entry in self.of("return"):
            for line in entry.payload["lines"]:
                taken[int(line["order_line"])] -= int(line["quantity"])
        for note in order.returns:  # made at other tills: not in this journal
            if note.till_id != self.till.id:
                for item in note.lines:
                    taken[item.position] += item.line.quantity
        # What is left of a line goes back at its net value (domain/order.py
        # `line_part`), reckoned from the sale's entry, never from the tables.
        return tuple(
            _line({**line, **_negated(line_part(_sold_line(line), int(line["quantity"])
                                                - left, left))})
            for position, line in enumerate(self.sale.payload["lines"])
            if (left := int(line["quantity"]) - taken[position]) > 0)


def _line(line: dict[str, Any]) -> ReceiptLine:
    slot = line.get("slot")
    return ReceiptLine(str(line["label"]), str(line["price_label"]), int(line["quantity"]),
                       int(line["unit_price_cents"]), int(line["vat_rate_bp"]),
                       int(line["total_cents"]), int(line.get("discount_cents", 0)),
                       str(line.get("discount_reason", "")),
                       int(line.get("basket_discount_cents", 0)),
                       None if slot is None else datetime.fromisoformat(slot["start"]),
                       None if slot is None else datetime.fromisoformat(slot["end"]))


def _sold_line(line: dict[str, Any]) -> BasketLine:
    """A line of a sale's entry, with what it says of its discounts."""
    return BasketLine("", str(line["label"]), "", str(line["price_label"]),
                      int(line["unit_price_cents"]), int(line["quantity"]),
                      VatRate(int(line["vat_rate_bp"])), int(line.get("discount_cents", 0)),
                      str(line.get("discount_reason", "")), None,
                      int(line.get("basket_discount_cents", 0)))


def _negated(part: BasketLine) -> dict[str, Any]:
    """A part of a line taken back, as a slip prints it: quantity and amounts negative."""
    return {"quantity": -part.quantity, "total_cents": -part.total_cents,
            "discount_cents": -part.discount_cents, "discount_reason": part.discount_reason,
            "basket_discount_cents": -part.basket_discount_cents}


def _cancelled_lines(order: Order) -> tuple[ReceiptLine, ...]:
    """What a cancellation took back of the order's lines, as its records hold them."""
    return tuple(_taken_back(order.returned_part(position, order.returned(position), left))
                 for position in range(len(order.lines))
                 if (left := order.returnable(position)) > 0)


def _taken_back(part: BasketLine) -> ReceiptLine:
    """A part of a line taken back, as a slip prints it: quantity and amounts negative."""
    return ReceiptLine(part.label, part.price_label, -part.quantity, part.unit_price_cents,
                       int(part.vat_rate), -part.total_cents, -part.discount_cents,
                       part.discount_reason, -part.basket_discount_cents)


def _order_line(line: BasketLine) -> ReceiptLine:
    return ReceiptLine(line.label, line.price_label, line.quantity, line.unit_price_cents,
                       int(line.vat_rate), line.total_cents, line.discount_cents,
                       line.discount_reason, line.basket_discount_cents)


def _pulled_refund_receipt(uow: UnitOfWork, till: Till, order: Order,
                           note: CreditNote | None, overpayment: bool,
                           methods: dict[str, str]) -> RefundReceipt:
    """A slip of what another till did, from its records as pulled (it journaled them)."""
    venue = uow.tills.venue()
    seller = _till_of(uow, order.till_id, till)
    by = seller if note is None else _till_of(uow, note.till_id, till)

    def given(refunds: list[Refund]) -> tuple[ReceiptPayment, ...]:
        return tuple(ReceiptPayment(methods.get(r.method_code, r.method_code),
                                    -r.amount_cents, 0) for r in refunds)

    if note is not None:
        lines = tuple(_taken_back(item.line) for item in note.lines)
        return RefundReceipt(venue, by.name, by.point_of_sale, order.number, note.number,
                             note.created_at, note.reason, lines, _negative(note.vat()),
                             -note.total_cents,
                             given([r for r in order.refunds if r.credit_note_id == note.id]),
                             order.training)
    cancellation = order.cancellation
    excess = [r for r in order.refunds if r.excess]
    if overpayment or cancellation is None:
        if not excess:
            raise NoRefundSlip(order.number)
        return RefundReceipt(venue, seller.name, seller.point_of_sale, order.number, None,
                             excess[-1].at, "trop-perçu", (), (), 0, given(excess),
                             order.training, overpayment=True)
    cancelled = _cancelled_lines(order)
    return RefundReceipt(venue, seller.name, seller.point_of_sale, order.number, None,
                         cancellation.at, cancellation.reason, cancelled,
                         _negative(order.remaining_vat()), -order.cancelled_cents,
                         given([r for r in order.refunds if r.credit_note_id is None
                                and not r.excess]), order.training)


def _till_of(uow: UnitOfWork, till_id: str, this_till: Till) -> Till:
    """The till that made an order or a credit note: this one, or another of the venue
    (known by the orders pulled from it)."""
    if till_id == this_till.id:
        return this_till
    return uow.tills.get(till_id) or this_till


def _negative(vat: list[VatLine]) -> tuple[VatLine, ...]:
    return tuple(VatLine(line.rate, -line.total_cents, -line.excl_cents, -line.vat_cents)
                 for line in vat)
