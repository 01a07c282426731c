"""Admission tickets on pages: the six formats of R11 laid out once, drawn to PDF by
reportlab (A4 and booklet pages, full page, and the vertical, cinema and card stocks of
ticket printers) or to a PNG picture for the screen's preview.

A layout draws on a `Surface` in millimetres from the page's bottom-left corner. The QR
code (segno's modules) and the Code 128 barcode (zxing-cpp's bars) are drawn as black
rectangles, so the PDF and the preview are the same picture, and either can be scanned.
Each format prints the ticket's reference where the venues' staff look for it
(`REFERENCE_PLACES`).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from pos_app.documents import SIMULATION, booklet_cover_lines, ticket_details
from pos_app.domain.document import (
    REFERENCE_PLACES,
    AdmissionTicket,
    Align,
    Place,
    TicketBooklet,
    TicketFormat,
)
from printing.drawing import (
    POINT_MM,
    Area,
    ImageSurface,
    PdfSurface,
    Surface,
    draw_code128,
    draw_qr,
)

PAGE_MM: dict[TicketFormat, tuple[float, float]] = {  # width, height
    TicketFormat.A4: (210, 297),
    TicketFormat.BOOKLET: (105, 148),  # A6: a booklet's page
    TicketFormat.FULL_PAGE: (210, 297),
    TicketFormat.VERTICAL: (80, 200),
    TicketFormat.CINEMA: (152, 61),
    TicketFormat.CARD: (85.6, 54),  # ID-1, a credit card's size
}
REFERENCE_PT = 9


@dataclass(frozen=True)
class Layout:
    ticket: Area  # the ticket's edge
    text: Area  # where its words go, from the top down
    qr: Area  # a square
    barcode: Area | None
    title_pt: float
    body_pt: float


def _layouts() -> dict[TicketFormat, Layout]:
    return {
        TicketFormat.A4: Layout(Area(10, 182, 190, 105), Area(16, 210, 120, 71),
                                Area(146, 214, 48, 48), Area(16, 192, 90, 14), 20, 11),
        TicketFormat.BOOKLET: Layout(Area(4, 4, 97, 140), Area(9, 82, 87, 56),
                                     Area(30, 34, 45, 45), Area(17, 15, 71, 12), 16, 10),
        TicketFormat.FULL_PAGE: Layout(Area(8, 8, 194, 281), Area(16, 178, 178, 100),
                                       Area(55, 70, 100, 100), Area(45, 30, 120, 24), 30, 14),
        TicketFormat.VERTICAL: Layout(Area(2, 2, 76, 196), Area(6, 112, 68, 82),
                                      Area(13, 52, 54, 54), Area(8, 24, 64, 18), 16, 10),
        TicketFormat.CINEMA: Layout(Area(2, 2, 148, 57), Area(7, 20, 98, 35),
                                    Area(110, 16, 37, 37), None, 14, 9),
        TicketFormat.CARD: Layout(Area(1, 1, 83.6, 52), Area(4, 14, 44, 36),
                                  Area(51, 17, 30, 30), None, 10, 7),
    }


LAYOUTS = _layouts()


def draw_ticket(surface: Surface, ticket: AdmissionTicket, form: TicketFormat) -> None:
    layout = LAYOUTS[form]
    edge = layout.ticket
    surface.frame(edge.x, edge.y, edge.width, edge.height)
    lines: list[tuple[str, float, bool]] = []
    if ticket.training:
        lines.append((SIMULATION, layout.body_pt, True))
    lines.append((ticket.venue_name, layout.body_pt, True))
    lines += [(part, layout.title_pt, True) for part in
              _fit(surface, ticket.product_name, layout.title_pt, True, layout.text.width)]
    for detail in ticket_details(ticket):
        lines += [(part, layout.body_pt, False) for part in
                  _fit(surface, detail, layout.body_pt, False, layout.text.width)]
    y = layout.text.top
    for text, size, bold in lines:
        y -= size * POINT_MM * 1.25
        if y < layout.text.y:  # what does not fit is left out, never drawn over the codes
            break
        surface.text(layout.text.x, y, text, size, bold)
    draw_qr(surface, ticket.qr_data, layout.qr)
    if layout.barcode is not None:
        draw_code128(surface, ticket.reference, layout.barcode)
    for place in REFERENCE_PLACES[form]:
        x, y, align = _reference_at(place, layout)
        surface.text(x, y, ticket.reference, REFERENCE_PT, True, align)


def _fit(surface: Surface, text: str, size: float, bold: bool, width: float) -> list[str]:
    """`text` in lines no wider than `width`, cut at spaces."""
    for columns in range(max(1, len(text)), 0, -1):
        parts = textwrap.wrap(text, columns, break_long_words=True) or [""]
        if all(surface.text_width(part, size, bold) <= width for part in parts):
            return parts
    return [text]


def _reference_at(place: Place, layout: Layout) -> tuple[float, float, Align]:
    edge, margin = layout.ticket, 3.0
    if place is Place.UNDER_QR:
        return (layout.qr.x + layout.qr.width / 2, layout.qr.y - margin - REFERENCE_PT * POINT_MM,
                Align.CENTER)
    x = {Place.BOTTOM_LEFT: edge.x + margin, Place.BOTTOM_CENTER: edge.x + edge.width / 2,
         Place.BOTTOM_RIGHT: edge.right - margin}[place]
    align = {Place.BOTTOM_LEFT: Align.LEFT, Place.BOTTOM_CENTER: Align.CENTER,
             Place.BOTTOM_RIGHT: Align.RIGHT}[place]
    return x, edge.y + margin, align


def tickets_pdf(tickets: Sequence[AdmissionTicket], form: TicketFormat,
                compress: bool = True) -> bytes:
    """One page per ticket, at the format's size."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    width, height = PAGE_MM[form]
    canvas = Canvas(out, pagesize=(width * mm, height * mm), pageCompression=int(compress))
    canvas.setTitle(f"Billets {', '.join(ticket.reference for ticket in tickets)}")
    surface = PdfSurface(canvas)
    for ticket in tickets:
        draw_ticket(surface, ticket, form)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def booklet_pdf(booklet: TicketBooklet, compress: bool = True) -> bytes:
    """An order's tickets as a booklet: a cover page saying the order, who for and each
    ticket in it, then a booklet page per ticket."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    width, height = PAGE_MM[TicketFormat.BOOKLET]
    canvas = Canvas(out, pagesize=(width * mm, height * mm), pageCompression=int(compress))
    canvas.setTitle(f"Billets de la commande {booklet.order_number}")
    surface = PdfSurface(canvas)
    draw_booklet_cover(surface, booklet)
    canvas.showPage()
    for ticket in booklet.tickets:
        draw_ticket(surface, ticket, TicketFormat.BOOKLET)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def draw_booklet_cover(surface: Surface, booklet: TicketBooklet) -> None:
    layout = LAYOUTS[TicketFormat.BOOKLET]
    edge = layout.ticket
    surface.frame(edge.x, edge.y, edge.width, edge.height)
    margin, size = 5.0, layout.body_pt
    width = edge.width - 2 * margin
    lines = [(part, layout.title_pt, True) for part in
             _fit(surface, booklet.venue_name, layout.title_pt, True, width)]
    lines.append(("Carnet de billets", layout.body_pt, True))
    for line in booklet_cover_lines(booklet):
        lines += [(part, size, False) for part in _fit(surface, line, size, False, width)]
    y = edge.top - margin
    for text, points, bold in lines:
        y -= points * POINT_MM * 1.25
        if y < edge.y + margin:  # a long order's list stops at the page's foot
            break
        surface.text(edge.x + margin, y, text, points, bold)


def ticket_png(ticket: AdmissionTicket, form: TicketFormat, dpi: int = 150) -> bytes:
    width, height = PAGE_MM[form]
    surface = ImageSurface(width, height, dpi)
    draw_ticket(surface, ticket, form)
    out = io.BytesIO()
    surface.image.save(out, format="PNG")
    return out.getvalue()
