"""The print queue's rules: what a job is, and when a failed one is tried again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

FIRST_RETRY_S = 0.5
LONGEST_WAIT_S = 60.0
# The printer's problem while jobs wait and the till has no printer set: said at once,
# and the jobs kept until one is set.
NO_PRINTER = "no printer configured"
# A manager opening the drawer on a till that has none set (or none on its printer).
NO_DRAWER = "no cash drawer configured"
# The device thread did not get to a manager's opening in time (busy printing a long
# job, or stopped): the drawer may open late, so the opening is said as not done.
DRAWER_NO_ANSWER = "the device thread did not answer"
# A printer asked its status (DLE EOT) that does not answer: off, or one of the printers
# and print servers that never do (their status query is then set off: docs/devices.md).
NO_STATUS_ANSWER = "no answer to the status query"
# The top of a job printed again after an attempt that may have printed part of it: the
# ESC/POS the documents use (code page WPC1252, `ESC t 16`), centred and bold, then back
# to the defaults the document's own bytes set again.
REPRINT_MARK = "RÉIMPRESSION"
REPRINT_HEADER = (b"\x1bt\x10\x1ba\x01\x1bE\x01" + REPRINT_MARK.encode("cp1252")
                  + b"\n\x1bE\x00\x1ba\x00")


class JobStatus(StrEnum):
    PENDING = "pending"  # waiting, or failed and to be tried again
    PRINTED = "printed"


@dataclass(frozen=True, slots=True)
class PrintJob:
    seq: int
    kind: str  # "receipt", "drawer", …
    reference: str  # what it prints: an order number, …
    data: bytes  # what the printer receives
    attempts: int
    last_error: str | None
    started: bool = False  # an attempt may have put some of it on paper: reprinted, marked

    @property
    def to_send(self) -> bytes:
        """Its bytes, marked "RÉIMPRESSION" at the top when an earlier attempt may have
        printed some or all of it: the reader of the second copy knows it is one."""
        return REPRINT_HEADER + self.data if self.started else self.data


@dataclass(frozen=True, slots=True)
class QueuedJob:
    """A job as the queue's screen lists it."""

    seq: int
    kind: str
    reference: str
    created_at: datetime
    attempts: int
    last_error: str | None
    printed_at: datetime | None

    @property
    def state(self) -> str:
        """printed; failed (tried, to be tried again); or pending (not tried yet)."""
        if self.printed_at is not None:
            return "printed"
        return "failed" if self.attempts else "pending"


def next_attempt(now: datetime, attempts: int) -> datetime:
    """Backoff: 0.5 s, 1 s, 2 s… up to a minute, so a printer back on is used soon and
    a dead one is not hammered."""
    return now + timedelta(seconds=min(LONGEST_WAIT_S, FIRST_RETRY_S * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """What a printer says of itself; None where it cannot say (a file, a CUPS queue)."""

    online: bool | None
    cover_open: bool | None = None
    paper_low: bool | None = None  # it still prints: a new roll will be needed soon
    paper_out: bool | None = None

    @property
    def problem(self) -> str | None:
        """Why it cannot print now, or None when it can (or cannot say)."""
        if self.cover_open:
            return "cover open"
        if self.paper_out:
            return "out of paper"
        if self.online is False:
            return "offline"
        return None


UNKNOWN_STATUS = PrinterStatus(online=None)
