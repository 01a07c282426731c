"""Admission tickets across devices (R11, docs/sync.md "Admission tickets"), through a real
`caisse-server` on 127.0.0.1: two gates offline both let in a single-entry ticket; after
sync the server holds both validations and one conflict, which comes down to both gates
and shows on its status page. A gate that never pulled a ticket lets it in from its QR
code alone once it holds the issuing till's key; a ticket revoked before the gate's last
pull is refused offline."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from pos_app.domain.admission import Reason
from pos_app.domain.basket import Basket
from pos_app.domain.gate import ConflictKind
from pos_app.domain.ticket import Ticket
from pos_app.services import orders, selling
from pos_app.services.admissions import Source, ticket_conflicts, validate_ticket
from pos_app.services.selling import PaymentRequest
from sync.server.database import open_engine, reading
from sync.server.schema import records, sync_conflicts, ticket_entries, tickets
from tests.sync.support import LocalServer
from tests.sync.test_foreign_orders import Till

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def venue(empty_template: Path, tmp_path: Path, new_server: Callable[..., LocalServer]
          ) -> Iterator[tuple[Till, Till, Till, LocalServer]]:
    """The till that sells, two gates, all enrolled on a server of the test's own."""
    server = new_server()
    with ExitStack() as cleanup:
        yield (Till(empty_template, tmp_path, server, "1", cleanup),
               Till(empty_template, tmp_path, server, "2", cleanup),
               Till(empty_template, tmp_path, server, "3", cleanup), server)


def sell_ticket(till: Till) -> Ticket:
    """One single-entry place of the equestrian show, paid by card."""
    basket = Basket()
    selling.add_product(till.ctx, basket, "spectacle-equestre", 1)
    order = selling.sell(till.ctx, till.cashier, basket,
                         [PaymentRequest("CB", basket.total_cents)])
    with till.ctx.uow(write=False) as uow:
        (ticket,) = uow.tickets.of_order(order.id)
    assert ticket.entries_allowed == 1
    return ticket


def learned(server: LocalServer, reference: str) -> tuple[str, str | None]:
    """How the server came to hold a ticket, and its order as it holds it."""
    engine = open_engine(server.database_url)
    try:
        with reading(engine) as connection:
            row = connection.execute(select(tickets.c.learned, tickets.c.order_id).where(
                tickets.c.reference == reference)).one()
    finally:
        engine.dispose()
    return row.learned, row.order_id


def status_page(server: LocalServer) -> str:
    token = server.cli("admin-token")["token"]
    with httpx.Client(base_url=server.url, timeout=30) as client:
        signed = client.post("/login", content=f"jeton={token}", headers=FORM)
        assert signed.status_code == 303, signed.text
        page = client.get("/status")
        assert page.status_code == 200, page.text
        return html.unescape(page.text)


def test_two_gates_offline_let_one_entry_in_twice_and_all_hear_of_the_conflict(
        venue: tuple[Till, Till, Till, LocalServer]) -> None:
    seller, north, south, server = venue
    ticket = sell_ticket(seller)
    seller.sync()
    north.sync()
    south.sync()
    # Both gates offline: each admits the visitor once, by its QR code.
    first = validate_ticket(north.ctx, north.cashier, ticket.token)
    second = validate_ticket(south.ctx, south.cashier, ticket.token)
    assert first.validated and second.validated
    assert first.verdict.source is second.verdict.source is Source.PULLED
    north.sync()
    south.sync()
    north.sync()  # the conflict came after its push: its next round brings it

    engine = open_engine(server.database_url)
    try:
        with reading(engine) as connection:
            tills = connection.execute(select(ticket_entries.c.till_id).where(
                ticket_entries.c.reference == ticket.reference)).scalars().all()
            found = connection.execute(select(sync_conflicts).where(
                sync_conflicts.c.subject_id == ticket.reference)).mappings().all()
    finally:
        engine.dispose()
    assert sorted(tills) == sorted([first.validation.till_id, second.validation.till_id])
    assert [row["kind"] for row in found] == ["ticket.over_allowance"]
    detail = json.loads(found[0]["detail"])
    assert (detail["entries"], detail["entries_allowed"]) == (2, 1)

    for gate in (north, south):
        (conflict,) = ticket_conflicts(gate.ctx)
        assert (conflict.reference, conflict.kind) == (ticket.reference,
                                                       ConflictKind.OVER_ALLOWANCE)
        assert sorted(conflict.till_ids) == sorted(tills)
        # And the gate now counts the other's entry: a third try is refused offline.
        again = validate_ticket(gate.ctx, gate.cashier, ticket.token)
        assert (again.validated, again.verdict.reason) == (False, Reason.USED_UP)

    page = status_page(server)
    listed = page[page.index('id="conflits"'):]
    assert "Billet validé au-delà de ses entrées" in listed
    shown = f"{ticket.reference[:5]}-{ticket.reference[5:]}"
    assert f"Billet {shown} : 2 entrées pour 1 permise" in listed
    assert north.name in listed and south.name in listed


def test_a_gate_checks_a_ticket_from_its_qr_alone_and_refuses_one_revoked_before_its_pull(
        venue: tuple[Till, Till, Till, LocalServer]) -> None:
    seller, gate, _other, server = venue
    gate.sync()  # the seller's key came down (published when it enrolled)
    unsynced = sell_ticket(seller)  # the sale never reaches the server before the gate
    entry = validate_ticket(gate.ctx, gate.cashier, unsynced.token)
    assert entry.validated and entry.verdict.source is Source.TOKEN
    # A token with one character changed is refused: its signature no longer holds.
    changed = unsynced.token[:-4] + ("A" if unsynced.token[-4] != "A" else "B") \
        + unsynced.token[-3:]
    forged = validate_ticket(gate.ctx, gate.cashier, changed)
    assert (forged.validated, forged.verdict.reason) == (False, Reason.FORGED)
    gate.sync()  # its validation reaches the server before the sale: learned from the token
    assert learned(server, unsynced.reference) == ("token", None)

    cancelled = sell_ticket(seller)
    orders.cancel_order(seller.ctx, seller.manager, cancelled.order_number, "météo")
    seller.sync()
    gate.sync()  # the gate's last pull: the revocation came down with it
    refused = validate_ticket(gate.ctx, gate.cashier, cancelled.token)
    assert (refused.validated, refused.verdict.reason) == (False, Reason.REVOKED)
    # The ticket the gate let in from its token alone is no conflict; its sale, come
    # later, gave it its order.
    assert ticket_conflicts(gate.ctx) == []
    assert learned(server, unsynced.reference) == ("sale", unsynced.order_id)


def test_a_schools_six_hundred_places_reach_the_server_and_every_gate(
        venue: tuple[Till, Till, Till, LocalServer]) -> None:
    seller, gate, _south, server = venue
    basket = Basket()
    selling.add_product(seller.ctx, basket, "spectacle-equestre", 600)
    order = selling.sell(seller.ctx, seller.cashier, basket,
                         [PaymentRequest("CB", basket.total_cents)])
    with seller.ctx.uow(write=False) as uow:
        issued = uow.tickets.of_order(order.id)
    assert len(issued) == 600
    # More than one record holds (256 KiB): the order's own carries the first 200, two
    # `tickets.issued` records the rest; none is refused, none waits.
    pushed = seller.sync().records
    assert pushed.rejected == [] and pushed.waiting == 0
    engine = open_engine(server.database_url)
    try:
        with reading(engine) as connection:
            held = connection.execute(select(tickets.c.reference).where(
                tickets.c.order_id == order.id, tickets.c.learned == "sale")).scalars().all()
            kinds = connection.execute(select(records.c.kind).where(
                records.c.aggregate_id == order.id)).scalars().all()
    finally:
        engine.dispose()
    assert sorted(kinds) == ["order.validated", "tickets.issued", "tickets.issued"]
    assert sorted(held) == sorted(ticket.reference for ticket in issued)
    gate.sync()  # every ticket came down: the last one is let in by its typed reference
    entry = validate_ticket(gate.ctx, gate.cashier, issued[-1].reference)
    assert entry.validated and entry.verdict.source is Source.PULLED
