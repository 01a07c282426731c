"""A picture of a document as the till's printer would print it on its roll: the same
lines as the ESC/POS rendering (escpos_document), each character in the printer's cell
(font A: 12 × 24 dots at 203 dpi), codes module by module. The screens show it before
printing, or instead of paper (AGEC: a receipt only on request)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw, ImageFont

from pos_app.domain.document import Align, Barcode, Document, QrCode, Rule, Text
from printing.drawing import code128_bars, font_file, qr_modules
from printing.escpos_document import (
    BARCODE_HEIGHT,
    COLUMNS,
    DOTS,
    QR_SIZE,
    barcode_module,
    printable,
    wrapped,
)

if TYPE_CHECKING:
    from PIL.Image import Image as Picture

CELL = (12, 24)  # font A's character cell, in dots
MARGIN = 16  # dots of paper either side of what prints, and at the ends


def document_png(document: Document, paper_mm: int = 80) -> bytes:
    rows = list(_rows(document, paper_mm))
    height = 2 * MARGIN + sum(row_height for row_height, _draw in rows)
    image = Image.new("L", (DOTS[paper_mm] + 2 * MARGIN, height), 255)
    fonts = {(large, bold): ImageFont.truetype(font_file(bold), 40 if large else 20)
             for large in (False, True) for bold in (False, True)}
    y = MARGIN
    for row_height, draw in rows:
        draw(image, fonts, y)
        y += row_height
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


Row = tuple[int, Any]  # its height in dots, and how to draw it at a given top


def _rows(document: Document, paper_mm: int) -> list[Row]:
    rows: list[Row] = []
    for block in document.blocks:
        if isinstance(block, Text):
            rows += [_text_row(line, paper_mm, block.align, block.bold, block.large)
                     for line in wrapped([block.text], paper_mm, block.large)]
        elif isinstance(block, Rule):
            rows.append(_text_row("-" * COLUMNS[paper_mm], paper_mm))
        elif isinstance(block, QrCode):
            rows.append(_qr_row(block.data, QR_SIZE[paper_mm], paper_mm))
            rows += [_text_row(line, paper_mm, Align.CENTER)
                     for line in wrapped([block.caption], paper_mm) if block.caption]
        elif isinstance(block, Barcode):
            module = barcode_module(block.data, paper_mm)
            if module is None:  # printed as text, as the printer gets it
                rows += [_text_row(line, paper_mm, Align.CENTER)
                         for line in wrapped([block.data], paper_mm)]
            else:
                rows.append(_barcode_row(block.data, module, paper_mm))
                rows.append(_text_row(printable(block.data), paper_mm, Align.CENTER))
    return rows


def _text_row(line: str, paper_mm: int, align: Align = Align.LEFT, bold: bool = False,
              large: bool = False) -> Row:
    cell_width, cell_height = (CELL[0] * 2, CELL[1] * 2) if large else CELL
    spare = DOTS[paper_mm] - cell_width * len(line)
    left = MARGIN + {Align.LEFT: 0, Align.CENTER: spare // 2, Align.RIGHT: spare}[align]

    def draw(image: Picture, fonts: dict[tuple[bool, bool], Any], top: int) -> None:
        canvas, font = ImageDraw.Draw(image), fonts[large, bold]
        for index, char in enumerate(line):
            x = left + index * cell_width
            if font.getlength(char) <= cell_width:
                canvas.text((x + cell_width / 2, top + cell_height * 0.8), char, fill=0,
                            font=font, anchor="ms")
            else:  # a wide letter (m, W, Œ) narrowed into its cell, as the printer's font
                image.paste(_narrowed(char, font, cell_width, cell_height), (x, top))

    return cell_height, draw


def _narrowed(char: str, font: Any, width: int, height: int) -> Picture:
    glyph = Image.new("L", (int(font.getlength(char)) + 2, height), 255)
    ImageDraw.Draw(glyph).text((glyph.width / 2, height * 0.8), char, fill=0, font=font,
                               anchor="ms")
    return glyph.resize((width, height))


def _qr_row(data: str, module: int, paper_mm: int) -> Row:
    matrix = qr_modules(data)
    side = (len(matrix) + 8) * module
    left = MARGIN + (DOTS[paper_mm] - side) // 2 + 4 * module

    def draw(image: Picture, _fonts: object, top: int) -> None:
        canvas = ImageDraw.Draw(image)
        for row, bits in enumerate(matrix):
            for column, bit in enumerate(bits):
                if bit:
                    x, y = left + column * module, top + (row + 4) * module
                    canvas.rectangle((x, y, x + module - 1, y + module - 1), fill=0)

    return side, draw


def _barcode_row(data: str, module: int, paper_mm: int) -> Row:
    bars = code128_bars(data)
    left = MARGIN + (DOTS[paper_mm] - len(bars) * module) // 2

    def draw(image: Picture, _fonts: object, top: int) -> None:
        canvas = ImageDraw.Draw(image)
        for index, bar in enumerate(bars):
            if bar:
                x = left + index * module
                canvas.rectangle((x, top + 8, x + module - 1, top + 8 + BARCODE_HEIGHT), fill=0)

    return BARCODE_HEIGHT + 16, draw
