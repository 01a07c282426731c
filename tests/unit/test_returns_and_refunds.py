"""Returns (credit notes) and refunds in the domain: nothing taken back more times than it
was sold, nothing given back beyond what was paid, and what is suggested follows the money
as it came in; the clock's jumps and a session's age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.basket import BasketLine
from pos_app.domain.clock import JumpDirection, clock_jump
from pos_app.domain.errors import (
    NotARefund,
    RefundExceedsPaid,
    RefundIncomplete,
    ReturnExceedsSold,
)
from pos_app.domain.lockout import locked_until
from pos_app.domain.order import Order, RefundRequest, format_order_number, net_vat
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.till import TillSession
from pos_app.domain.vat import VatRate
from tests.unit.test_order_payments import CARD, CASH, NOON, pay

BON = PaymentMethod("BON", "Bon d'achat")


def order_of(*lines: tuple[int, int, VatRate]) -> Order:
    basket = tuple(BasketLine(f"p{i}", f"Produit {i}", "std", "Prix", unit, quantity, rate)
                   for i, (unit, quantity, rate) in enumerate(lines))
    return Order("id", format_order_number("CD2-", 1), 1, "till", NOON, "gerant", basket)


def back(order: Order, *quantities: tuple[int, int]) -> int:
    """Take lines back; the credit note's total."""
    return order.take_back(quantities, f"n{len(order.returns)}", "AV2-000001", 1, "till",
                           NOON, "gerant", "retour").total_cents


def refund(order: Order, *plan: tuple[str, int]) -> None:
    requests = [RefundRequest(code, cents) for code, cents in plan]
    order.give_back(requests, [f"r{i}" for i in range(len(requests))], NOON, "gerant")


def test_a_return_lowers_what_is_due_and_owes_the_customer_what_they_paid_beyond() -> None:
    order = order_of((1400, 1, VatRate.INTERMEDIATE), (1990, 1, VatRate.STANDARD))
    pay(order, CASH, 2000)
    pay(order, CARD, 1390)
    assert back(order, (1, 1)) == 1990
    assert (order.due_cents, order.owed_cents, order.left_cents) == (1400, 1990, -1990)
    assert order.suggested_refunds() == [RefundRequest("CB", 1390), RefundRequest("ESP", 600)]
    with pytest.raises(RefundExceedsPaid):
        refund(order, ("ESP", 2000))
    with pytest.raises(RefundIncomplete):
        refund(order, ("ESP", 1000))
    with pytest.raises(NotARefund):
        refund(order, ("ESP", 1990), ("CB", 0))
    refund(order, ("BON", 1990))  # a credit voucher, as the manager chose
    assert (order.left_cents, order.owed_cents) == (0, 0)
    assert order.net_by_method() == {"ESP": 2000, "CB": 1390, "BON": -1990}


def test_part_of_a_quantity_and_never_more_than_was_sold() -> None:
    order = order_of((1400, 3, VatRate.INTERMEDIATE))
    assert back(order, (0, 2)) == 2800 and order.returnable(0) == 1
    with pytest.raises(ReturnExceedsSold):
        back(order, (0, 2))
    assert order.owed_cents == 0  # nothing was paid: nothing goes back


def test_a_cancellation_after_a_return_takes_off_what_is_left_to_the_cent() -> None:
    order = order_of((333, 3, VatRate.REDUCED), (1990, 1, VatRate.STANDARD))
    back(order, (0, 1))
    order.cancel("gerant", NOON, "annulée")
    assert order.cancelled_cents == 999 + 1990 - 333
    sale_and_corrections = net_vat([(order.vat(), 1), (order.returns[0].vat(), -1),
                                    (order.remaining_vat(), -1)])
    assert sale_and_corrections == []  # a sale, its return and its cancellation: nothing


@given(st.lists(st.integers(1, 5_000), min_size=1, max_size=4), st.integers(0, 100),
       st.data())
def test_whatever_is_taken_back_the_refunds_never_exceed_what_was_paid(
        prices: list[int], share: int, data: st.DataObject) -> None:
    order = order_of(*((price, 2, VatRate.STANDARD) for price in prices))
    paid = order.total_cents * share // 100
    if paid:
        pay(order, CARD, paid)
    for position in range(len(prices)):
        quantity = data.draw(st.integers(0, 2))
        if quantity:
            back(order, (position, quantity))
            plan = order.suggested_refunds()
            refund(order, *((r.method_code, r.amount_cents) for r in plan))
        assert 0 <= order.refunded_cents <= order.paid_cents
        assert order.left_cents >= 0


def test_a_jump_is_a_clock_behind_the_newest_entry_or_a_day_ahead_of_it() -> None:
    assert clock_jump(None, NOON) is None
    assert clock_jump(NOON, NOON - timedelta(minutes=2)) is None  # a drift corrected
    back_jump = clock_jump(NOON, NOON - timedelta(minutes=3))
    assert back_jump is not None and back_jump.direction is JumpDirection.BACK
    assert clock_jump(NOON, NOON + timedelta(hours=23)) is None  # a night closed
    ahead = clock_jump(NOON, NOON + timedelta(days=2))
    assert ahead is not None and ahead.direction is JumpDirection.AHEAD
    assert ahead.offset == timedelta(days=2)


def test_a_sessions_age_leaves_the_clocks_jumps_out() -> None:
    session = TillSession("s", "t", NOON, "caissier", number=1,
                          clock_shift=timedelta(hours=-3))
    assert session.age(NOON + timedelta(hours=21)) == timedelta(hours=24)
    assert session.needs_z(NOON + timedelta(hours=21, minutes=1))
    assert not TillSession("s", "t", NOON, "c", clock_shift=timedelta(days=2)).needs_z(
        NOON + timedelta(days=2, hours=23))


def test_a_lock_that_would_start_after_now_does_not_hold() -> None:
    failures = [NOON + timedelta(seconds=i) for i in range(5)]
    assert locked_until(failures, NOON + timedelta(minutes=1)) is not None
    assert locked_until(failures, NOON - timedelta(days=1)) is None  # the clock went back
    assert locked_until(failures, datetime(2026, 7, 11, 10, 30, tzinfo=UTC)) is None
