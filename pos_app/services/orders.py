"""Orders after validation: find them, pay what is left, cancel them (R5, R7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.customer import Customer
from pos_app.domain.errors import UnknownOrder
from pos_app.domain.ids import new_id
from pos_app.domain.journal import order_chain
from pos_app.domain.order import Order, StatusFilter
from pos_app.domain.payment import Payment
from pos_app.domain.staff import Role, StaffMember
from pos_app.services.context import Context, local_till
from pos_app.services.journal import append, cancellation_record, payment_record
from pos_app.services.payloads import cancellation_payload, payment_payload
from pos_app.services.ports import OrderSummary, OutboxRecord, UnitOfWork
from pos_app.services.selling import payment_method
from pos_app.services.staff import ensure_till_open


@dataclass(frozen=True, slots=True)
class OrderDetails:
    order: Order
    payer: Customer | None


def get_order(ctx: Context, number: str) -> OrderDetails:
    with ctx.uow(write=False) as uow:
        order = _order(uow, number)
        payer = uow.customers.get(order.payer_id) if order.payer_id else None
    return OrderDetails(order, payer)


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
        till_id = _till_for(uow, order, staff, now)
        method = payment_method(uow, method_code)
        payment = order.take_payment(method, amount_cents, new_id(), now, staff.id)
        uow.orders.add_payment(order, payment, till_id)
        append(uow, ctx.signer, till_id, order_chain(order.training), now,
               payment_record(order, payment))
        if not order.training:
            uow.outbox.add([OutboxRecord("payment.taken", payment.id,
                                         payment_payload(order, payment))], now)
        uow.commit()
    return order, payment


def cancel_order(ctx: Context, staff: StaffMember, number: str, reason: str) -> Order:
    """R7: a manager cancels; the order stays, marked cancelled with who, when and why."""
    staff.require(Role.MANAGER, "cancel an order")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        order = _order(uow, number)
        till_id = _till_for(uow, order, staff, now)
        cancellation = order.cancel(staff.id, now, reason)
        uow.orders.add_cancellation(order, cancellation, till_id)
        append(uow, ctx.signer, till_id, order_chain(order.training), now,
               cancellation_record(order, cancellation), -order.total_cents)
        if not order.training:
            uow.outbox.add([OutboxRecord("order.cancelled", order.id,
                                         cancellation_payload(order, cancellation))], now)
        uow.commit()
    return order


def _till_for(uow: UnitOfWork, order: Order, staff: StaffMember, now: datetime) -> str:
    """The till taking the action; a real order needs it open (training does not)."""
    till = local_till(uow)
    if not order.training:
        ensure_till_open(uow, till, staff, now)
    return till.id


def _order(uow: UnitOfWork, number: str) -> Order:
    order = uow.orders.get_by_number(number.strip())
    if order is None:
        raise UnknownOrder(number)
    return order
