"""What the till knows of its server: the records waiting for it, the answers it gave,
the journal heads it acknowledged, when it last answered (docs/sync.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

RECORD_SCHEMA = 1  # the envelope's and payloads' version: sync.contract.SCHEMA_VERSION
CLOCK_TOLERANCE = timedelta(minutes=5)  # beyond this, the till's clock is said to be off


class RecordState(StrEnum):
    WAITING = "waiting"  # not yet answered, or to be tried again
    SENT = "sent"  # the server holds it
    REJECTED = "rejected"  # the server refused it, with a reason: kept, and shown


@dataclass(frozen=True, slots=True)
class JournalRef:
    """The journal entry that recorded the same change as a record."""

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
