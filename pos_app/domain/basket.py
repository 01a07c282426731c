"""The basket: lines being sold before validation, with the payer chosen for them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from pos_app.domain.catalogue import Product
from pos_app.domain.discount import BasketDiscount, DiscountAsked, allocate, check_discount
from pos_app.domain.errors import (
    BasketLineNotFound,
    DiscountExceeds,
    EmptyBasket,
    InvalidQuantity,
    QuantityTooLarge,
    SlotNotOfProduct,
    SlotRequired,
)
from pos_app.domain.money import Cents
from pos_app.domain.schedule import Slot
from pos_app.domain.vat import VatLine, VatRate, vat_breakdown

# The most one basket line may hold: more is a typing slip (a barcode typed in the
# quantity field), and line totals stay far inside SQLite's 64-bit integers.
MAX_QUANTITY = 9_999


@dataclass(frozen=True, slots=True)
class BasketLine:
    """A product at a chosen price; label and amounts are copied so the sale is self-contained."""

    product_id: str
    label: str
    price_id: str
    price_label: str
    unit_price_cents: Cents
    quantity: int
    vat_rate: VatRate
    # The line's own discount (domain/discount.py), its reason and who gave it.
    discount_cents: Cents = 0
    discount_reason: str = ""
    discount_by: str | None = None
    # Its share of the basket's discount, allocated when the basket is validated.
    basket_discount_cents: Cents = 0
    # A dated product's places are sold in one slot (R3), its times copied (UTC): the
    # receipt and the tickets say them even once the slot is gone from the catalogue.
    slot_id: str | None = None
    slot_start: datetime | None = None
    slot_end: datetime | None = None

    @property
    def gross_cents(self) -> Cents:
        """Unit price × quantity, before any discount."""
        return self.unit_price_cents * self.quantity

    @property
    def total_cents(self) -> Cents:
        """What the line is sold for: its gross less its discount and basket share."""
        return self.gross_cents - self.discount_cents - self.basket_discount_cents

    @property
    def discounted(self) -> bool:
        return bool(self.discount_cents or self.basket_discount_cents)


def check_quantity(quantity: object) -> int:
    """Quantities are whole numbers from 1 to MAX_QUANTITY; anything else is refused,
    never rounded."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidQuantity(quantity)
    if quantity > MAX_QUANTITY:
        raise QuantityTooLarge(quantity, MAX_QUANTITY)
    return quantity


@dataclass(slots=True)
class Basket:
    lines: list[BasketLine] = field(default_factory=list)
    payer_id: str | None = None
    discount: BasketDiscount | None = None

    def add(self, product: Product, quantity: int = 1, price: str | None = None,
            slot: Slot | None = None) -> BasketLine:
        """Add a sellable product; the same product at the same price (and in the same
        slot) adds up on one line. A dated product is sold in one of its slots, an
        undated one in none."""
        product.check_sellable()
        check_quantity(quantity)
        chosen = product.price(price)
        if product.dated and slot is None:
            raise SlotRequired(product.id)
        if slot is not None and (not product.dated or slot.product_id != product.id):
            raise SlotNotOfProduct(product.id, slot.id)
        slot_id = None if slot is None else slot.id
        for index, line in enumerate(self.lines):
            if (line.product_id == product.id and line.price_id == chosen.id
                    and line.slot_id == slot_id):
                self.lines[index] = replace(
                    line, quantity=check_quantity(line.quantity + quantity))
                return self.lines[index]
        line = BasketLine(product.id, product.name, chosen.id, chosen.label,
                          chosen.amount_cents, quantity, product.vat_rate)
        if slot is not None:
            line = replace(line, slot_id=slot.id, slot_start=slot.start, slot_end=slot.end)
        self.lines.append(line)
        return line

    def places_in(self, slot_id: str) -> int:
        """The places this basket holds in a slot (every price of it)."""
        return sum(line.quantity for line in self.lines if line.slot_id == slot_id)

    def set_quantity(self, index: int, quantity: int) -> None:
        """A line's new quantity; never below what its own discount takes off."""
        self._check_index(index)
        line = replace(self.lines[index], quantity=check_quantity(quantity))
        if line.discount_cents > line.gross_cents:
            raise DiscountExceeds(line.discount_cents, line.gross_cents)
        self.lines[index] = line

    def discount_line(self, index: int, asked: DiscountAsked, reason: str, by: str | None,
                      max_percent: int = 100) -> BasketLine:
        """Give line `index` a discount (0: take it off): checked against the line's
        total and `max_percent`, with a reason."""
        self._check_index(index)
        line = self.lines[index]
        cents = asked.on(line.gross_cents)
        check_discount(cents, line.gross_cents, reason, max_percent, asked.percent)
        self.lines[index] = replace(line, discount_cents=cents,
                                    discount_reason=reason.strip() if cents else "",
                                    discount_by=by if cents else None)
        return self.lines[index]

    def discount_all(self, asked: DiscountAsked, reason: str, by: str | None,
                     max_percent: int = 100) -> BasketDiscount | None:
        """Give the basket a discount (0: take it off), on its lines' totals after their
        own discounts; a percentage stays one as lines change."""
        cents = asked.on(self.subtotal_cents)
        check_discount(cents, self.subtotal_cents, reason, max_percent, asked.percent)
        self.discount = (BasketDiscount(asked.cents, reason.strip(), by, asked.percent)
                         if cents else None)
        return self.discount

    def remove(self, index: int) -> BasketLine:
        self._check_index(index)
        return self.lines.pop(index)

    def copy(self) -> Basket:
        """The basket as it is now (its lines, payer and discount), apart from later
        changes: what a save or a payment hands over."""
        return Basket(list(self.lines), self.payer_id, self.discount)

    def clear(self) -> None:
        self.lines.clear()
        self.payer_id = None
        self.discount = None

    def assign_payer(self, customer_id: str | None) -> None:
        self.payer_id = customer_id

    @property
    def subtotal_cents(self) -> Cents:
        """The lines' totals after their own discounts, before the basket's."""
        return sum(line.total_cents for line in self.lines)

    @property
    def discount_cents(self) -> Cents:
        """What the basket's discount takes off now (0: none)."""
        return 0 if self.discount is None else self.discount.on(self.subtotal_cents)

    @property
    def total_cents(self) -> Cents:
        return self.subtotal_cents - self.discount_cents

    def priced_lines(self) -> tuple[BasketLine, ...]:
        """The lines as sold: each with its share of the basket's discount. A basket
        discount beyond what the lines now come to is refused."""
        subtotal = self.subtotal_cents
        amount = self.discount_cents
        if amount > subtotal:
            raise DiscountExceeds(amount, subtotal)
        shares = allocate(amount, [line.total_cents for line in self.lines])
        return tuple(replace(line, basket_discount_cents=share) if share else line
                     for line, share in zip(self.lines, shares, strict=True))

    def sold_discount(self) -> BasketDiscount | None:
        """The basket's discount as an order keeps it: the amount it came to."""
        if self.discount is None or not self.discount_cents:
            return None
        return replace(self.discount, cents=self.discount_cents)

    @property
    def discounted_cents(self) -> Cents:
        """Every discount of the basket: its lines' and its own."""
        return sum(line.discount_cents for line in self.lines) + self.discount_cents

    @property
    def is_empty(self) -> bool:
        return not self.lines

    def vat(self) -> list[VatLine]:
        return vat_breakdown((line.vat_rate, line.total_cents) for line in self.priced_lines())

    def check_not_empty(self) -> None:
        if not self.lines:
            raise EmptyBasket()

    def _check_index(self, index: int) -> None:
        if not 0 <= index < len(self.lines):
            raise BasketLineNotFound(index)
