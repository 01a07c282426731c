"""Validated orders: number, lines, VAT per rate, payments, what is left, cancellation (R5, R7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pos_app.domain.basket import BasketLine
from pos_app.domain.errors import (
    CancellationReasonMissing,
    NothingLeftToPay,
    OrderCancelled,
)
from pos_app.domain.money import Cents
from pos_app.domain.payment import Payment, PaymentMethod, settle
from pos_app.domain.vat import VatLine, vat_breakdown


class OrderStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class StatusFilter(StrEnum):
    """R7: lists show active orders, cancelled ones, or both."""

    ACTIVE = "active"
    CANCELLED = "cancelled"
    ALL = "all"


TRAINING_PREFIX = "SIM-"  # training orders are numbered apart: SIM-000001…


def format_order_number(prefix: str, sequence: int) -> str:
    """`CD2-` and 123 → `CD2-000123`: the gapless human number of a till's order."""
    return f"{prefix}{sequence:06d}"


@dataclass(frozen=True, slots=True)
class Cancellation:
    by_staff_id: str
    at: datetime
    reason: str


@dataclass(slots=True)
class Order:
    """A validated order. Its lines never change (a correction is a new record); only
    payments are added and a cancellation set."""

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
    total_cents: Cents = field(init=False)
    _vat: tuple[VatLine, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._vat = tuple(vat_breakdown((line.vat_rate, line.total_cents)
                                        for line in self.lines))
        self.total_cents = sum(vat.total_cents for vat in self._vat)

    @property
    def status(self) -> OrderStatus:
        return OrderStatus.ACTIVE if self.cancellation is None else OrderStatus.CANCELLED

    @property
    def paid_cents(self) -> Cents:
        return sum(payment.applied_cents for payment in self.payments)

    @property
    def left_cents(self) -> Cents:
        """What is left to pay; never negative, since change is not counted as paid."""
        return self.total_cents - self.paid_cents

    def vat(self) -> list[VatLine]:
        """VAT per rate, computed once when the order was made: once per rate, half-up."""
        return list(self._vat)

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

    def cancel(self, by_staff_id: str, at: datetime, reason: str) -> Cancellation:
        """R7: the order stays, marked cancelled, with who, when and why."""
        if self.cancellation is not None:
            raise OrderCancelled(self.number)
        if not reason.strip():
            raise CancellationReasonMissing()
        self.cancellation = Cancellation(by_staff_id, at, reason.strip())
        return self.cancellation
