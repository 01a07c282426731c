"""The sync protocol's shapes, shared by the till and the central server (docs/sync.md).

Standard library only: the server imports this module and the till's pure journal
format (`pos_app.domain.journal`), never the till's services, storage or UI. Every
`parse_*` function takes what `json.loads` gave and either returns a typed value or
raises `ContractError` with a reason fit for a 4xx answer: nothing on the wire is
trusted before it went through one of them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

PROTOCOL_VERSION = 1  # the URL prefix: /v1/…
SCHEMA_VERSION = 1  # of a record's envelope and payload; the server refuses others
MAX_BODY_BYTES = 8 * 1024 * 1024  # a request larger than this is refused (413)
MAX_BATCH = 500  # records or journal entries in one request
MAX_PULL = 5_000  # changes in one pull page
MAX_TEXT = 300  # a reason, a name: longer is not ours
MAX_PAYLOAD_BYTES = 256 * 1024  # one record's payload, as JSON
MAX_CODE = 64  # an enrol code as typed (the server's are shorter)

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX128 = re.compile(r"^[0-9a-f]{128}$")
_HEX16 = re.compile(r"^[0-9a-f]{16}$")
_WIRE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")
_KIND = re.compile(r"^[a-z_]+\.[a-z_]+$")
_CHAINS = frozenset({"order", "duplicate", "closure", "archive", "event"})  # never training

HEADER_TOKEN = "Authorization"  # "Bearer <token>"
HEADER_SERVER_TIME = "X-Server-Time"  # every answer carries the server's clock


class ContractError(ValueError):
    """What arrived is not what the protocol says; the message is the reason given back."""


class Kind(StrEnum):
    """What a record says. A till sends these; the server refuses any other."""

    ORDER_VALIDATED = "order.validated"
    PAYMENT_TAKEN = "payment.taken"
    ORDER_CANCELLED = "order.cancelled"
    ORDER_RETURNED = "order.returned"
    REFUND_GIVEN = "refund.given"
    CASH_MOVED = "cash.moved"
    CLOSURE_MADE = "closure.made"  # a Z, a monthly or a yearly closure
    CUSTOMER_SAVED = "customer.saved"
    STAFF_SIGNED_IN = "staff.signed_in"
    STAFF_SIGNED_OUT = "staff.signed_out"
    SESSION_OPENED = "session.opened"
    TICKET_VALIDATED = "ticket.validated"  # an entry let in at a gate (R11)
    TICKET_REFUSED = "ticket.refused"  # a refusal at a gate, kept and counted
    TICKET_VOIDED = "ticket.voided"
    TICKETS_ISSUED = "tickets.issued"  # a large sale's further tickets, after its order


# The fields a payload of each kind must hold, and their types: the server refuses a
# record without them (it may hold more: they are kept as sent).
PAYLOAD_FIELDS: dict[Kind, dict[str, type | tuple[type, ...]]] = {
    Kind.ORDER_VALIDATED: {"id": str, "number": str, "total_cents": int, "lines": list,
                           "vat": list, "created_at": str},
    Kind.PAYMENT_TAKEN: {"id": str, "order_id": str, "order_number": str, "method": str,
                         "amount_cents": int},
    Kind.ORDER_CANCELLED: {"order_id": str, "order_number": str, "cancelled_cents": int},
    Kind.ORDER_RETURNED: {"id": str, "number": str, "order_id": str, "total_cents": int},
    Kind.REFUND_GIVEN: {"id": str, "order_id": str, "method": str, "amount_cents": int},
    Kind.CASH_MOVED: {"id": str, "kind": str, "amount_cents": int},
    Kind.CLOSURE_MADE: {"id": str, "kind": str, "number": int},
    Kind.CUSTOMER_SAVED: {"id": str, "name": str},
    Kind.STAFF_SIGNED_IN: {"staff_id": str},
    Kind.STAFF_SIGNED_OUT: {"staff_id": str},
    Kind.SESSION_OPENED: {"id": str, "number": int},
    # "token": as scanned, or the stored ticket's when the reference was typed.
    Kind.TICKET_VALIDATED: {"id": str, "reference": str, "at": str, "staff_id": str,
                            "token": str},
    # May also hold "reference" and "staff_id" (none for a code that named no ticket).
    Kind.TICKET_REFUSED: {"id": str, "at": str, "reason": str},
    Kind.TICKET_VOIDED: {"id": str, "reference": str, "at": str, "staff_id": str,
                         "reason": str},
    Kind.TICKETS_ISSUED: {"order_id": str, "number": str, "tickets": list},
}


class Answer(StrEnum):
    """The server's word on one record (or one journal entry)."""

    STORED = "stored"
    ALREADY_HAD = "already_had"  # the same record id with the same content
    REJECTED = "rejected"  # with a reason; the till keeps it and shows it
    RETRY_LATER = "retry_later"  # not now (the database is busy, a gap before it)


@dataclass(frozen=True, slots=True)
class JournalRef:
    """The journal entry a record matches: the change it reports was journaled there."""

    chain: str
    number: int
    hash: str

    def to_wire(self) -> dict[str, Any]:
        return {"chain": self.chain, "number": self.number, "hash": self.hash}


@dataclass(frozen=True, slots=True)
class Envelope:
    """One record for the server: the till says one thing about one aggregate, once.

    `record_id` (a UUIDv7) is the idempotency key; `till_seq` the till's own sequence,
    never reused, so the server sees what is missing."""

    record_id: str
    till_id: str
    till_seq: int
    schema: int
    kind: str
    aggregate_id: str
    created_at: str
    journal: JournalRef | None
    payload: Mapping[str, Any]

    def to_wire(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "till_id": self.till_id,
                "till_seq": self.till_seq, "schema": self.schema, "kind": self.kind,
                "aggregate_id": self.aggregate_id, "created_at": self.created_at,
                "journal": None if self.journal is None else self.journal.to_wire(),
                "payload": dict(self.payload)}


@dataclass(frozen=True, slots=True)
class RecordAnswer:
    record_id: str
    answer: Answer
    reason: str | None = None

    def to_wire(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "answer": self.answer.value,
                "reason": self.reason}


@dataclass(frozen=True, slots=True)
class WireEntry:
    """A journal entry as pushed: the fields its hash covers, its hash and signature
    (docs/fiscal.md). The till id is the batch's."""

    chain: str
    number: int
    at: str
    amount_cents: int
    body: str
    previous_hash: str
    hash: str
    signature: str
    key_id: str

    def to_wire(self) -> dict[str, Any]:
        return {"chain": self.chain, "number": self.number, "at": self.at,
                "amount_cents": self.amount_cents, "body": self.body,
                "previous_hash": self.previous_hash, "hash": self.hash,
                "signature": self.signature, "key_id": self.key_id}


@dataclass(frozen=True, slots=True)
class ChainAck:
    """The server's acknowledgement of a chain: it holds it, checked, up to here."""

    chain: str
    number: int
    hash: str
    flagged: str | None = None  # why the server's copy and the till's disagree, if they do

    def to_wire(self) -> dict[str, Any]:
        return {"chain": self.chain, "number": self.number, "hash": self.hash,
                "flagged": self.flagged}


@dataclass(frozen=True, slots=True)
class Change:
    """One item of reference data that changed on the server, at `cursor`; `data` is
    None for a deletion (a tombstone)."""

    cursor: int
    kind: str  # CHANGE_KINDS
    id: str
    data: Mapping[str, Any] | None

    def to_wire(self) -> dict[str, Any]:
        return {"cursor": self.cursor, "kind": self.kind, "id": self.id,
                "data": None if self.data is None else dict(self.data)}


CHANGE_KINDS = frozenset({"venue", "payment_method", "category", "product", "customer",
                          "shared_stock", "slot",
                          "staff", "order", "ticket_key", "ticket", "ticket_conflict"})


@dataclass(frozen=True, slots=True)
class OutboxReport:
    """What a till's heartbeat (`POST /v1/ping`) says of its outbox: the records waiting
    to go, those the server rejected (the till keeps them), and when the oldest waiting
    one was made."""

    waiting: int
    rejected: int
    oldest_waiting_at: str | None  # wire time; None when nothing waits

    def to_wire(self) -> dict[str, Any]:
        return {"waiting": self.waiting, "rejected": self.rejected,
                "oldest_waiting_at": self.oldest_waiting_at}


@dataclass(frozen=True, slots=True)
class EnrolRequest:
    """A till asking to be enrolled: the one-time code an administrator gave it, its id,
    and the Ed25519 public key its journal is signed with (raw 32 bytes, hex) with that
    key's id (the first 16 hex digits of the key's SHA-256, docs/fiscal.md)."""

    code: str
    till_id: str
    public_key: str
    key_id: str
    version: str  # the till's software version, for the server's list of tills

    def to_wire(self) -> dict[str, Any]:
        return {"code": self.code, "till_id": self.till_id, "public_key": self.public_key,
                "key_id": self.key_id, "version": self.version}


@dataclass(frozen=True, slots=True)
class Enrolment:
    """The server's answer to an enrolment: the till's name there, and its token."""

    till_id: str
    name: str
    token: str

    def to_wire(self) -> dict[str, Any]:
        return {"till_id": self.till_id, "name": self.name, "token": self.token}


# -- reading what arrived ----------------------------------------------------------------


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ContractError(f"{where}: an object is expected")
    return value


def _field(obj: Mapping[str, Any], name: str, kind: type | tuple[type, ...],
           where: str) -> Any:
    if name not in obj:
        raise ContractError(f"{where}.{name}: missing")
    value = obj[name]
    # bool is an int to Python: a JSON true is never a number here.
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise ContractError(f"{where}.{name}: wrong type")
    if not isinstance(value, kind):
        raise ContractError(f"{where}.{name}: wrong type")
    return value


def _text(obj: Mapping[str, Any], name: str, where: str, pattern: re.Pattern[str] | None = None,
          limit: int = MAX_TEXT) -> str:
    value: str = _field(obj, name, str, where)
    if len(value) > limit or (pattern is not None and not pattern.match(value)):
        raise ContractError(f"{where}.{name}: not a valid value")
    return value


def _count(obj: Mapping[str, Any], name: str, where: str, low: int = 0) -> int:
    value: int = _field(obj, name, int, where)
    if not low <= value < 2**62:
        raise ContractError(f"{where}.{name}: out of range")
    return value


def _list(obj: Mapping[str, Any], name: str, where: str, limit: int) -> Sequence[Any]:
    value: list[Any] = _field(obj, name, list, where)
    if len(value) > limit:
        raise ContractError(f"{where}.{name}: more than {limit} items")
    return value


def is_uuid(text: str) -> bool:
    return bool(_UUID.match(text))


def parse_envelope(value: Any, where: str = "record") -> Envelope:
    obj = _object(value, where)
    schema = _count(obj, "schema", where, 1)
    if schema != SCHEMA_VERSION:
        raise ContractError(f"{where}.schema: version {schema} is not known"
                            f" (this server reads {SCHEMA_VERSION})")
    kind = _text(obj, "kind", where, _KIND, 64)
    if kind not in Kind.__members__.values():
        raise ContractError(f"{where}.kind: {kind!r} is not a known kind")
    journal_value = obj.get("journal")
    journal = None if journal_value is None else parse_journal_ref(journal_value,
                                                                   f"{where}.journal")
    payload = _object(obj.get("payload"), f"{where}.payload")
    for name, field_type in PAYLOAD_FIELDS[Kind(kind)].items():
        _field(payload, name, field_type, f"{where}.payload")
    return Envelope(
        record_id=_text(obj, "record_id", where, _UUID7),
        till_id=_text(obj, "till_id", where, _UUID),
        till_seq=_count(obj, "till_seq", where, 1),
        schema=schema, kind=kind,
        aggregate_id=_text(obj, "aggregate_id", where, None, 64),
        created_at=_text(obj, "created_at", where, _WIRE_TIME, 40),
        journal=journal, payload=payload)


def parse_journal_ref(value: Any, where: str) -> JournalRef:
    obj = _object(value, where)
    chain = _text(obj, "chain", where, None, 16)
    if chain not in _CHAINS:
        raise ContractError(f"{where}.chain: {chain!r} is not a chain")
    return JournalRef(chain, _count(obj, "number", where, 1),
                      _text(obj, "hash", where, _HEX64))


def parse_wire_entry(value: Any, where: str = "entry") -> WireEntry:
    obj = _object(value, where)
    chain = _text(obj, "chain", where, None, 16)
    if chain not in _CHAINS:
        raise ContractError(f"{where}.chain: {chain!r} is not a chain that is sent")
    return WireEntry(
        chain=chain, number=_count(obj, "number", where, 1),
        at=_text(obj, "at", where, _WIRE_TIME, 40),
        amount_cents=_signed(obj, "amount_cents", where),
        body=_text(obj, "body", where, None, MAX_PAYLOAD_BYTES),
        previous_hash=_text(obj, "previous_hash", where, _HEX64),
        hash=_text(obj, "hash", where, _HEX64),
        signature=_text(obj, "signature", where, _HEX128),
        key_id=_text(obj, "key_id", where, None, 64))


def _signed(obj: Mapping[str, Any], name: str, where: str) -> int:
    value: int = _field(obj, name, int, where)
    if not -(2**62) < value < 2**62:
        raise ContractError(f"{where}.{name}: out of range")
    return value


def parse_enrol(value: Any) -> EnrolRequest:
    """An enrolment request: `{"code", "till_id", "public_key", "key_id", "version"}`;
    `key_id` must be the id of `public_key`."""
    obj = _object(value, "request")
    public_key = _text(obj, "public_key", "request", _HEX64)
    key_id = _text(obj, "key_id", "request", _HEX16)
    if hashlib.sha256(bytes.fromhex(public_key)).hexdigest()[:16] != key_id:
        raise ContractError("request.key_id: not the id of request.public_key")
    code = _text(obj, "code", "request", None, MAX_CODE)
    if not code.strip():
        raise ContractError("request.code: empty")
    return EnrolRequest(code=code, till_id=_text(obj, "till_id", "request", _UUID),
                        public_key=public_key, key_id=key_id,
                        version=_text(obj, "version", "request", None, 64))


def parse_enrolment(value: Any) -> Enrolment:
    """The server's answer to an enrolment: `{"till_id", "name", "token"}`."""
    obj = _object(value, "answer")
    return Enrolment(_text(obj, "till_id", "answer", _UUID), _text(obj, "name", "answer"),
                     _text(obj, "token", "answer", None, 128))


def parse_ping(value: Any) -> OutboxReport:
    """A heartbeat's body: `{"waiting": int, "rejected": int, "oldest_waiting_at": wire
    time or null}`."""
    obj = _object(value, "request")
    if "oldest_waiting_at" not in obj:
        raise ContractError("request.oldest_waiting_at: missing")
    oldest = obj["oldest_waiting_at"]
    if oldest is not None:
        oldest = _text(obj, "oldest_waiting_at", "request", _WIRE_TIME, 40)
    return OutboxReport(_count(obj, "waiting", "request"), _count(obj, "rejected", "request"),
                        oldest)


def parse_push(value: Any) -> list[Envelope]:
    """A push request: `{"records": [envelope, …]}`, oldest first."""
    obj = _object(value, "request")
    records = _list(obj, "records", "request", MAX_BATCH)
    return [parse_envelope(item, f"records[{index}]") for index, item in enumerate(records)]


def parse_journal_push(value: Any) -> list[WireEntry]:
    """A journal push: `{"entries": [entry, …]}`, by chain then number."""
    obj = _object(value, "request")
    entries = _list(obj, "entries", "request", MAX_BATCH)
    return [parse_wire_entry(item, f"entries[{index}]") for index, item in enumerate(entries)]


def parse_answers(value: Any) -> list[RecordAnswer]:
    """The server's answer to a push: `{"answers": [{record_id, answer, reason}, …]}`."""
    obj = _object(value, "answer")
    answers = []
    for index, item in enumerate(_list(obj, "answers", "answer", MAX_BATCH)):
        where = f"answers[{index}]"
        entry = _object(item, where)
        word = _text(entry, "answer", where, None, 32)
        if word not in Answer.__members__.values():
            raise ContractError(f"{where}.answer: {word!r} is not an answer")
        reason = entry.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise ContractError(f"{where}.reason: wrong type")
        answers.append(RecordAnswer(_text(entry, "record_id", where, _UUID7), Answer(word),
                                    None if reason is None else reason[:MAX_TEXT]))
    return answers


def parse_acks(value: Any) -> list[ChainAck]:
    """The server's answer to a journal push: `{"chains": [{chain, number, hash,
    flagged}, …]}`, one per chain it holds for the till."""
    obj = _object(value, "answer")
    acks = []
    for index, item in enumerate(_list(obj, "chains", "answer", 16)):
        where = f"chains[{index}]"
        entry = _object(item, where)
        flagged = entry.get("flagged")
        if flagged is not None and not isinstance(flagged, str):
            raise ContractError(f"{where}.flagged: wrong type")
        acks.append(ChainAck(_text(entry, "chain", where, None, 16),
                             _count(entry, "number", where, 0),
                             _text(entry, "hash", where, None, 64),
                             None if flagged is None else flagged[:MAX_TEXT]))
    return acks


@dataclass(frozen=True, slots=True)
class ChangePage:
    changes: list[Change] = field(default_factory=list)
    cursor: int = 0  # where the next pull starts
    more: bool = False  # another page waits


def parse_changes(value: Any) -> ChangePage:
    """A page of reference data: `{"changes": [...], "cursor": N, "more": bool}`."""
    obj = _object(value, "page")
    changes = []
    for index, item in enumerate(_list(obj, "changes", "page", MAX_PULL)):
        where = f"changes[{index}]"
        entry = _object(item, where)
        kind = _text(entry, "kind", where, None, 32)
        if kind not in CHANGE_KINDS:
            raise ContractError(f"{where}.kind: {kind!r} is not reference data")
        data = entry.get("data")
        changes.append(Change(_count(entry, "cursor", where, 1), kind,
                              _text(entry, "id", where, None, 64),
                              None if data is None else _object(data, f"{where}.data")))
    more = _field(obj, "more", bool, "page")
    return ChangePage(changes, _count(obj, "cursor", "page", 0), more)
