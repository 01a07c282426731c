"""Storing a batch of records, exactly once each, and the projections they feed.

A batch is one transaction; each record is one `INSERT … ON CONFLICT DO NOTHING`, so
uniqueness is the database's (record id, and the till's sequence), whichever process
or thread inserts first. A record already held is told apart by its content's hash: the
same content is `already_had`, other content under a held id or sequence is `rejected`.
The orders and closures projections change in the same transaction, only for a record
stored now, so a record sent twice never counts twice.

Any till may take a payment on an order another till sold (it found it in the orders
the server publishes, order_documents.py); only the till that sold an order refunds,
cancels or returns it. A payment that leaves an order paid beyond what it is worth, by
more than one till, is kept, and kept as a conflict (`order.paid_twice`) for a manager.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, case, delete, select, update

from pos_app.domain.journal import canonical_json
from sync.contract import MAX_PAYLOAD_BYTES, Answer, Envelope, Kind, RecordAnswer
from sync.server import conflicts, order_documents, tickets
from sync.server.database import (
    DatabaseBusy,
    DatabaseUnavailable,
    insert_ignoring,
    now,
    upsert,
    writing,
)
from sync.server.schema import SHORT, closures, orders, records, tills
from sync.server.tills import Till

log = logging.getLogger(__name__)

ATTEMPTS = 3  # a busy database is tried this many times before the records wait
# The amounts and numbers a projection keeps: ten billion euros, far beyond a till's and
# far enough from BIGINT's end that no sum of them overflows it.
_LIMIT = 10**12
# The payload's field that names the order a record is about (records.order_id).
ORDER_FIELDS: dict[str, str] = {
    Kind.ORDER_VALIDATED: "id", Kind.PAYMENT_TAKEN: "order_id",
    Kind.REFUND_GIVEN: "order_id", Kind.ORDER_CANCELLED: "order_id",
    Kind.ORDER_RETURNED: "order_id",
}
PAID_TWICE = "order.paid_twice"  # sync_conflicts.kind


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
                touched: dict[str, None] = {}  # the orders the batch stored records of
                published = tickets.Published()  # the tickets and conflicts it changed
                answers = [_store(connection, till, item, moment, touched, published)
                           for item in prepared]
                if touched:
                    order_documents.publish(connection, list(touched))
                published.publish(connection)
                return answers
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


def order_of(envelope: Envelope) -> str | None:
    """The order a record is about, when its kind is about one and names it as the server
    can keep it."""
    name = ORDER_FIELDS.get(envelope.kind)
    value = None if name is None else envelope.payload.get(name)
    return value if isinstance(value, str) and len(value) <= SHORT else None


def _store(connection: Connection, till: Till, item: Prepared, moment: str,
           touched: dict[str, None], published: tickets.Published) -> RecordAnswer:
    envelope = item.envelope
    if item.problem is not None:
        return RecordAnswer(envelope.record_id, Answer.REJECTED, item.problem)
    order_id = order_of(envelope)
    journal = envelope.journal
    inserted = connection.execute(insert_ignoring(connection, records).values(
        record_id=envelope.record_id, till_id=till.id, till_seq=envelope.till_seq,
        schema=envelope.schema, kind=envelope.kind, aggregate_id=envelope.aggregate_id,
        created_at=envelope.created_at,
        journal_chain=None if journal is None else journal.chain,
        journal_number=None if journal is None else journal.number,
        journal_hash=None if journal is None else journal.hash,
        payload=item.payload, content_hash=item.content_hash, received_at=moment,
        order_id=order_id)).rowcount
    if inserted == 1:
        try:
            _project(connection, till, envelope, item.payload, moment)
            _project_tickets(connection, till, envelope, moment, published)
        except Unreadable as error:
            connection.execute(delete(records).where(
                records.c.record_id == envelope.record_id))
            return RecordAnswer(envelope.record_id, Answer.REJECTED, str(error))
        if order_id is not None:
            touched[order_id] = None
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


# What a record tells of admission tickets (sync/server/tickets.py): after its own
# projection, in the same transaction.
_TICKETS: dict[Kind, Callable[[Connection, Till, Envelope, str, tickets.Published], None]] = {
    Kind.ORDER_VALIDATED: tickets.issued,
    Kind.TICKETS_ISSUED: tickets.issued,
    Kind.ORDER_CANCELLED: tickets.revoked,
    Kind.ORDER_RETURNED: tickets.revoked,
    Kind.TICKET_VALIDATED: tickets.validated,
    Kind.TICKET_VOIDED: tickets.voided,
}


def _project_tickets(connection: Connection, till: Till, envelope: Envelope, moment: str,
                     published: tickets.Published) -> None:
    project = _TICKETS.get(Kind(envelope.kind))
    if project is not None:
        project(connection, till, envelope, moment, published)


def _order_validated(connection: Connection, till: Till, envelope: Envelope, _text: str,
                     moment: str) -> None:
    payload = envelope.payload
    values = {"id": _short(payload, "id"), "till_id": till.id,
              "number": _short(payload, "number"), "total_cents": _cents(payload, "total_cents"),
              "created_at": _short(payload, "created_at"), "updated_at": moment}
    _order(connection, values, lambda new: {
        "number": new.number, "total_cents": new.total_cents, "created_at": new.created_at,
        "updated_at": new.updated_at}, None)
    # Payments stored before their order (its validation came later, or was refused
    # and sent again) count from now on.
    early = sum(_applied(_json_object(text)) for text in connection.execute(
        select(records.c.payload).where(records.c.order_id == values["id"],
                                        records.c.kind == Kind.PAYMENT_TAKEN.value)).scalars())
    if early:
        connection.execute(update(orders).where(orders.c.id == values["id"])
                           .values(paid_cents=orders.c.paid_cents + early))


def _applied(payload: Mapping[str, Any]) -> int:
    """What a payment settles of its order (change given back is not paid)."""
    return (_optional_cents(payload, "amount_cents") or 0) - (
        _optional_cents(payload, "change_cents") or 0)


def _payment_taken(connection: Connection, till: Till, envelope: Envelope, _text: str,
                   moment: str) -> None:
    """A payment counts on its order whichever till took it: one UPDATE … RETURNING, so
    that on PostgreSQL two processes paying the same order queue on its row, the second
    reading the first's sum once it committed."""
    payload = envelope.payload
    order_id = _short(payload, "order_id")
    applied = _cents(payload, "amount_cents") - (_optional_cents(payload, "change_cents") or 0)
    order = connection.execute(
        update(orders).where(orders.c.id == order_id, orders.c.total_cents.is_not(None))
        .values(paid_cents=orders.c.paid_cents + applied, updated_at=moment)
        .returning(orders.c.till_id, orders.c.number, orders.c.total_cents,
                   orders.c.paid_cents, orders.c.returned_cents, orders.c.status)).first()
    if order is None:
        # Stored all the same (a till's payment is never refused for what another record
        # did): it counts once its order's validation is held, if ever.
        log.info("payment %s of till %s: order %s not held yet", envelope.record_id,
                 till.id, order_id)
        return
    worth = 0 if order.status == "cancelled" else order.total_cents - order.returned_cents
    if order.paid_cents > worth:
        _paid_twice(connection, till, envelope, order_id, order, worth, moment)


def _paid_twice(connection: Connection, till: Till, envelope: Envelope, order_id: str,
                order: Any, worth: int, moment: str) -> None:
    """The order is now paid beyond what it is worth: a conflict when more than one till
    paid it (both payments stay stored; a manager settles it)."""
    payments = connection.execute(
        select(records.c.record_id, records.c.till_id, records.c.payload, tills.c.name)
        .join(tills, tills.c.id == records.c.till_id)
        .where(records.c.order_id == order_id, records.c.kind == Kind.PAYMENT_TAKEN.value)
        .order_by(records.c.received_at, records.c.till_id, records.c.till_seq)).all()
    others = [row.till_id for row in payments if row.till_id != till.id]
    if not others:
        return
    taken = []
    for row in payments:
        payload = _json_object(row.payload)
        taken.append({"record_id": row.record_id, "till_id": row.till_id,
                      "till_name": row.name, "method": payload.get("method"),
                      "amount_cents": payload.get("amount_cents"),
                      "change_cents": payload.get("change_cents") or 0,
                      "taken_at": payload.get("taken_at")})
    conflicts.record(connection, PAID_TWICE, till.id, order_id, {
        "order_number": order.number, "total_cents": order.total_cents,
        "due_cents": worth, "paid_cents": order.paid_cents,
        "record_id": envelope.record_id, "payments": taken,
    }, moment, other_till_id=others[0])


def _refund_given(connection: Connection, till: Till, envelope: Envelope, _text: str,
                  moment: str) -> None:
    payload = envelope.payload
    values = {"id": _short(payload, "order_id"), "till_id": till.id,
              "number": _lenient_short(payload, "order_number"),
              "paid_cents": -abs(_cents(payload, "amount_cents")), "updated_at": moment}
    _order(connection, values, lambda new: {
        "paid_cents": orders.c.paid_cents + new.paid_cents, "updated_at": new.updated_at},
        "refunds")
    # An order paid twice whose excess went back is settled: its conflict with it.
    order = connection.execute(select(orders.c.total_cents, orders.c.paid_cents,
                                      orders.c.returned_cents, orders.c.status)
                               .where(orders.c.id == values["id"])).one()
    if order.total_cents is not None:
        worth = 0 if order.status == "cancelled" else order.total_cents - order.returned_cents
        if order.paid_cents <= worth:
            conflicts.resolve(connection, PAID_TWICE, str(values["id"]), moment)


def _order_cancelled(connection: Connection, till: Till, envelope: Envelope, _text: str,
                     moment: str) -> None:
    payload = envelope.payload
    values = {"id": _short(payload, "order_id"), "till_id": till.id,
              "number": _short(payload, "order_number"), "status": "cancelled",
              "updated_at": moment}
    _order(connection, values, lambda new: {"status": "cancelled",
                                            "updated_at": new.updated_at}, "cancels")


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
        "updated_at": new.updated_at}, "takes returns on")


def _order(connection: Connection, values: dict[str, Any],
           changes: Callable[[Any], dict[str, Any]], doing: str | None) -> None:
    """Write the till's own order (made if the server holds none yet). An order of
    another till is never changed by these: the till that sold it corrects its sale
    (`doing` says what the record would have done); an order.validated under the id of
    another till's order is a till's mistake, or worse (ids are the tills' UUIDv7s)."""
    written = upsert(connection, orders, ["id"], values, changes,
                     lambda new: orders.c.till_id == new.till_id)
    if written == 1:
        return
    owner = connection.execute(select(tills.c.name).join(
        orders, orders.c.till_id == tills.c.id).where(orders.c.id == values["id"])
    ).scalar_one_or_none()
    if doing is None:
        raise Unreadable(f"payload.id: the order {values['id']} is held already, as one"
                         f" of till {owner!r}")
    raise Unreadable(f"payload.order_id: the order {values['id']} was sold by till"
                     f" {owner!r}: only the till that sold an order {doing} it")


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


def _json_object(text: str) -> dict[str, Any]:
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


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
