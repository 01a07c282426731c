"""Orders of the venue coming down in a pull (R7): those another till sold, found by the
order search and payable here; and this till's own, for the payments other tills took
on them. What another till did is its record, journaled there: here it only settles
the order, in no session of this till (never in its takings, its drawer or its Z).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pos_app.domain.pulled_order import PulledOrder, read_pulled_order
from pos_app.domain.sync import PulledChange
from pos_app.services.ports import UnitOfWork

log = logging.getLogger(__name__)

ORDER_KIND = "order"  # a pulled change's kind for an order document


def read_orders(changes: Sequence[PulledChange]) -> list[PulledOrder]:
    """The order documents among a page's changes, read before its transaction
    (InvalidImport names the first faulty one); an order is never deleted on the
    server, so a tombstone says nothing."""
    return [read_pulled_order(change.id, change.data,
                              f"changes[{index}] (order {change.id!r})")
            for index, change in enumerate(changes)
            if change.kind == ORDER_KIND and change.data is not None]


def merge_orders(uow: UnitOfWork, till_id: str, orders: Sequence[PulledOrder]) -> int:
    """Hold what other tills made of each order, in the caller's transaction; how many
    orders were merged. An order this till cannot hold faithfully (a payment method it
    does not know, a number another order has here) is left out, and logged: offering
    it with a wrong amount left to pay would be worse than not offering it."""
    merged = 0
    for pulled in orders:
        theirs = pulled.others(till_id).order
        codes = {p.method_code for p in theirs.payments} | {r.method_code
                                                            for r in theirs.refunds}
        unknown = sorted(code for code in codes if uow.payment_methods.get(code) is None)
        if unknown:
            log.warning("order %s left out: payment method(s) %s unknown at this till",
                        pulled.order.number, ", ".join(unknown))
            continue
        if uow.orders.merge_pulled(pulled, till_id):
            merged += 1
        else:
            log.warning("order %s left out: this till cannot hold it (its number is"
                        " another order's, or it is one of ours that is not here)",
                        pulled.order.number)
    return merged
