"""Admission tickets in the six formats of R11: the reference where each format prints
it, codes that scan back from the picture, words that stay inside the ticket, a PDF
page per ticket."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
import zxingcpp
from PIL import Image

from pos_app.domain.document import (
    REFERENCE_PLACES,
    AdmissionTicket,
    Align,
    Place,
    TicketFormat,
    ticket_reference,
)
from printing.ticket_pages import LAYOUTS, PAGE_MM, draw_ticket, ticket_png, tickets_pdf

TICKET = AdmissionTicket(
    ticket_reference("CD2-000042", 2, 1), "Domaine des Écuries du Lac",
    "Spectacle équestre « Crinières de feu » en nocturne, placement libre", "Adulte",
    2200, "CD2-000042", holder="Dupont Jean-Christophe",
    slot_start=datetime(2026, 7, 14, 19, 30, tzinfo=UTC))


@dataclass
class Drawn:
    x: float
    y: float
    text: str
    size: float
    align: Align


@dataclass
class RecordingSurface:
    """Measures text as if every character were half its size wide."""

    texts: list[Drawn] = field(default_factory=list)
    boxes: int = 0

    def text(self, x: float, y: float, text: str, size: float, bold: bool = False,
             align: Align = Align.LEFT) -> None:
        self.texts.append(Drawn(x, y, text, size, align))

    def text_width(self, text: str, size: float, bold: bool = False) -> float:
        return len(text) * size * 0.5 * 25.4 / 72

    def box(self, x: float, y: float, width: float, height: float) -> None:
        self.boxes += 1

    def frame(self, x: float, y: float, width: float, height: float) -> None:
        pass


@pytest.mark.parametrize("form", list(TicketFormat))
def test_the_reference_is_where_the_format_prints_it(form: TicketFormat) -> None:
    surface = RecordingSurface()
    draw_ticket(surface, TICKET, form)
    width, height = PAGE_MM[form]
    layout = LAYOUTS[form]
    placed = [drawn for drawn in surface.texts if drawn.text == TICKET.reference]
    assert len(placed) == len(REFERENCE_PLACES[form])
    for place, drawn in zip(REFERENCE_PLACES[form], placed, strict=True):
        if place is Place.UNDER_QR:
            assert drawn.align is Align.CENTER
            assert drawn.x == pytest.approx(layout.qr.x + layout.qr.width / 2)
            assert layout.qr.y - 10 < drawn.y < layout.qr.y
            continue
        assert drawn.y < layout.ticket.y + 0.15 * layout.ticket.height  # at the bottom
        expected_x = {Place.BOTTOM_LEFT: (0, width / 3), Place.BOTTOM_CENTER:
                      (width / 2 - 1, width / 2 + 1), Place.BOTTOM_RIGHT: (2 * width / 3, width)}
        low, high = expected_x[place]
        assert low <= drawn.x <= high, (form, place, drawn)
    assert min(drawn.y for drawn in surface.texts) > 0 and max(
        drawn.y for drawn in surface.texts) < height


@pytest.mark.parametrize("form", list(TicketFormat))
def test_long_words_stay_inside_the_ticket(form: TicketFormat) -> None:
    surface = RecordingSurface()
    draw_ticket(surface, TICKET, form)
    layout = LAYOUTS[form]
    words = [drawn for drawn in surface.texts if drawn.text != TICKET.reference]
    assert words and all(surface.text_width(drawn.text, drawn.size) <= layout.text.width
                         for drawn in words)
    assert all(drawn.y >= layout.text.y for drawn in words)  # never over the codes


@pytest.mark.parametrize("form", list(TicketFormat))
def test_the_preview_scans_back_to_the_reference(form: TicketFormat) -> None:
    picture = Image.open(io.BytesIO(ticket_png(TICKET, form)))
    found = {(result.format.name, result.text) for result in zxingcpp.read_barcodes(picture)}
    assert ("QRCode", TICKET.reference) in found
    if LAYOUTS[form].barcode is not None:
        assert ("Code128", TICKET.reference) in found


@pytest.mark.parametrize("form", list(TicketFormat))
def test_a_pdf_has_a_page_per_ticket_at_the_format_size(form: TicketFormat) -> None:
    second = AdmissionTicket(ticket_reference("CD2-000042", 2, 2), *[
        getattr(TICKET, name) for name in ("venue_name", "product_name", "price_label",
                                           "amount_cents", "order_number")])
    pdf = tickets_pdf([TICKET, second], form, compress=False)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 2
    width, height = (round(side * 72 / 25.4, 2) for side in PAGE_MM[form])
    boxes = re.findall(rb"/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]", pdf)
    assert {(round(float(w), 2), round(float(h), 2)) for w, h in boxes} == {(width, height)}
    assert b"Vera" in pdf  # its font goes with it: accents and € print anywhere


def test_a_training_ticket_says_simulation() -> None:
    surface = RecordingSurface()
    draw_ticket(surface, AdmissionTicket(
        "SIM-000001-1-1", "Domaine", "Balade", "Adulte", 1500, "SIM-000001", training=True),
        TicketFormat.CARD)
    assert surface.texts[0].text == "*** SIMULATION ***"
