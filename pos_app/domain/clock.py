"""The clock is not trusted: a till's battery dies, NTP jumps, a summer-time bug moves it
an hour. A clock earlier than the journal's newest entry (beyond a drift), or far ahead
of it, is a jump: journaled once, shown to the staff, and never a reason to stop selling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

BACK_TOLERANCE = timedelta(minutes=2)  # clocks drift and get corrected: this is a jump
AHEAD_TOLERANCE = timedelta(days=1)


class JumpDirection(StrEnum):
    BACK = "back"
    AHEAD = "ahead"


@dataclass(frozen=True, slots=True)
class ClockJump:
    """The clock said `clock` while the journal's newest entry was written at `newest`."""

    clock: datetime
    newest: datetime
    entry_number: int = 0  # of the event journal entry that recorded it, once recorded

    @property
    def offset(self) -> timedelta:
        return self.clock - self.newest

    @property
    def direction(self) -> JumpDirection:
        return JumpDirection.BACK if self.clock < self.newest else JumpDirection.AHEAD


def clock_jump(newest: datetime | None, now: datetime) -> ClockJump | None:
    """The jump `now` makes from the journal's newest entry, if it is one."""
    if newest is None:
        return None
    if now < newest - BACK_TOLERANCE or now > newest + AHEAD_TOLERANCE:
        return ClockJump(now, newest)
    return None
