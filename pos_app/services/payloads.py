"""The JSON shapes of records queued for the server (outbox) and printed by the CLI.

Amounts are integer cents (`total_cents`), VAT rates basis points (`vat_rate_bp`: 550
is 5.5 %; a VatRate is an int, written as one), times ISO 8601 in UTC: what machines
read without rounding questions.
"""

from __future__ import annotations

from typing import Any

from pos_app.domain.customer import Customer
from pos_app.domain.order import Cancellation, Order
from pos_app.domain.payment import Payment


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
        "lines": [
            {"product_id": line.product_id, "label": line.label, "price_id": line.price_id,
             "price_label": line.price_label, "unit_price_cents": line.unit_price_cents,
             "quantity": line.quantity, "vat_rate_bp": line.vat_rate,
             "total_cents": line.total_cents}
            for line in order.lines
        ],
        "vat": [
            {"rate_bp": vat.rate, "excl_cents": vat.excl_cents,
             "vat_cents": vat.vat_cents, "total_cents": vat.total_cents}
            for vat in order.vat()
        ],
        "total_cents": order.total_cents,
    }


def order_view(order: Order, payer: Customer | None = None) -> dict[str, Any]:
    """The order as it stands now: its record, with payments, what is left, its status."""
    paid = order.paid_cents
    return {
        **order_record(order, payer),
        "status": order.status.value,
        "paid_cents": paid,
        "left_cents": order.total_cents - paid,
        "payments": [payment_payload(order, payment) for payment in order.payments],
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
    }
