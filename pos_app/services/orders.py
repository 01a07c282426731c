"""Orders after validation: find them, pay what is left, take lines back, cancel them,
and give back what the customer is owed (R5, R7).

A return makes a credit note (avoir); a cancellation takes back whatever was not returned
yet. Either revokes, in its transaction, the admission tickets of the places it takes
back (services/tickets.py), and gives back, in the same transaction, the money the
customer paid beyond what the order is now worth, split over payment methods as the
manager chose: each refund is a change of its own (services/changes.py), an entry of the
order chain (its amount negative in its body; the entry adds nothing to the takings,
which the return or cancellation lowered) and an outbox record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pos_app.domain.customer import Customer
from pos_app.domain.errors import NothingOwed, SoldAtAnotherTill, UnknownOrder
from pos_app.domain.ids import new_id
from pos_app.domain.order import (
    CreditNote,
    Order,
    Refund,
    RefundRequest,
    StatusFilter,
    credit_note_prefix,
    format_order_number,
)
from pos_app.domain.payment import Payment
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.till import Till, TillSession
from pos_app.services.changes import (
    Change,
    LinesReturned,
    OrderCancelled,
    PaymentTaken,
    RefundGiven,
    record_change,
)
from pos_app.services.closures import check_drawer
from pos_app.services.context import Context, local_till
from pos_app.services.ports import OrderSummary, Signer, UnitOfWork
from pos_app.services.selling import payment_method
from pos_app.services.staff import ensure_till_open
from pos_app.services.tickets import revoke_order_tickets, revoke_returned_places

CREDIT_NOTE_SERIES = "credit_note"
TRAINING_CREDIT_NOTE_SERIES = "training_credit_note"


@dataclass(frozen=True, slots=True)
class OrderDetails:
    order: Order
    payer: Customer | None
    # The till that sold it when it is another one (a pulled order: payable here; taken
    # back or cancelled there only); None for this till's own.
    sold_at: Till | None = None
    # The name of the till that took each payment taken at another till, by payment id.
    taken_elsewhere: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TakenBack:
    """What a return or a cancellation did: the order as it now stands, the credit note
    (a return), and the refunds given."""

    order: Order
    credit_note: CreditNote | None
    refunds: tuple[Refund, ...]


def get_order(ctx: Context, number: str) -> OrderDetails:
    with ctx.uow(write=False) as uow:
        order = _order(uow, number)
        payer = uow.customers.get(order.payer_id) if order.payer_id else None
        here = local_till(uow).id
        sold_at = None if order.till_id == here else uow.tills.get(order.till_id)
        elsewhere = {}
        for payment in order.payments:
            if payment.till_id not in (None, here):
                till = uow.tills.get(payment.till_id)
                elsewhere[payment.id] = payment.till_id if till is None else till.name
    return OrderDetails(order, payer, sold_at, elsewhere)


def search_orders(ctx: Context, text: str, status: StatusFilter = StatusFilter.ALL,
                  limit: int = 50, training: bool = False) -> list[OrderSummary]:
    """R7: by number (whole, or its last digits) or by the payer's last name; newest
    first. In training mode, the training orders (and only those)."""
    with ctx.uow(write=False) as uow:
        return uow.orders.search(text.strip(), status, limit, training)


def pay_order(ctx: Context, staff: StaffMember, number: str, method_code: str,
              amount_cents: int) -> tuple[Order, Payment]:
    """R5: pay some or all of what is left of an order validated earlier."""
    staff.require(Role.CASHIER, "take a payment")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        order = _order(uow, number)
        till, session = _till_for(uow, ctx.signer, order, staff, now)
        method = payment_method(uow, method_code)
        payment = order.take_payment(method, amount_cents, new_id(), now, staff.id)
        uow.orders.add_payment(order, payment, till.id, _id(session))
        record_change(uow, ctx.signer, till.id, now, PaymentTaken(order, payment))
        uow.commit()
    return order, payment


def cancel_order(ctx: Context, staff: StaffMember, number: str, reason: str,
                 refunds: Sequence[RefundRequest] | None = None) -> TakenBack:
    """R7: a manager cancels; the order stays, marked cancelled with who, when and why,
    and what the customer paid goes back as `refunds` say (by default, in the methods
    it came in, the latest payment first)."""
    staff.require(Role.MANAGER, "cancel an order")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        order = _order(uow, number)
        till, session = _till_for(uow, ctx.signer, order, staff, now, correcting=True)
        cancellation = order.cancel(staff.id, now, reason)
        given = _refund(uow, order, refunds, now, staff, None, session)
        uow.orders.add_cancellation(order, cancellation, till.id, _id(session))
        revoked = revoke_order_tickets(uow, order, now)
        _record_correction(uow, ctx.signer, order, till, session, now,
                           OrderCancelled(order, cancellation, revoked), given)
        uow.commit()
    return TakenBack(order, None, tuple(given))


def return_lines(ctx: Context, staff: StaffMember, number: str,
                 quantities: Sequence[tuple[int, int]], reason: str,
                 refunds: Sequence[RefundRequest] | None = None) -> TakenBack:
    """A manager takes back some lines of an order, or part of their quantity: a credit
    note referencing the order and its lines, and the refund of what the customer then
    paid beyond the order's new worth (none when they still owe more than that)."""
    staff.require(Role.MANAGER, "take back an order's lines")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        order = _order(uow, number)
        till, session = _till_for(uow, ctx.signer, order, staff, now, correcting=True)
        series = TRAINING_CREDIT_NOTE_SERIES if order.training else CREDIT_NOTE_SERIES
        sequence = uow.sequences.next(till.id, series)
        note = order.take_back(
            quantities, new_id(),
            format_order_number(credit_note_prefix(till.code, order.training), sequence),
            sequence, till.id, now, staff.id, reason)
        given = _refund(uow, order, refunds, now, staff, note.id, session)
        uow.orders.add_return(note, _id(session))
        revoked = revoke_returned_places(uow, note, now)
        _record_correction(uow, ctx.signer, order, till, session, now,
                           LinesReturned(order, note, uow.tills.venue(), revoked), given)
        uow.commit()
    return TakenBack(order, note, tuple(given))


def refund_overpayment(ctx: Context, staff: StaffMember, number: str,
                       refunds: Sequence[RefundRequest] | None = None) -> TakenBack:
    """Give back what an order holds beyond its worth: paid at two tills while they were
    offline, say, or paid at another till while this one cancelled it. Refunds as
    `refunds` say (by default, in the methods it came in: this till's payments first,
    the latest first).
    Nothing is taken back: the takings stay; each refund is a change of its own, as a
    return's are. Only at the till that sold the order, as its corrections: one till
    decides, so that two never give the same excess back."""
    staff.require(Role.MANAGER, "give back an overpayment")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        order = _order(uow, number)
        till, session = _till_for(uow, ctx.signer, order, staff, now, correcting=True)
        if order.owed_cents <= 0:
            raise NothingOwed(order.number)
        given = _refund(uow, order, refunds, now, staff, None, session, excess=True)
        _record_refunds(uow, ctx.signer, order, till, session, now, given)
        uow.commit()
    return TakenBack(order, None, tuple(given))


def _refund(uow: UnitOfWork, order: Order, requests: Sequence[RefundRequest] | None,
            now: datetime, staff: StaffMember, credit_note_id: str | None,
            session: TillSession | None, excess: bool = False) -> list[Refund]:
    """The refunds of what the order now owes the customer: each method must be one the
    till takes, and cash no more than the drawer holds; none are needed when nothing is
    owed."""
    # An excess goes back first in what this till (the seller) took: it holds that.
    plan = (order.suggested_refunds(taken_at_till=order.till_id if excess else None)
            if requests is None else list(requests))
    cash = sum(request.amount_cents for request in plan
               if payment_method(uow, request.method_code).gives_change)
    given = order.give_back(plan, [new_id() for _request in plan], now, staff.id,
                            credit_note_id, excess)
    if cash and not order.training:
        check_drawer(uow, session, cash)
    return given


def _record_correction(uow: UnitOfWork, signer: Signer, order: Order, till: Till,
                       session: TillSession | None, now: datetime, correction: Change,
                       refunds: list[Refund]) -> None:
    """A return or a cancellation (its entry takes its amount off the takings), then
    each refund it gives: rows, and a change of its own (entry and record) each."""
    record_change(uow, signer, till.id, now, correction)
    _record_refunds(uow, signer, order, till, session, now, refunds)


def _record_refunds(uow: UnitOfWork, signer: Signer, order: Order, till: Till,
                    session: TillSession | None, now: datetime,
                    refunds: list[Refund]) -> None:
    if refunds:
        uow.orders.add_refunds(order, refunds, till.id, _id(session))
    for refund in refunds:
        record_change(uow, signer, till.id, now, RefundGiven(order, refund))


def _till_for(uow: UnitOfWork, signer: Signer, order: Order, staff: StaffMember,
              now: datetime, correcting: bool = False) -> tuple[Till, TillSession | None]:
    """The till taking the action, and its session; a real order needs it open
    (training does not, and belongs to no session). A correction (`correcting`) is made
    only at the till that sold the order."""
    till = local_till(uow)
    if correcting and order.till_id != till.id:
        seller = uow.tills.get(order.till_id)
        raise SoldAtAnotherTill(order.number, order.till_id if seller is None else seller.name)
    if order.training:
        return till, None
    return till, ensure_till_open(uow, signer, till, staff, now)


def _id(session: TillSession | None) -> str | None:
    return None if session is None else session.id


def _order(uow: UnitOfWork, number: str) -> Order:
    order = uow.orders.get_by_number(number.strip())
    if order is None:
        raise UnknownOrder(number)
    return order
