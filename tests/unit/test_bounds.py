"""Quantities and amounts are bounded: a billion T-shirts or 10**19 euros is a typing
slip, refused with a sentence before it reaches the store."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pos_app.domain.basket import MAX_QUANTITY, Basket, BasketLine, check_quantity
from pos_app.domain.catalogue import Price, Product
from pos_app.domain.draft import Draft
from pos_app.domain.errors import (
    AmountTooLarge,
    InvalidAmount,
    InvalidQuantity,
    QuantityTooLarge,
    shown,
)
from pos_app.domain.money import MAX_AMOUNT_CENTS, parse_amount
from pos_app.domain.payment import PaymentMethod, settle
from pos_app.domain.vat import VatRate

NOW = datetime(2026, 7, 11, 8, tzinfo=UTC)
TSHIRT = Product("tshirt", "T-shirt", "boutique", VatRate.STANDARD,
                 (Price("unique", "Taille unique", 1990),))
CASH = PaymentMethod("ESP", "Espèces", gives_change=True)


def test_a_line_holds_at_most_the_maximum_quantity() -> None:
    assert check_quantity(MAX_QUANTITY) == MAX_QUANTITY == 9_999
    for quantity in (MAX_QUANTITY + 1, 1_000_000_000, 10**19):
        with pytest.raises(QuantityTooLarge, match=f"more than {MAX_QUANTITY}"):
            check_quantity(quantity)
    # Still an invalid quantity for whoever catches those.
    assert issubclass(QuantityTooLarge, InvalidQuantity)


def test_quantities_that_add_up_beyond_the_maximum_are_refused() -> None:
    basket = Basket()
    basket.add(TSHIRT, MAX_QUANTITY - 1)
    basket.add(TSHIRT, 1)
    with pytest.raises(QuantityTooLarge):
        basket.add(TSHIRT, 1)
    assert [line.quantity for line in basket.lines] == [MAX_QUANTITY]
    with pytest.raises(QuantityTooLarge):
        basket.set_quantity(0, 10**19)
    assert basket.lines[0].quantity == MAX_QUANTITY


@pytest.mark.parametrize("typed", ["999999,99", "-999999.99", Decimal("999999.99"), 999_999])
def test_the_largest_amounts_are_taken(typed: str | int | Decimal) -> None:
    assert abs(parse_amount(typed)) in (MAX_AMOUNT_CENTS, 99_999_900)


@pytest.mark.parametrize("typed", ["1000000", "1 000 000,00", "999999999", 10**19,
                                   -10**7, Decimal("1000000.00"), Decimal("1E+999999999"),
                                   Decimal("-1E+999999999")])
def test_larger_amounts_are_refused(typed: str | int | Decimal) -> None:
    if typed == "1 000 000,00":  # not even read as an amount
        with pytest.raises(InvalidAmount):
            parse_amount(typed)
        return
    with pytest.raises(AmountTooLarge, match=r"at most 999999\.99 euros"):
        parse_amount(typed)


def test_cents_hidden_far_down_are_refused_not_rounded() -> None:
    for typed in (Decimal("1E-999999999"), Decimal("14.0000000000000000000000000000000001")):
        with pytest.raises(InvalidAmount, match="not an amount"):
            parse_amount(typed)


def test_what_is_refused_is_quoted_short() -> None:
    with pytest.raises(AmountTooLarge) as huge:
        parse_amount(10**5000)
    assert len(str(huge.value)) < 100 and "5001 digits" in str(huge.value)
    with pytest.raises(InvalidAmount) as long_text:
        parse_amount("x" * 1_000_000)
    assert len(str(long_text.value)) < 100
    with pytest.raises(InvalidQuantity) as long_quantity:
        check_quantity("9" * 1_000_000)
    assert len(str(long_quantity.value)) < 120
    assert shown("abc") == "'abc'" and shown("y" * 100).endswith("…")


def test_a_payment_beyond_the_maximum_is_refused_even_in_cents() -> None:
    with pytest.raises(AmountTooLarge):
        settle(CASH, 10**19, 1990)
    draft = Draft("d", "t", "s", NOW)
    draft.replace_basket(Basket([BasketLine("tshirt", "T-shirt", "unique", "Taille unique",
                                            1990, 1, VatRate.STANDARD)]), 0)
    with pytest.raises(AmountTooLarge):
        draft.tender(CASH, MAX_AMOUNT_CENTS + 1, "p1", NOW, "s")
    assert draft.payments == []
    assert draft.tender(CASH, MAX_AMOUNT_CENTS, "p1", NOW, "s").change_cents == (
        MAX_AMOUNT_CENTS - 1990)
