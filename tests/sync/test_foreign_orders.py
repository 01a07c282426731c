"""Orders taken at another till (R7, docs/sync.md "Orders of other tills"), through a real
`caisse-server`: an order validated unpaid at one till comes down to the other, which
finds it by number or payer and takes its payment; the payment comes back to the till
that sold. Paid at both tills while offline, it is recorded on both, held twice on the
server and reported there as a conflict, never lost."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from pos_app.adapters.token_store import KeyringTokenStore
from pos_app.bootstrap import Store, demo_document, open_store
from pos_app.domain.basket import Basket
from pos_app.domain.customer import CustomerKind
from pos_app.domain.errors import SoldAtAnotherTill
from pos_app.domain.ids import new_id
from pos_app.domain.order import RefundRequest, StatusFilter
from pos_app.domain.staff import StaffMember
from pos_app.services import closures, customers, importing, orders, selling, setup, sync
from pos_app.services.context import Context
from pos_app.services.staff import sign_in
from pos_app.services.sync import SyncPorts
from sync.client.http import HttpSyncServer
from sync.server import conflicts
from sync.server.database import open_engine, reading
from sync.server.schema import orders as server_orders
from sync.server.schema import tills as server_tills
from tests.server.support import enrol
from tests.sync.support import LocalServer, ShiftedClock


class Till:
    """A till of its own store, enrolled on the test's server, with its cashier."""

    def __init__(self, template: Path, work: Path, server: LocalServer, code: str,
                 cleanup: ExitStack) -> None:
        data_dir = work / f"till-{code}"
        shutil.copytree(template, data_dir)
        self.store: Store = open_store(data_dir, ShiftedClock())
        cleanup.callback(self.store.close)
        self.name = f"Caisse {code}"
        setup.initialise_till(self.ctx, self.name, code, "Accueil", f"CD{code}-")
        importing.import_data(self.ctx, None, demo_document())
        http = HttpSyncServer(connect_timeout_s=5, read_timeout_s=30)
        cleanup.callback(http.close)
        self.ports = SyncPorts(http, KeyringTokenStore(data_dir, use_keyring=False))
        sync.enrol(self.ctx, self.ports, server.url, server.enrol_code(self.name), None,
                   "0.1.0")
        self.cashier: StaffMember = sign_in(self.ctx, "caissier", "1234")
        self.manager: StaffMember = sign_in(self.ctx, "gerant", "4321")

    @property
    def ctx(self) -> Context:
        return self.store.context

    def sync(self) -> sync.SyncRun:
        run = sync.sync_once(self.ctx, self.ports)
        assert run.reached, run.failure
        return run

    def left(self, number: str) -> int:
        return orders.get_order(self.ctx, number).order.left_cents


@pytest.fixture
def tills(empty_template: Path, tmp_path: Path,
          new_server: Callable[..., LocalServer]) -> Iterator[tuple[Till, Till, LocalServer]]:
    server = new_server()
    with ExitStack() as cleanup:
        yield (Till(empty_template, tmp_path, server, "1", cleanup),
               Till(empty_template, tmp_path, server, "2", cleanup), server)


def sell_unpaid(till: Till, payer_name: str) -> str:
    """Two rides for a customer of the till, validated without payment (paid on the
    day, at the other till)."""
    payer = customers.create_customer(till.ctx, till.cashier, CustomerKind.PERSON,
                                      payer_name, "Lina")
    basket = Basket()
    selling.add_product(till.ctx, basket, "balade-poney-1h", 2)
    basket.assign_payer(payer.id)
    return selling.sell(till.ctx, till.cashier, basket, validate_without_paying=True).number


def test_an_order_of_one_till_is_found_and_paid_at_the_other_and_the_payment_comes_back(
        tills: tuple[Till, Till, LocalServer]) -> None:
    first, second, _server = tills
    number = sell_unpaid(first, "Marchand")
    total = first.left(number)
    assert total == 2800
    first.sync()
    assert second.sync().pulled.orders >= 1

    found = orders.search_orders(second.ctx, "marchand", StatusFilter.ACTIVE)
    assert [(row.number, row.total_cents, row.left_cents, row.payer_name) for row in found] \
        == [(number, total, total, "MARCHAND Lina")]
    assert [row.number for row in orders.search_orders(second.ctx, number)] == [number]
    before = closures.x_reading(second.ctx)
    order, payment = orders.pay_order(second.ctx, second.cashier, number, "ESP", 3000)
    assert (payment.change_cents, order.left_cents) == (200, 0)
    after = closures.x_reading(second.ctx)
    # The payment is this till's money (its drawer, its methods), not its takings.
    assert after.takings_cents == before.takings_cents
    taken = {method.method_code: method.taken_cents for method in after.methods}
    assert taken.get("ESP", 0) - {m.method_code: m.taken_cents
                                   for m in before.methods}.get("ESP", 0) == total
    with pytest.raises(SoldAtAnotherTill):
        orders.cancel_order(second.ctx, second.manager, number, "Erreur")

    first_before = closures.x_reading(first.ctx)
    second.sync()
    assert first.sync().pulled.orders >= 1
    assert first.left(number) == 0
    # The sale stays in the first till's takings; the payment is in neither its
    # methods nor its drawer (it was taken at the other till).
    first_after = closures.x_reading(first.ctx)
    assert first_after.takings_cents == first_before.takings_cents
    assert first_after.methods == first_before.methods
    assert first_after.cash == first_before.cash
    # Pulled again, nothing doubles.
    first.sync()
    second.sync()
    assert first.left(number) == second.left(number) == 0


def test_an_order_paid_at_both_tills_offline_is_kept_twice_and_reported(
        tills: tuple[Till, Till, LocalServer]) -> None:
    first, second, server = tills
    number = sell_unpaid(first, "Doublon")
    first.sync()
    second.sync()
    # Both tills offline now (no rounds): each takes the whole payment.
    orders.pay_order(first.ctx, first.cashier, number, "CB", 2800)
    orders.pay_order(second.ctx, second.cashier, number, "ESP", 2800)
    second.sync()
    first.sync()
    second.sync()
    # Nothing lost: both payments are held everywhere, the customer is owed one back.
    assert first.left(number) == second.left(number) == -2800
    for till in (first, second):
        assert sync.sync_status(till.ctx, till.ports.tokens).counts.waiting == 0
    engine = open_engine(server.database_url)
    try:
        with reading(engine) as connection:
            found = conflicts.unresolved(connection, 10)
    finally:
        engine.dispose()
    assert [(c.kind, c.subject_id) for c in found] == [
        ("order.paid_twice", orders.get_order(first.ctx, number).order.id)]
    assert {found[0].till_name, found[0].other_till_name} == {first.name, second.name}
    # The till that sold gives the excess back (the other cannot): settled everywhere,
    # the conflict with it.
    with pytest.raises(SoldAtAnotherTill):
        orders.refund_overpayment(second.ctx, second.manager, number)
    orders.refund_overpayment(first.ctx, first.manager, number,
                              [RefundRequest("CB", 2800)])
    first.sync()
    second.sync()
    assert first.left(number) == second.left(number) == 0
    engine = open_engine(server.database_url)
    try:
        with reading(engine) as connection:
            assert conflicts.unresolved(connection, 10) == []
            assert conflicts.counts(connection) == (0, 1)
            outboxes = connection.execute(select(
                server_tills.c.name, server_tills.c.outbox_waiting)).all()
    finally:
        engine.dispose()
    # Each till's last heartbeat said what was left after its round: nothing.
    assert {name: waiting for name, waiting in outboxes} == {first.name: 0, second.name: 0}


def test_an_order_of_the_online_shop_is_found_and_paid_at_a_till(
        tills: tuple[Till, Till, LocalServer]) -> None:
    """The online shop (or a back office) is another client of the protocol: enrolled
    as a till is, it sends its orders as records (docs/sync.md); every till pulls them.
    One it sends that a till cannot read waits there, shown, and stops nothing."""
    first, _second, server = tills
    with httpx.Client(base_url=server.url, timeout=10) as client:
        shop = enrol(client, server.database_url, "Boutique en ligne")
        order = new_id()
        line = {"product_id": "kayak-2h", "label": "Kayak 2 h", "price_id": "adulte",
                "price_label": "Adulte", "unit_price_cents": 2500, "quantity": 2,
                "vat_rate_bp": 1000, "total_cents": 5000}
        sold = shop.record("order.validated", id=order, number="WEB-000042", sequence=42,
                           created_at="2026-07-10T18:00:00+00:00", staff_id="web",
                           total_cents=5000, lines=[line], vat=[],
                           payer={"id": "c-web-1", "kind": "person", "name": "Garnier",
                                  "first_name": "Zoé"})
        deposit = shop.record("payment.taken", order_id=order, order_number="WEB-000042",
                              method="CB", amount_cents=1500, change_cents=0,
                              taken_at="2026-07-10T18:00:00+00:00", staff_id="web")
        sketchy = shop.record("order.validated", number="WEB-000043", total_cents=0,
                              lines=[], vat=[], created_at="2026-07-10T18:05:00+00:00")
        answered = client.post("/v1/records", headers=shop.auth,
                               json={"records": [sold, deposit, sketchy]})
        assert [a["answer"] for a in answered.json()["answers"]] == ["stored"] * 3

    run = first.sync()
    assert run.pulled.orders >= 1
    found = orders.search_orders(first.ctx, "garnier")
    assert [(row.number, row.left_cents, row.payer_name) for row in found] == [
        ("WEB-000042", 3500, "GARNIER Zoé")]
    details = orders.get_order(first.ctx, "WEB-000042")
    assert details.sold_at is not None and details.sold_at.name == "Boutique en ligne"
    orders.pay_order(first.ctx, first.cashier, "WEB-000042", "ESP", 3500)
    assert first.left("WEB-000042") == 0
    status = sync.sync_status(first.ctx, first.ports.tokens)
    assert [(held.number, held.reason.split(":")[0]) for held in status.held_orders] == [
        ("WEB-000043", "it does not read")]
    first.sync()
    engine = open_engine(server.database_url)
    try:
        with reading(engine) as connection:
            paid = connection.execute(select(server_orders.c.paid_cents).where(
                server_orders.c.id == order)).scalar_one()
    finally:
        engine.dispose()
    assert paid == 5000  # the shop's deposit and the till's payment
