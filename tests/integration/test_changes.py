"""One action, one change: its journal entry and its outbox records, written together
(services/changes.py), for every kind of record the till sends.

Each action is run through its service on a real store. What it journaled is read back
from the store; what it sent is caught on its way into the outbox (the records as the
outbox received them, with the journal entry each names: the store keeps that reference
from migration 0010) and read back from the store too, then read as the protocol reads
an envelope (`sync.contract`).
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store
from pos_app.domain.basket import Basket
from pos_app.domain.closure import CashMovementKind
from pos_app.domain.customer import Customer, CustomerKind
from pos_app.domain.errors import AuthenticationFailed
from pos_app.domain.order import RefundRequest
from pos_app.domain.staff import StaffMember
from pos_app.services import closures, customers, orders, selling, staff
from pos_app.services.changes import CustomerSaved, record_change
from pos_app.services.context import Context
from pos_app.services.journal_check import verify_journal
from pos_app.services.ports import OutboxRecord
from pos_app.services.selling import PaymentRequest
from pos_app.storage.sync_repository import SqlOutbox
from sync.contract import PAYLOAD_FIELDS, SCHEMA_VERSION, Kind, parse_envelope

ROOT = Path(__file__).resolve().parents[2]
TILL_UUID = "0196f3c0-0000-7000-8000-000000000001"  # the envelope wants a UUID


@dataclass(frozen=True, slots=True)
class Written:
    """A journal entry as the store holds it."""

    chain: str
    number: int
    hash: str
    body: dict[str, Any]


@dataclass
class Action:
    """What one action wrote: its journal entries (by chain) and its outbox records,
    as the outbox received them and as the store kept them."""

    entries: list[Written]
    records: list[OutboxRecord]
    stored: list[tuple[str, str, dict[str, Any]]]

    def chains(self) -> list[str]:
        return [entry.chain for entry in self.entries]


@pytest.fixture
def caught(monkeypatch: pytest.MonkeyPatch) -> list[OutboxRecord]:
    """Every record given to the outbox, as given (with the entry it names)."""
    records: list[OutboxRecord] = []
    add = SqlOutbox.add

    def catch(self: SqlOutbox, batch: Sequence[OutboxRecord], at: datetime) -> None:
        add(self, batch, at)
        records.extend(batch)  # once stored: a refused batch is no record

    monkeypatch.setattr(SqlOutbox, "add", catch)
    return records


def entries(store: Store) -> list[Written]:
    with store.engine.connect() as connection:
        return [Written(chain, number, digest, json.loads(body))
                for chain, number, digest, body in connection.exec_driver_sql(
                    "SELECT chain, number, hash, body FROM journal_entries ORDER BY seq")]


def stored(store: Store) -> list[tuple[str, str, dict[str, Any]]]:
    with store.engine.connect() as connection:
        return [(kind, aggregate, json.loads(payload))
                for kind, aggregate, payload in connection.exec_driver_sql(
                    "SELECT kind, aggregate_id, payload FROM outbox ORDER BY seq")]


@pytest.fixture
def watch(store: Store, caught: list[OutboxRecord]) -> Callable[[Callable[[], object]], Action]:
    """Run an action; what it journaled and sent."""

    def run(action: Callable[[], object]) -> Action:
        journal_before, caught_before = len(entries(store)), len(caught)
        outbox_before = len(stored(store))
        action()
        return Action(entries(store)[journal_before:], caught[caught_before:],
                      stored(store)[outbox_before:])

    return run


def check_records(action: Action, kinds: list[str]) -> None:
    """The records are those kinds, as stored; each reads as the protocol's envelope,
    naming its journal entry."""
    assert [record.kind for record in action.records] == kinds
    assert [(kind, aggregate) for kind, aggregate, _payload in action.stored] == [
        (record.kind, record.aggregate_id) for record in action.records]
    assert [payload for _kind, _aggregate, payload in action.stored] == [
        record.payload for record in action.records]
    for seq, record in enumerate(action.records, 1):
        entry = record.entry
        envelope = parse_envelope({
            "record_id": "0196f3c0-0000-7000-8000-00000000000a", "till_id": TILL_UUID,
            "till_seq": seq, "schema": SCHEMA_VERSION, "kind": record.kind,
            "aggregate_id": record.aggregate_id, "created_at": "2026-07-11T08:00:00Z",
            "journal": None if entry is None else {
                "chain": entry.chain.value, "number": entry.number, "hash": entry.hash},
            "payload": json.loads(json.dumps(record.payload))})
        assert set(PAYLOAD_FIELDS[Kind(envelope.kind)]) <= set(envelope.payload)


def named(action: Action, record: OutboxRecord) -> Written:
    """The entry of this action that `record` names."""
    assert record.entry is not None
    (entry,) = [entry for entry in action.entries
                if (entry.chain, entry.number) == (record.entry.chain.value,
                                                   record.entry.number)]
    assert entry.hash == record.entry.hash
    return entry


Watch = Callable[[Callable[[], object]], Action]


def basket_of(ctx: Context, *products: str) -> Basket:
    basket = Basket()
    for product in products:
        selling.add_product(ctx, basket, product)
    return basket


@pytest.fixture
def opened(ctx: Context, cashier: StaffMember) -> Context:
    """The till open, with a float to give change and refunds from."""
    closures.record_cash_movement(ctx, cashier, CashMovementKind.FLOAT, 15000)
    return ctx


def test_a_sale_is_one_order_entry_its_order_and_payments_naming_it(
        opened: Context, cashier: StaffMember, watch: Watch) -> None:
    done: list[Any] = []
    action = watch(lambda: done.append(selling.sell(
        opened, cashier, basket_of(opened, "tshirt", "cafe"),
        [PaymentRequest("ESP", 500), PaymentRequest("CB", 1650)])))
    order = done[0]
    assert action.chains() == ["order"]
    (sale,) = action.entries
    assert sale.body["kind"] == "sale" and sale.body["order_id"] == order.id
    check_records(action, ["order.validated", "payment.taken", "payment.taken"])
    assert [record.aggregate_id for record in action.records] == [
        order.id, *(payment.id for payment in order.payments)]
    # The payments taken with the order are in the sale's entry.
    assert all(named(action, record) == sale for record in action.records)


def test_a_payment_later_a_return_a_refund_and_a_cancellation(
        opened: Context, cashier: StaffMember, manager: StaffMember, watch: Watch) -> None:
    order = selling.sell(opened, cashier, basket_of(opened, "tshirt", "balade-poney-1h"),
                         validate_without_paying=True)
    paid = watch(lambda: orders.pay_order(opened, cashier, order.number, "ESP", 3390))
    assert paid.chains() == ["order"] and paid.entries[0].body["kind"] == "payment"
    check_records(paid, ["payment.taken"])
    assert named(paid, paid.records[0]) == paid.entries[0]

    returned = watch(lambda: orders.return_lines(opened, manager, order.number, [(0, 1)],
                                                 "Taille", [RefundRequest("ESP", 1990)]))
    assert returned.chains() == ["order", "order"]
    assert [entry.body["kind"] for entry in returned.entries] == ["return", "refund"]
    check_records(returned, ["order.returned", "refund.given"])
    assert [named(returned, record) for record in returned.records] == returned.entries
    assert returned.records[0].aggregate_id == returned.entries[0].body["credit_note_id"]
    assert returned.records[1].aggregate_id == returned.entries[1].body["id"]

    cancelled = watch(lambda: orders.cancel_order(opened, manager, order.number, "Erreur"))
    assert [entry.body["kind"] for entry in cancelled.entries] == ["cancellation", "refund"]
    check_records(cancelled, ["order.cancelled", "refund.given"])
    assert [named(cancelled, record) for record in cancelled.records] == cancelled.entries
    assert cancelled.records[0].aggregate_id == order.id
    assert verify_journal(opened, every_signature=True).ok


def test_cash_put_in_is_an_event_entry_and_a_cash_moved_record(
        opened: Context, cashier: StaffMember, watch: Watch) -> None:
    action = watch(lambda: closures.record_cash_movement(opened, cashier,
                                                         CashMovementKind.IN, 2000, "Monnaie"))
    assert action.chains() == ["event"]
    assert action.entries[0].body == {"event": "cash_movement", "jet": 330, "staff_id": cashier.id,
                                      "kind": "in", "amount_cents": 2000, "reason": "Monnaie"}
    check_records(action, ["cash.moved"])
    (record,) = action.records
    assert named(action, record) == action.entries[0]
    assert record.payload["id"] == record.aggregate_id
    assert (record.payload["kind"], record.payload["amount_cents"], record.payload["reason"],
            record.payload["staff_id"], record.payload["session_number"]) == (
        "in", 2000, "Monnaie", cashier.id, 1)


def test_a_z_is_one_closure_entry_noted_in_the_event_journal_and_a_closure_made(
        opened: Context, cashier: StaffMember, manager: StaffMember, watch: Watch) -> None:
    selling.sell(opened, cashier, basket_of(opened, "tshirt"), [PaymentRequest("ESP", 2000)])
    done: list[closures.ClosureResult] = []
    action = watch(lambda: done.append(closures.finish_closure(opened, manager,
                                                               counted_cents=16980)))
    z = done[0].closure
    assert action.chains() == ["closure", "event"]
    assert action.entries[1].body["event"] == "closure"
    check_records(action, ["closure.made"])
    (record,) = action.records
    assert named(action, record) == action.entries[0]
    assert record.aggregate_id == z.id and record.payload["journal_number"] == z.journal_number
    payload = record.payload
    assert (payload["kind"], payload["number"], payload["session"], payload["takings_cents"],
            payload["cash_expected_cents"], payload["cash_counted_cents"],
            payload["cash_gap_cents"]) == ("z", 1, 1, 1990, 16990, 16980, -10)
    assert payload["grand_totals"]["perpetual_cents"] == 1990
    assert {key: value for key, value in payload.items()
            if key not in ("id", "cash_expected_cents", "cash_counted_cents",
                           "cash_gap_cents", "journal_number")} == action.entries[0].body


def test_the_first_z_of_a_month_closes_the_month_before_as_a_record_too(
        ctx: Context, clock: FrozenClock, cashier: StaffMember, manager: StaffMember,
        watch: Watch) -> None:
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("CB", 160)])
    closures.finish_closure(ctx, manager)
    clock.advance(timedelta(days=25))  # August
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("CB", 160)])
    action = watch(lambda: closures.finish_closure(ctx, manager))
    # Each closure with its note in the event journal (month_closure, then the Z's).
    assert action.chains() == ["closure", "event", "closure", "event"]
    assert [entry.body["event"] for entry in action.entries[1::2]] == ["month_closure",
                                                                       "closure"]
    check_records(action, ["closure.made", "closure.made"])
    assert [(record.payload["kind"], record.payload["number"])
            for record in action.records] == [("month", 1), ("z", 2)]
    assert [named(action, record) for record in action.records] == action.entries[::2]
    assert action.records[0].payload["label"] == "2026-07"


def test_a_customer_saved_is_sent_and_not_journaled(
        ctx: Context, cashier: StaffMember, watch: Watch) -> None:
    done: list[Customer] = []
    action = watch(lambda: done.append(customers.create_customer(
        ctx, cashier, CustomerKind.PERSON, "Martin", "Léa", "lea@example.org", None,
        "74000")))
    assert action.entries == []
    check_records(action, ["customer.saved"])
    (record,) = action.records
    assert record.entry is None and record.aggregate_id == done[0].id
    assert record.payload == {"id": done[0].id, "kind": "person", "name": "Martin",
                              "first_name": "Léa", "email": "lea@example.org",
                              "phone": None, "postal_code": "74000"}


def test_a_customer_saved_twice_is_sent_twice(ctx: Context, store: Store) -> None:
    customer = Customer("c-twice", CustomerKind.PERSON, "Martin")
    for saved in (customer, Customer("c-twice", CustomerKind.PERSON, "Martin", "Léa")):
        with ctx.uow() as uow:
            uow.customers.save(saved)
            record_change(uow, ctx.signer, "", ctx.clock.now(), CustomerSaved(saved))
            uow.commit()
    assert [payload["first_name"] for kind, _aggregate, payload in stored(store)
            if kind == "customer.saved"] == [None, "Léa"]


def test_signing_in_and_out_are_event_entries_and_records(
        ctx: Context, manager: StaffMember, watch: Watch) -> None:
    # (The manager signed in first: the journal's key is announced by then.)
    signed: list[StaffMember] = []
    came = watch(lambda: signed.append(staff.sign_in(ctx, "caissier", "1234")))
    member = signed[0]
    assert came.chains() == ["event"]
    assert came.entries[0].body == {"event": "sign_in", "jet": 201, "staff_id": member.id}
    check_records(came, ["staff.signed_in"])
    again = watch(lambda: staff.sign_in(ctx, "caissier", "1234"))
    check_records(again, ["staff.signed_in"])  # each sign-in is a record of its own
    assert again.records[0].aggregate_id != came.records[0].aggregate_id
    left = watch(lambda: staff.sign_out(ctx, member))
    assert left.chains() == ["event"]
    assert left.entries[0].body == {"event": "sign_out", "jet": 204, "staff_id": member.id}
    check_records(left, ["staff.signed_out"])
    for action in (came, again, left):
        (record,) = action.records
        assert named(action, record) == action.entries[0]
        assert record.payload["staff_id"] == member.id

    def wrong_secret() -> None:
        with pytest.raises(AuthenticationFailed):
            staff.sign_in(ctx, "caissier", "0000")

    refused = watch(wrong_secret)
    assert refused.records == []  # a wrong secret is not sent: journaled only
    assert [entry.body["event"] for entry in refused.entries] == ["sign_in_failed"]


def test_a_session_opened_is_an_event_entry_and_a_record(
        ctx: Context, cashier: StaffMember, watch: Watch) -> None:
    till_id = staff.till_statuses(ctx)[0].till.id
    action = watch(lambda: staff.open_till(ctx, cashier, till_id))
    assert action.chains() == ["event"]
    assert action.entries[0].body == {"event": "session_opened", "jet": 301, "staff_id": cashier.id,
                                      "number": 1}
    check_records(action, ["session.opened"])
    (record,) = action.records
    assert named(action, record) == action.entries[0]
    assert (record.payload["number"], record.payload["staff_id"]) == (1, cashier.id)


def test_the_first_sale_opens_the_session_then_sells(
        ctx: Context, cashier: StaffMember, watch: Watch) -> None:
    action = watch(lambda: selling.sell(ctx, cashier, basket_of(ctx, "cafe"),
                                        [PaymentRequest("CB", 160)]))
    assert action.chains() == ["event", "order"]
    check_records(action, ["session.opened", "order.validated", "payment.taken"])
    assert [named(action, record) for record in action.records] == [
        action.entries[0], action.entries[1], action.entries[1]]


def test_training_is_journaled_in_its_chain_and_never_sent(
        ctx: Context, cashier: StaffMember, manager: StaffMember, watch: Watch) -> None:
    done: list[Any] = []
    sold = watch(lambda: done.append(selling.sell(ctx, cashier, basket_of(ctx, "cafe"),
                                                  validate_without_paying=True,
                                                  training=True)))
    number = done[0].number
    paid = watch(lambda: orders.pay_order(ctx, cashier, number, "ESP", 160))
    cancelled = watch(lambda: orders.cancel_order(ctx, manager, number, "Essai"))
    assert sold.chains() == ["training"] and paid.chains() == ["training"]
    assert cancelled.chains() == ["training", "training"]  # the cancellation, its refund
    assert sold.records == paid.records == cancelled.records == []
    assert sold.stored == paid.stored == cancelled.stored == []


# -- every change goes through the one recording function ------------------------------------


SENT_EVENTS = {"SIGN_IN", "SIGN_OUT", "SESSION_OPENED", "CASH_MOVEMENT", "CLOSURE"}
# Chains whose entries no outbox record goes with: reprints and archives are journaled
# directly (services/journal.append); any other chain only through a change.
UNSENT_CHAINS = {"DUPLICATE", "ARCHIVE"}


def calls(path: Path) -> Iterator[ast.Call]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            yield node


def name_of(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return name_of(node.func)
    return ""


def by_hand(path: Path, relative: str) -> list[str]:
    """Where `path` writes a record, or the entry of a change, without a change."""
    found = []
    for call in calls(path):
        function = call.func
        called = name_of(function)
        arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
        if (called == "add" and isinstance(function, ast.Attribute)
                and name_of(function.value) == "outbox"):
            found.append(f"{relative}:{call.lineno} adds to the outbox")
        elif called == "OutboxRecord":
            found.append(f"{relative}:{call.lineno} makes an outbox record")
        elif (isinstance(function, ast.Name) and called == "append"
              and relative != "pos_app/services/journal.py"
              and (len(call.args) < 4 or name_of(call.args[3]) not in UNSENT_CHAINS)):
            found.append(f"{relative}:{call.lineno} journals a change by hand")
        elif called in ("record_event", "record_event_alone", "event_body") and any(
                name_of(argument) in SENT_EVENTS for argument in arguments):
            found.append(f"{relative}:{call.lineno} journals a change's event by hand")
    return found


def test_no_module_but_changes_writes_a_record_or_the_entry_of_a_change() -> None:
    """Only services/changes.py adds to the outbox, makes an outbox record, or writes an
    entry of any chain but the reprints' and the archives' (journal.py's own event
    entries aside), or an event that is sent; the others record a change through it
    (the storage only implements the outbox)."""
    found = []
    for path in sorted((ROOT / "pos_app").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative not in ("pos_app/services/changes.py", "pos_app/storage/sync_repository.py"):
            found += by_hand(path, relative)
    assert found == [], "\n".join(found)


def test_the_check_above_finds_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("uow.outbox.add([OutboxRecord('x', 'y', {})], now)\n"
                      "append(uow, signer, till, chain, now, {}, -100)\n"
                      "append(uow, signer, till, Chain.DUPLICATE, now, {})\n"
                      "lines.append(line)\n"
                      "record_event(uow, signer, till, now, Event.SIGN_IN, staff)\n"
                      "record_event(uow, signer, till, now, Event.START)\n",
                      encoding="utf-8")
    assert sorted(by_hand(sample, "sample.py")) == [
        "sample.py:1 adds to the outbox", "sample.py:1 makes an outbox record",
        "sample.py:2 journals a change by hand",
        "sample.py:5 journals a change's event by hand"]
