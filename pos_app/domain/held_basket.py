"""A basket on hold: a sale in progress set aside under a name, so that the cashier serves
the next customer and takes it up again later (Square's, Loyverse's "open tickets").

It is the sale in progress's own record (domain/draft.py) with a name, when and by whom it
was set aside: its lines and payer are kept exactly as they were, it stays at its till,
and it survives a restart. Nothing of it is in the fiscal journal: nothing was sold.
Only a basket with nothing paid is put on hold (services/held_baskets.py says why).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.basket import Basket
from pos_app.domain.errors import HeldBasketNameTooLong
from pos_app.domain.money import Cents

MAX_NAME = 60  # characters: a name read in a list, a customer's or a table's


@dataclass(frozen=True, slots=True)
class HeldBasket:
    id: str  # the sale in progress's id: the same record, set aside
    name: str
    held_at: datetime
    held_by: str  # staff id
    held_by_name: str  # as the staff list names them now
    started_at: datetime
    basket: Basket
    training: bool = False

    @property
    def line_count(self) -> int:
        return len(self.basket.lines)

    @property
    def total_cents(self) -> Cents:
        return self.basket.total_cents


def held_name(typed: str) -> str:
    """The name as kept: spaces at its ends dropped, runs of them made one. Empty is
    allowed here (the screen offers a name first); too long is refused."""
    name = " ".join(typed.split())
    if len(name) > MAX_NAME:
        raise HeldBasketNameTooLong(len(name), MAX_NAME)
    return name


def first_free_name(pattern: str, taken: Iterable[str]) -> str:
    """`pattern` ("Panier {n}") with the smallest n from 1 that no basket held has."""
    names = {name.casefold() for name in taken}
    n = 1
    while pattern.format(n=n).casefold() in names:
        n += 1
    return pattern.format(n=n)
