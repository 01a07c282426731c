"""Each change's journal body and outbox record, built side by side (services/changes.py).

The bodies are signed fiscal records: `GOLDEN` holds, byte for byte, what the till wrote
for each kind before changes.py built them (docs/fiscal.md; archived stores hold them),
and must never change. The records hold what `sync.contract` asks of their kind.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pos_app.domain.basket import BasketLine
from pos_app.domain.closure import (
    CashCount,
    CashFigures,
    CashMovementKind,
    ClosureKind,
    GrandTotals,
    MethodTotal,
    Reading,
    Takings,
    VatTotal,
)
from pos_app.domain.customer import Customer, CustomerKind
from pos_app.domain.gate import Outcome, Validation
from pos_app.domain.journal import JET_CODES, Chain, Event, JournalEntry, canonical_json
from pos_app.domain.order import Order, RefundRequest, format_order_number
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.receipt import Venue
from pos_app.domain.ticket import Ticket
from pos_app.domain.till import Till, TillSession
from pos_app.domain.vat import VatRate
from pos_app.services.changes import (
    CashMoved,
    Change,
    CustomerSaved,
    LinesReturned,
    OrderCancelled,
    PaymentTaken,
    PeriodClosed,
    RecordKind,
    RefundGiven,
    SessionOpened,
    SignedIn,
    SignedOut,
    Sold,
    TicketRefused,
    TicketValidated,
    TicketVoided,
    ZClosed,
)
from sync.contract import SCHEMA_VERSION, Kind, parse_envelope

NOON = datetime(2026, 7, 11, 10, 0, tzinfo=UTC)
CASH = PaymentMethod("ESP", "Espèces", gives_change=True, opens_drawer=True)
CARD = PaymentMethod("CB", "Carte bancaire")
TILL = Till("till-1", "2", "Caisse accueil", "Accueil", "CD2-")
VENUE = Venue("Domaine des Écuries du Lac", "1 chemin du Lac", "74000", "Annecy",
              "12345678900012", "FR12345678901")
TILL_ID = "0196f3c0-0000-7000-8000-000000000001"  # the envelope wants a UUID

# What the till journals for the scenario below: shapes only ever gain keys (the seller
# came last, after the stores of earlier builds had journaled sales without it).
GOLDEN = {
    'sale': (
        '{"kind":"sale","lines":[{"label":"Balade à poney","price_label":"Adulte","quantity":'
        '2,"total_cents":2800,"total_excl_cents":2545,"unit_price_cents":1400,"vat_rate_bp":1'
        '000},{"label":"T-shirt « Lac »","price_label":"Unique","quantity":1,"total_cents":19'
        '90,"total_excl_cents":1658,"unit_price_cents":1990,"vat_rate_bp":2000}],"number":"CD'
        '2-000007","order_id":"order-1","payments":[{"amount_cents":2000,"change_cents":0,"id'
        '":"pay-1","method":"ESP"}],'
        '"seller":{"address":"1 chemin du Lac","city":"Annecy","name":"Domaine des Écuries du '
        'Lac","postal_code":"74000","siret":"12345678900012","vat_number":"FR12345678901"},'
        '"staff_id":"caissier","till":{"code":"2","id":"till-1","n'
        'ame":"Caisse accueil","point_of_sale":"Accueil"},"total_cents":4790,"total_excl_cent'
        's":4203,"vat":[{"excl_cents":1658,"rate_bp":2000,"total_cents":1990,"vat_cents":332}'
        ',{"excl_cents":2545,"rate_bp":1000,"total_cents":2800,"vat_cents":255}]}'),
    'payment': (
        '{"amount_cents":2790,"change_cents":0,"id":"pay-2","kind":"payment","method":"CB","n'
        'umber":"CD2-000007","order_id":"order-1","staff_id":"caissier"}'),
    'return': (
        '{"credit_note_id":"note-1","kind":"return","lines":[{"label":"T-shirt « Lac »","orde'
        'r_line":1,"price_label":"Unique","quantity":-1,"total_cents":-1990,"total_excl_cents'
        '":-1658,"unit_price_cents":1990,"vat_rate_bp":2000}],"number":"AV2-000003","reason":'
        '"Taille","returns":{"number":"CD2-000007","order_id":"order-1"},"seller":null,'
        '"staff_id":"gerant",'
        '"total_cents":-1990,"total_excl_cents":-1658,"vat":[{"excl_cents":-1658,"rate_bp":20'
        '00,"total_cents":-1990,"vat_cents":-332}]}'),
    'refund': (
        '{"amount_cents":-1990,"credit_note_id":"note-1","id":"ref-1","kind":"refund","method'
        '":"ESP","number":"CD2-000007","order_id":"order-1","staff_id":"gerant"}'),
    'cancellation': (
        '{"cancels":{"number":"CD2-000007","order_id":"order-1"},"kind":"cancellation","reaso'
        'n":"Erreur de tarif","staff_id":"gerant","total_cents":-2800,"total_excl_cents":-254'
        '5,"vat":[{"excl_cents":-2545,"rate_bp":1000,"total_cents":-2800,"vat_cents":-255}]}'),
    'z': (
        '{"cancellations":1,"cancelled_cents":2800,"cash":{"change_cents":0,"count":[[5000,2]'
        ',[2000,2],[100,10]],"counted_cents":14500,"expected_cents":14510,"float_cents":15000'
        ',"gap_cents":-10,"in_cents":500,"out_cents":1000,"refunded_cents":1990,"taken_cents"'
        ':2000},"grand_totals":{"period_cents":2000,"perpetual_absolute_cents":120000,"perpet'
        'ual_cents":90000},"kind":"z","methods":[{"counted_cents":2790,"expected_cents":2790,'
        '"method":"CB"},{"counted_cents":14500,"expected_cents":14510,"method":"ESP"}],"numbe'
        'r":5,"order_entries":{"first":12,"last":17},"orders":3,"payments":[{"method":"CB","n'
        'et_cents":2790,"refunded_cents":0,"taken_cents":2790},{"method":"ESP","net_cents":10'
        ',"refunded_cents":1990,"taken_cents":2000}],"period":{"from":"2026-07-10T18:00:00Z",'
        '"to":"2026-07-11T10:00:00Z"},"returned_cents":1990,"returns":1,"sales_cents":6790,"s'
        'ession":4,"staff_id":"gerant","takings_absolute_cents":11580,"takings_cents":2000,"v'
        'at":[{"excl_cents":0,"rate_bp":1000,"total_cents":0,"vat_cents":0},{"excl_cents":165'
        '8,"rate_bp":2000,"total_cents":1990,"vat_cents":332}]}'),
    'month': (
        '{"cash":{"counted_cents":44990,"expected_cents":45000,"gap_cents":-10},"grand_totals'
        '":{"period_cents":2000,"perpetual_absolute_cents":120000,"perpetual_cents":90000},"k'
        'ind":"month","label":"2026-07","number":2,"order_entries":{"first":4,"last":17},"ord'
        'ers":9,"parts":{"first":3,"kind":"z","last":5},"period":{"from":"2026-06-01T08:00:00'
        'Z","to":"2026-07-11T10:00:00Z"},"staff_id":"gerant"}'),
    'cash': (
        '{"amount_cents":500,"event":"cash_movement","kind":"in","reason":"Monnaie","staff_id'
        '":"caissier"}'),
    'z_event': (
        '{"event":"closure","gap_cents":-10,"kind":"z","number":5,"staff_id":"gerant"}'),
    'sign_in': (
        '{"event":"sign_in","staff_id":"caissier"}'),
    'sign_out': (
        '{"event":"sign_out","staff_id":"caissier"}'),
    'session': (
        '{"event":"session_opened","number":4,"staff_id":"caissier"}'),
}


def scenario() -> dict[str, Change]:
    """A sale paid in cash, paid the rest by card later, a line returned and refunded in
    cash, the rest cancelled; a Z and a month; cash put in, staff in and out, a session,
    a customer. Each change is made where the service makes it (the order moves on)."""
    lines = (BasketLine("p-poney", "Balade à poney", "std", "Adulte", 1400, 2,
                        VatRate.INTERMEDIATE),
             BasketLine("p-tshirt", "T-shirt « Lac »", "std", "Unique", 1990, 1,
                        VatRate.STANDARD))
    order = Order("order-1", format_order_number("CD2-", 7), 7, TILL.id, NOON, "caissier",
                  lines)
    order.take_payment(CASH, 2000, "pay-1", NOON, "caissier")
    changes: dict[str, Change] = {"sale": Frozen(Sold(order, TILL, None, VENUE))}
    later = order.take_payment(CARD, 2790, "pay-2", NOON, "caissier")
    changes["payment"] = Frozen(PaymentTaken(order, later))
    note = order.take_back([(1, 1)], "note-1", "AV2-000003", 3, TILL.id, NOON, "gerant",
                           "Taille")
    changes["return"] = Frozen(LinesReturned(order, note, None))
    refund = order.give_back([RefundRequest("ESP", 1990)], ["ref-1"], NOON, "gerant",
                             note.id)[0]
    changes["refund"] = Frozen(RefundGiven(order, refund))
    cancellation = order.cancel("gerant", NOON, "Erreur de tarif")
    changes["cancellation"] = Frozen(OrderCancelled(order, cancellation))
    reading = Reading(TILL.id, 4, datetime(2026, 7, 10, 18, 0, tzinfo=UTC), NOON,
                      Takings(3, 6790, 1, 2800, 1, 1990, (VatTotal(1000, 0, 0, 0),
                                                          VatTotal(2000, 1658, 332, 1990))),
                      (MethodTotal("CB", "Carte bancaire", False, 2790, 0),
                       MethodTotal("ESP", "Espèces", True, 2000, 1990)),
                      CashFigures(15000, 2000, 0, 500, 1000, 1990), 12, 17)
    totals = GrandTotals(2000, 90000, 120000)
    changes["z"] = ZClosed("z-1", 5, reading, "gerant", totals,
                           [("CB", 2790, 2790), ("ESP", 14510, 14500)], 14500,
                           CashCount(((5000, 2), (2000, 2), (100, 10))))
    changes["month"] = PeriodClosed("month-1", ClosureKind.MONTH, 2,
                                    datetime(2026, 6, 1, 8, 0, tzinfo=UTC), NOON, "2026-07",
                                    "gerant", ClosureKind.Z, 3, 5, 4, 17, 9, totals, 45000,
                                    44990)
    session = TillSession("session-4", TILL.id, NOON, "caissier", number=4)
    changes["cash"] = CashMoved("cash-1", CashMovementKind.IN, 500, "Monnaie", "caissier",
                                session, NOON)
    changes["sign_in"] = SignedIn("in-1", "caissier", TILL.id, NOON)
    changes["sign_out"] = SignedOut("out-1", "caissier", TILL.id, NOON)
    changes["session"] = SessionOpened(session)
    changes["customer"] = CustomerSaved(Customer("c-1", CustomerKind.PERSON, "Martin", "Léa",
                                                 "lea@example.org", None, "74000"))
    # A school's 201 places: the order's record carries 200 tickets, one more follows.
    group = Order("order-2", format_order_number("CD2-", 8), 8, TILL.id, NOON, "caissier",
                  (BasketLine("nocturne", "Nocturne", "std", "Scolaire", 1000, 201,
                              VatRate.INTERMEDIATE),))
    group.take_payment(CARD, 201000, "pay-3", NOON, "caissier")
    places = tuple(Ticket(f"R{unit:09d}", "order-2", group.number, 0, unit, "nocturne",
                          NOON, NOON + timedelta(hours=3), 1, "TK1:AAAA",
                          "0011223344556677", NOON, TILL.id) for unit in range(1, 202))
    changes["group_sale"] = Frozen(Sold(group, TILL, None, VENUE, places))
    changes["ticket_validated"] = TicketValidated(Validation(
        "val-1", "K7QM4XH92T", NOON, Outcome.VALIDATED, None, "controleur", TILL.id,
        "nocturne", "0011223344556677", "TK1:AAAA"))
    changes["ticket_refused"] = TicketRefused(Validation(
        "val-2", None, NOON, Outcome.REFUSED, "forged", "controleur", TILL.id))
    changes["ticket_voided"] = TicketVoided(Validation(
        "val-3", "K7QM4XH92T", NOON, Outcome.VOIDED, "Billet déchiré", "controleur",
        TILL.id))
    return changes


class Frozen(Change):
    """A change as it was when the service recorded it: the order it holds moves on."""

    __slots__ = ("_journaled", "_notes", "_sent")

    def __init__(self, change: Change) -> None:
        self._journaled = change.journaled()
        self._notes = change.notes(None)
        self._sent = change.sent(None)

    def journaled(self) -> Any:
        return self._journaled

    def notes(self, entry: JournalEntry | None) -> Any:
        return self._notes

    def sent(self, entry: JournalEntry | None) -> Any:
        return self._sent


CHANGES = scenario()

# name → (chain, amount, the kinds of records sent)
EXPECTED: dict[str, tuple[Chain | None, int, list[RecordKind]]] = {
    "sale": (Chain.ORDER, 4790, [RecordKind.ORDER_VALIDATED, RecordKind.PAYMENT_TAKEN]),
    "group_sale": (Chain.ORDER, 201000, [RecordKind.ORDER_VALIDATED,
                                         RecordKind.TICKETS_ISSUED, RecordKind.PAYMENT_TAKEN]),
    "payment": (Chain.ORDER, 0, [RecordKind.PAYMENT_TAKEN]),
    "return": (Chain.ORDER, -1990, [RecordKind.ORDER_RETURNED]),
    "refund": (Chain.ORDER, 0, [RecordKind.REFUND_GIVEN]),
    "cancellation": (Chain.ORDER, -2800, [RecordKind.ORDER_CANCELLED]),
    "z": (Chain.CLOSURE, 0, [RecordKind.CLOSURE_MADE]),
    "month": (Chain.CLOSURE, 0, [RecordKind.CLOSURE_MADE]),
    "cash": (Chain.EVENT, 0, [RecordKind.CASH_MOVED]),
    "sign_in": (Chain.EVENT, 0, [RecordKind.STAFF_SIGNED_IN]),
    "sign_out": (Chain.EVENT, 0, [RecordKind.STAFF_SIGNED_OUT]),
    "session": (Chain.EVENT, 0, [RecordKind.SESSION_OPENED]),
    "customer": (None, 0, [RecordKind.CUSTOMER_SAVED]),
    "ticket_validated": (None, 0, [RecordKind.TICKET_VALIDATED]),
    "ticket_refused": (None, 0, [RecordKind.TICKET_REFUSED]),
    "ticket_voided": (Chain.EVENT, 0, [RecordKind.TICKET_VOIDED]),
}


def test_the_record_kinds_are_the_contracts() -> None:
    assert [kind.value for kind in RecordKind] == [kind.value for kind in Kind]
    assert {kind for _chain, _amount, kinds in EXPECTED.values() for kind in kinds} == set(
        RecordKind)


def _with_jet_code(golden: str) -> str:
    """The golden body as written since event entries carry their JET code: the same
    fields, plus `jet` for an event (the one addition; docs/fiscal.md)."""
    body = json.loads(golden)
    if "event" in body:
        body["jet"] = JET_CODES[Event(body["event"])]
    return canonical_json(body)


@pytest.mark.parametrize("name", [name for name in EXPECTED if name in GOLDEN])
def test_journal_bodies_are_what_the_till_always_wrote(name: str) -> None:
    journaled = CHANGES[name].journaled()
    assert journaled is not None
    assert canonical_json(journaled.body) == _with_jet_code("".join(GOLDEN[name]))
    chain, amount, _kinds = EXPECTED[name]
    assert (journaled.chain, journaled.amount_cents) == (chain, amount)


def test_a_z_notes_its_gap_in_the_event_journal() -> None:
    (note,) = CHANGES["z"].notes(None)
    assert note.chain is Chain.EVENT
    assert canonical_json(note.body) == _with_jet_code(GOLDEN["z_event"])
    assert all(CHANGES[name].notes(None) == () for name in EXPECTED if name not in {"z", "month"})


def test_a_month_closure_is_noted_in_the_event_journal() -> None:
    (note,) = CHANGES["month"].notes(None)
    assert note.chain is Chain.EVENT
    assert note.body == {"event": "month_closure", "jet": 321, "label": "2026-07", "number": 2,
                         "parts": {"first": 3, "kind": "z", "last": 5},
                         "period_cents": 2000, "staff_id": "gerant"}


def test_a_customer_is_not_journaled() -> None:
    assert CHANGES["customer"].journaled() is None


def test_a_void_is_journaled_with_its_jet_code_and_entries_are_not() -> None:
    assert CHANGES["ticket_validated"].journaled() is None
    assert CHANGES["ticket_refused"].journaled() is None
    voided = CHANGES["ticket_voided"].journaled()
    assert voided is not None and voided.body == {
        "event": "ticket_voided", "jet": 420, "staff_id": "controleur",
        "reference": "K7QM4XH92T", "reason": "Billet déchiré"}
    (refused,) = CHANGES["ticket_refused"].sent(None)
    assert refused.aggregate_id == "val-2" and "reference" not in refused.payload
    (validated,) = CHANGES["ticket_validated"].sent(None)
    assert validated.aggregate_id == "K7QM4XH92T"
    assert validated.payload["token"] == "TK1:AAAA"


@pytest.mark.parametrize("name", list(EXPECTED))
def test_records_hold_what_the_contract_asks_of_their_kind(name: str) -> None:
    """Each record, in the envelope the pusher will send, reads as the protocol says."""
    sent = CHANGES[name].sent(None)
    assert [record.kind for record in sent] == EXPECTED[name][2]
    for seq, record in enumerate(sent, 1):
        envelope = parse_envelope({
            "record_id": "0196f3c0-0000-7000-8000-00000000000a", "till_id": TILL_ID,
            "till_seq": seq, "schema": SCHEMA_VERSION, "kind": record.kind.value,
            "aggregate_id": record.aggregate_id, "created_at": "2026-07-11T10:00:00Z",
            "journal": None, "payload": record.payload})
        assert envelope.kind == record.kind.value
        assert canonical_json(record.payload)  # integers, text and null only: JSON as is


def test_what_each_new_record_says() -> None:
    (cash,) = CHANGES["cash"].sent(None)
    assert cash.aggregate_id == "cash-1" and cash.payload == {
        "id": "cash-1", "kind": "in", "amount_cents": 500, "reason": "Monnaie",
        "staff_id": "caissier", "session_id": "session-4", "session_number": 4,
        "at": "2026-07-11T10:00:00+00:00"}
    (z,) = CHANGES["z"].sent(None)
    assert z.aggregate_id == "z-1"
    assert {key: z.payload[key] for key in ("id", "kind", "number", "session",
                                            "takings_cents", "cash_expected_cents",
                                            "cash_counted_cents", "cash_gap_cents")} == {
        "id": "z-1", "kind": "z", "number": 5, "session": 4, "takings_cents": 2000,
        "cash_expected_cents": 14510, "cash_counted_cents": 14500, "cash_gap_cents": -10}
    assert z.payload["grand_totals"] == {"period_cents": 2000, "perpetual_cents": 90000,
                                         "perpetual_absolute_cents": 120000}
    assert [p["method"] for p in z.payload["payments"]] == ["CB", "ESP"]
    assert len(z.payload["vat"]) == 2
    (month,) = CHANGES["month"].sent(None)
    assert (month.payload["kind"], month.payload["number"], month.payload["label"],
            month.payload["cash_gap_cents"]) == ("month", 2, "2026-07", -10)
    (customer,) = CHANGES["customer"].sent(None)
    assert customer.aggregate_id == "c-1" and customer.payload == {
        "id": "c-1", "kind": "person", "name": "Martin", "first_name": "Léa",
        "email": "lea@example.org", "phone": None, "postal_code": "74000"}
    (signed_in,) = CHANGES["sign_in"].sent(None)
    (signed_out,) = CHANGES["sign_out"].sent(None)
    assert signed_in.aggregate_id == "in-1" and signed_out.aggregate_id == "out-1"
    assert signed_in.payload == {"id": "in-1", "staff_id": "caissier", "till_id": "till-1",
                                 "at": "2026-07-11T10:00:00+00:00"}
    (session,) = CHANGES["session"].sent(None)
    assert session.aggregate_id == "session-4" and session.payload == {
        "id": "session-4", "number": 4, "till_id": "till-1",
        "opened_at": "2026-07-11T10:00:00+00:00", "staff_id": "caissier"}


def test_a_groups_tickets_beyond_two_hundred_follow_their_order() -> None:
    validated, issued, _paid = CHANGES["group_sale"].sent(None)
    assert [ticket["unit"] for ticket in validated.payload["tickets"]] == list(range(1, 201))
    assert issued.aggregate_id == "order-2" and issued.payload["order_id"] == "order-2"
    assert issued.payload["number"] == validated.payload["number"]
    assert [ticket["unit"] for ticket in issued.payload["tickets"]] == [201]
    (plain, _paid) = CHANGES["sale"].sent(None)  # no admission: no tickets at all
    assert "tickets" not in plain.payload
