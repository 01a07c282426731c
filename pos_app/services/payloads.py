"""The JSON shapes of records queued for the server (outbox) and printed by the CLI.

Amounts are integer cents (`total_cents`), VAT rates basis points (`vat_rate_bp`: 550
is 5.5 %; a VatRate is an int, written as one), times ISO 8601 in UTC: what machines
read without rounding questions.
"""

from __future__ import annotations

from typing import Any

from pos_app.domain.basket import BasketLine
from pos_app.domain.customer import Customer
from pos_app.domain.order import Cancellation, CreditNote, Order, Refund
from pos_app.domain.payment import Payment
from pos_app.domain.vat import VatLine


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


def order_record(order: Order, payer: Customer | None = None) -> dict[str, Any]:
    """What `order.validated` says: the order as validated, which never changes after.
    Payments and a cancellation are records of their own."""
    return {
        "id": order.id,
        "number": order.number,
        "till_id": order.till_id,
        "created_at": order.created_at.isoformat(),
        "staff_id": order.staff_id,
        "payer": None if payer is None else {
            "id": payer.id, "kind": payer.kind.value, "name": payer.name,
            "first_name": payer.first_name,
        },
        "lines": [_line(line) for line in order.lines],
        "vat": _vat(order.vat()),
        "total_cents": order.total_cents,
    }


def order_view(order: Order, payer: Customer | None = None) -> dict[str, Any]:
    """The order as it stands now: its record, with payments, returns, refunds, what it
    is worth now and what is left, its status."""
    return {
        **order_record(order, payer),
        "status": order.status.value,
        "returned_cents": order.returned_cents,
        "due_cents": order.due_cents,
        "paid_cents": order.paid_cents,
        "refunded_cents": order.refunded_cents,
        "left_cents": order.left_cents,
        "payments": [payment_payload(order, payment) for payment in order.payments],
        "returns": [credit_note_payload(order, note) for note in order.returns],
        "refunds": [refund_payload(order, refund) for refund in order.refunds],
        "cancellation": None if order.cancellation is None
        else cancellation_payload(order, order.cancellation),
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


def refund_payload(order: Order, refund: Refund) -> dict[str, Any]:
    """What `refund.given` says: money given back, in one method (a positive amount)."""
    return {
        "id": refund.id,
        "order_id": order.id,
        "order_number": order.number,
        "credit_note_id": refund.credit_note_id,
        "method": refund.method_code,
        "amount_cents": refund.amount_cents,
        "at": refund.at.isoformat(),
        "staff_id": refund.staff_id,
    }


def _line(line: BasketLine) -> dict[str, Any]:
    return {"product_id": line.product_id, "label": line.label, "price_id": line.price_id,
            "price_label": line.price_label, "unit_price_cents": line.unit_price_cents,
            "quantity": line.quantity, "vat_rate_bp": line.vat_rate,
            "total_cents": line.total_cents}


def _vat(vat: list[VatLine]) -> list[dict[str, int]]:
    return [{"rate_bp": line.rate, "excl_cents": line.excl_cents,
             "vat_cents": line.vat_cents, "total_cents": line.total_cents} for line in vat]
