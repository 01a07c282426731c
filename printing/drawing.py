"""Drawing documents on pages and pictures: the same calls make a PDF (reportlab) and a
PNG (Pillow), in millimetres from the bottom-left corner. Codes are drawn as black
rectangles, module by module (QR: segno; Code 128: zxing-cpp), so that either output
scans back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pos_app.domain.document import Align

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

POINT_MM = 25.4 / 72
# Bitstream Vera, shipped with reportlab: every French character and €, embedded in the
# PDF and drawn in the preview, so both measure and look alike wherever they are opened.
FONTS = {False: ("Vera", "Vera.ttf"), True: ("Vera-Bold", "VeraBd.ttf")}


def font_file(bold: bool) -> str:
    import reportlab

    return str(Path(reportlab.__file__).parent / "fonts" / FONTS[bold][1])


class Surface(Protocol):
    """Where a layout draws; millimetres from the bottom-left corner, sizes in points."""

    def text(self, x: float, y: float, text: str, size: float, bold: bool = False,
             align: Align = Align.LEFT) -> None: ...

    def text_width(self, text: str, size: float, bold: bool = False) -> float:
        """In millimetres."""

    def box(self, x: float, y: float, width: float, height: float) -> None:
        """A filled black rectangle."""

    def frame(self, x: float, y: float, width: float, height: float) -> None:
        """A thin outline (the ticket's edge on a larger page)."""


@dataclass(frozen=True)
class Area:
    """A rectangle on the page, in millimetres."""

    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height

    @property
    def right(self) -> float:
        return self.x + self.width


def qr_modules(data: str) -> list[list[bool]]:
    """A QR code's modules, row by row (True: black), without its quiet zone."""
    import segno

    return [[bool(bit) for bit in row] for row in segno.make_qr(data, error="m").matrix]


def code128_bars(data: str) -> list[bool]:
    """A Code 128 barcode's modules, left to right (True: black), without quiet zones."""
    import numpy as np
    import zxingcpp

    drawn = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.Code128)
    return [bool(bit) for bit in np.asarray(drawn.to_image(scale=1, add_quiet_zones=False))[0]
            == 0]


def draw_qr(surface: Surface, data: str, area: Area) -> None:
    matrix = qr_modules(data)
    module = area.width / (len(matrix) + 8)  # with its quiet zone of 4 modules
    for row, bits in enumerate(matrix):
        draw_runs(surface, bits, area.x + 4 * module, area.top - (row + 5) * module,
                  module, module)


def draw_code128(surface: Surface, data: str, area: Area) -> None:
    bars = code128_bars(data)
    module = min(area.width / (len(bars) + 20), 0.5)  # quiet zones of 10 modules
    left = area.x + (area.width - module * len(bars)) / 2
    draw_runs(surface, bars, left, area.y, module, area.height)


def draw_runs(surface: Surface, bits: Sequence[Any], x: float, y: float, module: float,
               height: float) -> None:
    """A row of modules as one rectangle per run of black ones."""
    start = None
    for index, bit in enumerate([*bits, 0]):
        if bit and start is None:
            start = index
        elif not bit and start is not None:
            surface.box(x + start * module, y, (index - start) * module, height)
            start = None


class PdfSurface:
    """reportlab's canvas."""

    def __init__(self, canvas: Canvas) -> None:
        from reportlab.lib.units import mm
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for bold, (name, _file) in FONTS.items():
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, font_file(bold)))
        self._canvas, self._mm, self._width = canvas, mm, pdfmetrics.stringWidth

    def text(self, x: float, y: float, text: str, size: float, bold: bool = False,
             align: Align = Align.LEFT) -> None:
        self._canvas.setFont(_font(bold), size)
        draw: Callable[..., Any] = {Align.LEFT: self._canvas.drawString,
                                    Align.CENTER: self._canvas.drawCentredString,
                                    Align.RIGHT: self._canvas.drawRightString}[align]
        draw(x * self._mm, y * self._mm, text)

    def text_width(self, text: str, size: float, bold: bool = False) -> float:
        return float(self._width(text, _font(bold), size)) / float(self._mm)

    def box(self, x: float, y: float, width: float, height: float) -> None:
        self._canvas.rect(x * self._mm, y * self._mm, width * self._mm, height * self._mm,
                          stroke=0, fill=1)

    def frame(self, x: float, y: float, width: float, height: float) -> None:
        self._canvas.setLineWidth(0.5)
        self._canvas.rect(x * self._mm, y * self._mm, width * self._mm, height * self._mm,
                          stroke=1, fill=0)


def _font(bold: bool) -> str:
    return FONTS[bold][0]


class ImageSurface:
    """A Pillow picture of the page, for the screen's preview."""

    def __init__(self, width_mm: float, height_mm: float, dpi: int) -> None:
        from PIL import Image, ImageDraw, ImageFont

        self._px = dpi / 25.4
        self._height = height_mm
        self.image = Image.new("L", (round(width_mm * self._px), round(height_mm * self._px)),
                               255)
        self._draw = ImageDraw.Draw(self.image)
        self._fonts: dict[tuple[float, bool], Any] = {}
        self._truetype = ImageFont.truetype

    def _font(self, size: float, bold: bool) -> Any:
        if (size, bold) not in self._fonts:
            self._fonts[size, bold] = self._truetype(font_file(bold), size * self._px * POINT_MM)
        return self._fonts[size, bold]

    def text(self, x: float, y: float, text: str, size: float, bold: bool = False,
             align: Align = Align.LEFT) -> None:
        anchor = {Align.LEFT: "ls", Align.CENTER: "ms", Align.RIGHT: "rs"}[align]
        self._draw.text(self._point(x, y), text, fill=0, font=self._font(size, bold),
                        anchor=anchor)

    def text_width(self, text: str, size: float, bold: bool = False) -> float:
        return float(self._font(size, bold).getlength(text)) / self._px

    def box(self, x: float, y: float, width: float, height: float) -> None:
        left, bottom = self._point(x, y)
        right, top = self._point(x + width, y + height)
        self._draw.rectangle((round(left), round(top), round(right) - 1, round(bottom) - 1),
                             fill=0)

    def frame(self, x: float, y: float, width: float, height: float) -> None:
        left, bottom = self._point(x, y)
        right, top = self._point(x + width, y + height)
        self._draw.rectangle((left, top, right, bottom), outline=128, width=1)

    def _point(self, x: float, y: float) -> tuple[float, float]:
        return x * self._px, (self._height - y) * self._px
