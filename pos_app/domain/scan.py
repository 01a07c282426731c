"""What every code reader hands over: a keyboard-wedge scanner, a serial one, a camera."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Scan:
    """One read code; what it means (a product, an order, a ticket, a customer's card) is
    decided once for the screen it lands on (scan_meaning.py, services/scanning.py).
    `symbology` is None when the reader does not say (a keyboard wedge)."""

    code: str
    source: str
    at: datetime
    symbology: str | None = None


MAX_REMEMBERED = 1024  # codes a repeat filter keeps in mind before forgetting old ones


class RepeatFilter:
    """A camera sees a code held before it in every frame: only its first sighting is a
    read. A code is read again once it has been out of sight for `window_s` seconds
    (each sighting, read or not, keeps it in sight)."""

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._last_seen: dict[str, float] = {}

    def fresh(self, code: str, seen_at: float) -> bool:
        """Whether `code`, seen at `seen_at` (seconds, any monotonic clock), is a new read."""
        last = self._last_seen.get(code)
        self._last_seen[code] = seen_at
        if len(self._last_seen) > MAX_REMEMBERED:  # a long day of scans: forget the old
            self._forget_before(seen_at - self.window_s)
        return last is None or seen_at - last > self.window_s

    def _forget_before(self, moment: float) -> None:
        self._last_seen = {code: at for code, at in self._last_seen.items() if at >= moment}

