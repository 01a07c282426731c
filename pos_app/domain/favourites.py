"""R2: a till's favourite products, in the order the cashier added them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Favourites:
    till_id: str
    product_ids: list[str] = field(default_factory=list)

    def toggle(self, product_id: str) -> bool:
        """`Favoris` adds, `Retirer` removes; returns whether the product is now a favourite."""
        if product_id in self.product_ids:
            self.product_ids.remove(product_id)
            return False
        self.product_ids.append(product_id)
        return True

    def __contains__(self, product_id: object) -> bool:
        return product_id in self.product_ids
