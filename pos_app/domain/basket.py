"""The basket: lines being sold before validation, with the payer chosen for them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pos_app.domain.catalogue import Product
from pos_app.domain.errors import (
    BasketLineNotFound,
    EmptyBasket,
    InvalidQuantity,
    QuantityTooLarge,
)
from pos_app.domain.money import Cents
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

    @property
    def total_cents(self) -> Cents:
        return self.unit_price_cents * self.quantity


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

    def add(self, product: Product, quantity: int = 1, price: str | None = None) -> BasketLine:
        """Add a sellable product; the same product at the same price adds up on one line."""
        product.check_sellable()
        check_quantity(quantity)
        chosen = product.price(price)
        for index, line in enumerate(self.lines):
            if line.product_id == product.id and line.price_id == chosen.id:
                self.lines[index] = replace(
                    line, quantity=check_quantity(line.quantity + quantity))
                return self.lines[index]
        line = BasketLine(product.id, product.name, chosen.id, chosen.label,
                          chosen.amount_cents, quantity, product.vat_rate)
        self.lines.append(line)
        return line

    def set_quantity(self, index: int, quantity: int) -> None:
        self._check_index(index)
        self.lines[index] = replace(self.lines[index], quantity=check_quantity(quantity))

    def remove(self, index: int) -> BasketLine:
        self._check_index(index)
        return self.lines.pop(index)

    def clear(self) -> None:
        self.lines.clear()
        self.payer_id = None

    def assign_payer(self, customer_id: str | None) -> None:
        self.payer_id = customer_id

    @property
    def total_cents(self) -> Cents:
        return sum(line.total_cents for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    def vat(self) -> list[VatLine]:
        return vat_breakdown((line.vat_rate, line.total_cents) for line in self.lines)

    def check_not_empty(self) -> None:
        if not self.lines:
            raise EmptyBasket()

    def _check_index(self, index: int) -> None:
        if not 0 <= index < len(self.lines):
            raise BasketLineNotFound(index)
