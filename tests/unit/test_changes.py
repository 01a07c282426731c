"""Each change's journal body and outbox record, built side by side (services/changes.py).

The bodies are signed fiscal records: `GOLDEN` holds, byte for byte, what the till wrote
for each kind before changes.py built them (docs/fiscal.md; archived stores hold them),
and must never change. The records hold what `sync.contract` asks of their kind.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from pos_app.domain.basket import BasketLine
from pos_app.domain.journal import Chain, JournalEntry, canonical_json
from pos_app.domain.order import Order, RefundRequest, format_order_number
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.till import Till
from pos_app.domain.vat import VatRate
from pos_app.services.changes import (
    Change,
    LinesReturned,
    OrderCancelled,
    PaymentTaken,
    RecordKind,
    RefundGiven,
    Sold,
)
from sync.contract import SCHEMA_VERSION, Kind, parse_envelope

NOON = datetime(2026, 7, 11, 10, 0, tzinfo=UTC)
CASH = PaymentMethod("ESP", "Espèces", gives_change=True, opens_drawer=True)
CARD = PaymentMethod("CB", "Carte bancaire")
TILL = Till("till-1", "2", "Caisse accueil", "Accueil", "CD2-")
TILL_ID = "0196f3c0-0000-7000-8000-000000000001"  # the envelope wants a UUID

# What the till journaled for the scenario below before changes.py: never to change.
GOLDEN = {
    'sale': (
        '{"kind":"sale","lines":[{"label":"Balade à poney","price_label":"Adulte","quantity":'
        '2,"total_cents":2800,"total_excl_cents":2545,"unit_price_cents":1400,"vat_rate_bp":1'
        '000},{"label":"T-shirt « Lac »","price_label":"Unique","quantity":1,"total_cents":19'
        '90,"total_excl_cents":1658,"unit_price_cents":1990,"vat_rate_bp":2000}],"number":"CD'
        '2-000007","order_id":"order-1","payments":[{"amount_cents":2000,"change_cents":0,"id'
        '":"pay-1","method":"ESP"}],"staff_id":"caissier","till":{"code":"2","id":"till-1","n'
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
        '"Taille","returns":{"number":"CD2-000007","order_id":"order-1"},"staff_id":"gerant",'
        '"total_cents":-1990,"total_excl_cents":-1658,"vat":[{"excl_cents":-1658,"rate_bp":20'
        '00,"total_cents":-1990,"vat_cents":-332}]}'),
    'refund': (
        '{"amount_cents":-1990,"credit_note_id":"note-1","id":"ref-1","kind":"refund","method'
        '":"ESP","number":"CD2-000007","order_id":"order-1","staff_id":"gerant"}'),
    'cancellation': (
        '{"cancels":{"number":"CD2-000007","order_id":"order-1"},"kind":"cancellation","reaso'
        'n":"Erreur de tarif","staff_id":"gerant","total_cents":-2800,"total_excl_cents":-254'
        '5,"vat":[{"excl_cents":-2545,"rate_bp":1000,"total_cents":-2800,"vat_cents":-255}]}'),
}


def scenario() -> dict[str, Change]:
    """A sale paid in cash, paid the rest by card later, a line returned and refunded in
    cash, the rest cancelled. Each change is made where the service makes it (the order
    moves on)."""
    lines = (BasketLine("p-poney", "Balade à poney", "std", "Adulte", 1400, 2,
                        VatRate.INTERMEDIATE),
             BasketLine("p-tshirt", "T-shirt « Lac »", "std", "Unique", 1990, 1,
                        VatRate.STANDARD))
    order = Order("order-1", format_order_number("CD2-", 7), 7, TILL.id, NOON, "caissier",
                  lines)
    order.take_payment(CASH, 2000, "pay-1", NOON, "caissier")
    changes: dict[str, Change] = {"sale": Frozen(Sold(order, TILL, None))}
    later = order.take_payment(CARD, 2790, "pay-2", NOON, "caissier")
    changes["payment"] = Frozen(PaymentTaken(order, later))
    note = order.take_back([(1, 1)], "note-1", "AV2-000003", 3, TILL.id, NOON, "gerant",
                           "Taille")
    changes["return"] = Frozen(LinesReturned(order, note))
    refund = order.give_back([RefundRequest("ESP", 1990)], ["ref-1"], NOON, "gerant",
                             note.id)[0]
    changes["refund"] = Frozen(RefundGiven(order, refund))
    cancellation = order.cancel("gerant", NOON, "Erreur de tarif")
    changes["cancellation"] = Frozen(OrderCancelled(order, cancellation))
    return changes


class Frozen(Change):
    """A change as it was when the service recorded it: the order it holds moves on."""

    __slots__ = ("_journaled", "_notes", "_sent")

    def __init__(self, change: Change) -> None:
        self._journaled = change.journaled()
        self._notes = change.notes()
        self._sent = change.sent(None)

    def journaled(self) -> Any:
        return self._journaled

    def notes(self) -> Any:
        return self._notes

    def sent(self, entry: JournalEntry | None) -> Any:
        return self._sent


CHANGES = scenario()

# name → (chain, amount, the kinds of records sent)
EXPECTED: dict[str, tuple[Chain | None, int, list[RecordKind]]] = {
    "sale": (Chain.ORDER, 4790, [RecordKind.ORDER_VALIDATED, RecordKind.PAYMENT_TAKEN]),
    "payment": (Chain.ORDER, 0, [RecordKind.PAYMENT_TAKEN]),
    "return": (Chain.ORDER, -1990, [RecordKind.ORDER_RETURNED]),
    "refund": (Chain.ORDER, 0, [RecordKind.REFUND_GIVEN]),
    "cancellation": (Chain.ORDER, -2800, [RecordKind.ORDER_CANCELLED]),
}


def test_the_record_kinds_are_the_contracts() -> None:
    assert [kind.value for kind in RecordKind] == [kind.value for kind in Kind]


@pytest.mark.parametrize("name", [name for name in EXPECTED if name in GOLDEN])
def test_journal_bodies_are_what_the_till_always_wrote(name: str) -> None:
    journaled = CHANGES[name].journaled()
    assert journaled is not None
    assert canonical_json(journaled.body) == "".join(GOLDEN[name])
    chain, amount, _kinds = EXPECTED[name]
    assert (journaled.chain, journaled.amount_cents) == (chain, amount)


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
