"""Receipts (AGEC: made on request only) and their duplicates, journaled.

A receipt is built from the order and its sale's journal entry: its QR code carries a
summary signed by the till's key (domain/receipt.py). A reprint is a duplicate: it gets
the next number of the journal's duplicate chain and says "DUPLICATA" with it. A training
order's QR carries the training marker, so that checking it never says it is a sale.
"""

from __future__ import annotations

from pos_app.domain.errors import NoRefundSlip, UnknownOrder
from pos_app.domain.journal import Chain, Event, order_chain
from pos_app.domain.order import Order, Refund
from pos_app.domain.receipt import (
    Receipt,
    ReceiptLine,
    ReceiptPayment,
    RefundReceipt,
    qr_message,
    signed_qr,
)
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.till import Till
from pos_app.domain.vat import VatLine
from pos_app.services.context import Context, local_till
from pos_app.services.journal import append, record_event
from pos_app.services.ports import Signer, UnitOfWork


def receipt(ctx: Context, number: str) -> Receipt:
    """The receipt of an order, as first issued (not journaled: showing it on screen or
    printing it the first time is not a reprint)."""
    with ctx.uow(write=False) as uow:
        return _receipt(uow, ctx.signer, number, None)


def duplicate_receipt(ctx: Context, staff: StaffMember, number: str) -> Receipt:
    """A reprint: journaled in the duplicate chain, whose number it carries."""
    staff.require(Role.CASHIER, "reprint a receipt")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        till = local_till(uow)
        order = _order(uow, number)
        entry = append(uow, ctx.signer, till.id, Chain.DUPLICATE, now,
                       {"order_id": order.id, "number": order.number, "staff_id": staff.id})
        record_event(uow, ctx.signer, till.id, now, Event.DUPLICATE, staff.id,
                     order_id=order.id, number=order.number, duplicate=entry.number)
        made = _receipt(uow, ctx.signer, number, entry.number)
        uow.commit()
    return made


def _order(uow: UnitOfWork, number: str) -> Order:
    order = uow.orders.get_by_number(number.strip())
    if order is None:
        raise UnknownOrder(number)
    return order


def _receipt(uow: UnitOfWork, signer: Signer, number: str,
             duplicate_number: int | None) -> Receipt:
    till = local_till(uow)
    order = _order(uow, number)
    sale = uow.journal.sale_of(till.id, order.number, order_chain(order.training))
    vat = tuple(order.vat())
    # An order made at another till was journaled there: its receipt comes from there.
    qr = "" if sale is None else signed_qr(
        qr_message(till.id, order.number, order.created_at, vat, order.total_cents,
                   sale.hash, training=order.training), signer.sign)
    methods = {method.code: method.label for method in uow.payment_methods.active()}
    seller = _seller(uow, order.till_id, till)
    return Receipt(
        venue=uow.tills.venue(), till_name=seller.name, point_of_sale=seller.point_of_sale,
        number=order.number, at=order.created_at,
        lines=tuple(ReceiptLine(line.label, line.price_label, line.quantity,
                                line.unit_price_cents, int(line.vat_rate), line.total_cents)
                    for line in order.lines),
        vat=vat, total_cents=order.total_cents,
        payments=tuple(ReceiptPayment(methods.get(p.method_code, p.method_code),
                                      p.amount_cents, p.change_cents)
                       for p in order.payments),
        left_cents=order.left_cents, cancelled=order.cancellation is not None, qr=qr,
        duplicate_number=duplicate_number, training=order.training)


def refund_receipt(ctx: Context, number: str, credit_note: str | None = None,
                   overpayment: bool = False) -> RefundReceipt:
    """The slip of a return (`credit_note`, its number), of the order's cancellation, or
    of what it held beyond its worth given back (`overpayment`; also the default for an
    order neither cancelled nor asked a credit note of): what was taken back and how the
    money went back (on request, as a receipt). Each names the till that did it."""
    with ctx.uow(write=False) as uow:
        till = local_till(uow)
        order = _order(uow, number)
        methods = {method.code: method.label for method in uow.payment_methods.active()}
        venue = uow.tills.venue()
        seller = _seller(uow, order.till_id, till)
        note = next((n for n in order.returns
                     if n.number == (credit_note or "").strip().upper()), None)
        by = seller if note is None else _seller(uow, note.till_id, till)
    if credit_note is not None and note is None:
        raise UnknownOrder(credit_note)

    def given(refunds: list[Refund]) -> tuple[ReceiptPayment, ...]:
        return tuple(ReceiptPayment(methods.get(r.method_code, r.method_code),
                                    -r.amount_cents, 0) for r in refunds)

    if note is not None:
        lines = tuple(ReceiptLine(item.line.label, item.line.price_label, -item.line.quantity,
                                  item.line.unit_price_cents, int(item.line.vat_rate),
                                  -item.total_cents) for item in note.lines)
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
    cancelled = tuple(
        ReceiptLine(line.label, line.price_label, -left, line.unit_price_cents,
                    int(line.vat_rate), -left * line.unit_price_cents)
        for position, line in enumerate(order.lines)
        if (left := order.returnable(position)) > 0)
    return RefundReceipt(venue, seller.name, seller.point_of_sale, order.number, None,
                         cancellation.at, cancellation.reason, cancelled,
                         _negative(order.remaining_vat()), -order.cancelled_cents,
                         given([r for r in order.refunds if r.credit_note_id is None
                                and not r.excess]), order.training)


def _seller(uow: UnitOfWork, till_id: str, this_till: Till) -> Till:
    """The till that made an order or a credit note: this one, or another of the venue
    (known by the orders pulled from it)."""
    if till_id == this_till.id:
        return this_till
    return uow.tills.get(till_id) or this_till


def _negative(vat: list[VatLine]) -> tuple[VatLine, ...]:
    return tuple(VatLine(line.rate, -line.total_cents, -line.excl_cents, -line.vat_cents)
                 for line in vat)
