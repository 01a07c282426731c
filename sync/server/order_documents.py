"""Orders coming down to every till (docs/sync.md, "Orders in the feed").

Each batch of records that stored a record of an order (its `order.validated`, a
payment, a refund, its cancellation, a return), from whichever till, publishes that
order's document in `reference_items` (kind `order`, id the order's) under a new cursor,
in the batch's transaction: a till's pull (`GET /v1/changes`) then finds it as it finds
a product, and learns the payments other tills took on it. An order is published only
once its `order.validated` is held.

The documents are made from the records held for the orders (`records.order_id`), read
by one query per batch; the counter row's lock is taken once, at the batch's end, so
batches touching orders wait on each other only for the few statements before commit.
Two batches touching the same order already queue on its `orders` row (each one's
projection writes it first), so the later one reads the earlier one's records and
publishes after it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import Connection, Engine, exists, select

from sync.contract import Kind
from sync.server.database import upsert_many, writing
from sync.server.reference import Counter, canonical
from sync.server.schema import orders, records, reference_items, tills

KIND = "order"  # reference_items.kind of an order's document
# The order.validated fields a document carries as they are (null when absent).
_VALIDATED_FIELDS = ("id", "number", "created_at", "staff_id", "payer", "lines", "vat",
                     "total_cents")
_TRAILING_DIGITS = re.compile(r"(\d*)$")


def publish(connection: Connection, order_ids: Collection[str]) -> int:
    """Publish the documents of `order_ids` (those whose order.validated is held) under
    new cursors, in the caller's transaction; how many were published."""
    documents = build(connection, order_ids)
    if not documents:
        return 0
    counter = Counter(connection)  # its row locked from here until the batch commits
    upsert_many(connection, reference_items, ["kind", "id"], ["cursor", "data"],
                [{"kind": KIND, "id": order_id, "cursor": counter.next(),
                  "data": canonical(document)} for order_id, document in documents.items()])
    counter.save()
    return len(documents)


def publish_missing(engine: Engine, chunk: int = 500) -> int:
    """Publish the orders held and never published (stored before migration 0004), by
    chunks of `chunk`, a transaction each; how many were published. `caisse-server init`
    runs it after migrating."""
    published, after = 0, ""
    while True:
        with writing(engine) as connection:
            ids = list(connection.execute(
                select(orders.c.id).where(
                    orders.c.id > after, orders.c.total_cents.is_not(None),
                    ~exists().where(reference_items.c.kind == KIND,
                                    reference_items.c.id == orders.c.id))
                .order_by(orders.c.id).limit(chunk)).scalars())
            if not ids:
                return published
            published += publish(connection, ids)
        after = ids[-1]


def build(connection: Connection, order_ids: Collection[str]) -> dict[str, dict[str, Any]]:
    """The documents of the orders among `order_ids` whose order.validated is held, by
    order id, from one query of their records."""
    if not order_ids:
        return {}
    rows = connection.execute(
        select(records.c.order_id, records.c.till_id, records.c.kind, records.c.payload,
               tills.c.name)
        .join(tills, tills.c.id == records.c.till_id)
        .where(records.c.order_id.in_(list(order_ids)))
        # Oldest received first; a till's own records in its sequence.
        .order_by(records.c.order_id, records.c.received_at, records.c.till_id,
                  records.c.till_seq)).all()
    by_order: dict[str, list[Any]] = {}
    for row in rows:
        by_order.setdefault(row.order_id, []).append(row)
    documents: dict[str, dict[str, Any]] = {}
    for order_id, held in by_order.items():
        document = _document(held)
        if document is not None:
            documents[order_id] = document
    return documents


def _document(held: list[Any]) -> dict[str, Any] | None:
    validated = next((row for row in held if row.kind == Kind.ORDER_VALIDATED), None)
    if validated is None:
        return None  # not published before its order.validated is held
    payload = _payload(validated.payload)
    document: dict[str, Any] = {name: payload.get(name) for name in _VALIDATED_FIELDS}
    if "order_discount" in payload:  # only discounted orders: others' documents unchanged
        document["order_discount"] = payload["order_discount"]
    if "postal_code" in payload:  # only orders whose till asked for it (R12)
        document["postal_code"] = payload["postal_code"]
    said_number = payload.get("number")
    number = said_number if isinstance(said_number, str) else ""
    digits = _TRAILING_DIGITS.search(number)
    trailing = digits.group(1) if digits else ""
    sequence = payload.get("sequence")
    if isinstance(sequence, bool) or not isinstance(sequence, int):
        sequence = int(trailing) if trailing else 0
    document["sequence"] = sequence
    document["till"] = _till(validated, payload, number[:len(number) - len(trailing)])
    parts: dict[str, list[dict[str, Any]]] = {"payments": [], "returns": [], "refunds": [],
                                              "cancellations": []}
    named = {Kind.PAYMENT_TAKEN: "payments", Kind.ORDER_RETURNED: "returns",
             Kind.REFUND_GIVEN: "refunds", Kind.ORDER_CANCELLED: "cancellations"}
    for row in held:
        part = named.get(Kind(row.kind)) if row.kind in Kind.__members__.values() else None
        if part is not None:
            parts[part].append({**_payload(row.payload), "till_id": row.till_id})
    document["payments"] = parts["payments"]
    document["returns"] = parts["returns"]
    document["refunds"] = parts["refunds"]
    # An order is cancelled once: a second cancellation (a till's mistake) is not shown.
    document["cancellation"] = parts["cancellations"][0] if parts["cancellations"] else None
    return document


def _till(validated: Any, payload: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """The till that sold the order: its id and name on the server, and its code, point
    of sale and order prefix as the payload's `till` says them (newer tills send it),
    else as its order number shows them."""
    said = payload.get("till")
    said = said if isinstance(said, dict) else {}

    def text(name: str, otherwise: str) -> str:
        value = said.get(name)
        return value if isinstance(value, str) else otherwise

    order_prefix = text("order_prefix", prefix)
    return {"id": validated.till_id, "name": validated.name,
            "code": text("code", order_prefix.removesuffix("-")),
            "point_of_sale": text("point_of_sale", ""), "order_prefix": order_prefix}


def _payload(text: str) -> dict[str, Any]:
    value = json.loads(text)
    return value if isinstance(value, dict) else {}
