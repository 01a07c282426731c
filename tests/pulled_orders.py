"""An order of another till as a pull brings it (docs/sync.md, "Orders in the feed"),
for the tests of the till's side: the document, and its merge into a store."""

from __future__ import annotations

from typing import Any

from pos_app.services.context import Context, local_till
from pos_app.services.payloads import order_view
from pos_app.services.pulled_orders import merge_orders, read_document

OTHER = "0192f0c4-0000-7000-8000-00000000aaaa"
ORDER = "0192f0c4-1111-7000-8000-00000000bbbb"


def document(**changes: Any) -> dict[str, Any]:
    """An order of till 1 for two rides (28 €), 10 € paid there in cash."""
    data: dict[str, Any] = {
        "id": ORDER, "number": "CD1-000007", "sequence": 7,
        "created_at": "2026-07-11T07:30:00+00:00", "staff_id": "caissier",
        "till": {"id": OTHER, "name": "Caisse ponton", "code": "1",
                 "point_of_sale": "Ponton", "order_prefix": "CD1-"},
        "payer": {"id": "c-pulled", "kind": "person", "name": "Ribeiro", "first_name": "Ana"},
        "lines": [{"product_id": "balade-poney-1h", "label": "Balade poney 1 h",
                   "price_id": "normal", "price_label": "Normal", "unit_price_cents": 1400,
                   "quantity": 2, "vat_rate_bp": 1000, "total_cents": 2800}],
        "vat": [{"rate_bp": 1000, "excl_cents": 2545, "vat_cents": 255, "total_cents": 2800}],
        "total_cents": 2800,
        "payments": [{"id": "p-1", "order_id": ORDER, "order_number": "CD1-000007",
                      "method": "ESP", "amount_cents": 1000, "change_cents": 0,
                      "taken_at": "2026-07-11T07:30:00+00:00", "staff_id": "caissier",
                      "till_id": OTHER}],
        "returns": [], "refunds": [], "cancellation": None,
    }
    data.update(changes)
    return data


def merge(ctx: Context, data: dict[str, Any]) -> int:
    """Merge `data` as a pull's page would: how many orders were held (0: it waits)."""
    with ctx.uow() as uow:
        merged = merge_orders(uow, [read_document(data["id"], data, "changes[0]")],
                              ctx.clock.now())
        uow.commit()
    return merged


def echoed(ctx: Context, number: str, *paid_there: tuple[str, int]) -> dict[str, Any]:
    """One of this till's orders as the server sends it back, with payments another
    till took on it (method, amount)."""
    with ctx.uow(write=False) as uow:
        till = local_till(uow)
        order = uow.orders.get_by_number(number)
    assert order is not None
    view = order_view(order)
    data = {
        **document(), "id": order.id, "number": order.number, "sequence": order.sequence,
        "created_at": view["created_at"], "staff_id": order.staff_id, "payer": None,
        "till": {"id": till.id, "name": till.name, "code": till.code,
                 "point_of_sale": till.point_of_sale, "order_prefix": till.order_prefix},
        "lines": view["lines"], "total_cents": order.total_cents,
        "payments": [{**payment, "till_id": till.id} for payment in view["payments"]],
    }
    data["payments"] += [
        {"id": f"p-there-{index}", "order_id": order.id, "order_number": order.number,
         "method": method, "amount_cents": amount, "change_cents": 0,
         "taken_at": "2026-07-11T07:45:00+00:00", "staff_id": "caissier", "till_id": OTHER}
        for index, (method, amount) in enumerate(paid_there)]
    return data
