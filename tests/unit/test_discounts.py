"""Discounts: a line's and the basket's, their checks, their allocation over the lines,
VAT once per rate on the net totals, and returns of discounted lines that give back
exactly what was paid."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.basket import Basket, BasketLine
from pos_app.domain.catalogue import Price, Product
from pos_app.domain.discount import (
    DiscountAsked,
    allocate,
    parse_discount,
    percent_of,
    returned_discount,
)
from pos_app.domain.errors import (
    DiscountAboveLimit,
    DiscountExceeds,
    DiscountNegative,
    DiscountReasonMissing,
    InvalidDiscount,
)
from pos_app.domain.order import Order
from pos_app.domain.vat import VatRate, vat_breakdown

RIDE = Product("balade", "Balade à poney", "activites", VatRate.INTERMEDIATE,
               (Price("adulte", "Adulte", 1400),))
TSHIRT = Product("tshirt", "T-shirt", "boutique", VatRate.STANDARD,
                 (Price("unique", "Taille unique", 1990),))
BOOK = Product("livre", "Livre", "boutique", VatRate.REDUCED, (Price("unique", "Prix", 999),))
AT = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def _order(basket: Basket) -> Order:
    return Order(id="o1", number="CD1-000001", sequence=1, till_id="t1", created_at=AT,
                 staff_id="s1", lines=basket.priced_lines(), discount=basket.sold_discount())


def test_discounts_are_read_as_amounts_or_whole_percentages() -> None:
    assert parse_discount("2,00") == DiscountAsked(cents=200)
    assert parse_discount("2.5 €") == DiscountAsked(cents=250)
    assert parse_discount(" 10 % ") == DiscountAsked(percent=10)
    for wrong in ("abc", "101%", "1,5%", "%"):
        with pytest.raises(InvalidDiscount):
            parse_discount(wrong)
    with pytest.raises(DiscountNegative):
        parse_discount("-1")


def test_a_percentage_is_rounded_half_up_on_what_it_applies_to() -> None:
    assert percent_of(1990, 10) == 199
    assert percent_of(1995, 10) == 200  # 199.5 → 200
    assert percent_of(1994, 10) == 199  # 199.4 → 199
    assert percent_of(5, 10) == 1  # 0.5 → 1


def test_a_line_discount_lowers_its_total_and_is_checked() -> None:
    basket = Basket()
    basket.add(TSHIRT, 2)
    line = basket.discount_line(0, DiscountAsked(cents=200), " Fidélité ", "s1")
    assert (line.gross_cents, line.discount_cents, line.total_cents) == (3980, 200, 3780)
    assert (line.discount_reason, line.discount_by) == ("Fidélité", "s1")
    tenth = basket.discount_line(0, DiscountAsked(percent=10), "Fidélité", "s1")
    assert tenth.discount_cents == 398
    with pytest.raises(DiscountExceeds):
        basket.discount_line(0, DiscountAsked(cents=3981), "Fidélité", "s1")
    with pytest.raises(DiscountReasonMissing):
        basket.discount_line(0, DiscountAsked(cents=100), "  ", "s1")
    with pytest.raises(DiscountNegative):
        basket.discount_line(0, DiscountAsked(cents=-1), "Fidélité", "s1")
    with pytest.raises(DiscountAboveLimit):
        basket.discount_line(0, DiscountAsked(percent=30), "Fidélité", "s1", max_percent=25)
    with pytest.raises(DiscountAboveLimit):  # 1000 of 3980 is more than 25 %
        basket.discount_line(0, DiscountAsked(cents=1000), "Fidélité", "s1", max_percent=25)
    assert basket.lines[0].discount_cents == 398  # a refused discount changes nothing
    cleared = basket.discount_line(0, DiscountAsked(cents=0), "", "s1")
    assert (cleared.discount_cents, cleared.discount_reason, cleared.discount_by) == (0, "", None)


def test_a_quantity_cannot_fall_below_the_line_discount() -> None:
    basket = Basket()
    basket.add(TSHIRT, 3)
    basket.discount_line(0, DiscountAsked(cents=3000), "Tarif groupe", "s1")
    with pytest.raises(DiscountExceeds):
        basket.set_quantity(0, 1)
    basket.set_quantity(0, 2)
    assert basket.lines[0].total_cents == 3980 - 3000


def test_a_basket_discount_is_allocated_and_vat_computed_once_per_rate_on_net_totals() -> None:
    basket = Basket()
    basket.add(RIDE, 3)  # 4200 at 10 %
    basket.add(TSHIRT)  # 1990 at 20 %
    basket.add(BOOK)  # 999 at 5.5 %
    basket.discount_line(1, DiscountAsked(cents=190), "Article abîmé", "s1")  # 1800
    basket.discount_all(DiscountAsked(percent=10), "Fidélité", "s1")
    assert basket.subtotal_cents == 4200 + 1800 + 999
    assert basket.discount_cents == 700  # 699.9 → 700
    order = _order(basket)
    shares = [line.basket_discount_cents for line in order.lines]
    assert sum(shares) == 700
    assert shares == [420, 180, 100]
    assert order.total_cents == 6999 - 700 == basket.total_cents
    assert order.vat() == vat_breakdown([(VatRate.INTERMEDIATE, 3780), (VatRate.STANDARD, 1620),
                                         (VatRate.REDUCED, 899)])
    assert order.discount is not None and order.discount.cents == 700
    assert order.discount.percent == 10 and order.discounted_cents == 890


def test_a_basket_discount_is_refused_beyond_the_basket_limit_or_reason() -> None:
    basket = Basket()
    basket.add(TSHIRT)
    with pytest.raises(DiscountExceeds):
        basket.discount_all(DiscountAsked(cents=1991), "Fidélité", "s1")
    with pytest.raises(DiscountAboveLimit):
        basket.discount_all(DiscountAsked(percent=20), "Fidélité", "s1", max_percent=15)
    with pytest.raises(DiscountReasonMissing):
        basket.discount_all(DiscountAsked(cents=100), "", "s1")
    basket.discount_all(DiscountAsked(cents=1500), "Geste commercial", "s1")
    basket.add(BOOK)
    basket.remove(0)  # the basket now comes to less than its discount
    with pytest.raises(DiscountExceeds):
        basket.priced_lines()


@given(st.integers(0, 10**6), st.lists(st.integers(0, 10**5), min_size=1, max_size=12))
def test_allocation_adds_up_exactly_and_never_exceeds_a_line(amount: int,
                                                             weights: list[int]) -> None:
    amount = min(amount, sum(weights))
    parts = allocate(amount, weights)
    assert sum(parts) == amount
    assert all(0 <= part <= weight for part, weight in zip(parts, weights, strict=True))
    assert parts == allocate(amount, weights)  # deterministic
    total = sum(weights)
    if total:  # each within one cent of its exact share
        assert all(abs(part * total - amount * weight) < total
                   for part, weight in zip(parts, weights, strict=True))


@given(st.integers(1, 20), st.integers(1, 5000), st.integers(0, 100), st.data())
def test_returning_a_discounted_line_in_parts_gives_back_its_net_total(
        quantity: int, unit: int, percent: int, data: st.DataObject) -> None:
    gross = unit * quantity
    discount = percent_of(gross, percent)
    own = data.draw(st.integers(0, discount))
    line = BasketLine("p", "P", "u", "U", unit, quantity, VatRate.STANDARD,
                      own, "Fidélité" if own else "", "s1" if own else None, discount - own)
    order = Order(id="o", number="CD1-000001", sequence=1, till_id="t", created_at=AT,
                  staff_id="s", lines=(line,))
    done, given_back, own_back, share_back = 0, 0, 0, 0
    while done < quantity:
        taking = data.draw(st.integers(1, quantity - done))
        part = order.returned_part(0, done, taking)
        assert 0 <= part.total_cents <= unit * taking
        assert part.discount_cents >= 0 and part.basket_discount_cents >= 0
        assert part.total_cents == unit * taking - returned_discount(
            gross, line.total_cents, quantity, done, taking)
        given_back += part.total_cents
        own_back += part.discount_cents
        share_back += part.basket_discount_cents
        done += taking
    assert given_back == line.total_cents
    assert (own_back, share_back) == (own, discount - own)


def test_a_return_takes_back_a_line_at_its_net_value() -> None:
    basket = Basket()
    basket.add(TSHIRT, 3)  # 5970
    basket.discount_line(0, DiscountAsked(cents=1000), "Tarif groupe", "s1")  # 4970
    order = _order(basket)
    first = order.take_back([(0, 1)], "n1", "AV1-000001", 1, "t1", AT, "s1", "Retour")
    assert first.total_cents == 4970 // 3 == 1656
    assert order.owed_after_return([(0, 2)]) == 0  # nothing was paid
    second = order.take_back([(0, 2)], "n2", "AV1-000002", 2, "t1", AT, "s1", "Retour")
    assert first.total_cents + second.total_cents == 4970
    assert order.due_cents == 0


_RATES = list(VatRate)


@given(st.lists(st.tuples(st.integers(1, 5000), st.integers(1, 12), st.sampled_from(_RATES),
                          st.integers(0, 100)), min_size=1, max_size=6),
       st.integers(0, 100), st.booleans(), st.data())
def test_a_discounted_sale_adds_up_and_returned_whole_in_parts_leaves_nothing(
        lines: list[tuple[int, int, VatRate, int]], basket_percent: int, as_percent: bool,
        data: st.DataObject) -> None:
    basket = Basket()
    for index, (unit, quantity, rate, percent) in enumerate(lines):
        basket.add(Product(f"p{index}", f"P{index}", "c", rate, (Price("u", "U", unit),)),
                   quantity)
        basket.discount_line(index, DiscountAsked(percent=percent), "Fidélité", "s1")
    asked = (DiscountAsked(percent=basket_percent) if as_percent else
             DiscountAsked(cents=data.draw(st.integers(0, basket.subtotal_cents))))
    basket.discount_all(asked, "Tarif groupe", "s1")
    order = _order(basket)
    assert order.total_cents == basket.total_cents == sum(v.total_cents for v in order.vat())
    assert sum(line.basket_discount_cents for line in order.lines) == basket.discount_cents
    assert all(line.total_cents >= 0 for line in order.lines)
    assert order.discounted_cents == sum(line.gross_cents for line in order.lines) - (
        order.total_cents)
    sequence = 0
    while any(order.returnable(p) for p in range(len(order.lines))):
        position = data.draw(st.sampled_from(
            [p for p in range(len(order.lines)) if order.returnable(p)]))
        taking = data.draw(st.integers(1, order.returnable(position)))
        sequence += 1
        order.take_back([(position, taking)], f"n{sequence}", f"AV1-{sequence:06d}",
                        sequence, "t1", AT, "s1", "Retour")
    assert order.returned_cents == order.total_cents and order.due_cents == 0
    # Each rate's amount goes back to the cent (its split may not: each credit note
    # rounds its own VAT once per rate, as any return of parts does).
    assert all(vat.total_cents == 0 for vat in order.remaining_vat())
