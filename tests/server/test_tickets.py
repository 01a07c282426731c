"""Admission tickets across devices, on a real `caisse-server` process, on SQLite and on
PostgreSQL: the server learns tickets from their sale or from a validation's verified
token, never refuses a validation, keeps one conflict per ticket and kind (beyond its
allowance from two tills, after its void, unknown), and publishes tickets, conflicts and
the tills' keys in the changes feed (docs/sync.md, "Admission tickets")."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, select

from pos_app.domain.ids import new_id
from pos_app.domain.ticket import (
    TicketClaims,
    encode_token,
    message_digest,
    new_reference,
    signed_message,
)
from sync.server import french
from sync.server.schema import sync_conflicts, ticket_entries
from tests.server.support import Till, enrol
from tests.server.test_journal import announce, rotation
from tests.server.test_records import answers_of, push
from tests.server.test_reference import newest, pull_all

DAY = (datetime(2026, 7, 10, 22, 0, tzinfo=UTC), datetime(2026, 7, 11, 22, 0, tzinfo=UTC))


def issue(till: Till, entries: int | None = 1) -> dict[str, Any]:
    """A ticket as `till` issues it: its token signed with the till's key."""
    claims = TicketClaims(till.key_id, new_reference(), "spectacle", *DAY, entries)
    message = signed_message(claims)
    token = encode_token(message, till.key.sign(message_digest(message)))
    return {"reference": claims.reference, "line": 0, "unit": 1, "product_id": "spectacle",
            "valid_from": DAY[0].isoformat(), "valid_until": DAY[1].isoformat(),
            "entries_allowed": entries, "key_id": till.key_id, "token": token}


def sold(till: Till, *tickets: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    order = new_id()
    return order, till.record("order.validated", id=order, number="CD1-000041",
                              total_cents=2800, tickets=list(tickets))


def validation(till: Till, ticket: dict[str, Any], at: str = "2026-07-11T09:00:00+00:00",
               token: str | None = None) -> dict[str, Any]:
    return till.record("ticket.validated", id=new_id(), reference=ticket["reference"],
                       at=at, staff_id="controle",
                       token=ticket["token"] if token is None else token)


def conflicts_of(engine: Engine, reference: str) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(select(sync_conflicts).where(
            sync_conflicts.c.subject_id == reference)).mappings().all()
    return [{**row, "detail": json.loads(row["detail"])} for row in rows]


def latest(changes: list[Any], kind: str, item_id: str) -> Any:
    found = [change.data for change in changes if change.kind == kind and change.id == item_id]
    assert found, f"no {kind} {item_id} in the feed"
    return found[-1]


def test_two_tills_validating_a_single_entry_ticket_keep_both_and_one_conflict(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    since = newest(engine)
    seller, gate_a, gate_b = (enrol(client, database_url) for _ in range(3))
    ticket = issue(seller)
    _, sale = sold(seller, ticket)
    assert answers_of(push(client, seller, [sale])) == ["stored"]
    first = validation(gate_a, ticket)
    assert answers_of(push(client, gate_a, [first])) == ["stored"]
    assert conflicts_of(engine, ticket["reference"]) == []
    second = validation(gate_b, ticket, at="2026-07-11T09:05:00+00:00")
    third = validation(gate_b, ticket, at="2026-07-11T09:07:00+00:00")
    # Never refused: the visitors are inside. Sent again: counted once.
    assert answers_of(push(client, gate_b, [second, third])) == ["stored"] * 2
    assert answers_of(push(client, gate_b, [second])) == ["already_had"]
    with engine.connect() as connection:
        counted = connection.execute(select(ticket_entries.c.till_id).where(
            ticket_entries.c.reference == ticket["reference"])).scalars().all()
    assert sorted(counted) == sorted([gate_a.id, gate_b.id, gate_b.id])
    [conflict] = conflicts_of(engine, ticket["reference"])
    assert (conflict["kind"], conflict["till_id"], conflict["other_till_id"]) == (
        "ticket.over_allowance", gate_b.id, gate_a.id)
    detail = conflict["detail"]
    assert (detail["entries"], detail["entries_allowed"]) == (3, 1)
    assert detail["till_ids"] == sorted([gate_a.id, gate_b.id])
    assert [v["till_name"] for v in detail["validations"]] == [
        gate_a.name, gate_b.name, gate_b.name]

    changes = pull_all(client, gate_a.auth, since)
    document = latest(changes, "ticket", ticket["reference"])
    assert document["entries_by_till"] == {gate_a.id: 1, gate_b.id: 2}
    assert (document["entries_allowed"], document["key_id"], document["order_id"]) == (
        1, seller.key_id, sale["payload"]["id"])
    assert document["last_validated_at"] == "2026-07-11T09:07:00+00:00"
    pulled = latest(changes, "ticket_conflict", str(conflict["id"]))
    assert (pulled["kind"], pulled["reference"], pulled["till_ids"]) == (
        "over_allowance", ticket["reference"], sorted([gate_a.id, gate_b.id]))
    for till in (seller, gate_a, gate_b):  # every enrolled till's key
        key = latest(changes, "ticket_key", till.key_id)
        assert key == {"key_id": till.key_id, "public_key": till.public_key,
                       "till_id": till.id, "till_name": till.name}


def test_a_till_alone_over_the_allowance_is_no_conflict(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    seller, gate = enrol(client, database_url), enrol(client, database_url)
    ticket = issue(seller)
    assert answers_of(push(client, seller, [sold(seller, ticket)[1]])) == ["stored"]
    assert answers_of(push(client, gate, [validation(gate, ticket),
                                          validation(gate, ticket)])) == ["stored"] * 2
    assert conflicts_of(engine, ticket["reference"]) == []


def test_a_validation_of_an_unknown_ticket_teaches_it_when_its_token_verifies(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    since = newest(engine)
    seller, gate = enrol(client, database_url), enrol(client, database_url)
    ticket = issue(seller, entries=2)
    # The gate's record reaches the server before the sale's: learned from its token.
    assert answers_of(push(client, gate, [validation(gate, ticket)])) == ["stored"]
    assert conflicts_of(engine, ticket["reference"]) == []
    document = latest(pull_all(client, gate.auth, since), "ticket", ticket["reference"])
    assert (document["order_id"], document["entries_allowed"]) == (None, 2)
    assert document["entries_by_till"] == {gate.id: 1}
    order, sale = sold(seller, ticket)
    assert answers_of(push(client, seller, [sale])) == ["stored"]
    document = latest(pull_all(client, gate.auth, since), "ticket", ticket["reference"])
    assert (document["order_id"], document["entries_by_till"]) == (order, {gate.id: 1})

    # A forged token (signed by a key no till enrolled), or one byte changed: unknown.
    stranger = Till("inconnue")
    forged = issue(stranger)
    assert answers_of(push(client, gate, [validation(gate, forged)])) == ["stored"]
    [conflict] = conflicts_of(engine, forged["reference"])
    assert (conflict["kind"], conflict["till_id"]) == ("ticket.unknown_ticket", gate.id)
    altered = issue(seller)
    token = altered["token"]
    changed = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    assert answers_of(push(client, gate, [validation(gate, altered, token=changed)])) == [
        "stored"]
    assert [c["kind"] for c in conflicts_of(engine, altered["reference"])] == [
        "ticket.unknown_ticket"]
    # Its sale arrives after all: the server holds it now, the conflict is resolved.
    assert answers_of(push(client, seller, [sold(seller, altered)[1]])) == ["stored"]
    [settled] = conflicts_of(engine, altered["reference"])
    assert settled["resolved_at"] is not None


def test_validations_after_a_void_and_revocations_are_kept_and_published(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    since = newest(engine)
    seller, gate = enrol(client, database_url), enrol(client, database_url)
    kept, cancelled = issue(seller, entries=None), issue(seller)
    order, sale = sold(seller, kept)
    other_order, other_sale = sold(seller, cancelled)
    cancellation = seller.record("order.cancelled", order_id=other_order,
                                 order_number="CD1-000041", cancelled_cents=2800,
                                 at="2026-07-11T08:30:00+00:00",
                                 revoked_tickets=[cancelled["reference"], kept["reference"]])
    voided = seller.record("ticket.voided", id=new_id(), reference=kept["reference"],
                           at="2026-07-11T10:00:00+00:00", staff_id="gerant",
                           reason="déchiré")
    assert answers_of(push(client, seller, [sale, other_sale, cancellation, voided])) == [
        "stored"] * 4
    before = validation(gate, kept, at="2026-07-11T09:59:00+00:00")
    assert answers_of(push(client, gate, [before])) == ["stored"]
    assert conflicts_of(engine, kept["reference"]) == []
    after = validation(gate, kept, at="2026-07-11T10:01:00+00:00")
    assert answers_of(push(client, gate, [after])) == ["stored"]
    [conflict] = conflicts_of(engine, kept["reference"])
    assert (conflict["kind"], conflict["till_id"], conflict["other_till_id"]) == (
        "ticket.after_void", gate.id, seller.id)
    assert [v["id"] for v in conflict["detail"]["validations"]] == [after["payload"]["id"]]
    changes = pull_all(client, gate.auth, since)
    # Only the cancelled order's ticket is revoked: the other belongs to another order.
    assert latest(changes, "ticket", cancelled["reference"])["revoked_at"] == \
        "2026-07-11T08:30:00+00:00"
    document = latest(changes, "ticket", kept["reference"])
    assert (document["revoked_at"], document["voided_at"]) == (
        None, "2026-07-11T10:00:00+00:00")
    assert document["entries_by_till"] == {gate.id: 2} and order == document["order_id"]
    # A refusal is kept, and counts nowhere.
    refused = gate.record("ticket.refused", id=new_id(), at="2026-07-11T10:02:00+00:00",
                          reason="bad_signature")
    assert answers_of(push(client, gate, [refused])) == ["stored"]


def test_the_status_page_says_each_ticket_conflict_in_french() -> None:
    validations = [{"id": "v-1", "till_id": "t-1", "till_name": "Portail nord",
                    "at": "2026-07-11T09:00:00+00:00"},
                   {"id": "v-2", "till_id": "t-2", "till_name": "Portail sud",
                    "at": "2026-07-11T09:05:00+00:00"}]
    assert french.conflict("ticket.over_allowance") == "Billet validé au-delà de ses entrées"
    assert french.ticket_conflict({"reference": "K7QM4XH92T", "entries": 2,
                                   "entries_allowed": 1, "validations": validations}) == (
        "Billet K7QM4-XH92T : 2 entrées pour 1 permise — Portail nord le 11/07/2026 11:00 ;"
        " Portail sud le 11/07/2026 11:05")
    assert french.ticket_conflict({"reference": "K7QM4XH92T", "validations": validations[1:],
                                   "voided_at": "2026-07-11T09:02:00+00:00"}) == (
        "Billet K7QM4-XH92T : détruit le 11/07/2026 11:02, validé après — Portail sud le"
        " 11/07/2026 11:05")
    assert french.ticket_conflict({"reference": "K7QM4XH92T", "validations": []}) == (
        "Billet K7QM4-XH92T : jeton non vérifié, validé")
    assert french.ticket_conflict({"payments": []}) is None  # not a ticket's: shown as JSON


def test_a_key_rotation_publishes_the_new_key_and_a_ticket_of_the_old_one_still_verifies(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    since = newest(engine)
    till, gate = enrol(client, database_url), enrol(client, database_url)
    old_key_id = till.key_id
    before = issue(till)  # signed with the key it enrolled with
    pushed = client.post("/v1/journal", headers=till.auth, json={"entries": [
        announce(till), rotation(till, Ed25519PrivateKey.generate())]})
    assert pushed.status_code == 200, pushed.text
    changes = pull_all(client, gate.auth, since)
    for key_id in (old_key_id, till.key_id):  # both: tickets of either come to the gates
        assert latest(changes, "ticket_key", key_id)["till_id"] == till.id
    after = issue(till)
    assert answers_of(push(client, gate, [validation(gate, before),
                                          validation(gate, after)])) == ["stored"] * 2
    assert conflicts_of(engine, before["reference"]) == []
    assert conflicts_of(engine, after["reference"]) == []
