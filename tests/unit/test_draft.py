"""R5 for a sale in progress: payments gathered before the order is validated, each
settled against what is left when it is taken; the basket never below what was paid."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.basket import Basket, BasketLine
from pos_app.domain.draft import Draft
from pos_app.domain.errors import (
    BasketBelowPayments,
    DraftPaid,
    EmptyBasket,
    Overpayment,
)
from pos_app.domain.payment import PaymentMethod, quick_cash_amounts
from pos_app.domain.vat import VatRate

CASH = PaymentMethod("ESP", "Espèces", gives_change=True, opens_drawer=True)
CARD = PaymentMethod("CB", "Carte bancaire")
NOW = datetime(2026, 7, 11, 8, tzinfo=UTC)


def draft_of(total: int) -> Draft:
    line = BasketLine("p", "Produit", "standard", "Tarif", total, 1, VatRate.STANDARD)
    draft = Draft("d", "t", "s", NOW)
    draft.replace_basket(Basket([line]), 0)
    return draft


def take(draft: Draft, method: PaymentMethod, amount: int) -> int:
    """Tender `amount`; the change it gives."""
    return draft.tender(method, amount, f"p{len(draft.payments)}", NOW, "s").change_cents


def test_five_euros_cash_then_the_rest_by_card() -> None:
    draft = draft_of(1400)
    take(draft, CASH, 500)
    assert draft.left_cents == 900
    take(draft, CARD, 900)
    assert (draft.left_cents, draft.change_cents) == (0, 0)


def test_a_twenty_euro_note_for_fourteen_euros_gives_six_back() -> None:
    draft = draft_of(1400)
    assert take(draft, CASH, 2000) == 600
    assert (draft.left_cents, draft.change_cents) == (0, 600)


def test_a_card_cannot_pay_more_than_is_left() -> None:
    draft = draft_of(1400)
    with pytest.raises(Overpayment):
        take(draft, CARD, 1500)
    assert draft.payments == []


def test_nothing_is_taken_once_all_is_paid_nor_for_an_empty_basket() -> None:
    draft = draft_of(250)
    take(draft, CARD, 250)
    with pytest.raises(DraftPaid):
        take(draft, CASH, 100)
    with pytest.raises(EmptyBasket):
        take(Draft("d", "t", "s", NOW), CASH, 100)


def test_the_last_payment_can_be_given_back() -> None:
    draft = draft_of(1400)
    take(draft, CASH, 500)
    take(draft, CARD, 400)
    assert draft.undo() is not None and draft.left_cents == 900
    assert draft.undo() is not None and draft.undo() is None and draft.left_cents == 1400


def test_the_basket_grows_but_never_falls_below_what_was_paid_and_late_saves_lose() -> None:
    draft = draft_of(1400)
    take(draft, CARD, 1000)
    smaller = Basket([BasketLine("p", "Produit", "standard", "Tarif", 900, 1,
                                 VatRate.STANDARD)])
    with pytest.raises(BasketBelowPayments):
        draft.replace_basket(smaller, 1)
    larger = Basket([*draft.basket.lines, *smaller.lines])
    assert draft.replace_basket(larger, 2) and draft.left_cents == 1300
    assert not draft.replace_basket(smaller, 1)  # an older save changes nothing
    assert draft.total_cents == 2300


@given(st.integers(1, 100_000), st.lists(st.tuples(st.booleans(), st.integers(1, 50_000))))
def test_what_is_left_never_goes_negative(total: int, attempts: list[tuple[bool, int]]) -> None:
    draft = draft_of(total)
    for is_cash, amount in attempts:
        with contextlib.suppress(Overpayment, DraftPaid):
            take(draft, CASH if is_cash else CARD, amount)
        assert 0 <= draft.left_cents <= total


@pytest.mark.parametrize(("left", "expected"), [
    (1350, [1400, 1500, 2000, 5000]),
    (1400, [1400, 1500, 2000, 5000]),
    (250, [300, 500, 1000, 2000]),
    (12_000, [12_000]),
    (0, []),
])
def test_quick_cash_offers_what_customers_hand_over(left: int, expected: list[int]) -> None:
    assert quick_cash_amounts(left) == expected
