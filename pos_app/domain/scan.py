"""What every code reader hands over: a keyboard-wedge scanner, a serial one, a camera."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Scan:
    """One read code; the current screen decides what it means (a product, an order, a
    ticket). `symbology` is None when the reader does not say (a keyboard wedge)."""

    code: str
    source: str
    at: datetime
    symbology: str | None = None
