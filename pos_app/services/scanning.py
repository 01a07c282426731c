"""A scan resolved once to what it is (domain/scan_meaning.py): every screen acts on the
meaning, none looks a code up on its own."""

from __future__ import annotations

from dataclasses import replace

from pos_app.domain.order import Order
from pos_app.domain.scan import Scan
from pos_app.domain.scan_meaning import (
    SOUGHT,
    Refusal,
    ScanContext,
    ScanKind,
    ScanMeaning,
    ScannedCard,
    ScannedOrder,
    ScannedProduct,
    ScannedTicket,
    UnknownScan,
    allowed_anywhere,
    allows,
    parse_ticket_reference,
    receipt_qr_number,
    ticket_order_prefixes,
)
from pos_app.domain.ticket import (
    TicketTokenInvalid,
    is_token,
    looks_like_reference,
    normalise_reference,
    read_token,
)
from pos_app.services.context import Context
from pos_app.services.ports import UnitOfWork


def resolve_scan(ctx: Context, scan: Scan, context: ScanContext = ScanContext.SALE
                 ) -> ScanMeaning:
    """What `scan` is for the screen `context`: a product, an order, a ticket, a
    customer's card, or unknown (with why). The kinds this screen takes are tried in
    turn, each only if the code may have been read in the symbology the reader names;
    whitespace a reader adds around the code is ignored."""
    code = scan.code.strip()
    kinds = SOUGHT[context]
    if not code:
        return UnknownScan(code, Refusal.NOT_FOUND, scan.symbology)
    if not allowed_anywhere(scan.symbology, kinds):
        # Never looked up: a Micro QR inside a ticket's QR is no product, whatever it reads.
        return UnknownScan(code, Refusal.SYMBOLOGY, scan.symbology)
    with ctx.uow(write=False) as uow:
        found = _found(uow, code, kinds, scan.symbology)
        if found is not None:
            return found
        # A code the till knows, but not one this screen takes, is said as such.
        for kind in (kind for kind in ScanKind if kind not in kinds):
            elsewhere = _found(uow, code, (kind,), None)
            if elsewhere is not None and not isinstance(elsewhere, UnknownScan):
                return UnknownScan(code, Refusal.NOT_HERE, scan.symbology, kind)
    return UnknownScan(code, Refusal.NOT_FOUND, scan.symbology)


def _found(uow: UnitOfWork, code: str, kinds: tuple[ScanKind, ...],
           symbology: str | None) -> ScanMeaning | None:
    """The first of `kinds` the code is, read in `symbology`. Failing that, why not: a
    reference of a ticket this till cannot find, or a code of one of `kinds` read in a
    symbology it is never printed in (WRONG_SYMBOLOGY)."""
    refused: UnknownScan | None = None
    for kind in kinds:
        meaning = _LOOK_UP[kind](uow, code)
        if meaning is None:
            continue
        if not allows(kind, symbology):
            if refused is None:
                refused = UnknownScan(code, Refusal.WRONG_SYMBOLOGY, symbology, kind)
        elif isinstance(meaning, UnknownScan):  # shaped like a ticket, none of this till
            refused = refused or replace(meaning, symbology=symbology)
        else:
            return meaning
    return refused


def _product(uow: UnitOfWork, code: str) -> ScanMeaning | None:
    for candidate in _retail_forms(code):
        product = uow.catalogue.get_by_barcode(candidate)
        if product is not None:
            return ScannedProduct(product)
    return None


def _retail_forms(code: str) -> tuple[str, ...]:
    """A UPC-A is an EAN-13 starting with 0: a reader gives either form of the same code
    (12 digits, or 13 with the 0), and the catalogue holds one of them."""
    if code.isascii() and code.isdigit():
        if len(code) == 12:
            return (code, f"0{code}")
        if len(code) == 13 and code.startswith("0"):
            return (code, code[1:])
    return (code,)


def _receipt(uow: UnitOfWork, code: str) -> ScanMeaning | None:
    number = receipt_qr_number(code)
    if number is not None:
        order = uow.orders.get_by_number(number)
        # The QR names its till too: a summary of another till's order is not this one.
        if order is not None and order.till_id == code.split("|")[1]:
            return ScannedOrder(order.number, from_qr=True, training=order.training)
        return None
    order = uow.orders.get_by_number(code)
    return None if order is None else ScannedOrder(order.number, from_qr=False,
                                                   training=order.training)


def _ticket(uow: UnitOfWork, code: str) -> ScanMeaning | None:
    """A ticket's QR (its token, `TK1:…`), its reference (`K7QM4-XH92T`), or the
    `<order>-<line>-<unit>` of the tickets printed before tickets were stored."""
    if is_token(code):
        try:
            return _stored_ticket(uow, read_token(code).claims.reference, code)
        except TicketTokenInvalid:
            return None
    if looks_like_reference(code):
        return _stored_ticket(uow, normalise_reference(code), code)
    reference = parse_ticket_reference(code)
    if reference is None:
        for number in ticket_order_prefixes(code):
            if uow.orders.get_by_number(number) is not None:
                return UnknownScan(code, Refusal.GARBLED_TICKET, kind=ScanKind.TICKET,
                                   order_number=number)
        return None
    order = uow.orders.get_by_number(reference.order_number)
    if order is None:
        return UnknownScan(code, Refusal.UNKNOWN_TICKET_ORDER, kind=ScanKind.TICKET,
                           order_number=reference.order_number)
    label = _admission(order, reference.line_position, reference.unit)
    if label is None:
        return UnknownScan(code, Refusal.NO_SUCH_ADMISSION, kind=ScanKind.TICKET,
                           order_number=order.number)
    return ScannedTicket(code, order.number, reference.line_position, reference.unit, label,
                         order.training)


def _stored_ticket(uow: UnitOfWork, reference: str, code: str) -> ScanMeaning | None:
    """One of this till's tickets, as the sale screen opens it (its order). Whether it
    admits is the gate's question (services/admissions.py), not the scan's: a token
    is not checked here, it only says which ticket the paper claims to be."""
    ticket = uow.tickets.get(reference)
    if ticket is None:
        return None
    order = uow.orders.get_by_number(ticket.order_number)
    if order is None:
        return UnknownScan(code, Refusal.UNKNOWN_TICKET_ORDER, kind=ScanKind.TICKET,
                           order_number=ticket.order_number)
    line = ticket.line_position + 1  # stored from 0, said from 1
    label = _admission(order, line, ticket.unit)
    if label is None:
        return UnknownScan(code, Refusal.NO_SUCH_ADMISSION, kind=ScanKind.TICKET,
                           order_number=order.number)
    return ScannedTicket(reference, order.number, line, ticket.unit, label, order.training)


def _admission(order: Order, line_position: int, unit: int) -> str | None:
    """The sold line's product and price, if the order has that line and that many
    admissions on it."""
    if line_position > len(order.lines):
        return None
    line = order.lines[line_position - 1]
    if unit > line.quantity:
        return None
    return f"{line.label} — {line.price_label}"


def _card(uow: UnitOfWork, code: str) -> ScanMeaning | None:
    customer = uow.customers.get_by_card_code(code)
    return None if customer is None else ScannedCard(customer)


_LOOK_UP = {ScanKind.PRODUCT: _product, ScanKind.RECEIPT: _receipt,
            ScanKind.TICKET: _ticket, ScanKind.CUSTOMER_CARD: _card}
