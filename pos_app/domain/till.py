"""The till this store belongs to: its point of sale, its order number prefix, and
whether it is open, closing or closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

HOURS_BEFORE_Z = 24  # a till open longer asks for its Z closure before selling again


@dataclass(frozen=True, slots=True)
class Till:
    id: str
    code: str
    name: str
    point_of_sale: str
    order_prefix: str  # e.g. `CD2-`: orders are `CD2-000001`, `CD2-000002`, … without gaps


class TillState(StrEnum):
    """What staff see at sign-in: green, yellow or grey."""

    OPEN = "open"
    CLOSING = "closing"  # a closure was started and not finished (R6): finish it first
    CLOSED = "closed"  # never opened, or closed by a Z: the next sign-in opens it


@dataclass(frozen=True, slots=True)
class TillSession:
    """From opening to the Z closure: the span a closure reconciles. Sessions are numbered
    per till and found by their number: the clock may go back, a number never does."""

    id: str
    till_id: str
    opened_at: datetime
    opened_by: str
    closing_started_at: datetime | None = None
    closed_at: datetime | None = None
    number: int = 0
    # Clock jumps noticed while the session was open, added up (back: negative).
    clock_shift: timedelta = timedelta(0)

    @property
    def state(self) -> TillState:
        if self.closed_at is not None:
            return TillState.CLOSED
        if self.closing_started_at is not None:
            return TillState.CLOSING
        return TillState.OPEN

    def age(self, now: datetime) -> timedelta:
        """How long the session has been open, the clock's recorded jumps left out (an
        hour back, two days ahead while the till ran): a clock gone back does not push
        its Z hours away, nor does one gone ahead ask for it early. A correction smaller
        than a jump (the clock set right after going back) cannot be told from time
        passing, and counts as such."""
        return now - self.opened_at - self.clock_shift

    def needs_z(self, now: datetime) -> bool:
        return self.age(now) > timedelta(hours=HOURS_BEFORE_Z)


def till_state(latest: TillSession | None) -> TillState:
    return TillState.CLOSED if latest is None else latest.state
