"""The basket: products by price choice and quantity; drafts and bad quantities refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from pos_app.domain.basket import Basket
from pos_app.domain.catalogue import Price, Product
from pos_app.domain.errors import (
    BasketLineNotFound,
    EmptyBasket,
    InvalidQuantity,
    ProductNotSellable,
    SlotNotOfProduct,
    SlotRequired,
    UnknownPrice,
)
from pos_app.domain.schedule import Slot
from pos_app.domain.vat import VatRate

RIDE = Product("balade", "Balade à poney – 1 h", "activites", VatRate.INTERMEDIATE,
               (Price("adulte", "Adulte", 1400), Price("enfant", "Enfant (-12 ans)", 1150)),
               ("3760123450027",), "ACT-001", "706100")
TSHIRT = Product("tshirt", "T-shirt « Les Écuries du Lac »", "boutique", VatRate.STANDARD,
                 (Price("unique", "Taille unique", 1990),))
DRAFT = Product("bombe", "Bombe d'équitation", "boutique", VatRate.STANDARD,
                (Price("unique", "Prix", 3900),), published=False)


def test_the_first_price_is_taken_unless_another_is_chosen() -> None:
    basket = Basket()
    basket.add(RIDE)
    basket.add(RIDE, 2, "Enfant (-12 ans)")
    assert [(line.price_id, line.quantity) for line in basket.lines] == [("adulte", 1),
                                                                        ("enfant", 2)]
    assert basket.total_cents == 1400 + 2 * 1150


def test_the_same_product_at_the_same_price_adds_up_on_one_line() -> None:
    basket = Basket()
    basket.add(TSHIRT)
    basket.add(TSHIRT, 2)
    assert len(basket.lines) == 1
    assert basket.lines[0].quantity == 3


def test_a_price_can_be_chosen_by_id() -> None:
    basket = Basket()
    assert basket.add(RIDE, price="enfant").unit_price_cents == 1150


def test_an_unknown_price_is_refused() -> None:
    with pytest.raises(UnknownPrice) as refused:
        Basket().add(RIDE, price="Senior")
    assert refused.value.price == "Senior"


def test_a_draft_cannot_be_sold() -> None:
    with pytest.raises(ProductNotSellable) as refused:
        Basket().add(DRAFT)
    assert refused.value.reason == "draft"


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", True])
def test_quantities_are_whole_numbers_from_one(quantity: object) -> None:
    basket = Basket()
    with pytest.raises(InvalidQuantity):
        basket.add(RIDE, quantity)  # type: ignore[arg-type]
    assert basket.is_empty


def test_lines_can_be_changed_removed_and_cleared() -> None:
    basket = Basket()
    basket.add(RIDE)
    basket.add(TSHIRT)
    basket.set_quantity(0, 4)
    assert basket.total_cents == 4 * 1400 + 1990
    assert basket.remove(1).product_id == "tshirt"
    with pytest.raises(BasketLineNotFound):
        basket.remove(5)
    basket.assign_payer("c-martin-lea")
    basket.clear()
    assert basket.is_empty and basket.payer_id is None
    with pytest.raises(EmptyBasket):
        basket.check_not_empty()


def test_basket_vat_groups_lines_by_rate() -> None:
    basket = Basket()
    basket.add(RIDE, 2)
    basket.add(TSHIRT)
    assert [(v.rate, v.total_cents) for v in basket.vat()] == [(VatRate.STANDARD, 1990),
                                                               (VatRate.INTERMEDIATE, 2800)]


def test_a_product_without_accounting_code_shows_pdr() -> None:
    assert TSHIRT.accounting_code_or_default == "PDR"
    assert RIDE.accounting_code_or_default == "706100"


def test_a_dated_product_is_sold_in_a_slot_one_line_per_slot() -> None:
    ride = replace(RIDE, dated=True)
    two = Slot("balade@14", "balade", datetime(2026, 7, 13, 12, tzinfo=UTC),
               datetime(2026, 7, 13, 13, tzinfo=UTC), 50)
    four = replace(two, id="balade@16", start=datetime(2026, 7, 13, 14, tzinfo=UTC),
                   end=datetime(2026, 7, 13, 15, tzinfo=UTC))
    basket = Basket()
    with pytest.raises(SlotRequired):
        basket.add(ride)
    basket.add(ride, 2, slot=two)
    basket.add(ride, 1, slot=four)
    basket.add(ride, 1, slot=two)  # the same slot adds up; another slot is its own line
    assert [(line.slot_id, line.quantity) for line in basket.lines] == [
        ("balade@14", 3), ("balade@16", 1)]
    assert basket.lines[0].slot_start == two.start and basket.lines[0].slot_end == two.end
    assert basket.places_in("balade@14") == 3 and basket.places_in("balade@18") == 0
    with pytest.raises(SlotNotOfProduct):
        basket.add(TSHIRT, slot=two)  # an undated product has no slot
    with pytest.raises(SlotNotOfProduct):
        basket.add(ride, slot=replace(two, product_id="stage"))
