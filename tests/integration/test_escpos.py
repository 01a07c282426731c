"""Receipts in ESC/POS bytes, sent over TCP to the simulated printer on 127.0.0.1 and
decoded back: French text, €, the QR code; the drawer kick; 58 mm lines that fit."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.simulators.escpos_printer import SimulatedPrinter, decode
from pos_app.documents import (
    order_document,
    reading_document,
    receipt_document,
    ticket_document,
)
from pos_app.domain.document import (
    AdmissionTicket,
    Align,
    Barcode,
    Document,
    DocumentKind,
    Text,
    ticket_reference,
)
from pos_app.domain.staff import StaffMember
from pos_app.services import closures, orders, selling
from pos_app.services.context import Context
from pos_app.services.receipts import receipt
from pos_app.services.selling import PaymentRequest
from printing.escpos_document import (
    COLUMNS,
    code128,
    document_text_lines,
    document_to_escpos,
    drawer_kick,
    printable,
    receipt_text_lines,
    receipt_to_escpos,
    wrapped,
)
from tests.integration.test_selling_services import basket_of


def send(address: tuple[str, int], data: bytes) -> None:
    with socket.create_connection(address, timeout=5) as connection:
        connection.sendall(data)


@pytest.fixture
def sold(ctx: Context, cashier: StaffMember) -> str:
    return selling.sell(ctx, cashier, basket_of(ctx, "balade-poney-1h", "creme-glacee"),
                        [PaymentRequest("ESP", 2000)]).number


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_a_receipt_prints_back_as_its_text_and_qr(ctx: Context, sold: str,
                                                  paper_mm: int) -> None:
    made = receipt(ctx, sold)
    with SimulatedPrinter() as printer:
        send(printer.address, receipt_to_escpos(made, paper_mm))
        expected = receipt_text_lines(made, paper_mm)

        deadline = time.monotonic() + 5  # the bytes arrive on the printer's own thread
        while printer.decoded().cuts == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        decoded = printer.decoded()
    assert decoded.lines[:len(expected)] == expected
    assert "Domaine des Écuries du Lac" in decoded.lines
    assert any("Crème glacée" in line for line in decoded.lines)
    assert any("€" in line for line in decoded.lines)
    assert decoded.qr_codes == [made.qr] and decoded.cuts == 1
    assert all(len(line) <= COLUMNS[paper_mm] for line in decoded.lines)


def test_one_code_page_holds_every_french_character() -> None:
    from escpos.printer import Dummy

    printer = Dummy(profile="TM-T88III")
    printer.charcode("CP1252")
    text = "Crème brûlée à 5,50 € — Œuf, œuvre, ça, déjà, où"
    printer.text(text + "\n")
    assert printer.output.count(b"\x1bt") == 1  # no code page switch mid-line
    assert decode(printer.output).lines == [text]


def test_the_drawer_kick_is_its_own_esc_p_sequence() -> None:
    assert drawer_kick() == b"\x1bp\x00\x32\x32"  # pin 2, 100 ms on and off
    assert drawer_kick(pin=5, pulse_ms=200) == b"\x1bp\x01\x64\x64"
    assert decode(drawer_kick()).drawer_kicks == [(0, 50, 50)]
    with pytest.raises(ValueError, match="pin 2 or pin 5"):
        drawer_kick(pin=3)


def test_long_lines_wrap_to_58_mm() -> None:
    lines = wrapped(["2 × Spectacle équestre « Crinières de feu » (Adulte) 22,00 € = 44,00 €"],
                    58)
    assert all(len(line) <= 32 for line in lines) and len(lines) == 3


def test_the_printer_answers_its_paper_status() -> None:
    with SimulatedPrinter() as printer, socket.create_connection(printer.address,
                                                                 timeout=5) as connection:
        connection.sendall(b"\x10\x04\x04")
        assert connection.recv(1) == b"\x12"  # paper present
        printer.paper_out = True
        connection.sendall(b"\x10\x04\x04")
        assert connection.recv(1) == b"\x72"  # paper out


def test_a_receipt_carries_its_order_number_as_a_barcode(ctx: Context, sold: str) -> None:
    decoded = decode(receipt_to_escpos(receipt(ctx, sold), 58))
    assert decoded.barcodes == [sold]


FRENCH = "abcdeéèêëàâçîïôœùûüÿ ABCÉÈÀÇŒ0123456789 €,.:;-'«»()/"


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.tuples(st.text(alphabet=FRENCH, min_size=0, max_size=90),
                                st.booleans(), st.booleans()), min_size=1, max_size=6),
       paper_mm=st.sampled_from([58, 80]))
def test_any_french_text_prints_back_as_itself_within_the_paper(
        texts: list[tuple[str, bool, bool]], paper_mm: int) -> None:
    document = Document(DocumentKind.ORDER, "CD2-000001", tuple(
        Text(text, bold=bold, large=large, align=Align.CENTER if bold else Align.LEFT)
        for text, bold, large in texts))
    decoded = decode(document_to_escpos(document, paper_mm))
    assert decoded.lines == document_text_lines(document, paper_mm)
    for text, _bold, large in texts:  # each block's lines: large print takes twice as wide
        assert all(len(line) <= COLUMNS[paper_mm] // (2 if large else 1)
                   for line in wrapped([text], paper_mm, large)), text


def test_every_document_fits_58_mm(ctx: Context, sold: str, manager: StaffMember) -> None:
    made = receipt(ctx, sold)
    details = orders.get_order(ctx, sold)
    z = closures.finish_closure(ctx, manager)
    ticket = AdmissionTicket(ticket_reference(sold, 1, 1), "Domaine des Écuries du Lac",
                             "Spectacle équestre « Crinières de feu » en nocturne", "Adulte",
                             2200, sold, holder="Dupont Jean-Christophe",
                             slot_start=datetime(2026, 7, 14, 19, 30, tzinfo=UTC))
    documents = [receipt_document(made), order_document(details.order, details.payer),
                 reading_document(closures.x_reading(ctx)),
                 reading_document(z.reading, (*z.made_alongside, z.closure)),
                 ticket_document(ticket)]
    for document in documents:
        printed = decode(document_to_escpos(document, 58))
        assert printed.lines == document_text_lines(document, 58), document.kind
        large = {line for block in document.blocks if isinstance(block, Text) and block.large
                 for line in wrapped([block.text], 58, large=True)}
        for line in printed.lines:
            assert len(line) <= (16 if line in large else 32), (document.kind, line)
    ticket_print = decode(document_to_escpos(documents[-1], 58))
    assert ticket_print.qr_codes == [ticket.reference] == ticket_print.barcodes
    assert ticket.reference in ticket_print.lines  # under the QR code, as on every format


def test_a_barcode_code_128_cannot_hold_is_printed_as_text() -> None:
    with pytest.raises(ValueError, match="Code 128"):
        code128("CAISSE-É-1")
    document = Document(DocumentKind.ORDER, "É-1", (Barcode("É-1"),))
    assert decode(document_to_escpos(document, 80)).lines == ["É-1"]


def test_characters_the_code_page_lacks_print_as_their_nearest() -> None:
    assert printable("fond 150,00 € − rendu ≤ 5 € · Œuvre “ok” ≥ 2") == (
        "fond 150,00 € - rendu <= 5 € · Œuvre “ok” >= 2")
    printed = decode(document_to_escpos(Document(DocumentKind.TEST, "T", (
        Text("rendu ≤ 5 €"),)), 80))
    assert printed.lines == ["rendu <= 5 €"]  # as the printer shows it
    assert printable("Łódź ☃") == "Lódz ?"
