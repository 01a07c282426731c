"""The JSON view of an order that the CLI prints (`caisse order show --json`).

It is the order's `order.validated` record with what happened to it since, each part in
the shape of its own record (services/changes.py builds them): amounts in integer cents
(`total_cents`), VAT rates in basis points (`vat_rate_bp`: 550 is 5.5 %), times ISO 8601
in UTC, what machines read without rounding questions.
"""

from __future__ import annotations

from typing import Any

from pos_app.domain.customer import Customer
from pos_app.domain.order import Order
from pos_app.services.changes import (
    cancellation_payload,
    credit_note_payload,
    order_payload,
    payment_payload,
    refund_payload,
)


def order_view(order: Order, payer: Customer | None = None) -> dict[str, Any]:
    """The order as it stands now: its record, with payments, returns, refunds, what it
    is worth now and what is left, its status."""
    return {
        **order_payload(order, payer),
        "status": order.status.value,
        "returned_cents": order.returned_cents,
        "due_cents": order.due_cents,
        "paid_cents": order.paid_cents,
        "refunded_cents": order.refunded_cents,
        "left_cents": order.left_cents,
        "payments": [{**payment_payload(order, payment),
                      **({} if payment.till_id is None else {"till_id": payment.till_id})}
                     for payment in order.payments],
        "returns": [credit_note_payload(order, note) for note in order.returns],
        "refunds": [refund_payload(order, refund) for refund in order.refunds],
        "cancellation": None if order.cancellation is None
        else cancellation_payload(order, order.cancellation),
    }
