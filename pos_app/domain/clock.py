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
    # The newest entry was the till's stop: a day ahead is as likely the till switched off
    # over a day off as a clock gone wrong.
    after_stop: bool = False

    @property
    def offset(self) -> timedelta:
        return self.clock - self.newest

    @property
    def direction(self) -> JumpDirection:
        return JumpDirection.BACK if self.clock < self.newest else JumpDirection.AHEAD

    @property
    def left_out_of_sessions(self) -> bool:
        """Whether the open session's age leaves the jump out: always when the clock went
        back (or the till would ask for its Z hours early, or never); ahead, unless the
        till had stopped (its time off then counts, as real time may have passed)."""
        return self.direction is JumpDirection.BACK or not self.after_stop


def clock_jump(newest: datetime | None, now: datetime,
               after_stop: bool = False) -> ClockJump | None:
    """The jump `now` makes from the journal's newest entry, if it is one."""
    if newest is None:
        return None
    if now < newest - BACK_TOLERANCE or now > newest + AHEAD_TOLERANCE:
        return ClockJump(now, newest, after_stop=after_stop)
    return None
