"""Reference data pulled by the till from a real `caisse-server` (docs/sync.md,
"Reference data (pull)"): what the server imports arrives at the till, page by page,
each page in one transaction with its cursor; deletions as tombstones; a pull cut off
resumes; selling goes on meanwhile. Each test has a server of its own: its data would
otherwise reach other tests' tills."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pos_app.domain.basket import Basket
from pos_app.domain.catalogue import Price
from pos_app.domain.customer import CustomerKind
from pos_app.domain.errors import DomainError
from pos_app.domain.schedule import SharedStock, Slot
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.sync import PulledPage
from pos_app.services import selling, sync
from pos_app.services.context import Context
from pos_app.services.ports import ServerAccess, ServerReply, ServerUnreachable
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in
from pos_app.services.sync import PULL_PAGE, SyncPorts
from sync.server.database import open_engine
from sync.server.reference import import_document
from tests.sync.support import LocalServer, answer, caisse, sell_ride, wait_for

# The server refuses staff that leave no active manager, as a till does.
MANAGER = {"login": "gerant", "name": "Gérard Gérant", "role": "manager", "secret": "4321"}


def server_import(server: LocalServer, document: dict[str, Any]) -> int:
    engine = open_engine(server.database_url)
    try:
        return import_document(engine, document).cursor
    finally:
        engine.dispose()


def catalogue(products: int, prefix: str = "srv") -> dict[str, Any]:
    return {
        "categories": [{"id": "boutique", "name": "Boutique", "position": 3}],
        "products": [{"id": f"{prefix}-{number}", "name": f"Article {number}",
                      "category": "boutique", "vat_rate": "20",
                      "prices": [{"label": "Prix", "amount": f"{1 + number % 50}.50"}],
                      "barcodes": [f"99{number:010d}"]} for number in range(products)],
    }


def enrolled(ctx: Context, ports: SyncPorts, server: LocalServer, name: str) -> None:
    sync.enrol(ctx, ports, server.url, server.enrol_code(name), None, "0.1.0")


def test_the_servers_reference_data_reaches_the_till_and_its_staff_sign_in_offline(
        ctx: Context, ports: SyncPorts, new_server: Callable[..., LocalServer],
        till_name: str) -> None:
    server = new_server()
    document = catalogue(5)
    document.update({
        "venue": {"name": "Écuries du Lac", "address": "12 chemin du Lac",
                  "postal_code": "33680", "city": "Lacanau"},
        "payment_methods": [{"code": "ANCV", "label": "Chèques vacances", "position": 4}],
        "customers": [{"id": "c-durand", "kind": "organisation", "name": "Durand SA",
                       "card_code": "CARTE-77"}],  # a membership card, scanned at the till
        "staff": [{"login": "nouvelle", "name": "Nora Nouvelle", "role": "cashier",
                   "secret": "2468"}, MANAGER],
    })
    cursor = server_import(server, document)
    enrolled(ctx, ports, server, till_name)
    run = sync.sync_once(ctx, ports)
    assert run.reached, run.failure
    # The cursor is one past the import's: the till's own key, published at enrolment.
    assert (run.pulled.written, run.pulled.removed, run.pulled.cursor) == (11, 0, cursor + 1)
    with ctx.uow(write=False) as uow:
        product = uow.catalogue.get("srv-3")
        customer = uow.customers.get("c-durand")
        method = uow.payment_methods.get("ANCV")
        venue = uow.tills.venue()
        link = uow.sync.link()
    assert product is not None and product.prices == (Price("Prix", "Prix", 450),)
    assert product.barcodes == ("990000000003",) and product.category_id == "boutique"
    assert customer is not None and customer.kind is CustomerKind.ORGANISATION
    assert customer.card_code == "CARTE-77"
    assert method is not None and method.label == "Chèques vacances"
    assert venue is not None and venue.city == "Lacanau"
    assert link is not None and link.pull_cursor == cursor + 1
    assert sync.sync_once(ctx, ports).pulled.written == 0  # nothing new

    # The new cashier signs in at the till with the server stopped: the hash came down.
    server.stop()
    member = sign_in(ctx, "nouvelle", "2468")
    assert (member.display_name, member.role) == ("Nora Nouvelle", Role.CASHIER)


def test_an_admission_pulled_from_the_server_issues_tickets_at_the_till(
        ctx: Context, ports: SyncPorts, new_server: Callable[..., LocalServer],
        till_name: str, cashier: StaffMember) -> None:
    server = new_server()
    document = catalogue(1)
    document["products"][0]["admission"] = {"entries": 0, "before_minutes": 10,
                                            "after_minutes": 20, "days": 2}
    server_import(server, document)
    enrolled(ctx, ports, server, till_name)
    assert sync.sync_once(ctx, ports).reached
    with ctx.uow(write=False) as uow:
        product = uow.catalogue.get("srv-0")
    assert product is not None and product.admission is not None
    assert (product.admission.entries, product.admission.days) == (None, 2)
    basket = Basket()
    selling.add_product(ctx, basket, "srv-0", 2)
    order = selling.sell(ctx, cashier, basket, [PaymentRequest("ESP", basket.total_cents)])
    with ctx.uow(write=False) as uow:
        tickets = uow.tickets.of_order(order.id)
    assert [(ticket.product_id, ticket.entries_allowed) for ticket in tickets] == [
        ("srv-0", None), ("srv-0", None)]
    assert {ticket.valid_until - ticket.valid_from for ticket in tickets} == {
        timedelta(days=2)}


def test_deletions_arrive_as_tombstones(
        ctx: Context, ports: SyncPorts, new_server: Callable[..., LocalServer],
        till_name: str, cashier: StaffMember) -> None:
    server = new_server()
    document = catalogue(3)
    document["customers"] = [{"id": "c-gone", "kind": "person", "name": "Parti"}]
    document["staff"] = [{"login": "partant", "name": "Paul", "role": "cashier",
                          "secret": "1357"}, MANAGER]
    server_import(server, document)
    enrolled(ctx, ports, server, till_name)
    assert sync.sync_once(ctx, ports).reached
    assert sign_in(ctx, "partant", "1357").login == "partant"
    server_import(server, {"delete": {"products": ["srv-1"], "customers": ["c-gone"],
                                      "staff": ["partant"]}})
    run = sync.sync_once(ctx, ports)
    assert run.reached and run.pulled.removed == 3
    with ctx.uow(write=False) as uow:
        product = uow.catalogue.get("srv-1")
        assert uow.customers.get("c-gone") is None
        assert uow.catalogue.get_by_barcode("990000000001") is None
        assert uow.catalogue.get("srv-2") is not None
    # Kept for the sales that name it, never sold again.
    assert product is not None and not product.published
    with pytest.raises(DomainError):
        sign_in(ctx, "partant", "1357")


class StopsAfter:
    """The HTTP server port, with the real server stopped once `pages` pages came."""

    def __init__(self, inner: Any, server: LocalServer, pages: int) -> None:
        self.inner, self.server, self.pages = inner, server, pages

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def changes(self, access: ServerAccess, since: int, limit: int
                ) -> ServerReply[PulledPage]:
        reply: ServerReply[PulledPage] = self.inner.changes(access, since, limit)
        self.pages -= 1
        if self.pages == 0:
            self.server.stop()
        return reply


def test_a_pull_cut_between_pages_resumes_where_it_stopped(
        ctx: Context, ports: SyncPorts, new_server: Callable[..., LocalServer],
        till_name: str) -> None:
    server = new_server()
    total = 2 * PULL_PAGE + 500  # three pages, the category among them
    cursor = server_import(server, catalogue(total - 1))
    enrolled(ctx, ports, server, till_name)
    cut = SyncPorts(StopsAfter(ports.server, server, 1), ports.tokens)  # type: ignore[arg-type]
    run = sync.sync_once(ctx, cut)
    assert isinstance(run.failure, ServerUnreachable)
    assert (run.pulled.pages, run.pulled.written) == (1, PULL_PAGE)
    assert sync.sync_status(ctx).link.pull_cursor == PULL_PAGE  # type: ignore[union-attr]
    server.start()
    again = sync.sync_once(ctx, ports)
    assert again.reached
    assert (again.pulled.pages, again.pulled.written) == (2, total - PULL_PAGE)
    assert again.pulled.cursor == cursor + 1  # and the till's key, published at enrolment
    with ctx.uow(write=False) as uow:
        found = uow.catalogue.get_many([f"srv-{number}" for number in range(total - 1)])
    assert len(found) == total - 1


def test_a_sale_commits_while_a_big_pull_runs(
        ctx: Context, ports: SyncPorts, new_server: Callable[..., LocalServer],
        till_name: str, cashier: StaffMember) -> None:
    server = new_server()
    server_import(server, catalogue(5 * PULL_PAGE))
    enrolled(ctx, ports, server, till_name)
    outcome: list[object] = []

    def pull() -> None:
        try:
            outcome.append(sync.pull_changes(ctx, ports))
        except Exception as error:  # noqa: BLE001 -- said by the test's thread
            outcome.append(error)

    puller = threading.Thread(target=pull)
    puller.start()
    wait_for(lambda: (sync.sync_status(ctx).link.pull_cursor > 0  # type: ignore[union-attr]
                      or not puller.is_alive()), 60, "the first page applied")
    started = time.monotonic()
    sell_ride(ctx, cashier)
    took = time.monotonic() - started
    puller.join(120)
    assert not puller.is_alive()
    assert isinstance(outcome[0], sync.Pulled), outcome
    assert outcome[0].written == 5 * PULL_PAGE + 1
    assert took < 5, f"the sale waited {took:.2f} s"
    with ctx.uow(write=False) as uow:
        assert uow.catalogue.get(f"srv-{5 * PULL_PAGE - 1}") is not None


def test_sync_now_says_what_was_pulled_and_sync_status_the_cursor(
        data_dir: Path, new_server: Callable[..., LocalServer], till_name: str,
        tmp_path: Path) -> None:
    server = new_server()
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(catalogue(3)), encoding="utf-8")
    imported = server.cli("import", str(path))
    answer(caisse(data_dir, "enrol", server.url, server.enrol_code(till_name)))
    now = answer(caisse(data_dir, "sync", "now"))
    assert now["pulled"] == {"written": 4, "removed": 0, "orders": 0, "pages": 1,
                             "cursor": imported["cursor"] + 1}  # and the till's key
    status = answer(caisse(data_dir, "sync", "status"))
    assert status["pull_cursor"] == imported["cursor"] + 1
    said = subprocess.run([sys.executable, "-m", "pos_app", "--data-dir", str(data_dir),
                           "sync", "status"], capture_output=True, text=True, timeout=120,
                          check=False).stdout
    assert f"curseur / cursor {imported['cursor'] + 1}" in said


def test_shared_stocks_and_slots_reach_the_till_and_their_deletions_too(
        ctx: Context, ports: SyncPorts, new_server: Callable[..., LocalServer],
        till_name: str) -> None:
    server = new_server()
    document = catalogue(1)
    document["products"][0].update({"stock": "bateaux", "dated": True})
    document["shared_stocks"] = [{"id": "bateaux", "name": "Bateaux", "quantity": 10,
                                  "exceptions": [{"day": "2026-07-20", "quantity": 8}]}]
    document["slots"] = [
        {"id": "semaine", "product": "srv-0", "start": "2026-07-13T09:00",
         "end": "2026-07-17T18:00", "places": 4, "daily": True},
        {"product": "srv-0", "from": "2026-07-01", "to": "2026-07-31", "weekdays": [6],
         "hours": ["10:00-11:00", "14:00-15:00"], "places": 6}]
    server_import(server, document)
    enrolled(ctx, ports, server, till_name)
    run = sync.sync_once(ctx, ports)
    # A category, a product, the stock, the daily slot and the series' 8 slots.
    assert run.reached and run.pulled.written == 1 + 1 + 1 + 1 + 8
    july = (datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 8, 1, tzinfo=UTC))
    with ctx.uow(write=False) as uow:
        stock = uow.schedule.stock("bateaux")
        slots = uow.schedule.slots_on_stock("bateaux", *july)
        product = uow.catalogue.get("srv-0")
    assert stock == SharedStock("bateaux", "Bateaux", 10, True, {date(2026, 7, 20): 8})
    assert product is not None and (product.stock_id, product.dated) == ("bateaux", True)
    assert len(slots) == 9 and slots[0].id == "srv-0@2026-07-04T10:00"
    assert [slot for slot in slots if slot.id == "semaine"] == [Slot(
        "semaine", "srv-0", datetime(2026, 7, 13, 7, tzinfo=UTC),
        datetime(2026, 7, 17, 16, tzinfo=UTC), 4, daily=True)]

    server_import(server, {"delete": {"slots": ["semaine", "srv-0@2026-07-04T10:00"]}})
    run = sync.sync_once(ctx, ports)
    assert run.reached and (run.pulled.written, run.pulled.removed) == (0, 2)
    with ctx.uow(write=False) as uow:
        assert uow.schedule.slot("semaine") is None
        assert len(uow.schedule.slots_of_product("srv-0", *july)) == 7
