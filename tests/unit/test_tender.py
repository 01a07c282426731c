"""R5 at the payment screen: payments gathered before the order is validated."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.errors import NothingLeftToPay, Overpayment
from pos_app.domain.payment import PaymentMethod, Tender, quick_cash_amounts

CASH = PaymentMethod("ESP", "Espèces", gives_change=True, opens_drawer=True)
CARD = PaymentMethod("CB", "Carte bancaire")


def test_five_euros_cash_then_the_rest_by_card() -> None:
    tender = Tender(1400)
    tender.add(CASH, 500)
    assert tender.left_cents == 900
    tender.add(CARD, 900)
    assert (tender.left_cents, tender.change_cents) == (0, 0)


def test_a_twenty_euro_note_for_fourteen_euros_gives_six_back() -> None:
    tender = Tender(1400)
    assert tender.add(CASH, 2000).change_cents == 600
    assert (tender.left_cents, tender.change_cents) == (0, 600)


def test_a_card_cannot_pay_more_than_is_left() -> None:
    tender = Tender(1400)
    with pytest.raises(Overpayment):
        tender.add(CARD, 1500)
    assert tender.payments == []


def test_nothing_is_taken_once_all_is_paid() -> None:
    tender = Tender(250)
    tender.add(CARD, 250)
    with pytest.raises(NothingLeftToPay):
        tender.add(CASH, 100)


def test_the_last_payment_can_be_given_back() -> None:
    tender = Tender(1400)
    tender.add(CASH, 500)
    tender.add(CARD, 400)
    assert tender.undo() is not None and tender.left_cents == 900
    assert tender.undo() is not None and tender.undo() is None and tender.left_cents == 1400


@given(st.integers(1, 100_000), st.lists(st.tuples(st.booleans(), st.integers(1, 50_000))))
def test_what_is_left_never_goes_negative(total: int, attempts: list[tuple[bool, int]]) -> None:
    tender = Tender(total)
    for is_cash, amount in attempts:
        with contextlib.suppress(Overpayment, NothingLeftToPay):
            tender.add(CASH if is_cash else CARD, amount)
        assert 0 <= tender.left_cents <= total


@pytest.mark.parametrize(("left", "expected"), [
    (1350, [1400, 1500, 2000, 5000]),
    (1400, [1400, 1500, 2000, 5000]),
    (250, [300, 500, 1000, 2000]),
    (12_000, [12_000]),
    (0, []),
])
def test_quick_cash_offers_what_customers_hand_over(left: int, expected: list[int]) -> None:
    assert quick_cash_amounts(left) == expected
