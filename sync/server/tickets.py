"""Admission tickets across devices (docs/sync.md, "Admission tickets").

The server learns each ticket from its sale's `order.validated` (its `tickets`), its
revocation from the cancellation's or return's `revoked_tickets`, its void from
`ticket.voided`, and each entry from `ticket.validated`. A validation is never refused:
the visitor is inside. What two devices disagree on is kept as a conflict (the
`sync_conflicts` table, on the status page), one unresolved conflict per kind and ticket,
its detail brought up to date as more validations arrive:

- `ticket.over_allowance`: validations from two or more tills beyond its entries allowed;
- `ticket.after_void`: a validation made after the ticket's void;
- `ticket.unknown_ticket`: a validation naming a ticket the server does not hold whose
  token does not verify with any enrolled till's key (one that verifies teaches the
  server the ticket from its claims, and is no conflict).

Every change of a ticket, every conflict and every till's key is published in the
changes feed (`ticket`, `ticket_conflict`, `ticket_key`), in the transaction that made
it, so each gate learns the entries made elsewhere and the keys to check tokens with.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, Engine, func, select, update

from pos_app.domain.ticket import TicketTokenInvalid, message_digest, read_token
from sync.contract import Envelope, Kind
from sync.server import conflicts
from sync.server.database import insert_ignoring, upsert_many, writing
from sync.server.reference import Counter, canonical
from sync.server.schema import (
    SHORT,
    reference_items,
    sync_conflicts,
    ticket_entries,
    tickets,
    tills,
)
from sync.server.tills import Till, former_keys

log = logging.getLogger(__name__)

KEY_KIND = "ticket_key"  # reference_items.kind of a till's public key
TICKET_KIND = "ticket"
CONFLICT_KIND = "ticket_conflict"
OVER_ALLOWANCE = "ticket.over_allowance"  # sync_conflicts.kind
AFTER_VOID = "ticket.after_void"
UNKNOWN_TICKET = "ticket.unknown_ticket"
CONFLICT_KINDS = (OVER_ALLOWANCE, AFTER_VOID, UNKNOWN_TICKET)
MAX_TICKETS = 5_000  # tickets one record may carry or revoke: more is not a till's
_TIME = 40


class Published:
    """What a batch changed, published once at its end (one cursor per item)."""

    def __init__(self) -> None:
        self.tickets: dict[str, None] = {}
        self.conflicts: dict[int, None] = {}

    def publish(self, connection: Connection) -> None:
        items = [(TICKET_KIND, reference, document) for reference, document in
                 ticket_documents(connection, list(self.tickets)).items()]
        items += [(CONFLICT_KIND, str(conflict_id), document) for conflict_id, document in
                  conflict_documents(connection, list(self.conflicts)).items()]
        _publish(connection, items)


# -- what the records say ------------------------------------------------------------------


def issued(connection: Connection, till: Till, envelope: Envelope, moment: str,
           published: Published) -> None:
    """An order.validated's `tickets` (or a tickets.issued's, a large sale's further
    tickets): each one held from now on (one learned before from a validation's token
    gains its order)."""
    payload = envelope.payload
    order_id = payload.get("order_id" if envelope.kind == Kind.TICKETS_ISSUED else "id")
    for item in _items(payload.get("tickets")):
        values = _ticket_values(item)
        if values is None:
            log.info("record %s: a ticket it carries does not read; skipped",
                     envelope.record_id)
            continue
        reference = values["reference"]
        held = connection.execute(select(tickets.c.learned).where(
            tickets.c.reference == reference)).first()
        if held is None:
            connection.execute(tickets.insert().values(
                **values, till_id=till.id, order_id=order_id, learned="sale",
                updated_at=moment))
        else:
            connection.execute(update(tickets).where(tickets.c.reference == reference)
                               .values(order_id=order_id, learned="sale", updated_at=moment))
        conflicts.resolve(connection, UNKNOWN_TICKET, reference, moment)
        published.tickets[reference] = None
        _check(connection, till, reference, moment, published)


def revoked(connection: Connection, till: Till, envelope: Envelope, moment: str,
            published: Published) -> None:
    """A cancellation's or return's `revoked_tickets`: revoked at the correction's time,
    tickets of that order only."""
    payload = envelope.payload
    at = _wire_time(payload.get("at")) or _wire_time(payload.get("created_at")) \
        or envelope.created_at
    references = [item for item in _items(payload.get("revoked_tickets"))
                  if isinstance(item, str) and len(item) <= SHORT]
    if not references:
        return
    done = connection.execute(
        update(tickets).where(tickets.c.reference.in_(references),
                              tickets.c.order_id == payload.get("order_id"),
                              tickets.c.revoked_at.is_(None))
        .values(revoked_at=at, updated_at=moment).returning(tickets.c.reference)).scalars()
    for reference in done:
        published.tickets[reference] = None


def validated(connection: Connection, till: Till, envelope: Envelope, moment: str,
              published: Published) -> None:
    """A gate let someone in: counted, whatever the server knows of the ticket."""
    payload = envelope.payload
    reference = _text(payload, "reference")
    at = _wire_time(payload.get("at")) or envelope.created_at
    inserted = connection.execute(insert_ignoring(connection, ticket_entries).values(
        id=_text(payload, "id"), reference=reference, till_id=till.id, at=at,
        record_id=envelope.record_id)).rowcount
    if inserted != 1:
        return  # the same validation under another record: counted once
    # The ticket's row locked (PostgreSQL) until the batch commits: two processes storing
    # validations of one ticket count them one after the other, as payments of an order.
    held = connection.execute(select(tickets.c.reference).where(
        tickets.c.reference == reference).with_for_update()).first()
    if held is None and not _learn(connection, payload, reference, moment):
        _unknown(connection, till, reference, payload, moment, published)
        return
    published.tickets[reference] = None
    _check(connection, till, reference, moment, published)


def voided(connection: Connection, till: Till, envelope: Envelope, moment: str,
           published: Published) -> None:
    """A ticket voided (final): its first void's time stands."""
    payload = envelope.payload
    reference = _text(payload, "reference")
    at = _wire_time(payload.get("at")) or envelope.created_at
    row = connection.execute(select(tickets.c.voided_at).where(
        tickets.c.reference == reference).with_for_update()).first()
    if row is None:
        log.info("void %s of till %s: ticket %s not held", envelope.record_id, till.id,
                 reference)
        return
    if row.voided_at is None or _moment(at) < _moment(row.voided_at):
        connection.execute(update(tickets).where(tickets.c.reference == reference).values(
            voided_at=at, voided_by=till.id, updated_at=moment))
        published.tickets[reference] = None
    _check(connection, till, reference, moment, published)


# -- conflicts ------------------------------------------------------------------------------


def _check(connection: Connection, till: Till, reference: str, moment: str,
           published: Published) -> None:
    """Over its allowance from two tills or more; entered after its void."""
    ticket = connection.execute(select(tickets).where(tickets.c.reference == reference)
                                ).mappings().one()
    entries = connection.execute(
        select(ticket_entries.c.id, ticket_entries.c.till_id, ticket_entries.c.at,
               tills.c.name)
        .join(tills, tills.c.id == ticket_entries.c.till_id)
        .where(ticket_entries.c.reference == reference)
        .order_by(ticket_entries.c.at, ticket_entries.c.id)).all()
    by_till = sorted({row.till_id for row in entries})
    allowed = ticket["entries_allowed"]
    if allowed is not None and len(entries) > allowed and len(by_till) >= 2:
        _keep(connection, OVER_ALLOWANCE, till, reference, {
            "reference": reference, "product_id": ticket["product_id"],
            "entries_allowed": allowed, "entries": len(entries), "till_ids": by_till,
            "validations": _listed(entries)}, moment, published)
    voided_at = ticket["voided_at"]
    if voided_at is not None:
        late = [row for row in entries if _moment(row.at) > _moment(voided_at)]
        if late:
            _keep(connection, AFTER_VOID, till, reference, {
                "reference": reference, "voided_at": voided_at,
                "voided_by": ticket["voided_by"],
                "till_ids": sorted({row.till_id for row in late}
                                   | ({ticket["voided_by"]} if ticket["voided_by"] else set())),
                "validations": _listed(late)}, moment, published)


def _unknown(connection: Connection, till: Till, reference: str,
             payload: Mapping[str, Any], moment: str, published: Published) -> None:
    entries = connection.execute(
        select(ticket_entries.c.id, ticket_entries.c.till_id, ticket_entries.c.at,
               tills.c.name)
        .join(tills, tills.c.id == ticket_entries.c.till_id)
        .where(ticket_entries.c.reference == reference)
        .order_by(ticket_entries.c.at, ticket_entries.c.id)).all()
    _keep(connection, UNKNOWN_TICKET, till, reference, {
        "reference": reference, "till_ids": sorted({row.till_id for row in entries}),
        "token": str(payload.get("token"))[:400], "validations": _listed(entries)},
        moment, published)


def _keep(connection: Connection, kind: str, till: Till, reference: str,
          detail: dict[str, Any], moment: str, published: Published) -> None:
    """One unresolved conflict per kind and ticket: recorded once, its detail kept up to
    date as more validations show it."""
    others = [till_id for till_id in detail["till_ids"] if till_id != till.id]
    other = others[0] if others else None
    held = connection.execute(select(sync_conflicts.c.id, sync_conflicts.c.detail).where(
        sync_conflicts.c.kind == kind, sync_conflicts.c.subject_id == reference,
        sync_conflicts.c.resolved_at.is_(None))).first()
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    if held is None:
        published.conflicts[conflicts.record(connection, kind, till.id, reference, detail,
                                              moment, other_till_id=other)] = None
    elif held.detail != text:
        connection.execute(update(sync_conflicts).where(sync_conflicts.c.id == held.id)
                           .values(detail=text))
        published.conflicts[int(held.id)] = None


def _listed(entries: Iterable[Any]) -> list[dict[str, Any]]:
    return [{"id": row.id, "till_id": row.till_id, "till_name": row.name, "at": row.at}
            for row in entries]


# -- learning a ticket from its token ---------------------------------------------------


def _learn(connection: Connection, payload: Mapping[str, Any], reference: str,
           moment: str) -> bool:
    """Hold the ticket a validation's token says, when it verifies with the key of an
    enrolled till (its current key or one it announced); whether it did."""
    token = payload.get("token")
    if not isinstance(token, str):
        return False
    try:
        read = read_token(token)
    except TicketTokenInvalid:
        return False
    claims = read.claims
    if claims.reference != reference:
        return False
    issuer = _issuer(connection, claims.key_id, message_digest(read.message), read.signature)
    if issuer is None:
        return False
    connection.execute(insert_ignoring(connection, tickets).values(
        reference=reference, till_id=issuer, product_id=claims.product_id[:255],
        order_id=None, valid_from=claims.valid_from.isoformat(),
        valid_until=claims.valid_until.isoformat(), entries_allowed=claims.entries_allowed,
        key_id=claims.key_id, token=token, learned="token", updated_at=moment))
    return True


def _issuer(connection: Connection, key_id: str, digest: bytes,
            signature: bytes) -> str | None:
    """The till whose key `key_id` names and verifies the signature."""
    for till_id, public_key in _keys_named(connection, key_id):
        try:
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(
                signature, digest)
        except (InvalidSignature, ValueError):
            continue
        return till_id
    return None


def _keys_named(connection: Connection, key_id: str) -> list[tuple[str, str]]:
    current = [(row.id, row.public_key) for row in connection.execute(
        select(tills.c.id, tills.c.public_key).where(tills.c.key_id == key_id))]
    if current:
        return current
    # A key the till held before a rotation (its journal announced it).
    found = []
    for till_id in connection.execute(select(tills.c.id)).scalars():
        public_key = former_keys(connection, till_id).get(key_id)
        if public_key is not None:
            found.append((till_id, public_key))
    return found


# -- documents of the feed -------------------------------------------------------------


def ticket_documents(connection: Connection,
                     references: Collection[str]) -> dict[str, dict[str, Any]]:
    if not references:
        return {}
    rows = connection.execute(select(tickets).where(
        tickets.c.reference.in_(list(references)))).mappings().all()
    counts: dict[str, dict[str, int]] = {}
    last: dict[str, str] = {}
    for reference, till_id, count, latest in connection.execute(
            select(ticket_entries.c.reference, ticket_entries.c.till_id, func.count(),
                   func.max(ticket_entries.c.at))
            .where(ticket_entries.c.reference.in_(list(references)))
            .group_by(ticket_entries.c.reference, ticket_entries.c.till_id)):
        counts.setdefault(reference, {})[till_id] = int(count)
        if reference not in last or _moment(latest) > _moment(last[reference]):
            last[reference] = latest
    return {row["reference"]: {
        "reference": row["reference"], "product_id": row["product_id"],
        "order_id": row["order_id"], "valid_from": row["valid_from"],
        "valid_until": row["valid_until"], "entries_allowed": row["entries_allowed"],
        "key_id": row["key_id"], "revoked_at": row["revoked_at"],
        "voided_at": row["voided_at"], "entries_by_till": counts.get(row["reference"], {}),
        "last_validated_at": last.get(row["reference"])} for row in rows}


def conflict_documents(connection: Connection,
                       ids: Collection[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    documents = {}
    for row in connection.execute(select(sync_conflicts).where(
            sync_conflicts.c.id.in_(list(ids)))).mappings():
        detail = _json(row["detail"])
        till_ids = detail.get("till_ids") if isinstance(detail, dict) else None
        documents[int(row["id"])] = {
            "id": str(row["id"]), "reference": row["subject_id"],
            "kind": str(row["kind"]).removeprefix("ticket."), "at": row["detected_at"],
            "till_ids": till_ids if isinstance(till_ids, list) else [row["till_id"]],
            "details": row["detail"], "resolved_at": row["resolved_at"]}
    return documents


def key_documents(connection: Connection,
                  till_ids: Collection[str] | None = None) -> dict[str, dict[str, Any]]:
    """Each till's keys (its current one and those it announced before), by key id."""
    query = select(tills.c.id, tills.c.name, tills.c.key_id, tills.c.public_key)
    if till_ids is not None:
        query = query.where(tills.c.id.in_(list(till_ids)))
    documents: dict[str, dict[str, Any]] = {}
    for row in connection.execute(query.order_by(tills.c.enrolled_at, tills.c.id)).all():
        keys = {**former_keys(connection, row.id), row.key_id: row.public_key}
        for key_id, public_key in keys.items():
            documents[key_id] = {"key_id": key_id, "public_key": public_key,
                                 "till_id": row.id, "till_name": row.name}
    return documents


def publish_keys(connection: Connection, till_ids: Collection[str] | None = None) -> int:
    """Publish the keys of `till_ids` (every till's when None) that the feed does not
    carry as they are; how many were."""
    documents = key_documents(connection, till_ids)
    held = dict(connection.execute(
        select(reference_items.c.id, reference_items.c.data).where(
            reference_items.c.kind == KEY_KIND,
            reference_items.c.id.in_(list(documents)))).all()) if documents else {}
    changed = [(KEY_KIND, key_id, document) for key_id, document in documents.items()
               if held.get(key_id) != canonical(document)]
    _publish(connection, changed)
    return len(changed)


def publish_missing_keys(engine: Engine) -> int:
    """`caisse-server init`: the keys of the tills enrolled before tickets came down."""
    with writing(engine) as connection:
        return publish_keys(connection)


def _publish(connection: Connection, items: list[tuple[str, str, dict[str, Any]]]) -> None:
    if not items:
        return
    counter = Counter(connection)
    upsert_many(connection, reference_items, ["kind", "id"], ["cursor", "data"],
                [{"kind": kind, "id": item_id, "cursor": counter.next(),
                  "data": canonical(document)} for kind, item_id, document in items])
    counter.save()


# -- reading -------------------------------------------------------------------------------


def _items(value: Any) -> list[Any]:
    return value[:MAX_TICKETS] if isinstance(value, list) else []


def _ticket_values(item: Any) -> dict[str, Any] | None:
    """A ticket as order.validated carries it, in the table's columns; None when it does
    not read (skipped: the sale stands)."""
    if not isinstance(item, dict):
        return None
    texts: dict[str, str] = {}
    for name in ("reference", "product_id", "key_id", "token"):
        value = item.get(name)
        if not isinstance(value, str) or not value:
            return None
        texts[name] = value
    valid_from, valid_until = _wire_time(item.get("valid_from")), _wire_time(
        item.get("valid_until"))
    entries = item.get("entries_allowed")
    if (valid_from is None or valid_until is None or len(texts["reference"]) > SHORT
            or len(texts["product_id"]) > 255 or len(texts["key_id"]) > 16
            or not (entries is None or (isinstance(entries, int)
                                        and not isinstance(entries, bool)
                                        and 0 < entries < 2**31))):
        return None
    return {**texts, "valid_from": valid_from, "valid_until": valid_until,
            "entries_allowed": entries}


def _text(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name)
    return value[:SHORT] if isinstance(value, str) else ""


def _wire_time(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > _TIME:
        return None
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return None
    return value


def _moment(text: str) -> datetime:
    """A time as a till wrote it, comparable whatever its offset (those with none are
    UTC, as the tills write)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
