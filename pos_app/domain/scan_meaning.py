"""What a scan means, decided once: a product, an order (from a receipt or an order
slip), an admission ticket, a customer's card, or nothing the till knows (said why).

The till's codes are told apart by their text: a receipt's QR is its signed summary
(`CQ1|till|number|…`, domain/receipt.py), a receipt's or order slip's Code 128 is the
order number, a ticket's QR and Code 128 are its reference `<order>-<line>-<unit>`
(domain/document.py `ticket_reference`); products and customer cards are found by the
code the catalogue or the customer file gives them.

Each kind of code is printed in a few symbologies only (the allow-lists below). A reader
that says which symbology it read (a serial reader, a camera) is believed: a code read
in a symbology its kind is never printed in is refused, so a Micro QR that a camera
finds inside a ticket's QR (`029`) never reaches a screen as a product. A keyboard-wedge
scan does not say its symbology and is resolved on its text alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from pos_app.domain.receipt import QR_FORMAT, TRAINING_QR_FORMAT

if TYPE_CHECKING:  # the sign-in screen says scan refusals without loading these
    from pos_app.domain.catalogue import Product
    from pos_app.domain.customer import Customer


class ScanKind(StrEnum):
    PRODUCT = "product"
    RECEIPT = "receipt"  # a receipt's (or an order slip's) code: the order it is about
    TICKET = "ticket"
    CUSTOMER_CARD = "customer_card"


# Symbologies by their zxing names, folded by `symbology_key` ("EAN-13", "EAN13" and
# pyzbar's "EAN13" are one). Products: the retail codes on goods (EAN/UPC) and Code 128,
# which shops print on their own labels. Code 39 and ITF are left out: ITF-14 marks
# shipping cartons, never an item sold one by one, and both lack a mandatory check digit,
# so a camera's partial read of either is a valid-looking wrong code; no venue's data
# here uses them (a venue that needs one adds it here).
PRODUCT_SYMBOLOGIES = frozenset({"ean13", "ean8", "upca", "upce", "code128"})
# A receipt carries its signed summary as a QR and the order number as Code 128 (so do
# the order slip and the refund slip: documents.py).
RECEIPT_SYMBOLOGIES = frozenset({"qrcode", "code128"})
# A ticket carries its reference as a QR and as Code 128 (documents.py ticket_document).
TICKET_SYMBOLOGIES = frozenset({"qrcode", "code128"})
# Membership cards are printed by the venue's card supplier: Code 128, Code 39 (common on
# older plastic cards), EAN-13 or a QR.
CARD_SYMBOLOGIES = frozenset({"code128", "code39", "ean13", "ean8", "qrcode"})
ALLOWED_SYMBOLOGIES: dict[ScanKind, frozenset[str]] = {
    ScanKind.PRODUCT: PRODUCT_SYMBOLOGIES,
    ScanKind.RECEIPT: RECEIPT_SYMBOLOGIES,
    ScanKind.TICKET: TICKET_SYMBOLOGIES,
    ScanKind.CUSTOMER_CARD: CARD_SYMBOLOGIES,
}


class ScanContext(StrEnum):
    """Where a scan lands, and so what it may be."""

    SALE = "sale"  # the sale screen: anything the till knows
    CUSTOMER_SEARCH = "customer_search"  # a customer's card
    ORDER_SEARCH = "order_search"  # a receipt, an order slip, a ticket


SOUGHT: dict[ScanContext, tuple[ScanKind, ...]] = {
    ScanContext.SALE: (ScanKind.PRODUCT, ScanKind.RECEIPT, ScanKind.TICKET,
                       ScanKind.CUSTOMER_CARD),
    ScanContext.CUSTOMER_SEARCH: (ScanKind.CUSTOMER_CARD,),
    ScanContext.ORDER_SEARCH: (ScanKind.RECEIPT, ScanKind.TICKET),
}


def symbology_key(symbology: str | None) -> str | None:
    """A reader's name for a symbology, folded: "EAN-13", "EAN13", "ean_13" → "ean13"."""
    if symbology is None:
        return None
    key = re.sub(r"[^0-9a-z]", "", symbology.lower())
    return key or None


def allows(kind: ScanKind, symbology: str | None) -> bool:
    """Whether a code of `kind` may have been read in `symbology` (None: not said, so
    any)."""
    key = symbology_key(symbology)
    return key is None or key in ALLOWED_SYMBOLOGIES[kind]


def allowed_anywhere(symbology: str | None, kinds: tuple[ScanKind, ...]) -> bool:
    return any(allows(kind, symbology) for kind in kinds)


def receipt_qr_number(text: str) -> str | None:
    """The order number a receipt's QR text names (`CQ1|till|number|…`), or None when the
    text is not a receipt's QR. Whether the summary is genuine is another question
    (receipt.check_qr): here it only says which order the paper is about."""
    fields = text.split("|")
    if len(fields) == 8 and fields[0] in (QR_FORMAT, TRAINING_QR_FORMAT) and fields[2]:
        return fields[2]
    return None


# `<order number>-<line>-<unit>`: an order number ends in at least six digits
# (order.format_order_number).
_TICKET = re.compile(r"(?P<order>.*?\d{6,})-(?P<line>\d{1,6})-(?P<unit>\d{1,6})")
_DIGIT_RUN = re.compile(r"\d{6,}(?!\d)")


@dataclass(frozen=True, slots=True)
class TicketReference:
    text: str
    order_number: str
    line_position: int  # from 1
    unit: int  # from 1


def parse_ticket_reference(text: str) -> TicketReference | None:
    """`CD2-000123-2-1` → the order CD2-000123, line 2, admission 1; None if it is not
    shaped like a reference."""
    match = _TICKET.fullmatch(text)
    if match is None:
        return None
    line, unit = int(match["line"]), int(match["unit"])
    if line < 1 or unit < 1:
        return None
    return TicketReference(text, match["order"], line, unit)


def ticket_order_prefixes(text: str) -> list[str]:
    """The order numbers a text shaped `<order>-…` may start with (shortest first):
    `CD2-000123-2x` → [`CD2-000123`]. A garbled reference is said as a ticket when one
    of them is a known order."""
    return [text[: run.end()] for run in _DIGIT_RUN.finditer(text)
            if text[run.end(): run.end() + 1] == "-"]


# -- what a scan means ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ScannedProduct:
    """A product to sell: with several prices, the cashier picks one (never the first
    silently)."""

    product: Product

    @property
    def needs_price_choice(self) -> bool:
        return len(self.product.prices) > 1


@dataclass(frozen=True, slots=True)
class ScannedOrder:
    """A receipt's (or order slip's) code: the order it is about."""

    number: str
    from_qr: bool  # the receipt's signed summary (else the printed order number)
    training: bool = False  # a training order (SIM-…): opened in training mode only


@dataclass(frozen=True, slots=True)
class ScannedTicket:
    """An admission ticket: its reference, the order and line it belongs to."""

    reference: str
    order_number: str
    line_position: int
    unit: int
    label: str  # the line's product and price, as sold
    training: bool = False  # a training order's ticket


@dataclass(frozen=True, slots=True)
class ScannedCard:
    """A customer's membership card."""

    customer: Customer


class Refusal(StrEnum):
    """Why a scan means nothing here; the screen says it in a sentence."""

    NOT_FOUND = "not_found"  # no product, order, ticket or card carries this code
    SYMBOLOGY = "symbology"  # read in a symbology none of the codes sought is printed in
    WRONG_SYMBOLOGY = "wrong_symbology"  # a known code, but read in a symbology it never is
    UNKNOWN_TICKET_ORDER = "unknown_ticket_order"  # a ticket of an order this till lacks
    NO_SUCH_ADMISSION = "no_such_admission"  # the order has no such line or admission
    GARBLED_TICKET = "garbled_ticket"  # starts like a ticket of a known order, then garbled
    NOT_HERE = "not_here"  # a code the till knows, but not one this screen takes


@dataclass(frozen=True, slots=True)
class UnknownScan:
    code: str
    refusal: Refusal
    symbology: str | None = None  # as the reader named it
    kind: ScanKind | None = None  # what it would have been (WRONG_SYMBOLOGY, NOT_HERE)
    order_number: str | None = None  # a ticket's order (ticket refusals)


ScanMeaning = ScannedProduct | ScannedOrder | ScannedTicket | ScannedCard | UnknownScan
