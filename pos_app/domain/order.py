"""Validated orders: number, lines, VAT per rate, payments, what is left, returns (credit
notes), refunds and cancellation (R5, R7).

An order's lines never change once validated: a correction is a record of its own. A
**return** takes back some lines (or part of a quantity) as a credit note (avoir) that
lowers what the order is worth; a **cancellation** takes back everything not returned
yet. Either may leave the customer owed money they paid: it goes back as **refunds**,
one per payment method the manager chose, in the same transaction, so that at rest an
order never holds more money than it is worth.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from pos_app.domain.basket import BasketLine
from pos_app.domain.discount import BasketDiscount, returned_discount
from pos_app.domain.errors import (
    CancellationReasonMissing,
    NotARefund,
    NothingLeftToPay,
    NothingReturned,
    OrderCancelled,
    ReasonMissing,
    ReasonTooLong,
    RefundExceedsPaid,
    RefundIncomplete,
    ReturnExceedsSold,
    UnknownOrderLine,
)
from pos_app.domain.money import Cents
from pos_app.domain.payment import Payment, PaymentMethod, settle
from pos_app.domain.vat import VatLine, VatRate, vat_breakdown


class OrderStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class StatusFilter(StrEnum):
    """R7: lists show active orders, cancelled ones, or both; or only the orders with
    something left to pay ("à encaisser": active, paid less than they are due)."""

    ACTIVE = "active"
    CANCELLED = "cancelled"
    ALL = "all"
    TO_PAY = "to_pay"


TRAINING_PREFIX = "SIM-"  # training orders are numbered apart: SIM-000001…
MAX_REASON = 300  # characters: a reason is said, not written up
CREDIT_NOTE_PREFIX = "AV"  # credit notes (avoirs): AV2-000001 at till 2, SIM-AV000001


def format_order_number(prefix: str, sequence: int) -> str:
    """`CD2-` and 123 → `CD2-000123`: the gapless human number of a till's order."""
    return f"{prefix}{sequence:06d}"


def credit_note_prefix(till_code: str, training: bool) -> str:
    """Credit notes are numbered apart from orders, per till: `AV2-` (training `SIM-AV`)."""
    return f"{TRAINING_PREFIX}{CREDIT_NOTE_PREFIX}" if training else (
        f"{CREDIT_NOTE_PREFIX}{till_code}-")


@dataclass(frozen=True, slots=True)
class Cancellation:
    by_staff_id: str
    at: datetime
    reason: str
    till_id: str | None = None  # the till that cancelled, once stored (another: pulled)


@dataclass(frozen=True, slots=True)
class ReturnedLine:
    """Part or all of an order line taken back: `line` is the order's line with the
    quantity returned."""

    position: int  # of the order line, from 0
    line: BasketLine

    @property
    def total_cents(self) -> Cents:
        return self.line.total_cents


@dataclass(slots=True)
class CreditNote:
    """An avoir: lines of an order taken back. Its total lowers the order's worth and the
    takings; its VAT is computed once per rate, as a sale's."""

    id: str
    number: str
    sequence: int
    order_id: str
    till_id: str
    created_at: datetime
    staff_id: str
    reason: str
    lines: tuple[ReturnedLine, ...]
    training: bool = False
    total_cents: Cents = field(init=False)
    _vat: tuple[VatLine, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._vat = tuple(vat_breakdown((item.line.vat_rate, item.total_cents)
                                        for item in self.lines))
        self.total_cents = sum(vat.total_cents for vat in self._vat)

    def vat(self) -> list[VatLine]:
        return list(self._vat)


@dataclass(frozen=True, slots=True)
class Refund:
    """Money given back to the customer, in one method (cash from the drawer, card,
    cheque, a credit voucher…), for a return (`credit_note_id`) or a cancellation."""

    id: str
    method_code: str
    amount_cents: Cents  # positive: what went back
    at: datetime
    staff_id: str
    credit_note_id: str | None = None
    # What the order held beyond its worth (paid at two tills offline, say), given back
    # with nothing taken back: no return's, no cancellation's.
    excess: bool = False
    till_id: str | None = None  # the till that gave it, once stored (another: pulled)


@dataclass(frozen=True, slots=True)
class RefundRequest:
    """How the manager wants an amount to go back."""

    method_code: str
    amount_cents: Cents


@dataclass(slots=True)
class Order:
    """A validated order. Its lines never change (a correction is a new record): payments,
    returns and refunds are added, and a cancellation set."""

    id: str
    number: str
    sequence: int
    till_id: str
    created_at: datetime
    staff_id: str
    lines: tuple[BasketLine, ...]
    payer_id: str | None = None
    payments: list[Payment] = field(default_factory=list)
    cancellation: Cancellation | None = None
    training: bool = False  # made in training mode: never in the takings
    returns: list[CreditNote] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    # The basket's discount (its reason, who gave it, what it came to); each line carries
    # its share of it (`basket_discount_cents`).
    discount: BasketDiscount | None = None
    # Where the visitor comes from, when the till asked (R12): a postal code, "abroad"
    # or "declined" (domain/postal_code.py); None: not asked.
    postal_code: str | None = None
    total_cents: Cents = field(init=False)
    _vat: tuple[VatLine, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._vat = tuple(vat_breakdown((line.vat_rate, line.total_cents)
                                        for line in self.lines))
        self.total_cents = sum(vat.total_cents for vat in self._vat)

    @property
    def discounted_cents(self) -> Cents:
        """Every discount of the order: its lines' own and the basket's."""
        return sum(line.discount_cents + line.basket_discount_cents for line in self.lines)

    @property
    def status(self) -> OrderStatus:
        return OrderStatus.ACTIVE if self.cancellation is None else OrderStatus.CANCELLED

    @property
    def paid_cents(self) -> Cents:
        """What the payments settled (change is not counted as paid)."""
        return sum(payment.applied_cents for payment in self.payments)

    @property
    def refunded_cents(self) -> Cents:
        return sum(refund.amount_cents for refund in self.refunds)

    @property
    def net_paid_cents(self) -> Cents:
        """What the customer has paid and not been given back."""
        return self.paid_cents - self.refunded_cents

    @property
    def returned_cents(self) -> Cents:
        return sum(note.total_cents for note in self.returns)

    @property
    def due_cents(self) -> Cents:
        """What the order is worth now: its total less its returns; nothing once cancelled."""
        return 0 if self.cancellation is not None else self.total_cents - self.returned_cents

    @property
    def cancelled_cents(self) -> Cents:
        """What a cancellation takes off the takings: what the returns had not."""
        return self.total_cents - self.returned_cents

    @property
    def left_cents(self) -> Cents:
        """What is left to pay. Returns and cancellations refund what the customer is
        owed in the same transaction, so at rest this is never negative."""
        return self.due_cents - self.net_paid_cents

    @property
    def owed_cents(self) -> Cents:
        """What must go back to the customer: paid beyond what the order is worth."""
        return max(0, -self.left_cents)

    def vat(self) -> list[VatLine]:
        """VAT per rate, computed once when the order was made: once per rate, half-up."""
        return list(self._vat)

    def remaining_vat(self) -> list[VatLine]:
        """VAT per rate of what the returns left: the sale's less each credit note's (so
        that a sale, its returns and its cancellation add up to nothing, to the cent)."""
        return net_vat([(self._vat, 1), *((note.vat(), -1) for note in self.returns)])

    def owed_after_return(self, quantities: Sequence[tuple[int, int]]) -> Cents:
        """What the customer would be owed back if (line position, quantity) pairs were
        taken back now: paid beyond what the order would then be worth."""
        taken = 0
        done: dict[int, int] = {}
        for position, quantity in quantities:
            before = done.get(position, self.returned(position))
            taken += self.returned_part(position, before, quantity).total_cents
            done[position] = before + quantity
        return max(0, self.net_paid_cents - (self.due_cents - taken))

    def returned(self, position: int) -> int:
        """How many of line `position` were taken back already."""
        if not 0 <= position < len(self.lines):
            raise UnknownOrderLine(self.number, position)
        return sum(item.line.quantity for note in self.returns for item in note.lines
                   if item.position == position)

    def returnable(self, position: int) -> int:
        """How many of line `position` can still be taken back."""
        taken = self.returned(position)  # first: an unknown position is refused
        return self.lines[position].quantity - taken

    def returned_part(self, position: int, done: int, quantity: int) -> BasketLine:
        """Line `position`'s `quantity` units taken back after `done` were (`line_part`)."""
        return line_part(self.lines[position], done, quantity)

    def take_payment(self, method: PaymentMethod, amount_cents: Cents, payment_id: str,
                     at: datetime, staff_id: str) -> Payment:
        """Record a payment on a live order with something left to pay (R5)."""
        if self.cancellation is not None:
            raise OrderCancelled(self.number)
        left = self.left_cents
        if left <= 0:
            raise NothingLeftToPay(self.number)
        change = settle(method, amount_cents, left)
        payment = Payment(payment_id, method.code, amount_cents, change, at, staff_id)
        self.payments.append(payment)
        return payment

    def take_back(self, quantities: Sequence[tuple[int, int]], note_id: str, number: str,
                  sequence: int, till_id: str, at: datetime, staff_id: str,
                  reason: str) -> CreditNote:
        """A return: (line position, quantity) pairs become a credit note. A line cannot
        be taken back more times than it was sold (earlier returns count)."""
        if self.cancellation is not None:
            raise OrderCancelled(self.number)
        if not reason.strip():
            raise ReasonMissing("a return")
        check_reason(reason)
        wanted: dict[int, int] = {}
        for position, quantity in quantities:
            if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
                raise NothingReturned()
            wanted[position] = wanted.get(position, 0) + quantity
        if not wanted:
            raise NothingReturned()
        lines = []
        for position in sorted(wanted):
            left = self.returnable(position)
            if wanted[position] > left:
                raise ReturnExceedsSold(self.number, position, wanted[position], left)
            lines.append(ReturnedLine(position, self.returned_part(
                position, self.returned(position), wanted[position])))
        note = CreditNote(note_id, number, sequence, self.id, till_id, at, staff_id,
                          reason.strip(), tuple(lines), self.training)
        self.returns.append(note)
        return note

    def cancel(self, by_staff_id: str, at: datetime, reason: str) -> Cancellation:
        """R7: the order stays, marked cancelled, with who, when and why."""
        if self.cancellation is not None:
            raise OrderCancelled(self.number)
        if not reason.strip():
            raise CancellationReasonMissing()
        check_reason(reason)
        self.cancellation = Cancellation(by_staff_id, at, reason.strip())
        return self.cancellation

    def give_back(self, requests: Sequence[RefundRequest], ids: Sequence[str], at: datetime,
                  staff_id: str, credit_note_id: str | None = None,
                  excess: bool = False) -> list[Refund]:
        """Refund exactly what the customer is owed, split as the manager asked (one id
        per request): more than was paid, or less than is owed, is refused."""
        owed = self.owed_cents
        asked = 0
        for request in requests:
            if request.amount_cents <= 0:
                raise NotARefund(request.amount_cents)
            asked += request.amount_cents
        if asked > owed:
            raise RefundExceedsPaid(asked, owed)
        if asked < owed:
            raise RefundIncomplete(asked, owed)
        refunds = [Refund(refund_id, request.method_code, request.amount_cents, at, staff_id,
                          credit_note_id, excess)
                   for request, refund_id in zip(requests, ids, strict=True)]
        self.refunds.extend(refunds)
        return refunds

    def suggested_refunds(self, owed_cents: Cents | None = None,
                          taken_at_till: str | None = None) -> list[RefundRequest]:
        """How money would naturally go back: in the methods it came in, the latest
        payment first (those `taken_at_till` took before any other till's: its drawer
        and terminal hold them), never more per method than that method brought in net."""
        left = self.owed_cents if owed_cents is None else owed_cents
        net = self.net_by_method()
        plan: list[RefundRequest] = []
        latest_first = list(reversed(self.payments))
        ordered = ([p for p in latest_first if p.till_id == taken_at_till]
                   + [p for p in latest_first if p.till_id != taken_at_till]
                   if taken_at_till is not None else latest_first)
        for payment in ordered:
            if left <= 0:
                break
            available = net.get(payment.method_code, 0)
            amount = min(available, left)
            if amount > 0:
                plan.append(RefundRequest(payment.method_code, amount))
                net[payment.method_code] = available - amount
                left -= amount
        return _merged(plan)

    def net_by_method(self) -> dict[str, Cents]:
        """Per method: paid (change deducted) less refunded."""
        net: dict[str, Cents] = {}
        for payment in self.payments:
            net[payment.method_code] = net.get(payment.method_code, 0) + payment.applied_cents
        for refund in self.refunds:
            net[refund.method_code] = net.get(refund.method_code, 0) - refund.amount_cents
        return net


def line_part(line: BasketLine, done: int, quantity: int) -> BasketLine:
    """`quantity` units of an order line taken back after `done` were: at the value
    domain/discount.py `returned_discount` gives them, the line's own discount taken
    back first, then its share of the basket's."""
    if not line.discounted:
        return replace(line, quantity=quantity)
    gross, net = line.gross_cents, line.total_cents

    def own(units: int) -> int:
        return min(line.discount_cents, returned_discount(gross, net, line.quantity, 0, units))

    part = returned_discount(gross, net, line.quantity, done, quantity)
    mine = own(done + quantity) - own(done)
    return replace(line, quantity=quantity, discount_cents=mine,
                   discount_reason=line.discount_reason if mine else "",
                   discount_by=line.discount_by if mine else None,
                   basket_discount_cents=part - mine)


def check_reason(reason: str) -> None:
    if len(reason.strip()) > MAX_REASON:
        raise ReasonTooLong(len(reason.strip()), MAX_REASON)


def _merged(plan: list[RefundRequest]) -> list[RefundRequest]:
    totals: dict[str, Cents] = {}
    for request in plan:
        totals[request.method_code] = totals.get(request.method_code, 0) + request.amount_cents
    return [RefundRequest(code, amount) for code, amount in totals.items()]


def net_vat(parts: Iterable[tuple[Iterable[VatLine], int]]) -> list[VatLine]:
    """VAT lines added up per rate, each part with its sign (+1, -1); rates that come to
    nothing are left out, the highest rate first."""
    per_rate: dict[VatRate, tuple[Cents, Cents, Cents]] = {}
    for lines, sign in parts:
        for line in lines:
            total, excl, vat = per_rate.get(line.rate, (0, 0, 0))
            per_rate[line.rate] = (total + sign * line.total_cents,
                                   excl + sign * line.excl_cents, vat + sign * line.vat_cents)
    return [VatLine(rate, *per_rate[rate]) for rate in sorted(per_rate, reverse=True)
            if any(per_rate[rate])]
