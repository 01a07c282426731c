"""Enrolment, tokens and records, on a real `caisse-server` process, on SQLite and on
PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import httpx
from sqlalchemy import Engine, text, update

from pos_app.domain.ids import new_id
from sync.contract import HEADER_SERVER_TIME, parse_answers
from sync.server.reports import list_orders
from sync.server.schema import enrol_codes
from sync.server.tills import make_enrol_code, revoke
from tests.server.support import ServerProcess, Till, count, enrol, snapshot


def push(client: httpx.Client, till: Till, records: list[dict[str, Any]]) -> httpx.Response:
    return client.post("/v1/records", json={"records": records}, headers=till.auth)


def answers_of(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [answer.answer.value for answer in parse_answers(response.json())]


def test_a_till_enrols_once_with_its_code_and_is_known_by_its_token(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till = Till("Caisse accueil " + new_id()[-6:])
    code = make_enrol_code(engine, till.name).code
    # As typed on a till: case, spaces and dashes do not matter.
    typed = code.lower().replace("-", " ")
    enrolled = client.post("/v1/enrol", json=till.enrol_request(typed))
    assert enrolled.status_code == 200, enrolled.text
    body = enrolled.json()
    assert (body["till_id"], body["name"]) == (till.id, till.name)
    assert body["server_time"] == enrolled.headers[HEADER_SERVER_TIME]
    till.token = body["token"]

    ping = client.get("/v1/ping", headers=till.auth)
    assert ping.status_code == 200
    assert (ping.json()["till_id"], ping.json()["name"]) == (till.id, till.name)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT token_hash FROM tills WHERE id = :id"),
                                    {"id": till.id}).scalar_one()
    assert stored != till.token and till.token not in stored  # only its SHA-256

    again = client.post("/v1/enrol", json=Till("Other").enrol_request(code))
    assert again.status_code == 401 and "used" in again.json()["error"]


def test_an_expired_code_enrols_nothing(client: httpx.Client, engine: Engine) -> None:
    till = Till("Caisse " + new_id()[-8:])
    code = make_enrol_code(engine, till.name).code
    with engine.begin() as connection:
        connection.execute(update(enrol_codes).where(enrol_codes.c.till_name == till.name)
                           .values(expires_at="2020-01-01T00:00:00Z"))
    refused = client.post("/v1/enrol", json=till.enrol_request(code))
    assert refused.status_code == 401 and "expired" in refused.json()["error"]
    assert count(engine, "tills", till) == 0


def test_a_till_enrolled_again_gets_a_new_token_and_the_old_one_is_refused(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till = enrol(client, database_url)
    old = dict(till.auth)
    code = make_enrol_code(engine, till.name).code
    again = client.post("/v1/enrol", json=till.enrol_request(code))
    assert again.status_code == 200
    till.token = again.json()["token"]
    assert client.get("/v1/ping", headers=old).status_code == 401
    assert client.get("/v1/ping", headers=till.auth).status_code == 200

    # Another key under the same till id, or another till under a name in use: refused.
    impostor = Till(till.name, id=till.id)
    taken = Till(till.name)
    for other in (impostor, taken):
        refused = client.post("/v1/enrol", json=other.enrol_request(
            make_enrol_code(engine, till.name).code))
        assert refused.status_code == 409, refused.text
    assert client.get("/v1/ping", headers=till.auth).status_code == 200


def test_records_are_answered_in_order_stored_once_and_already_had_after(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till = enrol(client, database_url)
    sold = till.record("order.validated")
    batch = [sold, till.record("payment.taken", order_id=sold["payload"]["id"]),
             till.record("customer.saved")]
    first = push(client, till, [*batch, batch[0]])
    assert answers_of(first) == ["stored", "stored", "stored", "already_had"]
    assert [a["record_id"] for a in first.json()["answers"]] == [
        *(r["record_id"] for r in batch), batch[0]["record_id"]]
    assert first.json()["server_time"] == first.headers[HEADER_SERVER_TIME]
    assert answers_of(push(client, till, batch)) == ["already_had"] * 3
    assert count(engine, "records", till) == 3


def test_the_same_batch_sent_from_two_threads_at_once_is_stored_once(
        client: httpx.Client, server: ServerProcess, database_url: str,
        engine: Engine) -> None:
    till = enrol(client, database_url)
    batches = [[till.record("order.validated") for _ in range(60)] for _ in range(4)]
    start = threading.Barrier(2)
    answers: list[list[str]] = [[], []]

    def send(slot: int) -> None:
        with httpx.Client(base_url=server.url, timeout=60) as own:
            start.wait(timeout=30)
            for batch in batches:
                answers[slot] += answers_of(push(own, till, batch))

    threads = [threading.Thread(target=send, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # Each record stored by exactly one of the two requests, already had by the other.
    for mine, theirs in zip(*answers, strict=True):
        assert sorted((mine, theirs)) == ["already_had", "stored"]
    assert count(engine, "records", till) == 240
    assert count(engine, "orders", till) == 240


def test_an_id_or_a_sequence_reused_with_other_content_is_rejected_and_the_first_kept(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till = enrol(client, database_url)
    kept = till.record("order.validated", total_cents=1400)
    assert answers_of(push(client, till, [kept])) == ["stored"]
    changed = {**kept, "payload": {**kept["payload"], "total_cents": 1}}
    reused_seq = till.record("customer.saved", seq=kept["till_seq"])
    answer = push(client, till, [changed, reused_seq, till.record("customer.saved")])
    assert answers_of(answer) == ["rejected", "rejected", "stored"]
    reasons = [item["reason"] for item in answer.json()["answers"]]
    assert reasons[0].startswith("record_id:") and reasons[1].startswith("till_seq:")
    with engine.connect() as connection:
        payload = connection.execute(text("SELECT payload FROM records WHERE record_id = :r"),
                                     {"r": kept["record_id"]}).scalar_one()
    assert '"total_cents":1400' in payload
    assert [o["total_cents"] for o in list_orders(engine, till.name)] == [1400]


def test_a_request_with_a_record_of_another_till_is_refused_whole(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till, other = enrol(client, database_url), enrol(client, database_url)
    before = snapshot(engine)
    refused = push(client, till, [till.record(), other.record(), till.record()])
    assert refused.status_code == 403
    assert refused.json()["error"].startswith("records[1].till_id")
    assert snapshot(engine) == before


def test_a_revoked_till_is_refused_and_nothing_it_sends_is_stored(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till = enrol(client, database_url)
    assert answers_of(push(client, till, [till.record()])) == ["stored"]
    revoke(engine, till.name)
    before = snapshot(engine)
    for answer in (client.get("/v1/ping", headers=till.auth),
                   push(client, till, [till.record()]),
                   client.post("/v1/journal", json={"entries": till.entries(1)},
                               headers=till.auth),
                   client.get("/v1/journal", headers=till.auth)):
        assert answer.status_code == 401 and answer.json()["error"] == "this till was revoked"
    assert snapshot(engine) == before
    # A revoked till stays revoked: a new code does not bring it back.
    code = make_enrol_code(engine, till.name).code
    assert client.post("/v1/enrol", json=till.enrol_request(code)).status_code == 403


def test_orders_and_closures_are_projected_from_their_records_once(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till = enrol(client, database_url)
    sold, cancelled = new_id(), new_id()
    batch = [
        till.record("order.validated", id=sold, number="CD1-000007", total_cents=4200,
                    created_at="2026-07-11T08:05:00+00:00"),
        till.record("payment.taken", order_id=sold, order_number="CD1-000007",
                    amount_cents=5000, change_cents=800),
        till.record("order.returned", order_id=sold, total_cents=-1000),
        till.record("refund.given", order_id=sold, amount_cents=1000),
        till.record("order.validated", id=cancelled, number="CD1-000008", total_cents=900,
                    created_at="2026-07-11T08:06:00+00:00"),
        till.record("order.cancelled", order_id=cancelled, order_number="CD1-000008"),
        till.record("closure.made", kind="z", number=3, takings_cents=3200,
                    cash_gap_cents=-150, at="2026-07-11T18:00:00Z", sessions="ignored"),
    ]
    assert answers_of(push(client, till, batch)) == ["stored"] * 7
    assert answers_of(push(client, till, batch)) == ["already_had"] * 7  # counted once
    found = {order["number"]: order for order in list_orders(engine, till.name)}
    assert (found["CD1-000007"]["total_cents"], found["CD1-000007"]["paid_cents"],
            found["CD1-000007"]["returned_cents"], found["CD1-000007"]["status"]) == (
        4200, 3200, 1000, "returned")
    assert (found["CD1-000008"]["paid_cents"], found["CD1-000008"]["status"]) == (
        0, "cancelled")
    with engine.connect() as connection:
        closure = connection.execute(text(
            "SELECT kind, number, takings_cents, cash_gap_cents, made_at FROM closures"
            " WHERE till_id = :t"), {"t": till.id}).one()
    assert tuple(closure) == ("z", 3, 3200, -150, "2026-07-11T18:00:00Z")


def test_an_order_of_another_till_is_never_validated_again_under_its_id(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till, other = enrol(client, database_url), enrol(client, database_url)
    order = new_id()
    assert answers_of(push(client, till, [till.record(id=order, total_cents=500)])) == [
        "stored"]
    answer = push(client, other, [other.record(id=order, total_cents=1)])
    assert answers_of(answer) == ["rejected"]
    assert answer.json()["answers"][0]["reason"] == (
        f"payload.id: the order {order} is held already, as one of till {till.name!r}")
    assert count(engine, "records", other) == 0
    assert [o["total_cents"] for o in list_orders(engine, till.name)] == [500]


def test_every_authenticated_request_notes_the_tills_last_contact(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    till = enrol(client, database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE tills SET last_contact_at = '2020-01-01T00:00:00Z'"
                                " WHERE id = :id"), {"id": till.id})
    answer = client.get("/v1/journal", headers=till.auth)
    with engine.connect() as connection:
        noted = connection.execute(text("SELECT last_contact_at FROM tills WHERE id = :id"),
                                   {"id": till.id}).scalar_one()
    assert noted == answer.headers[HEADER_SERVER_TIME]


def test_a_payload_too_large_to_keep_is_rejected_alone(
        client: httpx.Client, database_url: str) -> None:
    till = enrol(client, database_url)
    big = till.record("customer.saved", notes="x" * (256 * 1024))
    answer = push(client, till, [big, till.record("customer.saved")])
    assert answers_of(answer) == ["rejected", "stored"]
    assert "larger than" in answer.json()["answers"][0]["reason"]

