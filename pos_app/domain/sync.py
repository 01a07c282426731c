"""What the till knows of its server: the records waiting for it, the answers it gave,
the journal heads it acknowledged, when it last answered (docs/sync.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

RECORD_SCHEMA = 1  # the envelope's and payloads' version: sync.contract.SCHEMA_VERSION
CLOCK_TOLERANCE = timedelta(minutes=5)  # beyond this, the till's clock is said to be off


class RecordState(StrEnum):
    WAITING = "waiting"  # not yet answered, or to be tried again
    SENT = "sent"  # the server holds it
    REJECTED = "rejected"  # the server refused it, with a reason: kept, and shown


@dataclass(frozen=True, slots=True)
class JournalRef:
    """A journal entry by chain, number and hash: the one that recorded the same change
    as a record, or a chain's head as a reading (a Z) took it."""

    chain: str
    number: int
    hash: str


@dataclass(frozen=True, slots=True)
class QueuedRecord:
    """An outbox record as stored: `seq` is the till's own sequence (never reused)."""

    seq: int
    record_id: str
    schema: int
    kind: str
    aggregate_id: str
    journal: JournalRef | None
    payload: str  # JSON, as written with the change
    created_at: datetime
    state: RecordState
    attempts: int
    reason: str | None


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    """What becomes of one record after the server's answer."""

    record_id: str
    state: RecordState  # WAITING: try again later
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ChainAck:
    """A chain's head as the server last acknowledged it, and why it flagged the chain
    if it did (its copy and the till's disagree)."""

    chain: str
    number: int
    hash: str
    acknowledged_at: datetime | None = None
    flagged: str | None = None


@dataclass(frozen=True, slots=True)
class SyncLink:
    """The till's enrolment with a server, and how far sync went."""

    server_url: str
    till_name: str
    enrolled_at: datetime
    ca_file: str | None = None
    journal_sent_seq: int = 0  # the last journal entry (by store order) the server holds
    pull_cursor: int = 0  # where the next pull of reference data starts
    last_contact_at: datetime | None = None
    offline_since: datetime | None = None  # None while the server answers
    last_error: str | None = None
    clock_offset_seconds: int | None = None  # the server's clock minus the till's

    @property
    def online(self) -> bool:
        return self.last_contact_at is not None and self.offline_since is None

    @property
    def clock_off(self) -> bool:
        return (self.clock_offset_seconds is not None
                and abs(self.clock_offset_seconds) > CLOCK_TOLERANCE.total_seconds())


@dataclass(frozen=True, slots=True)
class SyncCounts:
    waiting: int = 0
    sent: int = 0
    rejected: int = 0
    oldest_waiting: datetime | None = None


# -- when to try the server again ------------------------------------------------------------

HEARTBEAT = timedelta(seconds=15)  # between two rounds while the server answers
FIRST_RETRY = timedelta(seconds=1)  # after the first failure; doubled at each next one
LONGEST_RETRY = timedelta(minutes=5)
LONGEST_RETRY_AFTER = timedelta(hours=1)  # a server asking for longer is not believed


def retry_delay(failures: int, jitter: float) -> timedelta:
    """How long to wait after `failures` failed rounds in a row (1 s, 2 s, 4 s… up to 5
    minutes), spread by ±50 % so that tills cut off together do not come back together.
    `jitter` is a fraction drawn uniformly from [0, 1)."""
    if failures < 1:
        return HEARTBEAT
    # 2**9 s already passes 5 minutes: the exponent is bounded so it never overflows.
    base: timedelta = min(FIRST_RETRY * (2 ** min(failures - 1, 16)), LONGEST_RETRY)
    return base * (0.5 + min(max(jitter, 0.0), 1.0))


def retry_after(seconds: float) -> timedelta:
    """The wait a server asked for (429, 503), bounded to something believable."""
    return min(max(timedelta(seconds=seconds), timedelta(0)), LONGEST_RETRY_AFTER)


@dataclass(frozen=True, slots=True)
class PulledChange:
    """One item of reference data changed on the server (docs/sync.md): `data` in the
    import format, None for a deletion."""

    cursor: int
    kind: str
    id: str
    data: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class PulledPage:
    changes: list[PulledChange]
    cursor: int  # where the next pull starts
    more: bool  # another page waits
