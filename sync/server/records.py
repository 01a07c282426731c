"""Storing a batch of records, exactly once each, and the projections they feed.

A batch is one transaction; each record is one `INSERT … ON CONFLICT DO NOTHING`, so
uniqueness is the database's (record id, and the till's sequence), whichever process
or thread inserts first. A record already held is told apart by its content's hash: the
same content is `already_had`, other content under a held id or sequence is `rejected`.
The orders and closures projections change in the same transaction, only for a record
stored now, so a record sent twice never counts twice.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, case, delete, select

from pos_app.domain.journal import canonical_json
from sync.contract import MAX_PAYLOAD_BYTES, Answer, Envelope, Kind, RecordAnswer
from sync.server.database import (
    DatabaseBusy,
    DatabaseUnavailable,
    insert_ignoring,
    now,
    upsert,
    writing,
)
from sync.server.schema import SHORT, closures, orders, records
from sync.server.tills import Till

log = logging.getLogger(__name__)

ATTEMPTS = 3  # a busy database is tried this many times before the records wait
# The amounts and numbers a projection keeps: ten billion euros, far beyond a till's and
# far enough from BIGINT's end that no sum of them overflows it.
_LIMIT = 10**12


class Unreadable(Exception):
    """A record the server cannot use as it is; the message is the reason given back."""


@dataclass(frozen=True, slots=True)
class Prepared:
    envelope: Envelope
    payload: str  # canonical JSON
    content_hash: str
    problem: str | None  # why it is rejected before the database is asked


def prepare(envelope: Envelope) -> Prepared:
    payload = canonical_json(envelope.payload)
    content = hashlib.sha256(canonical_json(envelope.to_wire()).encode("utf-8")).hexdigest()
    problem = None
    if len(payload.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        problem = f"payload: larger than {MAX_PAYLOAD_BYTES // 1024} KiB"
    return Prepared(envelope, payload, content, problem)


def store_batch(engine: Engine, till: Till, envelopes: list[Envelope]) -> list[RecordAnswer]:
    """Each record's answer, in the batch's order. The batch is written whole or not at
    all: a database busy past a few tries, or failing on the way, answers every record
    `retry_later`."""
    prepared = [prepare(envelope) for envelope in envelopes]
    why = "the database is busy"
    for attempt in range(ATTEMPTS):
        try:
            with writing(engine) as connection:
                moment = now()
                return [_store(connection, till, item, moment) for item in prepared]
        except DatabaseBusy as error:
            log.info("records of till %s: database busy (%s), try %d", till.id, error,
                     attempt + 1)
            if attempt + 1 < ATTEMPTS:
                time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))
        except DatabaseUnavailable as error:  # it answered the token, then went away
            log.warning("records of till %s: database unavailable (%s)", till.id, error)
            why = "the database is unavailable"
            break
    return [RecordAnswer(item.envelope.record_id, Answer.RETRY_LATER, why)
            for item in prepared]


def _store(connection: Connection, till: Till, item: Prepared, moment: str) -> RecordAnswer:
    envelope = item.envelope
    if item.problem is not None:
        return RecordAnswer(envelope.record_id, Answer.REJECTED, item.problem)
    journal = envelope.journal
    inserted = connection.execute(insert_ignoring(connection, records).values(
        record_id=envelope.record_id, till_id=till.id, till_seq=envelope.till_seq,
        schema=envelope.schema, kind=envelope.kind, aggregate_id=envelope.aggregate_id,
        created_at=envelope.created_at,
        journal_chain=None if journal is None else journal.chain,
        journal_number=None if journal is None else journal.number,
        journal_hash=None if journal is None else journal.hash,
        payload=item.payload, content_hash=item.content_hash, received_at=moment)).rowcount
    if inserted == 1:
        try:
            _project(connection, till, envelope, item.payload, moment)
        except Unreadable as error:
            connection.execute(delete(records).where(
                records.c.record_id == envelope.record_id))
            return RecordAnswer(envelope.record_id, Answer.REJECTED, str(error))
        return RecordAnswer(envelope.record_id, Answer.STORED)
    return _held_before(connection, till, item)


def _held_before(connection: Connection, till: Till, item: Prepared) -> RecordAnswer:
    record_id = item.envelope.record_id
    held = connection.execute(select(records.c.content_hash).where(
        records.c.record_id == record_id)).first()
    if held is not None:
        if held.content_hash == item.content_hash:
            return RecordAnswer(record_id, Answer.ALREADY_HAD)
        return RecordAnswer(record_id, Answer.REJECTED,
                            "record_id: a record with this id and other content is held")
    other = connection.execute(select(records.c.record_id).where(
        records.c.till_id == till.id, records.c.till_seq == item.envelope.till_seq)).first()
    holder = "another record" if other is None else f"record {other.record_id}"
    return RecordAnswer(record_id, Answer.REJECTED,
                        f"till_seq: {item.envelope.till_seq} is already {holder}")


# -- projections -------------------------------------------------------------------------


def _project(connection: Connection, till: Till, envelope: Envelope, payload_text: str,
             moment: str) -> None:
    project = _PROJECTIONS.get(Kind(envelope.kind))
    if project is not None:
        project(connection, till, envelope, payload_text, moment)


def _order_validated(connection: Connection, till: Till, envelope: Envelope, _text: str,
                     moment: str) -> None:
    payload = envelope.payload
    values = {"id": _short(payload, "id"), "till_id": till.id,
              "number": _short(payload, "number"), "total_cents": _cents(payload, "total_cents"),
              "created_at": _short(payload, "created_at"), "updated_at": moment}
    _order(connection, values, lambda new: {
        "number": new.number, "total_cents": new.total_cents, "created_at": new.created_at,
        "updated_at": new.updated_at})


def _payment_taken(connection: Connection, till: Till, envelope: Envelope, _text: str,
                   moment: str) -> None:
    payload = envelope.payload
    applied = _cents(payload, "amount_cents") - (_optional_cents(payload, "change_cents") or 0)
    _money(connection, till, payload, applied, moment)


def _refund_given(connection: Connection, till: Till, envelope: Envelope, _text: str,
                  moment: str) -> None:
    payload = envelope.payload
    _money(connection, till, payload, -abs(_cents(payload, "amount_cents")), moment)


def _money(connection: Connection, till: Till, payload: Mapping[str, Any], cents: int,
           moment: str) -> None:
    values = {"id": _short(payload, "order_id"), "till_id": till.id,
              "number": _lenient_short(payload, "order_number"), "paid_cents": cents,
              "updated_at": moment}
    _order(connection, values, lambda new: {
        "paid_cents": orders.c.paid_cents + new.paid_cents, "updated_at": new.updated_at})


def _order_cancelled(connection: Connection, till: Till, envelope: Envelope, _text: str,
                     moment: str) -> None:
    payload = envelope.payload
    values = {"id": _short(payload, "order_id"), "till_id": till.id,
              "number": _short(payload, "order_number"), "status": "cancelled",
              "updated_at": moment}
    _order(connection, values, lambda new: {"status": "cancelled",
                                            "updated_at": new.updated_at})


def _order_returned(connection: Connection, till: Till, envelope: Envelope, _text: str,
                    moment: str) -> None:
    payload = envelope.payload
    values = {"id": _short(payload, "order_id"), "till_id": till.id,
              "number": _lenient_short(payload, "order_number"),
              "returned_cents": abs(_cents(payload, "total_cents")), "status": "returned",
              "updated_at": moment}
    _order(connection, values, lambda new: {
        "returned_cents": orders.c.returned_cents + new.returned_cents,
        "status": case((orders.c.status == "cancelled", "cancelled"), else_="returned"),
        "updated_at": new.updated_at})


def _order(connection: Connection, values: dict[str, Any],
           changes: Callable[[Any], dict[str, Any]]) -> None:
    # An order id of another till is never touched: ids are the tills' own UUIDv7s, so
    # that would be a till's mistake, or worse.
    written = upsert(connection, orders, ["id"], values, changes,
                     lambda new: orders.c.till_id == new.till_id)
    if written != 1:
        raise Unreadable("payload: the order it names belongs to another till")


def _closure_made(connection: Connection, till: Till, envelope: Envelope, payload_text: str,
                  _moment: str) -> None:
    payload = envelope.payload
    closure_id = _short(payload, "id")
    made_at = payload.get("at")
    inserted = connection.execute(insert_ignoring(connection, closures).values(
        id=closure_id, till_id=till.id, kind=_short(payload, "kind", 16),
        number=_cents(payload, "number"),
        made_at=made_at if isinstance(made_at, str) and len(made_at) <= 40
        else envelope.created_at,
        takings_cents=_optional_cents(payload, "takings_cents"),
        cash_gap_cents=_optional_cents(payload, "cash_gap_cents"),
        figures=payload_text)).rowcount
    if inserted != 1:
        raise Unreadable("payload.id: a closure with this id is held already")


_PROJECTIONS: dict[Kind, Callable[[Connection, Till, Envelope, str, str], None]] = {
    Kind.ORDER_VALIDATED: _order_validated,
    Kind.PAYMENT_TAKEN: _payment_taken,
    Kind.REFUND_GIVEN: _refund_given,
    Kind.ORDER_CANCELLED: _order_cancelled,
    Kind.ORDER_RETURNED: _order_returned,
    Kind.CLOSURE_MADE: _closure_made,
}


# -- reading payloads: the contract checked the required fields' types -------------------


def _short(payload: Mapping[str, Any], name: str, limit: int = SHORT) -> str:
    value = payload.get(name)
    if not isinstance(value, str):
        raise Unreadable(f"payload.{name}: missing or not a text")
    if len(value) > limit:
        raise Unreadable(f"payload.{name}: longer than {limit} characters")
    return value


def _lenient_short(payload: Mapping[str, Any], name: str) -> str:
    """A text the projection shows if the record has it (not required by the contract)."""
    value = payload.get(name)
    return value if isinstance(value, str) and len(value) <= SHORT else ""


def _cents(payload: Mapping[str, Any], name: str) -> int:
    value = _optional_cents(payload, name)
    if value is None:
        raise Unreadable(f"payload.{name}: not an integer the server can keep")
    return value


def _optional_cents(payload: Mapping[str, Any], name: str) -> int | None:
    value = payload.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not -_LIMIT < value < _LIMIT:
        return None
    return value
