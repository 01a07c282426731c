"""The sync protocol's shapes: what a till sends reads back the same, and what is not the
protocol's is refused with a reason that names the field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pos_app.domain.ids import new_id
from sync.contract import (
    MAX_BATCH,
    Answer,
    ContractError,
    Envelope,
    JournalRef,
    Kind,
    OutboxReport,
    RecordAnswer,
    parse_acks,
    parse_answers,
    parse_changes,
    parse_ping,
    parse_push,
)

TILL = "01a22c8c-439c-7162-8d32-45e87acd8ecc"


def envelope(**changes: Any) -> dict[str, Any]:
    record = Envelope(
        record_id=new_id(), till_id=TILL, till_seq=7, schema=1, kind=Kind.PAYMENT_TAKEN,
        aggregate_id=new_id(), created_at="2026-11-30T14:02:11.123456+00:00",
        journal=JournalRef("order", 12, "ab" * 32),
        payload={"id": "p", "order_id": "o", "order_number": "CD2-000012", "method": "ESP",
                 "amount_cents": 1400, "extra": ["kept"]}).to_wire()
    return {**record, **changes}


def test_a_record_reads_back_as_it_was_sent() -> None:
    sent = envelope()
    [read] = parse_push(json.loads(json.dumps({"records": [sent]})))
    assert read.to_wire() == sent


@pytest.mark.parametrize(("change", "reason"), [
    ({"schema": 2}, "records[0].schema: version 2 is not known (this server reads 1)"),
    ({"kind": "order.eaten"}, "records[0].kind: 'order.eaten' is not a known kind"),
    ({"till_seq": 0}, "records[0].till_seq: out of range"),
    ({"till_seq": True}, "records[0].till_seq: wrong type"),
    ({"record_id": "not-a-uuid"}, "records[0].record_id: not a valid value"),
    ({"created_at": "yesterday"}, "records[0].created_at: not a valid value"),
    ({"journal": {"chain": "training", "number": 1, "hash": "ab" * 32}},
     "records[0].journal.chain: 'training' is not a chain"),
    ({"payload": {"id": "p"}}, "records[0].payload.order_id: missing"),
    ({"payload": []}, "records[0].payload: an object is expected"),
])
def test_what_is_not_the_protocols_is_refused_with_its_field(change: dict[str, Any],
                                                             reason: str) -> None:
    with pytest.raises(ContractError) as refused:
        parse_push({"records": [envelope(**change)]})
    assert str(refused.value) == reason


def test_a_payload_field_of_the_wrong_type_is_named() -> None:
    record = envelope()
    record["payload"] = {**record["payload"], "amount_cents": "14,00"}
    with pytest.raises(ContractError, match=r"payload\.amount_cents: wrong type"):
        parse_push({"records": [record]})


def test_batches_are_bounded() -> None:
    with pytest.raises(ContractError, match=f"more than {MAX_BATCH}"):
        parse_push({"records": [envelope()] * (MAX_BATCH + 1)})
    with pytest.raises(ContractError, match="an object is expected"):
        parse_push([envelope()])


def test_the_servers_answers_are_read_and_checked() -> None:
    record_id = new_id()
    answer = RecordAnswer(record_id, Answer.REJECTED, "till_seq 7 is used").to_wire()
    assert parse_answers({"answers": [answer]}) == [
        RecordAnswer(record_id, Answer.REJECTED, "till_seq 7 is used")]
    with pytest.raises(ContractError, match="is not an answer"):
        parse_answers({"answers": [{**answer, "answer": "maybe"}]})
    acks = parse_acks({"chains": [{"chain": "order", "number": 3, "hash": "ab" * 32,
                                   "flagged": None}]})
    assert [(ack.chain, ack.number) for ack in acks] == [("order", 3)]


def test_a_page_of_changes_with_a_tombstone() -> None:
    page = parse_changes({"changes": [
        {"cursor": 41, "kind": "product", "id": "kayak", "data": {"name": "Kayak"}},
        {"cursor": 42, "kind": "customer", "id": "c-17", "data": None}],
        "cursor": 42, "more": False})
    assert [(change.kind, change.data) for change in page.changes] == [
        ("product", {"name": "Kayak"}), ("customer", None)]
    with pytest.raises(ContractError, match="is not reference data"):
        parse_changes({"changes": [{"cursor": 1, "kind": "secret", "id": "x", "data": None}],
                       "cursor": 1, "more": False})


def test_a_heartbeat_reports_the_tills_outbox() -> None:
    report = OutboxReport(12, 1, "2026-11-30T14:02:11+00:00")
    assert parse_ping(json.loads(json.dumps(report.to_wire()))) == report
    assert parse_ping({"waiting": 0, "rejected": 0, "oldest_waiting_at": None}) == (
        OutboxReport(0, 0, None))


@pytest.mark.parametrize(("body", "reason"), [
    ([], "request: an object is expected"),
    ({"rejected": 0, "oldest_waiting_at": None}, "request.waiting: missing"),
    ({"waiting": 0, "oldest_waiting_at": None}, "request.rejected: missing"),
    ({"waiting": 0, "rejected": 0}, "request.oldest_waiting_at: missing"),
    ({"waiting": -1, "rejected": 0, "oldest_waiting_at": None}, "request.waiting: out of"),
    ({"waiting": True, "rejected": 0, "oldest_waiting_at": None}, "request.waiting: wrong"),
    ({"waiting": 1, "rejected": "2", "oldest_waiting_at": None}, "request.rejected: wrong"),
    ({"waiting": 1, "rejected": 0, "oldest_waiting_at": "hier"},
     "request.oldest_waiting_at: not a valid"),
    ({"waiting": 1, "rejected": 0, "oldest_waiting_at": 5},
     "request.oldest_waiting_at: wrong type"),
])
def test_a_heartbeat_that_is_not_the_protocols_is_refused_with_its_field(
        body: Any, reason: str) -> None:
    with pytest.raises(ContractError, match=f"^{reason}"):
        parse_ping(body)
