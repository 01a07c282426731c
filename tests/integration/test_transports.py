"""Every way to reach the printer: the network and a serial line to the simulated
printer (which answers status queries), a file, CUPS and USB where they cannot be
reached; a printer that cannot print says why, and takes nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hardware.simulators.escpos_printer import (
    SimulatedPrinter,
    SimulatedSerialPrinter,
    decode,
)
from pos_app.domain.devices import PrinterSettings, PrinterTransport
from pos_app.domain.printing import PrinterStatus
from pos_app.services.ports import PrinterUnavailable
from pos_app.ui.messages import error_message
from printing.escpos_document import drawer_kick
from printing.transports import (
    CupsPrinter,
    FilePrinter,
    NetworkPrinter,
    SerialPrinter,
    UsbPrinter,
    open_printer,
)

HELLO = b"\x1bt\x10Caf\xe9 cr\xe8me 2,50 \x80\n"  # CP1252: Café crème 2,50 €


def printed(device: SimulatedPrinter, expected: int) -> list[str]:
    deadline = time.monotonic() + 5  # the bytes arrive on the printer's own thread
    while len(device.decoded().lines) < expected and time.monotonic() < deadline:
        time.sleep(0.02)
    return device.decoded().lines


@pytest.mark.parametrize("line", ["network", "serial"])
def test_a_printer_that_answers_says_how_it_is_and_refuses_what_it_cannot_print(
        line: str) -> None:
    simulator = SimulatedPrinter() if line == "network" else SimulatedSerialPrinter()
    with simulator as device:
        printer = (NetworkPrinter(*device.address, timeout_s=2) if line == "network"
                   else SerialPrinter(device.port, timeout_s=1))  # type: ignore[attr-defined]
        assert printer.status() == PrinterStatus(True, False, False, False)
        printer.send(HELLO)
        assert printed(device, 1) == ["Café crème 2,50 €"]
        device.paper_low = True  # still prints: a new roll will be needed soon
        assert printer.status().paper_low
        printer.send(HELLO)
        assert printed(device, 2) == ["Café crème 2,50 €"] * 2  # before the cover opens
        device.cover_open = True
        with pytest.raises(PrinterUnavailable, match="cover open"):
            printer.send(HELLO)
        device.cover_open, device.paper_out = False, True
        with pytest.raises(PrinterUnavailable, match="out of paper") as raised:
            printer.send(HELLO)
        assert "L'imprimante ne répond pas (out of paper)" in error_message(raised.value)
        assert printer.status().problem == "out of paper"
        device.paper_out = False
        printer.send(drawer_kick())
        deadline = time.monotonic() + 5
        while not device.decoded().drawer_kicks and time.monotonic() < deadline:
            time.sleep(0.02)
        assert device.decoded().drawer_kicks == [(0, 50, 50)]
        assert device.decoded().lines == ["Café crème 2,50 €"] * 2  # nothing while it could not


@pytest.mark.parametrize("line", ["network", "serial"])
def test_a_printer_that_never_answers_prints_only_with_its_status_query_off(
        line: str) -> None:
    simulator = SimulatedPrinter() if line == "network" else SimulatedSerialPrinter()
    with simulator as device:
        device.answers_status = False

        def printer(status_query: bool) -> NetworkPrinter | SerialPrinter:
            if line == "network":
                return NetworkPrinter(*device.address, timeout_s=0.3,
                                      status_query=status_query)
            return SerialPrinter(device.port, timeout_s=0.3,  # type: ignore[attr-defined]
                                 status_query=status_query)

        with pytest.raises(PrinterUnavailable, match="no answer to the status query") as no:
            printer(True).send(HELLO)
        assert not no.value.started  # asked before: nothing of it was sent
        assert device.decoded().lines == []
        printer(False).send(HELLO)  # sent, drained (serial) or closed cleanly (network)
        assert printed(device, 1) == ["Café crème 2,50 €"]


def test_a_line_reset_mid_document_says_some_of_it_may_be_printed() -> None:
    with SimulatedPrinter() as device:
        device.reset_after = 9 + 5  # the three status queries, then five of its bytes
        with pytest.raises(PrinterUnavailable) as reset:
            NetworkPrinter(*device.address, timeout_s=2).send(HELLO * 200)
        assert reset.value.started and device.resets == 1
        with pytest.raises(PrinterUnavailable) as reset:  # with the status query off too
            device.reset_after = 7
            NetworkPrinter(*device.address, timeout_s=2, status_query=False).send(HELLO)
        assert reset.value.started
        # What each connection printed: its code page's 3 bytes, then the text's start
        assert [decode(bytes(each)).lines for each in device.connections] == [
            ["Ca"], ["Café"]]


def test_a_printer_switched_off_or_absent_is_unavailable() -> None:
    with SimulatedPrinter() as device:
        device.online = False
        with pytest.raises(PrinterUnavailable):
            NetworkPrinter(*device.address, timeout_s=1).send(HELLO)
        address = device.address
    with pytest.raises(PrinterUnavailable):  # nothing listens there any more
        NetworkPrinter(*address, timeout_s=1).send(HELLO)
    with pytest.raises(PrinterUnavailable, match="/dev/ttyNONE"):
        SerialPrinter("/dev/ttyNONE").send(HELLO)


def test_a_file_or_device_node_takes_the_bytes_as_they_are(tmp_path: Path) -> None:
    node = tmp_path / "lp0"
    printer = FilePrinter(str(node))
    printer.send(HELLO)
    printer.send(drawer_kick())
    assert decode(node.read_bytes()).lines == ["Café crème 2,50 €"]
    assert printer.status().online is None  # a file cannot say
    with pytest.raises(PrinterUnavailable, match="missing"):
        FilePrinter(str(tmp_path / "missing" / "lp0")).send(HELLO)


def test_cups_without_its_command_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PrinterUnavailable, match="cups-client"):
        CupsPrinter("TM-T20").send(HELLO)


def test_usb_without_its_device_is_unavailable_not_a_crash() -> None:
    with pytest.raises(PrinterUnavailable, match="USB 04b8:0e15"):
        UsbPrinter(0x04B8, 0x0E15).send(HELLO)


def test_the_settings_choose_the_transport() -> None:
    def opened(transport: PrinterTransport, address: str) -> object:
        return open_printer(PrinterSettings(transport, address))

    network = opened(PrinterTransport.NETWORK, "192.168.1.50")
    assert isinstance(network, NetworkPrinter) and (network.host, network.port) == (
        "192.168.1.50", 9100)
    network = opened(PrinterTransport.NETWORK, "imprimante.local:9101")
    assert isinstance(network, NetworkPrinter) and network.port == 9101
    usb = opened(PrinterTransport.USB, "04b8:0e15")
    assert isinstance(usb, UsbPrinter) and (usb.vendor, usb.product) == (0x04B8, 0x0E15)
    assert isinstance(opened(PrinterTransport.SERIAL, "/dev/ttyS0"), SerialPrinter)
    assert isinstance(opened(PrinterTransport.FILE, "/dev/usb/lp0"), FilePrinter)
    assert isinstance(opened(PrinterTransport.CUPS, "TM-T20"), CupsPrinter)
    assert open_printer(PrinterSettings()) is None
    with pytest.raises(ValueError, match="vendor:product"):
        opened(PrinterTransport.USB, "epson")
    with pytest.raises(ValueError, match="host:port"):
        opened(PrinterTransport.NETWORK, "imprimante:neuf")
