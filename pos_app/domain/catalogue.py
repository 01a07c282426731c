"""Catalogue: categories and products with their prices, barcodes and codes (R14, R15)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from pos_app.domain.admission import AdmissionRule
from pos_app.domain.errors import ProductNotSellable, UnknownPrice
from pos_app.domain.money import Cents
from pos_app.domain.vat import VatRate

MISSING_ACCOUNTING_CODE = "PDR"


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    name: str
    position: int = 0


class Price(NamedTuple):
    """One entry of a product's price list: a label (`Adulte`, `Enfant`) and a VAT-inclusive
    amount. A tuple: catalogue searches build hundreds of them per keystroke."""

    id: str
    label: str
    amount_cents: Cents


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    name: str
    category_id: str | None
    vat_rate: VatRate
    prices: tuple[Price, ...]
    barcodes: tuple[str, ...] = ()
    article_code: str | None = None
    accounting_code: str | None = None
    published: bool = True
    counter_only: bool = False
    position: int = 0
    # An admission (R11): each place sold issues a ticket, under this rule; None: not one.
    admission: AdmissionRule | None = None
    # The shared stock its places draw on (R3, domain/schedule.py); None: none.
    stock_id: str | None = None
    dated: bool = False  # sold by slot (domain/schedule.py), never without one

    @property
    def accounting_code_or_default(self) -> str:
        """R15: a product without an accounting code shows `PDR` in accounting lists."""
        return self.accounting_code or MISSING_ACCOUNTING_CODE

    @property
    def default_price(self) -> Price:
        """The first price of the list: the one offered first, and the only one for add-ons."""
        return self.prices[0]

    def price(self, choice: str | None = None) -> Price:
        """The price chosen by id or label (case-insensitive); the first when none is given."""
        if choice is None:
            return self.default_price
        wanted = choice.casefold()
        for price in self.prices:
            if price.id == choice or price.label.casefold() == wanted:
                return price
        raise UnknownPrice(self.id, choice)

    def check_sellable(self) -> None:
        """R14: drafts cannot be sold, and a product needs a price to be sold."""
        if not self.published:
            raise ProductNotSellable(self.id, "draft")
        if not self.prices:
            raise ProductNotSellable(self.id, "no price")
