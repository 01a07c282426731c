"""Documents as data: what a printed document says, block by block, before any printer
or page is chosen. printing/ renders them to ESC/POS bytes for a till roll, to PDF for
page formats, and to an image for the screen's preview.

Admission tickets (R11) come in six formats, each printing the ticket's reference where
venues' staff look for it (`REFERENCE_PLACES`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pos_app.domain.money import Cents


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    bold: bool = False
    large: bool = False  # double width and height on a roll: half the characters a line
    align: Align = Align.LEFT


@dataclass(frozen=True, slots=True)
class QrCode:
    data: str
    caption: str = ""  # printed right under the code (a ticket's reference)


@dataclass(frozen=True, slots=True)
class Barcode:
    data: str  # Code 128: any printable ASCII, a reference or an order number


@dataclass(frozen=True, slots=True)
class Rule:
    """A line across the paper between two parts."""


Block = Text | QrCode | Barcode | Rule


class DocumentKind(StrEnum):
    RECEIPT = "receipt"
    DUPLICATE = "duplicate"
    REFUND = "refund"  # a credit note (avoir) or a cancellation's slip, with its refunds
    READING = "reading"  # an X reading or a Z closure's report
    ORDER = "order"  # an order's summary (lines, payments, what is left)
    TICKET = "ticket"
    TEST = "test"  # a test print


@dataclass(frozen=True, slots=True)
class Document:
    kind: DocumentKind
    reference: str  # what it is about: an order number, a ticket's reference, a Z number
    blocks: tuple[Block, ...]

    def text_lines(self) -> list[str]:
        """Its words, line by line, as a reader of the paper sees them (codes by caption)."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Text):
                lines.append(block.text)
            elif isinstance(block, QrCode) and block.caption:
                lines.append(block.caption)
        return lines


class TicketFormat(StrEnum):
    A4 = "a4"  # a ticket on an A4 page, printed at home or at the desk
    BOOKLET = "booklet"  # carnet: a small page of a booklet
    FULL_PAGE = "full_page"
    VERTICAL = "vertical"
    CINEMA = "cinema"  # a landscape strip, as cinema tickets
    CARD = "card"  # a credit-card-sized ticket


class Place(StrEnum):
    BOTTOM_LEFT = "bottom_left"
    BOTTOM_CENTER = "bottom_center"
    BOTTOM_RIGHT = "bottom_right"
    UNDER_QR = "under_qr"


# R11, as the venues' help centre describes each format
REFERENCE_PLACES: dict[TicketFormat, tuple[Place, ...]] = {
    TicketFormat.A4: (Place.BOTTOM_LEFT, Place.BOTTOM_RIGHT),
    TicketFormat.BOOKLET: (Place.BOTTOM_CENTER,),
    TicketFormat.FULL_PAGE: (Place.BOTTOM_RIGHT,),
    TicketFormat.VERTICAL: (Place.BOTTOM_LEFT, Place.BOTTOM_RIGHT),
    TicketFormat.CINEMA: (Place.BOTTOM_LEFT, Place.BOTTOM_RIGHT),
    TicketFormat.CARD: (Place.UNDER_QR,),
}


@dataclass(frozen=True, slots=True)
class AdmissionTicket:
    """One admission as printed: `reference` is what a checker types (as shown,
    `K7QM4-XH92T`), `token` what its QR code carries (the signed token of a ticket the
    till issued; without one, the reference)."""

    reference: str
    venue_name: str
    product_name: str
    price_label: str
    amount_cents: Cents
    order_number: str
    holder: str | None = None  # the payer's name, when the order has one
    slot_start: datetime | None = None  # a dated ticket's slot; None: valid any day
    training: bool = False
    token: str = ""
    valid_from: datetime | None = None  # UTC; printed in the venue's time
    valid_until: datetime | None = None  # the first moment it no longer admits
    entries_allowed: int | None = None  # None: no limit (printed with a validity only)

    @property
    def qr_data(self) -> str:
        return self.token or self.reference


@dataclass(frozen=True, slots=True)
class TicketBooklet:
    """An order's tickets together (a booklet: its cover, then a page per ticket)."""

    order_number: str
    venue_name: str
    holder: str | None
    tickets: tuple[AdmissionTicket, ...]


def ticket_reference(order_number: str, line_position: int, unit: int) -> str:
    """`CD2-000123-2-1`: the order, the line (from 1) and the admission of that line
    (from 1): unique on the till, and the same at every reprint."""
    return f"{order_number}-{line_position}-{unit}"
