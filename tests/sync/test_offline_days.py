"""Three days without the server: a till sells on its own clock (a float each morning,
sales, an order paid the next day, a return, a cancellation, a Z each evening), its
sync rounds failing all along; then the network comes back, and one round sends it all,
once: every record, the orders under the numbers the till gave them, the three Zs with
their figures, and the journal acknowledged at its heads."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store
from pos_app.domain.basket import Basket
from pos_app.domain.closure import CashMovementKind, ClosureKind
from pos_app.domain.staff import StaffMember
from pos_app.services import closures, orders, selling, sync
from pos_app.services.ports import ServerUnreachable
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in, sign_out
from pos_app.services.sync import SyncPorts, SyncRun
from sync.server.database import open_engine
from tests.sync.checks import (
    check_journal_acknowledged_at_its_heads,
    check_nothing_waits,
    check_orders_and_closures_counted_once,
    check_records_held_once,
    outbox,
)
from tests.sync.support import LocalServer

DAYS = 3
SALES_A_DAY = 12
TRY_EVERY = 4  # sales between two rounds the sync thread tries


@pytest.fixture
def clock() -> FrozenClock:
    """Overrides the sync tests' real clock: three days back, moved by the test."""
    return FrozenClock(datetime.now(UTC) - timedelta(days=DAYS))


def sell(store: Store, cashier: StaffMember, n: int, pay: bool = True) -> str:
    """A sale of one or two rides or boats, by card or in cash with change (or not paid,
    to be paid later)."""
    ctx = store.context
    basket = Basket()
    selling.add_product(ctx, basket, ("balade-poney-1h", "kayak-2h", "paddle-1h")[n % 3],
                        1 + n % 2)
    total = basket.total_cents
    payments = ([PaymentRequest("CB", total)] if n % 2 else
                [PaymentRequest("ESP", (total // 1000 + 1) * 1000)]) if pay else []
    order = selling.sell(ctx, cashier, basket, payments, validate_without_paying=not pay)
    return order.number


def till_orders(store: Store) -> dict[str, int]:
    with store.engine.begin() as db:
        return dict(db.exec_driver_sql("SELECT number, total_cents FROM orders ORDER BY number"
                                       ).all())


def three_days(store: Store, ports: SyncPorts, first_morning: datetime) -> list[SyncRun]:
    """Each day: the cashier signs in and puts the float in, twelve sales, the manager
    comes; an order validated the first day is paid the second, a sale is taken back the
    second and cancelled the third; the Z, and both sign out. Every fourth sale, the
    sync thread tries the server: the rounds it ran."""
    ctx = store.context
    clock = ctx.clock
    assert isinstance(clock, FrozenClock)
    tries: list[SyncRun] = []
    later = ""
    for day in range(DAYS):
        clock.current = first_morning + timedelta(days=day, minutes=10)
        cashier = sign_in(ctx, "caissier", "1234")
        closures.record_cash_movement(ctx, cashier, CashMovementKind.FLOAT, 15_000)
        for n in range(SALES_A_DAY):
            clock.advance(timedelta(minutes=40))
            number = sell(store, cashier, n)
            if n % TRY_EVERY == 0:
                tries.append(sync.sync_once(ctx, ports))  # the sync thread tries, in vain
        manager = sign_in(ctx, "gerant", "4321")
        if day == 0:
            later = sell(store, cashier, 99, pay=False)  # paid tomorrow
        elif day == 1:
            detail = orders.get_order(ctx, later).order
            orders.pay_order(ctx, cashier, later, "CHQ", detail.total_cents)
            orders.return_lines(ctx, manager, number, [(0, 1)], "Mauvaise taille")
        else:
            orders.cancel_order(ctx, manager, number, "Erreur de saisie")
        clock.advance(timedelta(hours=1))
        closures.finish_closure(ctx, manager)
        sign_out(ctx, cashier)
        sign_out(ctx, manager)
        clock.advance(timedelta(minutes=5))
    return tries


def test_three_days_offline_then_one_round_sends_everything_once(
        store: Store, ports: SyncPorts, new_server: Callable[..., LocalServer],
        till_name: str) -> None:
    ctx = store.context
    clock = ctx.clock
    assert isinstance(clock, FrozenClock)
    first_morning = clock.now()
    # Enrolled on the first morning, with a server whose clock agrees (three days back
    # too); then the server is gone for three days.
    server = new_server(faketime=f"-{DAYS}d")
    link = sync.enrol(ctx, ports, server.url, server.enrol_code(till_name), None, "0.1.0")
    assert not link.clock_off
    server.stop()

    tries = three_days(store, ports, first_morning)
    assert all(isinstance(run.failure, ServerUnreachable) for run in tries)
    offline = sync.sync_status(ctx)
    assert offline.link is not None and not offline.link.online
    assert offline.link.offline_since == first_morning + timedelta(minutes=50)  # the first
    made = outbox(store)
    assert offline.counts.waiting == len(made) and offline.journal_waiting > 0
    numbers = till_orders(store)
    assert list(numbers) == [f"CD2-{n:06d}" for n in range(1, DAYS * SALES_A_DAY + 2)]
    zs = {z["number"]: z for z in (json.loads(row["payload"]) for row in made
                                   if row["kind"] == "closure.made") if z["kind"] == "z"}
    assert sorted(zs) == [1, 2, 3]

    # The next morning the network is back, the server's clock right again.
    clock.current = first_morning + timedelta(days=DAYS)
    server.faketime = None
    server.start()
    run = sync.sync_once(ctx, ports)
    assert run.reached and run.records.rejected == [] and run.records.waiting == 0
    assert run.records.sent == len(made)
    assert run.clock is not None and not run.clock.off

    check_nothing_waits(store)
    assert till_orders(store) == numbers  # the till's numbers, as they were
    engine = open_engine(server.database_url)
    try:
        check_records_held_once(engine, store)
        check_journal_acknowledged_at_its_heads(engine, store)
        check_orders_and_closures_counted_once(engine, store)
    finally:
        engine.dispose()
    held = server.cli("orders", "--till", till_name, "--limit", "1000")
    assert {order["number"]: order["total_cents"] for order in held} == numbers
    closed = server.cli("closures", "--till", till_name, "--kind", "z")
    assert [z["number"] for z in closed] == [3, 2, 1]
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        ends = {closure.number: closure.period_end for closure in uow.closures.between(
            till.id, first_morning, clock.now()) if closure.kind is ClosureKind.Z}
    for z in closed:
        sent = zs[z["number"]]
        assert (z["takings_cents"], z["cash_gap_cents"]) == (sent["takings_cents"],
                                                             sent["cash_gap_cents"])
        assert datetime.fromisoformat(z["made_at"]) == ends[z["number"]]
    # A second round has nothing to send.
    again = sync.sync_once(ctx, ports)
    assert again.reached and (again.records.sent, again.journal.entries) == (0, 0)
