"""The cash drawer: wired to the receipt printer's drawer port (opened by a kick sent to
the printer on its own, apart from any receipt), or with a serial interface of its own."""

from __future__ import annotations

from pos_app.services.ports import Printer, PrinterUnavailable
from printing.escpos_document import drawer_kick


class PrinterDrawer:
    def __init__(self, printer: Printer, pin: int = 2, pulse_ms: int = 100) -> None:
        self.printer = printer
        self.command = drawer_kick(pin, pulse_ms)

    def kick(self) -> None:
        self.printer.send(self.command)


class SerialDrawer:
    """A drawer with its own serial interface: it opens on the same `ESC p` kick."""

    def __init__(self, port: str, pin: int = 2, pulse_ms: int = 100,
                 baudrate: int = 9600) -> None:
        self.port, self.baudrate = port, baudrate
        self.command = drawer_kick(pin, pulse_ms)

    def kick(self) -> None:
        import serial

        try:
            with serial.Serial(self.port, self.baudrate, write_timeout=2) as line:
                line.write(self.command)
                line.flush()
        except (serial.SerialException, OSError) as error:
            raise PrinterUnavailable(f"drawer on {self.port}: {error}") from error
