"""A cash drawer wired to the receipt printer's drawer port: opened by a kick sent to the
printer on its own, apart from any receipt."""

from __future__ import annotations

from pos_app.services.ports import Printer
from printing.escpos_document import drawer_kick


class PrinterDrawer:
    def __init__(self, printer: Printer, pin: int = 2, pulse_ms: int = 100) -> None:
        self.printer = printer
        self.command = drawer_kick(pin, pulse_ms)

    def kick(self) -> None:
        self.printer.send(self.command)
