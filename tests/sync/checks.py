"""What the sync tests check at the end of a run: everything a till made is with the
server once, and the server's word on its journal is the till's own."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, text

from pos_app.bootstrap import Store
from pos_app.domain.journal import Chain, canonical_json
from pos_app.services import sync


def till_id(store: Store) -> str:
    with store.context.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        return till.id


def outbox(store: Store) -> list[dict[str, Any]]:
    with store.engine.begin() as db:
        return [dict(row) for row in db.exec_driver_sql(
            "SELECT record_id, seq, kind, aggregate_id, payload, state FROM outbox"
            " ORDER BY seq").mappings()]


def check_nothing_waits(store: Store) -> None:
    """Nothing waiting, nothing rejected, the journal all sent, the server answering."""
    status = sync.sync_status(store.context)
    assert (status.counts.waiting, status.counts.rejected, status.journal_waiting) == (
        0, 0, 0)
    assert status.link is not None and status.link.online


def check_records_held_once(engine: Engine, store: Store) -> None:
    """The server holds each record of the till's outbox once, by id and by sequence,
    with the payload it sent, and nothing else of this till."""
    with engine.connect() as connection:
        held = connection.execute(text(
            "SELECT record_id, till_seq, kind, aggregate_id, payload FROM records"
            " WHERE till_id = :till"), {"till": till_id(store)}).mappings().all()
    made = outbox(store)
    assert len(held) == len({row["record_id"] for row in held})  # none doubled
    assert len(held) == len({row["till_seq"] for row in held})
    assert {row["record_id"]: (row["till_seq"], row["kind"], row["aggregate_id"],
                               row["payload"]) for row in held} == {
        row["record_id"]: (row["seq"], row["kind"], row["aggregate_id"],
                           canonical_json(json.loads(row["payload"]))) for row in made}
    assert {row["state"] for row in made} == {"sent"}


def check_journal_acknowledged_at_its_heads(engine: Engine, store: Store
                                            ) -> dict[str, tuple[int, str]]:
    """Every chain the till sends is acknowledged at the till's head, hash for hash, by
    the till's records and by the server's, which holds each of its entries; nothing is
    flagged on either side. The till's heads."""
    mine = till_id(store)
    with store.context.uow(write=False) as uow:
        heads = {chain: (head.number, head.hash)
                 for chain, head in uow.journal.heads(mine).items()
                 if chain != Chain.TRAINING.value}
        acks = {ack.chain: (ack.number, ack.hash, ack.flagged)
                for ack in uow.sync.acknowledgements(mine)}
    with engine.connect() as connection:
        held = {row.chain: (row.number, row.hash, row.flagged) for row in connection.execute(
            text("SELECT chain, number, hash, flagged FROM journal_heads WHERE till_id = :t"),
            {"t": mine})}
        stored = dict(connection.execute(text(
            "SELECT chain, count(*) FROM journal_entries WHERE till_id = :t GROUP BY chain"),
            {"t": mine}).all())
        flags = connection.execute(text(
            "SELECT count(*) FROM journal_flags WHERE till_id = :t"), {"t": mine}).scalar_one()
    expected = {chain: (number, digest, None) for chain, (number, digest) in heads.items()}
    assert acks == expected and held == expected
    assert stored == {chain: number for chain, (number, _digest) in heads.items()}
    assert flags == 0
    return heads


def check_orders_and_closures_counted_once(engine: Engine, store: Store) -> None:
    """The server's orders and closures are what the till's records say, each counted
    once: as many orders and closures, the same totals, paid, returned and cancelled."""
    payloads: dict[str, list[dict[str, Any]]] = {}
    for row in outbox(store):
        payloads.setdefault(row["kind"], []).append(json.loads(row["payload"]))
    paid = (sum(item["amount_cents"] - item.get("change_cents", 0)
                for item in payloads.get("payment.taken", []))
            - sum(abs(item["amount_cents"]) for item in payloads.get("refund.given", [])))
    expected = {
        "orders": len(payloads["order.validated"]),
        "total": sum(item["total_cents"] for item in payloads["order.validated"]),
        "paid": paid,
        "returned": sum(abs(item["total_cents"]) for item in payloads.get("order.returned", [])),
        "cancelled": len(payloads.get("order.cancelled", [])),
        "closures": len(payloads.get("closure.made", [])),
    }
    with engine.connect() as connection:
        row = connection.execute(text(
            "SELECT count(*) AS orders, sum(total_cents) AS total, sum(paid_cents) AS paid,"
            " sum(returned_cents) AS returned,"
            " sum(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled,"
            " (SELECT count(*) FROM closures WHERE till_id = :t) AS closures"
            " FROM orders WHERE till_id = :t"), {"t": till_id(store)}).mappings().one()
    assert {key: int(value or 0) for key, value in row.items()} == expected
