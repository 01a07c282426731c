"""Receipts in ESC/POS bytes, sent over TCP to the simulated printer on 127.0.0.1 and
decoded back: French text, €, the QR code; the drawer kick; 58 mm lines that fit."""

from __future__ import annotations

import socket
import time

import pytest

from hardware.simulators.escpos_printer import SimulatedPrinter, decode
from pos_app.domain.staff import StaffMember
from pos_app.services import selling
from pos_app.services.context import Context
from pos_app.services.receipts import receipt
from pos_app.services.selling import PaymentRequest
from printing.escpos_receipt import (
    COLUMNS,
    drawer_kick,
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
