"""What a gate keeps of its tickets (R11), beside the tickets this till issued: every
validation, refusal and void it made (kept, counted, sent to the server), and what the
pull brings of the venue's other tickets: the tills' public keys a token may be signed
with, the server's view of each ticket (the entries other tills counted, revocations,
voids) and the conflicts the server recorded between gates working offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Outcome(StrEnum):
    VALIDATED = "validated"
    REFUSED = "refused"
    VOIDED = "voided"


@dataclass(frozen=True, slots=True)
class Validation:
    """One act at a gate: an entry let in, a refusal (its reason, a `Reason` value) or a
    void (its reason as the checker typed it). `reference` is None for a refusal of a code
    that named no ticket."""

    id: str
    reference: str | None
    at: datetime
    outcome: Outcome
    reason: str | None
    staff_id: str
    till_id: str
    product_id: str | None = None
    key_id: str | None = None
    token: str | None = None


@dataclass(frozen=True, slots=True)
class TicketKey:
    """An enrolled till's public key, as tokens name it (`key_id`: 16 hex characters,
    the first 8 bytes of the key's id)."""

    key_id: str
    public_key: str  # hex, raw Ed25519
    till_id: str
    till_name: str


@dataclass(frozen=True, slots=True)
class TicketState:
    """The server's view of one of the venue's tickets, as last pulled."""

    reference: str
    product_id: str
    order_id: str | None
    valid_from: datetime
    valid_until: datetime
    entries_allowed: int | None  # None: no limit
    key_id: str
    revoked_at: datetime | None = None
    voided_at: datetime | None = None
    entries_elsewhere: int = 0  # validations the server holds from other tills
    last_validated_at: datetime | None = None


class ConflictKind(StrEnum):
    OVER_ALLOWANCE = "over_allowance"  # more entries than allowed, over several tills
    AFTER_VOID = "after_void"  # validated after it was voided
    UNKNOWN_TICKET = "unknown_ticket"  # neither held by the server nor signed by a till


@dataclass(frozen=True, slots=True)
class TicketConflict:
    """What the server recorded when gates that worked apart disagree."""

    id: str
    reference: str | None
    kind: ConflictKind
    at: datetime
    till_ids: tuple[str, ...]
    details: str
