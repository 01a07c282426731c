"""Admission tickets issued with the sale (R11): one per place, in the sale's own
transaction, each token signed by the till's key and saying the product and validity;
revoked by a cancellation, or place by place by a return; printed from the store."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from pos_app.adapters.signing import verify_signature
from pos_app.bootstrap import Store
from pos_app.documents import printed_ticket, ticket_document, validity_text
from pos_app.domain.basket import Basket
from pos_app.domain.document import QrCode, TicketFormat
from pos_app.domain.staff import StaffMember
from pos_app.domain.ticket import (
    Ticket,
    message_digest,
    normalise_reference,
    read_token,
    shown_reference,
)
from pos_app.services import importing, orders, selling
from pos_app.services.context import Context
from pos_app.services.importing import InvalidImport
from pos_app.services.ports import Signer
from pos_app.services.selling import PaymentRequest
from pos_app.services.tickets import TicketNotValid, tickets_to_print
from pos_app.storage.connection import STORE_FILE
from printing.ticket_pages import ticket_png
from tests.integration.test_cli import caisse, error, ok

# The demo venue's day of sale, 11 July 2026 in Paris: from its midnight to the next.
PARIS_DAY = (datetime(2026, 7, 10, 22, 0, tzinfo=UTC), datetime(2026, 7, 11, 22, 0, tzinfo=UTC))


def sale(ctx: Context, cashier: StaffMember, *lines: tuple[str, int], card: bool = True,
         training: bool = False) -> Any:
    basket = Basket()
    for product_id, quantity in lines:
        selling.add_product(ctx, basket, product_id, quantity)
    payments = [PaymentRequest("CB", basket.total_cents)] if card else []
    return selling.sell(ctx, cashier, basket, payments, training=training)


def stored(ctx: Context, order_id: str) -> list[Ticket]:
    with ctx.uow(write=False) as uow:
        return uow.tickets.of_order(order_id)


def till_key(ctx: Context, key_id: str) -> str:
    with ctx.uow(write=False) as uow:
        return uow.journal.keys()[key_id]


def test_three_places_issue_three_tickets_each_signed_by_the_till(
        ctx: Context, cashier: StaffMember) -> None:
    order = sale(ctx, cashier, ("spectacle-equestre", 3), ("crepe", 2))
    tickets = stored(ctx, order.id)
    assert [(t.line_position, t.unit, t.product_id) for t in tickets] == [
        (0, 1, "spectacle-equestre"), (0, 2, "spectacle-equestre"),
        (0, 3, "spectacle-equestre")]
    assert len({ticket.reference for ticket in tickets}) == 3
    for ticket in tickets:
        assert normalise_reference(ticket.reference) == ticket.reference
        assert (ticket.valid_from, ticket.valid_until) == PARIS_DAY
        assert ticket.entries_allowed == 1 and ticket.revoked_at is None
        read = read_token(ticket.token)
        assert read.claims == ticket.claims
        assert read.claims.product_id == "spectacle-equestre"
        assert (read.claims.valid_from, read.claims.valid_until) == PARIS_DAY
        assert read.claims.key_id == ctx.signer.key_id == ticket.key_id
        public = till_key(ctx, ticket.key_id)
        assert verify_signature(public, message_digest(read.message), read.signature)
        changed = bytearray(read.message)
        changed[-1] ^= 1  # another product id: the signature no longer holds
        assert not verify_signature(public, message_digest(bytes(changed)), read.signature)


def test_a_product_that_is_no_admission_issues_none(ctx: Context,
                                                    cashier: StaffMember) -> None:
    order = sale(ctx, cashier, ("kayak-2h", 2), ("gourde", 1))
    assert stored(ctx, order.id) == []


def test_the_rule_of_the_product_says_entries(ctx: Context, cashier: StaffMember) -> None:
    order = sale(ctx, cashier, ("concert-ete", 1))
    [ticket] = stored(ctx, order.id)
    assert ticket.entries_allowed == 2 and read_token(ticket.token).claims.entries_allowed == 2


def test_a_training_sale_issues_no_ticket(ctx: Context, cashier: StaffMember) -> None:
    order = sale(ctx, cashier, ("nocturne", 2), training=True)
    assert order.training and stored(ctx, order.id) == []


class FailingSigner:
    """The till's signer, which fails at its `allowed`+1th signature."""

    def __init__(self, signer: Signer, allowed: int) -> None:
        self._signer = signer
        self.allowed = allowed
        self.signed = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._signer, name)

    def sign(self, digest: bytes) -> bytes:
        if self.signed >= self.allowed:
            raise OSError("the key's device went away")
        self.signed += 1
        return self._signer.sign(digest)


def test_a_sale_that_fails_while_issuing_leaves_no_ticket_nor_order(
        ctx: Context, cashier: StaffMember, store: Store) -> None:
    counting = FailingSigner(ctx.signer, 10**6)
    counted = dataclasses.replace(ctx, signer=counting)
    sale(counted, cashier, ("crepe", 1))  # the journal's signatures for one sale
    journal_only = counting.signed
    # The journal signs, then the first ticket, then the second fails.
    failing = dataclasses.replace(ctx, signer=FailingSigner(ctx.signer, journal_only + 1))
    with pytest.raises(OSError):
        sale(failing, cashier, ("visite-guidee", 3))
    with sqlite3.connect(store.data_dir / STORE_FILE) as db:
        assert db.execute("SELECT count(*) FROM tickets").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM orders").fetchone() == (1,)
    after = sale(ctx, cashier, ("visite-guidee", 3))  # the number was not used up
    assert after.sequence == 2 and len(stored(ctx, after.id)) == 3


def test_cancelling_revokes_every_ticket_of_the_order(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    order = sale(ctx, cashier, ("accrobranche", 2), ("nocturne", 1))
    other = sale(ctx, cashier, ("accrobranche", 1))
    orders.cancel_order(ctx, manager, order.number, "météo")
    assert {t.revoked_at for t in stored(ctx, order.id)} == {ctx.clock.now()}
    assert [t.revoked_at for t in stored(ctx, other.id)] == [None]


def test_a_partial_return_revokes_only_the_places_returned(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    order = sale(ctx, cashier, ("crepe", 1), ("visite-guidee", 3), ("nocturne", 2))
    orders.return_lines(ctx, manager, order.number, [(1, 1), (2, 2)], "deux absents")
    tickets = stored(ctx, order.id)
    revoked = [(t.line_position, t.unit) for t in tickets if t.revoked_at is not None]
    assert revoked == [(1, 3), (2, 1), (2, 2)]
    orders.return_lines(ctx, manager, order.number, [(1, 1)], "un de plus")
    standing = [(t.line_position, t.unit) for t in stored(ctx, order.id)
                if t.revoked_at is None]
    assert standing == [(1, 1)]


def sent(ctx: Context, kind: str) -> list[dict[str, Any]]:
    with ctx.uow(write=False) as uow:
        return [json.loads(record.payload) for record in uow.outbox.waiting(500)
                if record.kind == kind]


def test_the_sales_record_carries_its_tickets_and_tokens(
        ctx: Context, cashier: StaffMember) -> None:
    order = sale(ctx, cashier, ("crepe", 1), ("visite-guidee", 2))
    plain = sale(ctx, cashier, ("crepe", 1))
    (payload,) = [p for p in sent(ctx, "order.validated") if p["id"] == order.id]
    tickets = stored(ctx, order.id)
    assert payload["tickets"] == [
        {"reference": t.reference, "line": 1, "unit": t.unit, "product_id": "visite-guidee",
         "valid_from": t.valid_from.isoformat(), "valid_until": t.valid_until.isoformat(),
         "entries_allowed": t.entries_allowed, "key_id": t.key_id, "token": t.token}
        for t in tickets]
    assert [read_token(item["token"]).claims.reference for item in payload["tickets"]] == [
        t.reference for t in tickets]
    (other,) = [p for p in sent(ctx, "order.validated") if p["id"] == plain.id]
    assert "tickets" not in other  # a sale of no admission says nothing of tickets


def test_corrections_records_carry_the_tickets_they_revoked(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    returned = sale(ctx, cashier, ("crepe", 1), ("visite-guidee", 3))
    orders.return_lines(ctx, manager, returned.number, [(1, 2)], "deux absents")
    (note,) = sent(ctx, "order.returned")
    assert sorted(note["revoked_tickets"]) == sorted(
        t.reference for t in stored(ctx, returned.id) if t.revoked_at is not None)
    assert len(note["revoked_tickets"]) == 2
    cancelled = sale(ctx, cashier, ("accrobranche", 2))
    orders.cancel_order(ctx, manager, cancelled.number, "météo")
    (cancellation,) = sent(ctx, "order.cancelled")
    assert sorted(cancellation["revoked_tickets"]) == sorted(
        t.reference for t in stored(ctx, cancelled.id))
    plain = sale(ctx, cashier, ("crepe", 1))
    orders.cancel_order(ctx, manager, plain.number, "erreur")
    assert "revoked_tickets" not in next(p for p in sent(ctx, "order.cancelled")
                                         if p["order_id"] == plain.id)


def test_the_import_refuses_a_bad_admission(store: Store, manager: StaffMember) -> None:
    item = {"id": "grotte", "name": "Visite de la grotte", "vat_rate": "10",
            "prices": [{"label": "Adulte", "amount": "9.00"}]}
    document = {"products": [
        {**item, "admission": {"entries": 0, "days": 2}},
        {**item, "id": "grotte-2", "admission": {"entries": -1, "before_minutes": "30",
                                                 "days": 0, "slots": 3}},
        {**item, "id": "grotte-3", "admission": 1},
        {**item, "id": "🦇" * 64, "admission": {}}]}
    with pytest.raises(InvalidImport) as refused:
        importing.import_data(store.context, manager, document)
    assert [str(problem) for problem in refused.value.problems] == [
        "products[1].admission.slots: unknown field",
        "products[1].admission.entries: must be a whole number from 0 to 255 (0: no limit)",
        "products[1].admission.before_minutes: must be a whole number from 0 to 1440",
        "products[1].admission.days: must be a whole number from 1 to 366",
        "products[2].admission: must be an object (entries, before_minutes, after_minutes,"
        " days)",
        "products[3].id: an admission's id must take at most 255 bytes in UTF-8"]
    importing.import_data(store.context, manager, {"products": [
        {**item, "admission": {"entries": 0, "days": 2}}]})
    with store.context.uow(write=False) as uow:
        product = uow.catalogue.get("grotte")
    assert product is not None and product.admission is not None
    assert (product.admission.entries, product.admission.days) == (None, 2)


def test_printed_tickets_carry_the_token_and_say_the_day(ctx: Context,
                                                         cashier: StaffMember) -> None:
    order = sale(ctx, cashier, ("nocturne", 2))
    found = tickets_to_print(ctx, order.number)
    assert len(found.tickets) == 2
    ticket = found.tickets[0]
    printed = printed_ticket(ticket, found.order, found.venue_name, found.payer_name)
    assert printed.reference == shown_reference(ticket.reference)
    document = ticket_document(printed)
    [qr] = [block for block in document.blocks if isinstance(block, QrCode)]
    assert qr.data == ticket.token and qr.caption == shown_reference(ticket.reference)
    assert "Valable le 11/07/2026" in document.text_lines()
    assert "1 entrée" in document.text_lines()
    for form in (TicketFormat.CARD, TicketFormat.BOOKLET):
        picture = Image.open(io.BytesIO(ticket_png(printed, form, dpi=300)))
        read = {found.text for found in zxingcpp.read_barcodes(picture)
                if found.format.name == "QRCode"}
        assert read == {ticket.token}
    by_reference = tickets_to_print(ctx, shown_reference(ticket.reference).lower())
    assert by_reference.tickets == (ticket,)


def test_validity_is_said_in_paris_time() -> None:
    assert validity_text(*PARIS_DAY) == "Valable le 11/07/2026"
    assert validity_text(PARIS_DAY[0], datetime(2026, 7, 13, 22, 0, tzinfo=UTC)) == (
        "Valable du 11/07/2026 au 13/07/2026")
    assert validity_text(datetime(2026, 7, 14, 17, 0, tzinfo=UTC),
                         datetime(2026, 7, 14, 20, 30, tzinfo=UTC)) == (
        "Valable du 14/07/2026 19h00 au 14/07/2026 22h30")


def test_a_training_order_says_it_issued_no_tickets(ctx: Context,
                                                    cashier: StaffMember) -> None:
    from pos_app.services.tickets import NoTickets

    order = sale(ctx, cashier, ("nocturne", 1), training=True)
    with pytest.raises(NoTickets, match="training"):
        tickets_to_print(ctx, order.number)


def test_a_revoked_ticket_is_not_printed(ctx: Context, cashier: StaffMember,
                                         manager: StaffMember) -> None:
    order = sale(ctx, cashier, ("nocturne", 1))
    [ticket] = stored(ctx, order.id)
    orders.cancel_order(ctx, manager, order.number, "erreur")
    with pytest.raises(TicketNotValid):
        tickets_to_print(ctx, ticket.reference)


def test_the_cli_prints_an_order_as_a_booklet_and_a_ticket_as_a_card(
        data_dir: Path, tmp_path: Path) -> None:
    from pos_app.adapters.clock import FrozenClock
    from pos_app.bootstrap import open_store
    from pos_app.services.staff import sign_in
    from tests.conftest import START

    opened = open_store(data_dir, FrozenClock(START))
    try:
        order = sale(opened.context, sign_in(opened.context, "caissier", "1234"),
                     ("visite-guidee", 2), ("cafe", 1))
        tickets = stored(opened.context, order.id)
    finally:
        opened.close()
    booklet = tmp_path / "carnet.pdf"
    printed = ok(caisse(data_dir, "ticket", "print", order.number, "--format", "booklet",
                        "--out", str(booklet)))
    assert [t["token"] for t in printed["tickets"]] == [t.token for t in tickets]
    pdf = booklet.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 3  # the cover, then each ticket
    card = tmp_path / "billet.pdf"
    one = ok(caisse(data_dir, "ticket", "print", shown_reference(tickets[1].reference),
                    "--format", "card", "--out", str(card)))
    assert [t["reference"] for t in one["tickets"]] == [tickets[1].reference]
    assert card.read_bytes().startswith(b"%PDF-")
    assert "--out" in error(caisse(data_dir, "ticket", "print", order.number, "--format",
                                   "a4"))["error"]
    assert "CD2-999999" in error(caisse(data_dir, "ticket", "print", "CD2-999999"))["error"]


def test_the_cli_prints_an_orders_tickets_on_the_till_roll(data_dir: Path) -> None:
    from hardware.simulators.escpos_printer import SimulatedPrinter
    from pos_app.adapters.clock import FrozenClock
    from pos_app.bootstrap import open_store
    from pos_app.services.staff import sign_in
    from tests.conftest import START

    opened = open_store(data_dir, FrozenClock(START))
    try:
        order = sale(opened.context, sign_in(opened.context, "caissier", "1234"),
                     ("concert-ete", 2))
        tokens = [ticket.token for ticket in stored(opened.context, order.id)]
    finally:
        opened.close()
    with SimulatedPrinter() as device:
        host, port = device.address
        ok(caisse(data_dir, "devices", "set", "printer", "network", f"{host}:{port}",
                  staff="gerant", secret="4321"))
        printed = ok(caisse(data_dir, "ticket", "print", order.number))
        assert printed["printed"] == "imprimé / printed"
        decoded = device.decoded()
        assert decoded.qr_codes == tokens
        assert sum(line.strip() == "2 entrées" for line in decoded.lines) == 2
        assert sum("Valable le 11/07/2026" in line for line in decoded.lines) == 2


def test_a_sale_in_progress_validated_issues_its_tickets(ctx: Context,
                                                         cashier: StaffMember) -> None:
    from pos_app.services import drafts

    basket = Basket()
    selling.add_product(ctx, basket, "accrobranche", 2)
    drafts.keep_basket(ctx, cashier, basket, 1)
    drafts.tender(ctx, cashier, basket, 1, "CB", basket.total_cents)
    order = drafts.validate_draft(ctx, cashier, basket, 1)
    assert [(t.product_id, t.unit) for t in stored(ctx, order.id)] == [
        ("accrobranche", 1), ("accrobranche", 2)]
