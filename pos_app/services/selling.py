"""Selling: turn a basket into a validated order, with its payments, in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.basket import Basket
from pos_app.domain.catalogue import Product
from pos_app.domain.customer import Customer
from pos_app.domain.errors import (
    PaidBeyondWorth,
    PaymentIncomplete,
    UnknownBarcode,
    UnknownCustomer,
    UnknownPaymentMethod,
    UnknownProduct,
)
from pos_app.domain.ids import new_id
from pos_app.domain.order import TRAINING_PREFIX, Order, format_order_number
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.postal_code import parse_postal_code
from pos_app.domain.staff import Role, StaffMember
from pos_app.services.availability import check_basket_places, slot_of
from pos_app.services.changes import Sold, record_change
from pos_app.services.context import Context, local_till
from pos_app.services.discounts import check_discounts
from pos_app.services.ports import UnitOfWork
from pos_app.services.staff import ensure_till_open
from pos_app.services.tickets import issue_tickets

ORDER_SERIES = "order"
TRAINING_SERIES = "training"


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    method_code: str
    amount_cents: int


def add_product(ctx: Context, basket: Basket, product_id: str, quantity: int = 1,
                price: str | None = None, slot_id: str | None = None) -> None:
    """Put a product in the basket by id (a dated one in its slot `slot_id`); drafts,
    unknown ids, and places beyond what is left in the slot are refused."""
    with ctx.uow(write=False) as uow:
        product = uow.catalogue.get(product_id)
        if product is None:
            raise UnknownProduct(product_id)
        slot = None if slot_id is None else slot_of(uow, slot_id)
        if slot is not None:
            trial = basket.copy()
            trial.add(product, quantity, price, slot)
            check_basket_places(uow, trial, ctx.clock.now())
    basket.add(product, quantity, price, slot)


def add_by_barcode(ctx: Context, basket: Basket, code: str, quantity: int = 1,
                   price: str | None = None) -> Product:
    """Put the product carrying `code` in the basket; an unknown code is refused."""
    with ctx.uow(write=False) as uow:
        product = uow.catalogue.get_by_barcode(code.strip())
    if product is None:
        raise UnknownBarcode(code)
    basket.add(product, quantity, price)
    return product


def sell(ctx: Context, staff: StaffMember, basket: Basket,
         payments: Sequence[PaymentRequest] = (), *,
         validate_without_paying: bool = False, training: bool = False,
         postal_code: str | None = None) -> Order:
    """Validate the basket as an order, with its payments, durably and in one transaction.

    The order, its lines, VAT, payments, and the sale's signed journal entry and outbox
    records (services/changes.py `Sold`) and the admission tickets it issues
    (services/tickets.py) are written together; an order that is not
    paid in full needs `validate_without_paying` (R5). A training sale (`training`) is
    numbered apart (SIM-…), journaled in the training chain, never sent to the server
    and never counted in the takings. `postal_code` is the visitor's answer when the
    till asked (R12: domain/postal_code.py), checked before anything is written.
    """

    def take(uow: UnitOfWork, order: Order, now: datetime) -> None:
        for request in payments:
            method = payment_method(uow, request.method_code)
            order.take_payment(method, request.amount_cents, new_id(), now, staff.id)

    return record_sale(ctx, staff, basket, take, validate_without_paying=validate_without_paying,
                       training=training, postal_code=postal_code)


PaymentTaker = Callable[[UnitOfWork, Order, datetime], None]


def record_sale(ctx: Context, staff: StaffMember, basket: Basket, take_payments: PaymentTaker,
                *, validate_without_paying: bool, training: bool,
                even_overdue: bool = False, kept: Basket | None = None,
                postal_code: str | None = None) -> Order:
    """`sell`'s transaction; `take_payments` adds the order's payments inside it (taken
    now, or tendered earlier for a sale in progress, which `even_overdue` lets through a
    session past its 24 hours). An order never holds more than it is worth. Its
    discounts obey the till's rules (services/discounts.py); those of `kept`, the sale
    in progress as kept, were checked already."""
    staff.require(Role.CASHIER, "sell")
    basket.check_not_empty()
    answer = None if postal_code is None else parse_postal_code(postal_code)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        till = local_till(uow)
        session = None if training else ensure_till_open(uow, ctx.signer, till, staff, now,
                                                         even_overdue)
        check_discounts(uow, staff, basket, kept)
        check_basket_places(uow, basket, now)
        payer = None if basket.payer_id is None else _payer(uow, basket.payer_id)
        sequence = uow.sequences.next(till.id, TRAINING_SERIES if training else ORDER_SERIES)
        prefix = TRAINING_PREFIX if training else till.order_prefix
        order = Order(id=new_id(), number=format_order_number(prefix, sequence),
                      sequence=sequence, till_id=till.id, created_at=now, staff_id=staff.id,
                      lines=basket.priced_lines(), payer_id=basket.payer_id, training=training,
                      discount=basket.sold_discount(), postal_code=answer)
        take_payments(uow, order, now)
        if order.left_cents > 0 and not validate_without_paying:
            raise PaymentIncomplete(order.left_cents)
        if order.left_cents < 0:
            raise PaidBeyondWorth(order.number, -order.left_cents)
        uow.orders.add(order, None if session is None else session.id)
        # The tickets first: the sale's record carries them to the server.
        tickets = issue_tickets(uow, ctx.signer, order, now)
        record_change(uow, ctx.signer, till.id, now,
                      Sold(order, till, payer, uow.tills.venue(), tuple(tickets)))
        uow.commit()
    return order


def payment_method(uow: UnitOfWork, code: str) -> PaymentMethod:
    method = uow.payment_methods.get(code)
    if method is None or not method.active:
        raise UnknownPaymentMethod(code)
    return method


def _payer(uow: UnitOfWork, customer_id: str) -> Customer:
    customer = uow.customers.get(customer_id)
    if customer is None:
        raise UnknownCustomer(customer_id)
    return customer


def payment_methods(ctx: Context) -> list[PaymentMethod]:
    with ctx.uow(write=False) as uow:
        return uow.payment_methods.active()
