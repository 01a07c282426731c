"""Training mode: sales numbered apart and journaled in their own chain, never in the
takings, the closures or the server's records; "SIMULATION" on what they print."""

from __future__ import annotations

import json

import pytest

from pos_app.bootstrap import Store
from pos_app.documents import receipt_lines
from pos_app.domain.errors import NotAllowed
from pos_app.domain.journal import Chain
from pos_app.domain.order import StatusFilter
from pos_app.domain.staff import StaffMember
from pos_app.services import closures, orders, selling
from pos_app.services.context import Context
from pos_app.services.journal import set_training
from pos_app.services.journal_check import verify_journal
from pos_app.services.receipts import receipt
from pos_app.services.selling import PaymentRequest
from tests.integration.test_selling_services import basket_of


def test_training_sales_stay_out_of_the_takings(ctx: Context, cashier: StaffMember,
                                                manager: StaffMember, store: Store) -> None:
    with pytest.raises(NotAllowed):
        set_training(ctx, cashier, True)
    set_training(ctx, manager, True)
    real = selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 160)])
    practice = selling.sell(ctx, cashier, basket_of(ctx, "balade-poney-1h"),
                            [PaymentRequest("ESP", 2000)], training=True)
    unpaid = selling.sell(ctx, cashier, basket_of(ctx, "cafe"), training=True,
                          validate_without_paying=True)
    orders.pay_order(ctx, cashier, unpaid.number, "CB", 160)
    orders.cancel_order(ctx, manager, practice.number, "exercice")
    set_training(ctx, manager, False)
    assert (real.number, practice.number, unpaid.number) == ("CD2-000001", "SIM-000001",
                                                            "SIM-000002")
    reading = closures.x_reading(ctx)
    assert (reading.orders, reading.takings_cents, reading.cancellations) == (1, 160, 0)
    assert reading.cash.taken_cents == 160
    assert [o.number for o in orders.search_orders(ctx, "")] == ["CD2-000001"]
    assert [o.number for o in orders.search_orders(ctx, "", StatusFilter.ALL,
                                                   training=True)] == ["SIM-000002",
                                                                       "SIM-000001"]
    report = verify_journal(ctx, every_signature=True)
    # 2 sales, 1 payment, 1 cancellation and the refund of its 20 € in cash
    assert report.ok and report.entries[Chain.TRAINING] == 5
    assert report.entries[Chain.ORDER] == 1
    with ctx.uow(write=False) as uow:
        till_id = uow.tills.local().id  # type: ignore[union-attr]
        events = [json.loads(row[5])["event"] for row in uow.journal.rows(till_id,
                                                                          Chain.EVENT)]
    assert events.count("training_on") == 1 and events.count("training_off") == 1
    with store.engine.connect() as connection:  # the server hears of real orders only
        sent = {row[0] for row in connection.exec_driver_sql(
            "SELECT aggregate_id FROM outbox WHERE kind LIKE 'order.%'")}
    assert sent == {real.id}
    z = closures.finish_closure(ctx, manager).closure
    assert z.totals.period_cents == 160 and verify_journal(ctx).ok


def test_a_training_receipt_says_simulation(ctx: Context, cashier: StaffMember) -> None:
    practice = selling.sell(ctx, cashier, basket_of(ctx, "cafe"),
                            [PaymentRequest("CB", 160)], training=True)
    made = receipt(ctx, practice.number)
    lines = receipt_lines(made)
    assert made.training and lines[0] == lines[-1] == "*** SIMULATION ***"
    assert made.qr.startswith("CQ1S|") and "|SIM-000001|" in made.qr  # never a sale's
