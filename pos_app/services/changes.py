"""One state change, one event: its fiscal journal entry and its outbox record, both
derived from it, in the caller's transaction, by `record_change` (docs/sync.md).

Each kind of change is a small frozen type holding what the change is (the order and
its payments, the cancellation, the credit note, the refund, the cash movement, the
closure, the customer, the sign-in…). It says what the journal writes (`journaled`: the
chain, the body, the amount) and what the server is sent (`sent`: the record's kind,
aggregate id and payload); the two are built side by side here, per kind, so that they
cannot drift apart, and no service assembles either by hand (a test checks that no
other module adds to the outbox or writes these entries).

Journal bodies are signed fiscal records (docs/fiscal.md): a kind already journaled
never loses nor changes a key, it may only gain one that its readers do without in the
entries of earlier stores (a sale's and a return's `seller`; an event's JET code, `jet`).
Payloads are JSON with amounts in integer cents and VAT rates in basis points, and hold
at least the fields `sync.contract.PAYLOAD_FIELDS` lists for their kind (the services
never import `sync`: the tests hold them to it).

Signing in records a change, so this module loads with the first sign-in: the order,
customer and closure types it names are for the type checker only.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pos_app.domain.journal import Chain, Event, JournalEntry, journal_time, order_chain
from pos_app.domain.vat import split_vat
from pos_app.services.journal import append, event_body
from pos_app.services.ports import OutboxRecord

if TYPE_CHECKING:
    from pos_app.domain.basket import BasketLine
    from pos_app.domain.closure import (
        CashCount,
        CashMovementKind,
        ClosureKind,
        GrandTotals,
        Reading,
    )
    from pos_app.domain.customer import Customer
    from pos_app.domain.discount import BasketDiscount
    from pos_app.domain.gate import Validation
    from pos_app.domain.order import Cancellation, CreditNote, Order, Refund
    from pos_app.domain.payment import Payment
    from pos_app.domain.receipt import Venue
    from pos_app.domain.ticket import Ticket
    from pos_app.domain.till import Till, TillSession
    from pos_app.domain.vat import VatLine
    from pos_app.services.ports import Signer, UnitOfWork


class RecordKind(StrEnum):
    """What an outbox record says: the values of `sync.contract.Kind` (a test checks
    they are the same), named here because the services do not import `sync`."""

    ORDER_VALIDATED = "order.validated"
    PAYMENT_TAKEN = "payment.taken"
    ORDER_CANCELLED = "order.cancelled"
    ORDER_RETURNED = "order.returned"
    REFUND_GIVEN = "refund.given"
    CASH_MOVED = "cash.moved"
    CLOSURE_MADE = "closure.made"
    CUSTOMER_SAVED = "customer.saved"
    STAFF_SIGNED_IN = "staff.signed_in"
    STAFF_SIGNED_OUT = "staff.signed_out"
    SESSION_OPENED = "session.opened"
    TICKET_VALIDATED = "ticket.validated"
    TICKET_REFUSED = "ticket.refused"
    TICKET_VOIDED = "ticket.voided"
    TICKETS_ISSUED = "tickets.issued"


# Tickets one record carries: about 90 KiB of JSON, well within a record's 256 KiB (a
# school's 600 places would not fit in one).
TICKETS_PER_RECORD = 200


@dataclass(frozen=True, slots=True)
class Journaled:
    """What a change writes in the journal: the chain, the body, what it adds to the
    takings (0 for most)."""

    chain: Chain
    body: dict[str, Any]
    amount_cents: int = 0


@dataclass(frozen=True, slots=True)
class Sent:
    """What a change tells the server: one outbox record, before it names its entry."""

    kind: RecordKind
    aggregate_id: str
    payload: dict[str, Any]


class Change(ABC):
    """One state change of the till."""

    __slots__ = ()

    @abstractmethod
    def journaled(self) -> Journaled | None:
        """The journal entry recording the change (None: the journal does not hold it)."""

    def notes(self, entry: JournalEntry | None) -> tuple[Journaled, ...]:
        """Entries the same change adds to the event journal after its own (a Z's);
        `entry` is its own entry, just written."""
        return ()

    @abstractmethod
    def sent(self, entry: JournalEntry | None) -> list[Sent]:
        """The outbox records of the change; `entry` is its journal entry just written."""


def record_change(uow: UnitOfWork, signer: Signer, till_id: str, at: datetime,
                  change: Change) -> JournalEntry | None:
    """Write `change` in `uow`'s transaction: its journal entry, the event journal's
    notes of it, then its outbox records, each naming that entry. A change journaled
    in the training chain is never sent: training stays on the till. Returns the entry
    (None for a change the journal does not hold)."""
    journaled = change.journaled()
    entry = None if journaled is None else append(
        uow, signer, till_id, journaled.chain, at, journaled.body, journaled.amount_cents)
    for note in change.notes(entry):
        append(uow, signer, till_id, note.chain, at, note.body, note.amount_cents)
    if journaled is not None and journaled.chain is Chain.TRAINING:
        return entry
    records = [OutboxRecord(sent.kind.value, sent.aggregate_id, sent.payload, entry)
               for sent in change.sent(entry)]
    if records:
        uow.outbox.add(records, at)
    return entry


# -- a sale: the order chain's `sale`; order.validated and a payment.taken per payment ----


def sale_body(order: Order, till: Till, venue: Venue | None) -> dict[str, Any]:
    """What French law lists for a sale: the seller as it was then, number, till, lines
    (label, quantity, unit price, VAT rate, amount without VAT), amount without VAT and
    VAT per rate, total, and how it was paid. The time is the entry's own, to the
    second. Receipts are made from this entry (services/receipts.py)."""
    vat = order.vat()
    return {
        "kind": "sale",
        "order_id": order.id,
        "number": order.number,
        "seller": seller_body(venue),
        "till": {"id": till.id, "code": till.code, "name": till.name,
                 "point_of_sale": till.point_of_sale},
        "staff_id": order.staff_id,
        "lines": [_law_line(line) for line in order.lines],
        **order_discount_body(order.discount),
        "vat": _law_vat(vat),
        "total_excl_cents": sum(line.excl_cents for line in vat),
        "total_cents": order.total_cents,
        "payments": [_law_payment(payment) for payment in order.payments],
    }


def order_payload(order: Order, payer: Customer | None = None,
                  till: Till | None = None) -> dict[str, Any]:
    """What `order.validated` says: the order as validated, which never changes after,
    and the till that sold it (other tills show it, docs/sync.md "Orders in the feed"). Payments
    and a cancellation are records of their own."""
    return {
        "id": order.id,
        "number": order.number,
        "sequence": order.sequence,
        "till_id": order.till_id,
        **({} if till is None else {"till": {
            "code": till.code, "name": till.name, "point_of_sale": till.point_of_sale,
            "order_prefix": till.order_prefix}}),
        "created_at": order.created_at.isoformat(),
        "staff_id": order.staff_id,
        "payer": None if payer is None else {
            "id": payer.id, "kind": payer.kind.value, "name": payer.name,
            "first_name": payer.first_name,
        },
        "lines": [_line(line) for line in order.lines],
        **order_discount_body(order.discount),
        "vat": _vat(order.vat()),
        "total_cents": order.total_cents,
        # Only when the till asked (R12): other orders' records as they were.
        **({} if order.postal_code is None else {"postal_code": order.postal_code}),
    }


@dataclass(frozen=True, slots=True)
class Sold(Change):
    """An order validated with the payments taken with it. The sale's entry lists them;
    each is also a `payment.taken` of its own, as when paid later, naming that entry."""

    order: Order
    till: Till
    payer: Customer | None
    venue: Venue | None  # the seller, as the sale's entry names it
    tickets: tuple[Ticket, ...] = ()  # issued with it: the record carries them

    def journaled(self) -> Journaled:
        return Journaled(order_chain(self.order.training),
                         sale_body(self.order, self.till, self.venue), self.order.total_cents)

    def sent(self, entry: JournalEntry | None) -> list[Sent]:
        order = self.order
        payload = order_payload(order, self.payer, self.till)
        parts = [[ticket_payload(ticket) for ticket in self.tickets[start:start + size]]
                 for start, size in _parts(len(self.tickets))]
        if parts:  # only a sale of admissions: other sales' records as they were
            payload["tickets"] = parts[0]
        # A large group's further tickets follow in records of their own, after the sale's.
        return [Sent(RecordKind.ORDER_VALIDATED, order.id, payload),
                *(Sent(RecordKind.TICKETS_ISSUED, order.id,
                       {"order_id": order.id, "number": order.number, "tickets": part})
                  for part in parts[1:]),
                *(Sent(RecordKind.PAYMENT_TAKEN, payment.id, payment_payload(order, payment))
                  for payment in order.payments)]


def _parts(count: int) -> list[tuple[int, int]]:
    return [(start, min(TICKETS_PER_RECORD, count - start))
            for start in range(0, count, TICKETS_PER_RECORD)]


def ticket_payload(ticket: Ticket) -> dict[str, Any]:
    """A ticket as `order.validated` carries it: what a device that never saw its sale
    needs to check it (docs/sync.md, "Admission tickets")."""
    return {"reference": ticket.reference, "line": ticket.line_position, "unit": ticket.unit,
            "product_id": ticket.product_id, "valid_from": ticket.valid_from.isoformat(),
            "valid_until": ticket.valid_until.isoformat(),
            "entries_allowed": ticket.entries_allowed, "key_id": ticket.key_id,
            "token": ticket.token}


def _revoked(references: tuple[str, ...]) -> dict[str, Any]:
    """The tickets a correction revoked, as its record says them (only when it did)."""
    return {"revoked_tickets": list(references)} if references else {}


# -- a payment taken later: the order chain's `payment`; payment.taken ----------------------


def payment_body(order: Order, payment: Payment) -> dict[str, Any]:
    """A payment taken after the sale: it settles, it adds nothing to the takings."""
    return {"kind": "payment", "order_id": order.id, "number": order.number,
            "staff_id": payment.staff_id, **_law_payment(payment)}


def payment_payload(order: Order, payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.id,
        "order_id": order.id,
        "order_number": order.number,
        "method": payment.method_code,
        "amount_cents": payment.amount_cents,
        "change_cents": payment.change_cents,
        "taken_at": payment.taken_at.isoformat(),
        "staff_id": payment.staff_id,
    }


@dataclass(frozen=True, slots=True)
class PaymentTaken(Change):
    order: Order
    payment: Payment

    def journaled(self) -> Journaled:
        return Journaled(order_chain(self.order.training),
                         payment_body(self.order, self.payment))

    def sent(self, entry: JournalEntry | None) -> list[Sent]:
        return [Sent(RecordKind.PAYMENT_TAKEN, self.payment.id,
                     payment_payload(self.order, self.payment))]


# -- a cancellation: the order chain's `cancellation`; order.cancelled ----------------------


def cancellation_body(order: Order, cancellation: Cancellation) -> dict[str, Any]:
    """A correction: what the sale still was worth (its returns aside), negative,
    pointing at the sale it cancels."""
    vat = order.remaining_vat()
    return {
        "kind": "cancellation",
        "cancels": {"order_id": order.id, "number": order.number},
        "staff_id": cancellation.by_staff_id,
        "reason": cancellation.reason,
        "vat": _law_vat(vat, -1),
        "total_excl_cents": -sum(line.excl_cents for line in vat),
        "total_cents": -order.cancelled_cents,
    }


def cancellation_payload(order: Order, cancellation: Cancellation) -> dict[str, Any]:
    return {
        "order_id": order.id,
        "order_number": order.number,
        "by_staff_id": cancellation.by_staff_id,
        "at": cancellation.at.isoformat(),
        "reason": cancellation.reason,
        "cancelled_cents": order.cancelled_cents,
    }


@dataclass(frozen=True, slots=True)
class OrderCancelled(Change):
    """What the order's returns left of it, taken off the takings. Its refunds are
    changes of their own."""

    order: Order
    cancellation: Cancellation
    revoked: tuple[str, ...] = ()  # the references of the tickets it revoked

    def journaled(self) -> Journaled:
        return Journaled(order_chain(self.order.training),
                         cancellation_body(self.order, self.cancellation),
                         -self.order.cancelled_cents)

    def sent(self, entry: JournalEntry | None) -> list[Sent]:
        return [Sent(RecordKind.ORDER_CANCELLED, self.order.id,
                     {**cancellation_payload(self.order, self.cancellation),
                      **_revoked(self.revoked)})]


# -- a return (credit note): the order chain's `return`; order.returned ---------------------


def return_body(order: Order, note: CreditNote, venue: Venue | None) -> dict[str, Any]:
    """A return (credit note, a document of its own): the seller as it was then, the
    lines taken back and their VAT, negative, pointing at the sale and at its lines."""
    vat = note.vat()
    return {
        "kind": "return",
        "credit_note_id": note.id,
        "number": note.number,
        "returns": {"order_id": order.id, "number": order.number},
        "seller": seller_body(venue),
        "staff_id": note.staff_id,
        "reason": note.reason,
        "lines": [{"order_line": item.position, **_law_line(item.line, -1)}
                  for item in note.lines],
        "vat": _law_vat(vat, -1),
        "total_excl_cents": -sum(line.excl_cents for line in vat),
        "total_cents": -note.total_cents,
    }


def credit_note_payload(order: Order, note: CreditNote) -> dict[str, Any]:
    """What `order.returned` says: a credit note, which never changes after."""
    return {
        "id": note.id,
        "number": note.number,
        "order_id": order.id,
        "order_number": order.number,
        "till_id": note.till_id,
        "created_at": note.created_at.isoformat(),
        "staff_id": note.staff_id,
        "reason": note.reason,
        "lines": [{"order_line": item.position, **_line(item.line)} for item in note.lines],
        "vat": _vat(note.vat()),
        "total_cents": note.total_cents,
    }


@dataclass(frozen=True, slots=True)
class LinesReturned(Change):
    """A credit note, taken off the takings. Its refunds are changes of their own."""

    order: Order
    note: CreditNote
    venue: Venue | None  # the seller, as the credit note's entry names it
    revoked: tuple[str, ...] = ()  # the references of the tickets it revoked

    def journaled(self) -> Journaled:
        return Journaled(order_chain(self.order.training),
                         return_body(self.order, self.note, self.venue),
                         -self.note.total_cents)

    def sent(self, entry: JournalEntry | None) -> list[Sent]:
        return [Sent(RecordKind.ORDER_RETURNED, self.note.id,
                     {**credit_note_payload(self.order, self.note), **_revoked(self.revoked)})]


# -- a refund: the order chain's `refund`; refund.given ------------------------------------


def refund_body(order: Order, refund: Refund) -> dict[str, Any]:
    """Money given back: negative, in its method, for a return or a cancellation. It
    changes no takings (the return or cancellation did), only what was paid."""
    return {"kind": "refund", "id": refund.id, "order_id": order.id,
            "number": order.number, "credit_note_id": refund.credit_note_id,
            **({"excess": True} if refund.excess else {}),
            "staff_id": refund.staff_id, "method": refund.method_code,
            "amount_cents": -refund.amount_cents}


def refund_payload(order: Order, refund: Refund) -> dict[str, Any]:
    """What `refund.given` says: money given back, in one method (a positive amount)."""
    return {
        "id": refund.id,
        "order_id": order.id,
        "order_number": order.number,
        "credit_note_id": refund.credit_note_id,
        "excess": refund.excess,
        "method": refund.method_code,
        "amount_cents": refund.amount_cents,
        "at": refund.at.isoformat(),
        "staff_id": refund.staff_id,
    }


@dataclass(frozen=True, slots=True)
class RefundGiven(Change):
    order: Order
    refund: Refund

    def journaled(self) -> Journaled:
        return Journaled(order_chain(self.order.training), refund_body(self.order, self.refund))

    def sent(self, entry: JournalEntry | None) -> list[Sent]:
        return [Sent(RecordKind.REFUND_GIVEN, self.refund.id,
                     refund_payload(self.order, self.refund))]


# -- cash put in or taken out: the event journal's `cash_movement`; cash.moved -------------


@dataclass(frozen=True, slots=True)
class CashMoved(Change):
    """The opening float, an apport or a retrait, in `session`'s drawer."""

    id: str
    kind: CashMovementKind
    amount_cents: int
    reason: str
    staff_id: str
    session: TillSession
    at: datetime

    def journaled(self) -> Journaled:
        return Journaled(Chain.EVENT, event_body(
            Event.CASH_MOVEMENT, self.staff_id, kind=self.kind.value,
            amount_cents=self.amount_cents, reason=self.reason))

    def sent(self, entry: JournalEntry | None) -> list[Sent]:
        return [Sent(RecordKind.CASH_MOVED, self.id, {
            "id": self.id, "kind": self.kind.value, "amount_cents": self.amount_cents,
            "reason": self.reason, "staff_id": self.staff_id,
            "session_id": self.session.id, "session_number": self.session.number,
            "at": self.at.isoformat()})]


# -- closures: the closure chain's Z, month and year; closure.made -------------------------


def z_body(reading: Reading, number: int, staff_id: str, totals: GrandTotals,
           methods: list[tuple[str, int, int]], counted: int,
           count: CashCount | None, gap_reason: str = "") -> dict[str, Any]:
    """A Z's figures as the closure chain holds them (docs/fiscal.md)."""
    cash, takings = reading.cash, reading.takings
    body = {
        "kind": "z",
        "number": number,
        "session": reading.session,
        "period": _period(reading.period_start, reading.period_end),
        "staff_id": staff_id,
        "order_entries": {"first": reading.first_entry, "last": reading.last_entry},
        "orders": takings.orders,
        "sales_cents": takings.sales_cents,
        "cancellations": takings.cancellations,
        "cancelled_cents": takings.cancelled_cents,
        "returns": takings.returns,
        "returned_cents": takings.returned_cents,
        "vat": [{"rate_bp": v.rate_bp, "excl_cents": v.excl_cents, "vat_cents": v.vat_cents,
                 "total_cents": v.total_cents} for v in reading.vat],
        "takings_cents": reading.takings_cents,
        "takings_absolute_cents": reading.takings_absolute_cents,
        "grand_totals": _totals(totals),
        "methods": [{"method": code, "expected_cents": expected, "counted_cents": found}
                    for code, expected, found in methods],
        "payments": [{"method": m.method_code, "taken_cents": m.taken_cents,
                      "refunded_cents": m.refunded_cents, "net_cents": m.net_cents}
                     for m in reading.methods],
        "cash": {"float_cents": cash.float_cents, "taken_cents": cash.taken_cents,
                 "change_cents": cash.change_cents, "in_cents": cash.in_cents,
                 "out_cents": cash.out_cents, "refunded_cents": cash.refunded_cents,
                 "expected_cents": cash.expected_cents, "counted_cents": counted,
                 "gap_cents": counted - cash.expected_cents,
                 "count": None if count is None else [list(pair) for pair in count.quantities]},
    }
    if gap_reason:  # said only when given: a Z's body before reasons existed is the same
        body["gap_reason"] = gap_reason
    if reading.heads:  # every chain's head before the Z: a later cut no longer reaches it
        body["heads"] = [{"chain": head.chain, "number": head.number, "hash": head.hash}
                         for head in reading.heads]
    if reading.acknowledged:  # an enrolled till: the server's word on its journal
        body["server_acknowledged"] = [
            {"chain": ack.chain, "number": ack.number, "hash": ack.hash,
             "at": None if ack.acknowledged_at is None else journal_time(ack.acknowledged_at),
             "flagged": ack.flagged} for ack in reading.acknowledged]
    return body


def closure_payload(closure_id: str, body: dict[str, Any], expected: int, counted: int,
                    entry: JournalEntry | None) -> dict[str, Any]:
    """What `closure.made` says: the closure's id and every figure of its entry, the cash
    expected, counted and the gap at the top, and the number of its entry in the closure
    chain (as the closures table keeps it)."""
    return {"id": closure_id, **body, "cash_expected_cents": expected,
            "cash_counted_cents": counted, "cash_gap_cents": counted - expected,
            "journal_number": None if entry is None else entry.number}


@dataclass(frozen=True, slots=True)
class ZClosed(Change):
    """A Z: its figures in the closure chain, noted in the event journal with its gap."""

    closure_id: str
    number: int
    reading: Reading
    staff_id: str
    totals: GrandTotals
    methods: list[tuple[str, int, int]]  # (method, expected, counted)
    counted_cents: int
    count: CashCount | None
    gap_reason: str = ""  # why the counted cash differs from the expected, when said

    def journaled(self) -> Journaled:
        return Journaled(Chain.CLOSURE, z_body(self.reading, self.number, self.staff_id,
                                               self.totals, self.methods, self.counted_cents,
                                               self.count, self.gap_reason))

    def notes(self, entry: JournalEntry | None) -> tuple[Journaled, ...]:
        # The note names the Z's entry: the event journal then witnesses the closure
        # chain's head, as the Z witnesses every chain's (`z_entry` sorts after "event",
        # which stays the body's first key).
        witness: dict[str, Any] = {} if entry is None else {
            "z_entry": {"number": entry.number, "hash": entry.hash}}
        if self.gap_reason:
            witness["gap_reason"] = self.gap_reason
        return (Journaled(Chain.EVENT, event_body(
            Event.CLOSURE, self.staff_id, kind="z", number=self.number,
            gap_cents=self.counted_cents - self.reading.expected_cash_cents, **witness)),)

    def sent(self, entry: JournalEntry | None) -> list[Sent]:
        return [Sent(RecordKind.CLOSURE_MADE, self.closure_id, closure_payload(
            self.closure_id, self.journaled().body, self.reading.expected_cash_cents,
            self.counted_cents, entry))]


@dataclass(frozen=True, slots=True)
class PeriodClosed(Change):
    """A monthly (yearly) closure: the Zs (months) from `first_part` to `last_part`."""

    closure_id: str
    kind: ClosureKind
    number: int
    start: datetime | None
    end: datetime
    label: str
    staff_id: str
    part_kind: ClosureKind
    first_part: int
    last_part: int
    first_entry: int
    last_entry: int
    orders: int
    totals: GrandTotals
    expected_cents: int
    counted_cents: int
    # Its parts' figures summed (domain/closure_checks.py `summed_figures`): sales,
    # cancellations and returns apart, VAT per rate, money per method.
    figures: dict[str, Any] | None = None

    def journaled(self) -> Journaled:
        return Journaled(Chain.CLOSURE, {
            **(self.figures or {}),
            "kind": self.kind.value, "number": self.number,
            "period": _period(self.start, self.end), "staff_id": self.staff_id,
            "label": self.label,
            "parts": {"kind": self.part_kind.value, "first": self.first_part,
                      "last": self.last_part},
            "order_entries": {"first": self.first_entry, "last": self.last_entry},
            "orders": self.orders, "grand_totals": _totals(self.totals),
            "cash": {"expected_cents": self.expected_cents,
                     "counted_cents": self.counted_cents,
                     "gap_cents": self.counted_cents - self.expected_cents}})

    def notes(self, entry: JournalEntry | None) -> tuple[Journaled, ...]:
        event = Event.YEAR_CLOSURE if self.kind.value == "year" else Event.MONTH_CLOSURE
        return (Journaled(Chain.EVENT, event_body(
            event, self.staff_id, number=self.number, label=self.label,
            parts={"kind": self.part_kind.value, "first": self.first_part,
                   "last": self.last_part},
            period_cents=self.totals.period_cents)),)

    def sent(self, entry: JournalEntry | None) -> list[Sent]:
        return [Sent(RecordKind.CLOSURE_MADE, self.closure_id, closure_payload(
            self.closure_id, self.journaled().body, self.expected_cents, self.counted_cents,
            entry))]


def _period(start: datetime | None, end: datetime) -> dict[str, str | None]:
    return {"from": None if start is None else journal_time(start), "to": journal_time(end)}


def _totals(totals: GrandTotals) -> dict[str, int]:
    return {"period_cents": totals.period_cents, "perpetual_cents": totals.perpetual_cents,
            "perpetual_absolute_cents": totals.perpetual_absolute_cents}


# -- a customer saved: not journaled; customer.saved ---------------------------------------


@dataclass(frozen=True, slots=True)
class CustomerSaved(Change):
    """A customer created (or changed) at the till. Customers are no fiscal record: the
    journal holds none, the record names no entry."""

    customer: Customer

    def journaled(self) -> None:
        return None

    def sent(self, entry: JournalEntry | None) -> list[Sent]:
        customer = self.customer
        data = {"id": customer.id, "kind": customer.kind.value, "name": customer.name,
                "first_name": customer.first_name, "email": customer.email,
                "phone": customer.phone, "postal_code": customer.postal_code}
        if customer.card_code is not None:  # a membership card given at the till
            data["card_code"] = customer.card_code
        return [Sent(RecordKind.CUSTOMER_SAVED, customer.id, data)]


# -- staff signing in and out, a session opened: the event journal; staff.*, session.* -----


@dataclass(frozen=True, slots=True)
class SignedIn(Change):
    """Staff signed in at the till. `id` names this sign-in alone: each is a record of
    its own, however often the same staff sign in."""

    id: str
    staff_id: str
    till_id: str
    at: datetime

    def journaled(self) -> Journaled:
        return Journaled(Chain.EVENT, event_body(Event.SIGN_IN, self.staff_id))

    def sent(self, entry: JournalEntry | None) -> list[Sent]:
        return [Sent(RecordKind.STAFF_SIGNED_IN, self.id, _staff_payload(self))]


@dataclass(frozen=True, slots=True)
class SignedOut(Change):
    """Staff handed the till over; `id` names this sign-out alone."""

    id: str
    staff_id: str
    till_id: str
    at: datetime

    def journaled(self) -> Journaled:
        return Journaled(Chain.EVENT, event_body(Event.SIGN_OUT, self.staff_id))

    def sent(self, entry: JournalEntry | None) -> list[Sent]:
        return [Sent(RecordKind.STAFF_SIGNED_OUT, self.id, _staff_payload(self))]


def _staff_payload(change: SignedIn | SignedOut) -> dict[str, Any]:
    return {"id": change.id, "staff_id": change.staff_id, "till_id": change.till_id,
            "at": change.at.isoformat()}


@dataclass(frozen=True, slots=True)
class SessionOpened(Change):
    """The till opened a new session (its day), numbered after the last one."""

    session: TillSession

    def journaled(self) -> Journaled:
        return Journaled(Chain.EVENT, event_body(Event.SESSION_OPENED, self.session.opened_by,
                                                 number=self.session.number))

    def sent(self, entry: JournalEntry | None) -> list[Sent]:
        session = self.session
        return [Sent(RecordKind.SESSION_OPENED, session.id, {
            "id": session.id, "number": session.number, "till_id": session.till_id,
            "opened_at": session.opened_at.isoformat(), "staff_id": session.opened_by})]


# -- the ticket gate (R11): ticket.validated, ticket.refused; ticket.voided, journaled ----


@dataclass(frozen=True, slots=True)
class TicketValidated(Change):
    """An entry let in at this till's gate. No fiscal record: the journal holds none."""

    validation: Validation

    def journaled(self) -> None:
        return None

    def sent(self, entry: JournalEntry | None) -> list[Sent]:
        act = self.validation
        assert act.reference is not None and act.token is not None
        return [Sent(RecordKind.TICKET_VALIDATED, act.reference, {
            "id": act.id, "reference": act.reference, "at": act.at.isoformat(),
            "staff_id": act.staff_id, "token": act.token, "till_id": act.till_id,
            "product_id": act.product_id, "key_id": act.key_id})]


@dataclass(frozen=True, slots=True)
class TicketRefused(Change):
    """A refusal at this till's gate (R11: refusals are kept and counted)."""

    validation: Validation

    def journaled(self) -> None:
        return None

    def sent(self, entry: JournalEntry | None) -> list[Sent]:
        act = self.validation
        data: dict[str, Any] = {"id": act.id, "at": act.at.isoformat(),
                                "reason": act.reason or "", "staff_id": act.staff_id,
                                "till_id": act.till_id}
        if act.reference is not None:
            data["reference"] = act.reference
        if act.token is not None:
            data["token"] = act.token
        return [Sent(RecordKind.TICKET_REFUSED, act.reference or act.id, data)]


@dataclass(frozen=True, slots=True)
class TicketVoided(Change):
    """A ticket voided by a checker or a manager: final, journaled in the event journal
    (a ticket is a document a visitor paid for: destroying it is traced)."""

    validation: Validation

    def journaled(self) -> Journaled:
        act = self.validation
        return Journaled(Chain.EVENT, event_body(Event.TICKET_VOIDED, act.staff_id,
                                                 reference=act.reference,
                                                 reason=act.reason or ""))

    def sent(self, entry: JournalEntry | None) -> list[Sent]:
        act = self.validation
        assert act.reference is not None
        return [Sent(RecordKind.TICKET_VOIDED, act.reference, {
            "id": act.id, "reference": act.reference, "at": act.at.isoformat(),
            "staff_id": act.staff_id, "reason": act.reason or "", "till_id": act.till_id})]


# -- shared shapes ----------------------------------------------------------------------


def seller_body(venue: Venue | None) -> dict[str, Any] | None:
    """The seller a document names (None: no venue was set yet). A sale's or a return's
    entry holds it as it was, so a later change of address or SIRET never rewrites the
    documents made before it. Entries of earlier stores have no `seller` key at all."""
    if venue is None:
        return None
    return {"name": venue.name, "address": venue.address, "postal_code": venue.postal_code,
            "city": venue.city, "siret": venue.siret, "vat_number": venue.vat_number}


def _law_line(line: BasketLine, sign: int = 1) -> dict[str, Any]:
    """A line as the law lists it (a line taken back: its quantity and amounts negative);
    its amount without VAT is its own split, for information. A discounted line says by
    how much, why and who gave it (`discount_*`), and its share of the basket's discount
    (`basket_discount_cents`): only when there is one, so bodies without stay as they
    were."""
    return {"label": line.label, "price_label": line.price_label,
            "quantity": sign * line.quantity, "unit_price_cents": line.unit_price_cents,
            "vat_rate_bp": int(line.vat_rate), "total_cents": sign * line.total_cents,
            "total_excl_cents": sign * split_vat(line.total_cents, line.vat_rate).excl_cents,
            **_line_discount(line, sign), **_line_slot(line, law=True)}


def _line_discount(line: BasketLine, sign: int = 1) -> dict[str, Any]:
    """A line's discounts as bodies and records hold them: only those it has."""
    said: dict[str, Any] = {}
    if line.discount_cents:
        said.update(discount_cents=sign * line.discount_cents,
                    discount_reason=line.discount_reason, discount_by=line.discount_by)
    if line.basket_discount_cents:
        said["basket_discount_cents"] = sign * line.basket_discount_cents
    return said


def order_discount_body(discount: BasketDiscount | None) -> dict[str, Any]:
    """The basket's discount as a sale's body and record hold it (under `order_discount`):
    what it came to, the percentage when asked so, why and who gave it."""
    if discount is None:
        return {}
    return {"order_discount": {"cents": discount.cents, "percent": discount.percent,
                               "reason": discount.reason, "by": discount.by}}


def _law_vat(vat: list[VatLine], sign: int = 1) -> list[dict[str, int]]:
    return [{"rate_bp": int(line.rate), "excl_cents": sign * line.excl_cents,
             "vat_cents": sign * line.vat_cents, "total_cents": sign * line.total_cents}
            for line in vat]


def _law_payment(payment: Payment) -> dict[str, Any]:
    return {"id": payment.id, "method": payment.method_code,
            "amount_cents": payment.amount_cents, "change_cents": payment.change_cents}


def _line(line: BasketLine) -> dict[str, Any]:
    """A line as a record holds it: its product and price ids, for the server."""
    return {"product_id": line.product_id, "label": line.label, "price_id": line.price_id,
            "price_label": line.price_label, "unit_price_cents": line.unit_price_cents,
            "quantity": line.quantity, "vat_rate_bp": line.vat_rate,
            "total_cents": line.total_cents, **_line_discount(line), **_line_slot(line)}


def _line_slot(line: BasketLine, law: bool = False) -> dict[str, Any]:
    """A line's slot (R3), only when it has one: bodies and records of other lines stay
    as they were. The law lists when the service is given (`slot`: its start and end);
    a record names the slot too, so that every till counts its places."""
    if line.slot_start is None or line.slot_end is None:
        return {}
    start, end = line.slot_start.isoformat(), line.slot_end.isoformat()
    if law:
        return {"slot": {"start": start, "end": end}}
    return {"slot_id": line.slot_id, "slot_start": start, "slot_end": end}


def _vat(vat: list[VatLine]) -> list[dict[str, int]]:
    return [{"rate_bp": line.rate, "excl_cents": line.excl_cents,
             "vat_cents": line.vat_cents, "total_cents": line.total_cents} for line in vat]
