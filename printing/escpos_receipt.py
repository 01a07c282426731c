"""Receipts as ESC/POS bytes for 58 mm and 80 mm till rolls, through python-escpos.

The text is the receipt's own lines (pos_app.receipt_text), wrapped to the paper's width,
in one code page: Windows-1252 (WPC1252, `ESC t 16` on Epson-compatible printers) holds
é, è, à, ç, €, Œ and œ, where CP858 has € but no Œ. The QR code is printed natively
(`GS ( k`), from the receipt's signed summary.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from pos_app.receipt_text import receipt_lines

if TYPE_CHECKING:
    from pos_app.domain.receipt import Receipt

COLUMNS = {58: 32, 80: 48}  # characters of font A per line
CODE_PAGE = "CP1252"
PROFILE = "TM-T88III"  # python-escpos's profile of the common Epson command set
QR_PREFIX = "QR "


def wrapped(lines: list[str], paper_mm: int) -> list[str]:
    """Each line cut at the paper's width, at spaces where it can be."""
    width = COLUMNS[paper_mm]
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(line, width, break_long_words=True, break_on_hyphens=False) or [""]
    return out


def receipt_text_lines(receipt: Receipt, paper_mm: int) -> list[str]:
    """What the printer prints as text, line by line (the QR code is drawn apart)."""
    return wrapped([line for line in receipt_lines(receipt) if not line.startswith(QR_PREFIX)],
                   paper_mm)


def receipt_to_escpos(receipt: Receipt, paper_mm: int = 80) -> bytes:
    from escpos.printer import Dummy  # a large library: loaded when the first receipt prints

    printer = Dummy(profile=PROFILE)
    printer.charcode(CODE_PAGE)
    printer.text("\n".join(receipt_text_lines(receipt, paper_mm)) + "\n")
    if receipt.qr:
        printer.qr(receipt.qr, native=True, size=4 if paper_mm == 58 else 6)
    printer.cut()
    output: bytes = printer.output
    return output


def drawer_kick(pin: int = 2, pulse_ms: int = 100) -> bytes:
    """`ESC p m t1 t2`: open the drawer wired to connector pin 2 or 5, the pulse on and
    off for `pulse_ms` (in 2 ms units, up to 510 ms). Sent apart from any receipt."""
    if pin not in (2, 5):
        raise ValueError("a drawer is wired to pin 2 or pin 5")
    units = max(1, min(255, pulse_ms // 2))
    return bytes([0x1B, 0x70, 0 if pin == 2 else 1, units, units])
