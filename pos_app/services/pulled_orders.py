"""Orders of the venue coming down in a pull (R7): those another till sold, found by the
order search and payable here; and this till's own, for the payments other tills took
on them. What another till did is its record, journaled there: here it only settles
the order, in no session of this till (never in its takings, its drawer or its Z).

An order the till cannot hold faithfully yet (a payment method it does not know, a
number another order has here) is never dropped: its document is kept with the reason,
tried again after each pull, and shown on the Synchronisation screen.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pos_app.domain.pulled_order import PulledOrder, read_pulled_order
from pos_app.domain.reference_fields import InvalidImport
from pos_app.domain.sync import PulledChange
from pos_app.services.context import Context, local_till
from pos_app.services.ports import UnitOfWork

log = logging.getLogger(__name__)

ORDER_KIND = "order"  # a pulled change's kind for an order document
RETRIED = 500  # held documents tried again after a pull, the oldest first


@dataclass(frozen=True, slots=True)
class PulledDocument:
    order_id: str
    data: Mapping[str, Any]  # as the server sent it: kept if the order must wait
    order: PulledOrder | None  # None: it does not read (`problem` says why)
    problem: str | None = None


def read_orders(changes: Sequence[PulledChange]) -> list[PulledDocument]:
    """The order documents among a page's changes, read before its transaction. One
    that does not read (another client of the server may write orders) waits with the
    reason, as one the till cannot hold: it never stops the page, nor the reference
    data behind it. An order is never deleted on the server: a tombstone says
    nothing."""
    return [read_document(change.id, change.data, f"changes[{index}] (order {change.id!r})")
            for index, change in enumerate(changes)
            if change.kind == ORDER_KIND and change.data is not None]


def read_document(order_id: str, data: Mapping[str, Any], where: str) -> PulledDocument:
    try:
        return PulledDocument(order_id, data, read_pulled_order(order_id, data, where))
    except InvalidImport as unreadable:
        return PulledDocument(order_id, data, None, f"it does not read: {unreadable}")


def merge_orders(uow: UnitOfWork, documents: Sequence[PulledDocument], now: datetime) -> int:
    """Hold what other tills made of each order, in the caller's transaction; how many
    orders were merged. One that cannot be held faithfully waits, kept with its reason
    (offering it with a wrong amount left to pay would be worse than waiting); a newer
    document of an order that waited replaces it."""
    merged: list[str] = []
    till = local_till(uow)
    for document in documents:
        pulled = document.order
        reason = (document.problem if pulled is None
                  else _unknown_methods(uow, pulled, till.id)
                  or uow.orders.merge_pulled(pulled, till))
        if reason is None:
            merged.append(document.order_id)
            continue
        number = document.data.get("number")
        number = number[:64] if isinstance(number, str) and number else document.order_id
        log.warning("order %s waits: %s", number, reason)
        uow.sync.hold_pulled(document.order_id, number,
                             json.dumps(document.data, ensure_ascii=False), reason, now)
    uow.sync.release_pulled(merged)
    return len(merged)


def retry_held(ctx: Context) -> int:
    """Try again the orders that waited (a method or a catalogue may have come since);
    how many could be held now."""
    with ctx.uow() as uow:
        held = uow.sync.held_pulled(RETRIED)
        if not held:
            return 0
        documents = [read_document(item.order_id, json.loads(item.document),
                                   f"held order {item.number}") for item in held]
        merged = merge_orders(uow, documents, ctx.clock.now())
        uow.commit()
    return merged


def _unknown_methods(uow: UnitOfWork, pulled: PulledOrder, till_id: str) -> str | None:
    theirs = pulled.others(till_id).order
    codes = {p.method_code for p in theirs.payments} | {r.method_code for r in theirs.refunds}
    unknown = sorted(code for code in codes if uow.payment_methods.get(code) is None)
    if unknown:
        return f"payment method(s) {', '.join(unknown)} unknown at this till"
    return None
