"""The till this store belongs to: its point of sale and its order number prefix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Till:
    id: str
    code: str
    name: str
    point_of_sale: str
    order_prefix: str  # e.g. `CD2-`: orders are `CD2-000001`, `CD2-000002`, … without gaps
