"""R5 payments (partial, several methods, change for cash) and R7 cancellation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.basket import BasketLine
from pos_app.domain.errors import (
    CancellationReasonMissing,
    InvalidAmount,
    NothingLeftToPay,
    OrderCancelled,
    Overpayment,
)
from pos_app.domain.order import Order, OrderStatus, format_order_number
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.vat import VatRate

CASH = PaymentMethod("ESP", "Espèces", gives_change=True, opens_drawer=True)
CARD = PaymentMethod("CB", "Carte bancaire")
ANCV = PaymentMethod("ANCV", "Chèques-Vacances ANCV")
NOON = datetime(2026, 7, 11, 10, 0, tzinfo=UTC)


def order_of(*totals: int) -> Order:
    lines = tuple(BasketLine(f"p{i}", f"Produit {i}", "std", "Prix", total, 1,
                             VatRate.INTERMEDIATE) for i, total in enumerate(totals))
    return Order("id", format_order_number("CD2-", 1), 1, "till", NOON, "caissier", lines)


def pay(order: Order, method: PaymentMethod, cents: int) -> int:
    return order.take_payment(method, cents, f"pay{len(order.payments)}", NOON,
                              "caissier").change_cents


def test_five_euros_cash_then_the_rest_by_card() -> None:
    order = order_of(1400)
    pay(order, CASH, 500)
    assert order.left_cents == 900
    pay(order, CARD, 900)
    assert order.left_cents == 0
    assert [p.method_code for p in order.payments] == ["ESP", "CB"]


def test_cash_beyond_what_is_left_gives_change() -> None:
    order = order_of(1400)
    assert pay(order, CASH, 2000) == 600
    assert order.left_cents == 0 and order.paid_cents == 1400


def test_a_card_cannot_pay_more_than_what_is_left() -> None:
    order = order_of(760)
    pay(order, CASH, 250)
    with pytest.raises(Overpayment) as refused:
        pay(order, CARD, 600)
    assert refused.value.left_cents == 510
    assert order.left_cents == 510


def test_holiday_vouchers_give_no_change() -> None:
    order = order_of(1850)
    with pytest.raises(Overpayment):
        pay(order, ANCV, 2000)


@pytest.mark.parametrize("cents", [0, -100])
def test_a_payment_must_be_positive(cents: int) -> None:
    with pytest.raises(InvalidAmount):
        pay(order_of(1400), CASH, cents)


def test_nothing_can_be_paid_on_a_paid_order() -> None:
    order = order_of(1400)
    pay(order, CARD, 1400)
    with pytest.raises(NothingLeftToPay):
        pay(order, CASH, 100)


def test_cancelling_keeps_the_order_with_who_when_and_why() -> None:
    order = order_of(1400, 1150)
    order.cancel("gerant", NOON, "  Erreur de tarif ")
    assert order.status is OrderStatus.CANCELLED
    assert order.cancellation is not None
    assert (order.cancellation.by_staff_id, order.cancellation.reason) == ("gerant",
                                                                          "Erreur de tarif")
    assert order.total_cents == 2550 and len(order.lines) == 2


def test_a_cancelled_order_takes_no_payment_and_no_second_cancellation() -> None:
    order = order_of(1400)
    order.cancel("gerant", NOON, "Client parti")
    with pytest.raises(OrderCancelled):
        pay(order, CASH, 1400)
    with pytest.raises(OrderCancelled):
        order.cancel("gerant", NOON, "encore")


def test_a_cancellation_needs_a_reason() -> None:
    with pytest.raises(CancellationReasonMissing):
        order_of(1400).cancel("gerant", NOON, "   ")


def test_order_numbers_have_the_till_prefix_and_six_digits() -> None:
    assert format_order_number("CD2-", 123) == "CD2-000123"


methods = st.sampled_from([CASH, CARD, ANCV])


@given(st.lists(st.integers(min_value=1, max_value=50_000), min_size=1, max_size=5),
       st.lists(st.tuples(methods, st.integers(min_value=-100, max_value=60_000)),
                max_size=12))
def test_payments_never_make_what_is_left_negative(
        totals: list[int], attempts: list[tuple[PaymentMethod, int]]) -> None:
    order = order_of(*totals)
    for method, cents in attempts:
        before = order.left_cents
        try:
            change = pay(order, method, cents)
        except (Overpayment, NothingLeftToPay, InvalidAmount):
            assert order.left_cents == before  # a refused payment changes nothing
            continue
        assert order.left_cents >= 0
        assert change == 0 or method.gives_change
        assert order.left_cents == before - (cents - change)
    assert order.paid_cents + order.left_cents == order.total_cents
