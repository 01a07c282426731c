"""Documents (domain/document.py) as ESC/POS bytes for 58 mm and 80 mm till rolls,
through python-escpos.

The text is wrapped to the paper's width, in one code page: Windows-1252 (WPC1252,
`ESC t 16` on Epson-compatible printers) holds é, è, à, ç, €, Œ and œ, where CP858 has €
but no Œ. QR codes are printed natively (`GS ( k`), barcodes as Code 128 (`GS k`) with
their text under them.
"""

from __future__ import annotations

import textwrap
import unicodedata
from typing import TYPE_CHECKING

from pos_app.documents import receipt_document
from pos_app.domain.document import Barcode, Document, QrCode, Rule, Text

if TYPE_CHECKING:
    from pos_app.domain.receipt import Receipt

COLUMNS = {58: 32, 80: 48}  # characters of font A per line
DOTS = {58: 384, 80: 576}  # printable dots per line at 203 dpi
CODE_PAGE = "CP1252"
PROFILE = "TM-T88III"  # python-escpos's profile of the common Epson command set
BARCODE_HEIGHT = 80  # dots: 10 mm, what hand scanners read at a glance
QR_SIZE = {58: 4, 80: 6}  # dots per module


# Characters the code page lacks, as the nearest it has (else an accent-less form, else ?);
# never one that changes the meaning: "≤ 5 €" is "<= 5 €", not "< 5 €".
_NEAREST = str.maketrans({"−": "-", "‐": "-", "‑": "-", "‒": "-", "≤": "<=", "≥": ">=",
                          "\u202f": "\xa0", "\u2009": " ", "✓": "v", "Ł": "L", "ł": "l"})


def printable(text: str) -> str:
    """`text` in what the code page can print: a missing character never becomes a
    question mark the printer invents, but the nearest the page has."""
    text = text.translate(_NEAREST)
    try:
        text.encode(CODE_PAGE)
    except UnicodeEncodeError:
        text = "".join(_nearest(char) for char in text)
    return text


def _nearest(char: str) -> str:
    try:
        char.encode(CODE_PAGE)
    except UnicodeEncodeError:
        base = unicodedata.normalize("NFKD", char).encode(CODE_PAGE, "ignore").decode(CODE_PAGE)
        return base or "?"
    return char


def wrapped(lines: list[str], paper_mm: int, large: bool = False) -> list[str]:
    """Each line, as the code page prints it, cut at the paper's width (half as many
    characters in large print), at spaces where it can be."""
    width = COLUMNS[paper_mm] // (2 if large else 1)
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(printable(line), width, break_long_words=True,
                             break_on_hyphens=False) or [""]
    return out


def document_text_lines(document: Document, paper_mm: int) -> list[str]:
    """What the printer prints as text, line by line (codes drawn apart, a QR code's
    caption under it)."""
    lines: list[str] = []
    for block in document.blocks:
        if isinstance(block, Text):
            lines += wrapped([block.text], paper_mm, block.large)
        elif isinstance(block, Rule):
            lines.append("-" * COLUMNS[paper_mm])
        elif isinstance(block, QrCode) and block.caption:
            lines += wrapped([block.caption], paper_mm)
    return lines


def document_to_escpos(document: Document, paper_mm: int = 80) -> bytes:
    from escpos.printer import Dummy  # a large library: loaded when the first document prints

    printer = Dummy(profile=PROFILE)
    printer.charcode(CODE_PAGE)
    for block in document.blocks:
        if isinstance(block, Text):
            printer.set(align=block.align.value, bold=block.bold, double_width=block.large,
                        double_height=block.large, normal_textsize=not block.large)
            printer.text("\n".join(wrapped([block.text], paper_mm, block.large)) + "\n")
        elif isinstance(block, Rule):
            printer.set(align="left", bold=False, normal_textsize=True)
            printer.text("-" * COLUMNS[paper_mm] + "\n")
        elif isinstance(block, QrCode):
            printer.set(align="center", bold=False, normal_textsize=True)
            printer.qr(block.data, native=True, size=QR_SIZE[paper_mm])
            if block.caption:
                printer.text("\n".join(wrapped([block.caption], paper_mm)) + "\n")
        elif isinstance(block, Barcode):
            printer.set(align="center", bold=False, normal_textsize=True)
            try:  # the printer moves to the next line after the bars and their text
                printer._raw(code128(block.data, paper_mm))  # the raw bytes: see code128
            except ValueError:  # not Code 128's (an accent in an order prefix): as text
                printer.text(printable(block.data) + "\n")
    printer.set(align="left", bold=False, normal_textsize=True)
    printer.cut()
    output: bytes = printer.output
    return output


def code128(data: str, paper_mm: int = 80) -> bytes:
    """`GS k 73`: a Code 128 (code set B) barcode with its text under it, its bars as
    wide as fit the paper. Written here, not with python-escpos's `barcode()`, which
    prints a line of its own to standard output (the CLI's JSON would carry it)."""
    width = barcode_module(data, paper_mm)
    if width is None:
        raise ValueError(f"a Code 128 barcode holds 1 to 80 printable ASCII characters: {data!r}")
    body = b"{B" + data.encode("ascii")
    return (b"\x1dh" + bytes([BARCODE_HEIGHT]) + b"\x1dw" + bytes([width]) + b"\x1dH\x02"
            + b"\x1df\x00" + b"\x1dk" + bytes([73, len(body)]) + body)


def barcode_module(data: str, paper_mm: int) -> int | None:
    """The widest bar (in dots: 3, 2 or 1) with which `data` fits the paper as a Code 128
    barcode; None when Code 128 cannot hold it (an accent, say)."""
    if not data or len(data) > 80 or not all(" " <= char <= "~" for char in data):
        return None
    # start, data, check and stop symbols of 11 modules each, and 2 more for the stop
    return next((w for w in (3, 2) if (len(data) + 3) * 11 * w + 2 <= DOTS[paper_mm]), 1)


def receipt_to_escpos(receipt: Receipt, paper_mm: int = 80) -> bytes:
    return document_to_escpos(receipt_document(receipt), paper_mm)


def receipt_text_lines(receipt: Receipt, paper_mm: int) -> list[str]:
    return document_text_lines(receipt_document(receipt), paper_mm)


def drawer_kick(pin: int = 2, pulse_ms: int = 100) -> bytes:
    """`ESC p m t1 t2`: open the drawer wired to connector pin 2 or 5, the pulse on and
    off for `pulse_ms` (in 2 ms units, up to 510 ms). Sent apart from any receipt."""
    if pin not in (2, 5):
        raise ValueError("a drawer is wired to pin 2 or pin 5")
    units = max(1, min(255, pulse_ms // 2))
    return bytes([0x1B, 0x70, 0 if pin == 2 else 1, units, units])
