"""The till's documents as data (domain/document.py): receipts and duplicates, X and Z
reports, order summaries and admission tickets. The CLI and the screens show their
text; printing/ renders the same documents for a printer, a PDF or a preview."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from pos_app.domain.document import (
    AdmissionTicket,
    Align,
    Barcode,
    Block,
    Document,
    DocumentKind,
    QrCode,
    Rule,
    Text,
    TicketBooklet,
)
from pos_app.domain.postal_code import PostalAnswer
from pos_app.domain.ticket import Ticket, shown_reference
from pos_app.formatting import format_local_time, format_money, format_vat_rate, paris

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pos_app.domain.closure import Closure, Reading
    from pos_app.domain.customer import Customer
    from pos_app.domain.order import Order
    from pos_app.domain.receipt import Receipt, ReceiptLine, RefundReceipt, Venue
    from pos_app.domain.sync import ChainAck, JournalRef
    from pos_app.domain.vat import VatLine

SIMULATION = "*** SIMULATION ***"
POSTAL_ANSWER_TEXT = {PostalAnswer.ABROAD.value: "Étranger",
                      PostalAnswer.DECLINED.value: "Non communiqué"}
CLOSURE_NAMES = {"z": "Z", "month": "Clôture mensuelle", "year": "Clôture annuelle"}


def receipt_document(value: Receipt) -> Document:
    """A receipt as French law lists its content; a duplicate says so; a training sale
    says SIMULATION at the top and the bottom. The QR code carries the signed summary,
    the barcode the order number (scanned at the till, it finds the order)."""
    blocks: list[Block] = []
    if value.training:
        blocks.append(Text(SIMULATION, bold=True, align=Align.CENTER))
    blocks += _seller(value.venue)
    if value.duplicate_number is not None:
        blocks.append(Text(f"DUPLICATA n° {value.duplicate_number}", bold=True,
                           align=Align.CENTER))
        if value.reprinted_at is not None:
            blocks.append(Text(f"Réimprimé le"
                               f" {format_local_time(value.reprinted_at, '%d/%m/%Y %H:%M:%S')}",
                               align=Align.CENTER))
        if value.reprinted_by:
            blocks.append(Text(f"par {value.reprinted_by}", align=Align.CENTER))
    blocks += [Text(f"Ticket {value.number} — {format_local_time(value.at, '%d/%m/%Y %H:%M:%S')}"),
               Text(f"{value.point_of_sale} · {value.till_name}")]
    blocks += _lines_and_vat(value.lines, value.vat, value.total_cents,
                             value.basket_discount_reason)
    for payment in value.payments:
        change = f" (rendu {format_money(payment.change_cents)})" if payment.change_cents else ""
        blocks.append(Text(f"{payment.label} {format_money(payment.amount_cents)}{change}"))
    if value.left_cents:
        blocks.append(Text(f"Reste à payer {format_money(value.left_cents)}", bold=True))
    if value.cancelled:
        blocks.append(Text("COMMANDE ANNULÉE", bold=True))
    if value.qr:
        blocks.append(QrCode(value.qr))
    blocks.append(Barcode(value.number))
    if value.training:
        blocks.append(Text(SIMULATION, bold=True, align=Align.CENTER))
    kind = DocumentKind.RECEIPT if value.duplicate_number is None else DocumentKind.DUPLICATE
    return Document(kind, value.number, tuple(blocks))


def refund_document(value: RefundReceipt) -> Document:
    """A credit note (avoir) or a cancellation's slip: the seller, what was taken back,
    its VAT, and how the money went back; the order's number as a barcode."""
    blocks: list[Block] = []
    if value.training:
        blocks.append(Text(SIMULATION, bold=True, align=Align.CENTER))
    blocks += _seller(value.venue)
    title = (f"AVOIR n° {value.credit_note_number}" if value.credit_note_number
             else "REMBOURSEMENT DU TROP-PERÇU" if value.overpayment else "ANNULATION")
    blocks += [Text(title, bold=True, align=Align.CENTER),
               Text(f"Commande {value.order_number} —"
                    f" {format_local_time(value.at, '%d/%m/%Y %H:%M:%S')}"),
               Text(f"{value.point_of_sale} · {value.till_name}")]
    if not value.overpayment:  # nothing was taken back: no lines, no VAT
        blocks.append(Text(f"Motif : {value.reason}"))
        blocks += _lines_and_vat(value.lines, value.vat, value.total_cents)
    blocks += [Text(f"Remboursé {refund.label} {format_money(refund.amount_cents)}")
               for refund in value.refunds]
    blocks.append(Barcode(value.order_number))
    if value.training:
        blocks.append(Text(SIMULATION, bold=True, align=Align.CENTER))
    return Document(DocumentKind.REFUND, value.credit_note_number or value.order_number,
                    tuple(blocks))


def _lines_and_vat(lines: Iterable[ReceiptLine], vat: Iterable[VatLine],
                   total_cents: int, basket_reason: str = "") -> list[Block]:
    """A receipt's lines, each with its VAT rate (a discounted one: its price, then its
    discount and why under it), the basket's discount and all discounts together, its
    VAT per rate (without VAT, VAT, with VAT) and its total."""
    blocks: list[Block] = []
    shares = discounts = 0
    for line in lines:
        # A line shows its price before its own discount; its share of the basket's
        # discount is in "Remise panier".
        blocks.append(Text(
            f"{line.quantity} × {line.label} ({line.price_label})"
            f" {format_money(line.unit_price_cents)} = {format_money(line.gross_cents)}"
            # No-break spaces: on a narrow roll the amount and its rate go on together.
            f"\u00a0·\u00a0TVA\u00a0{format_vat_rate(line.vat_rate_bp)}"))
        if line.slot_start is not None and line.slot_end is not None:
            blocks.append(Text(f"  {slot_text(line.slot_start, line.slot_end)}"))
        if line.discount_cents:
            reason = f" ({line.discount_reason})" if line.discount_reason else ""
            blocks.append(Text(f"  Remise {format_money(-line.discount_cents)}{reason}"))
        shares += line.basket_discount_cents
        discounts += line.discount_cents + line.basket_discount_cents
    if shares:
        reason = f" ({basket_reason})" if basket_reason else ""
        blocks.append(Text(f"Remise panier {format_money(-shares)}{reason}"))
    if discounts:
        blocks.append(Text(f"Remises {format_money(-discounts)}"))
    blocks += [Text(f"TVA {rate.rate.percent_text.replace('.', ',')} % : HT"
                    f" {format_money(rate.excl_cents)} TVA {format_money(rate.vat_cents)}"
                    f" TTC {format_money(rate.total_cents)}") for rate in vat]
    blocks.append(Text(f"TOTAL TTC {format_money(total_cents)}", bold=True))
    return blocks


def _seller(venue: Venue | None) -> list[Block]:
    if venue is None:
        return []
    blocks: list[Block] = [Text(venue.name, bold=True, align=Align.CENTER),
                           Text(venue.address, align=Align.CENTER),
                           Text(f"{venue.postal_code} {venue.city}", align=Align.CENTER)]
    if venue.siret:
        blocks.append(Text(f"SIRET {venue.siret}", align=Align.CENTER))
    if venue.vat_number:
        blocks.append(Text(f"TVA intracom. {venue.vat_number}", align=Align.CENTER))
    return blocks


def document_lines(document: Document) -> list[str]:
    """A document's text, line by line, as the screen and the CLI show it."""
    return [block.text if isinstance(block, Text) else f"QR {block.data}"
            for block in document.blocks if isinstance(block, Text | QrCode)]


def receipt_lines(value: Receipt) -> list[str]:
    """The receipt, line by line, as the screen and the CLI show it (the QR as its text)."""
    return document_lines(receipt_document(value))


def reading_lines(value: Reading, title: str = "Lecture X") -> list[str]:
    """An X reading (or the figures a Z records), as the CLI and the report print them:
    sales, cancellations and returns apart, then per method what came in, what went
    back and the net, then the drawer."""
    cash, takings = value.cash, value.takings
    since = ("la mise en service" if value.period_start is None
             else format_local_time(value.period_start))
    lines = [f"{title} du {format_local_time(value.period_end)} (depuis {since})",
             f"  Ventes : {takings.orders} commande(s), {format_money(takings.sales_cents)}"]
    if takings.cancellations:
        lines.append(f"  Annulations : {takings.cancellations},"
                     f" {format_money(-takings.cancelled_cents)}")
    if takings.returns:
        lines.append(f"  Retours (avoirs) : {takings.returns},"
                     f" {format_money(-takings.returned_cents)}")
    lines.append(f"  Chiffre d'affaires net {format_money(value.takings_cents)}")
    lines += [f"  TVA {v.rate_bp / 100:g} % : HT {format_money(v.excl_cents)},"
              f" TVA {format_money(v.vat_cents)}, TTC {format_money(v.total_cents)}"
              .replace(".", ",") for v in value.vat]
    for method in value.methods:
        line = f"  {method.label} : {format_money(method.taken_cents)}"
        if method.refunded_cents:
            line += (f", remboursé {format_money(method.refunded_cents)},"
                     f" net {format_money(method.net_cents)}")
        lines.append(line)
    refunded = (f" − remboursé {format_money(cash.refunded_cents)}"
                if cash.refunded_cents else "")
    lines.append(f"  Espèces attendues {format_money(cash.expected_cents)} = fond"
                 f" {format_money(cash.float_cents)} + encaissé {format_money(cash.taken_cents)}"
                 f" − rendu {format_money(cash.change_cents)} + apports"
                 f" {format_money(cash.in_cents)} − retraits {format_money(cash.out_cents)}"
                 f"{refunded}")
    lines += head_lines(value.heads)
    lines += acknowledged_lines(value.acknowledged)
    return lines


CHAIN_NAMES = {"order": "commandes", "closure": "clôtures", "event": "événements",
               "duplicate": "duplicatas", "archive": "archives", "training": "formation"}


def head_lines(heads: tuple[JournalRef, ...]) -> list[str]:
    """Every chain's head as the reading was taken (a Z's: as it records them), in
    short: the chain, the number, the hash's first 8 hex digits."""
    if not heads:
        return []
    return ["  Journal de la caisse :"] + [
        f"    {CHAIN_NAMES.get(head.chain, head.chain)} n° {head.number} ({head.hash[:8]})"
        for head in heads]


def acknowledged_lines(acks: tuple[ChainAck, ...]) -> list[str]:
    """The journal heads the server last acknowledged, and its flags (nothing for a till
    with no server)."""
    if not acks:
        return []
    lines = ["  Journal reconnu par le serveur :"]
    for ack in acks:
        when = ("" if ack.acknowledged_at is None
                else f" le {format_local_time(ack.acknowledged_at)}")
        lines.append(f"    {CHAIN_NAMES.get(ack.chain, ack.chain)} n° {ack.number}"
                     f" ({ack.hash[:12]}){when}")
        if ack.flagged:
            lines.append(f"    ALERTE : {ack.flagged}")
    return lines


def closure_line(value: Closure) -> str:
    totals = value.totals
    return (f"{CLOSURE_NAMES[value.kind]} n° {value.number} du"
            f" {format_local_time(value.period_end)} : CA {format_money(totals.period_cents)},"
            f" espèces attendues {format_money(value.expected_cash_cents)}, comptées"
            f" {format_money(value.counted_cash_cents)}, écart {format_money(value.gap_cents)}"
            f" (grand total {format_money(totals.perpetual_cents)})"
            + (f", motif de l'écart : {value.gap_reason}" if value.gap_reason else ""))


def reading_document(value: Reading, closures: tuple[Closure, ...] = (),
                     training: bool = False) -> Document:
    """The X reading, or with its closures (the Z, and the month and year it brought)
    the Z report, that the manager keeps with the counted cash."""
    title = "Clôture Z" if closures else "Lecture X"
    _heading, *figures = reading_lines(value, title)
    since = ("la mise en service" if value.period_start is None
             else format_local_time(value.period_start))
    blocks: list[Block] = [Text(title, bold=True, align=Align.CENTER)]
    if value.till is not None:
        blocks.append(Text(f"Caisse : {value.till.point_of_sale} · {value.till.name}"
                           f" ({value.till.code})"))
    # The period a reading covers: since the previous Z, to the moment it was read.
    blocks += [Text(f"Période : du {since} au {format_local_time(value.period_end)}"
                    " (heure de Paris)"), Rule()]
    blocks += [Text(line.strip()) for line in figures]
    if closures:
        blocks.append(Rule())
        blocks += [Text(closure_line(closure)) for closure in closures]
    if training:
        blocks = [Text(SIMULATION, bold=True, align=Align.CENTER), *blocks]
    reference = f"Z{closures[-1].number}" if closures else "X"
    return Document(DocumentKind.READING, reference, tuple(blocks))


def postal_code_text(answer: str) -> str:
    """A postal code answer as the command line says it (the screens translate theirs)."""
    return POSTAL_ANSWER_TEXT.get(answer, answer)


def order_lines(order: Order, payer: Customer | None) -> list[str]:
    """An order's summary: its lines, VAT, payments, returns and refunds, and what is
    left to pay."""
    lines = [f"Commande {order.number} du {format_local_time(order.created_at)}"
             + (" — ANNULÉE" if order.cancellation else "")]
    if payer:
        lines.append(f"Payeur : {payer.display_name}")
    if order.postal_code is not None:
        lines.append(f"Code postal : {postal_code_text(order.postal_code)}")
    for position, line in enumerate(order.lines, start=1):
        lines.append(f"  {position}. {line.quantity} × {line.label} ({line.price_label}) "
                     f"{format_money(line.unit_price_cents)} = {format_money(line.gross_cents)}")
        if line.discount_cents:
            lines.append(f"     Remise {format_money(-line.discount_cents)}"
                         f" ({line.discount_reason})")
    if order.discount is not None:
        lines.append(f"  Remise panier {format_money(-order.discount.cents)}"
                     f" ({order.discount.reason})")
    if order.discounted_cents:
        lines.append(f"  Remises {format_money(-order.discounted_cents)}")
    for vat in order.vat():
        lines.append(f"  TVA {vat.rate.percent_text.replace('.', ',')} % : "
                     f"HT {format_money(vat.excl_cents)}, TVA {format_money(vat.vat_cents)}")
    left = (f"trop-perçu {format_money(-order.left_cents)} à rendre" if order.left_cents < 0
            else f"reste {format_money(order.left_cents)}")
    lines.append(f"Total {format_money(order.total_cents)} — payé "
                 f"{format_money(order.paid_cents)} — {left}")
    for payment in order.payments:
        change = (f" (rendu {format_money(payment.change_cents)})"
                  if payment.change_cents else "")
        lines.append(f"  {payment.method_code} {format_money(payment.amount_cents)}{change}")
    for note in order.returns:
        lines.append(f"Avoir {note.number} du {format_local_time(note.created_at)} :"
                     f" {format_money(-note.total_cents)} ({note.reason})")
        lines += [f"  ligne {item.position + 1} : {item.line.quantity} × {item.line.label}"
                  f" = {format_money(-item.total_cents)}" for item in note.lines]
    for refund in order.refunds:
        lines.append(f"  Remboursé {refund.method_code} {format_money(refund.amount_cents)}"
                     f" le {format_local_time(refund.at)}")
    if order.cancellation:
        lines.append(f"Annulée le {format_local_time(order.cancellation.at)} : "
                     f"{order.cancellation.reason}")
    return lines


def order_document(order: Order, payer: Customer | None) -> Document:
    """Not a receipt (no fiscal content of its own): what the customer still owes."""
    heading, *rest = order_lines(order, payer)
    blocks: list[Block] = [Text(heading, bold=True), *(Text(line.strip()) for line in rest),
                           Barcode(order.number)]
    return Document(DocumentKind.ORDER, order.number, tuple(blocks))


def ticket_document(ticket: AdmissionTicket) -> Document:
    """An admission ticket on a till roll: the QR code with the reference under it, as
    on every format; the page formats are laid out in printing/ticket_pages.py."""
    blocks: list[Block] = []
    if ticket.training:
        blocks.append(Text(SIMULATION, bold=True, align=Align.CENTER))
    blocks += [Text(ticket.venue_name, bold=True, align=Align.CENTER),
               Text(ticket.product_name, bold=True, large=True, align=Align.CENTER)]
    blocks += [Text(line, align=Align.CENTER) for line in ticket_details(ticket)]
    blocks += [QrCode(ticket.qr_data, caption=ticket.reference), Barcode(ticket.reference)]
    if ticket.training:
        blocks.append(Text(SIMULATION, bold=True, align=Align.CENTER))
    return Document(DocumentKind.TICKET, ticket.reference, tuple(blocks))


def ticket_details(ticket: AdmissionTicket) -> list[str]:
    """The lines under the product's name on every format."""
    lines = [f"{ticket.price_label} — {format_money(ticket.amount_cents)}"]
    if ticket.slot_start is not None:
        lines.append(format_local_time(ticket.slot_start, "Le %d/%m/%Y à %Hh%M"))
    if ticket.valid_from is not None and ticket.valid_until is not None:
        lines.append(validity_text(ticket.valid_from, ticket.valid_until))
        lines.append(entries_text(ticket.entries_allowed))
    if ticket.holder:
        lines.append(ticket.holder)
    lines.append(f"Commande {ticket.order_number}")
    return lines


def slot_text(start: datetime, end: datetime) -> str:
    """A slot as the venue's clock says it: `Le 18/07/2026 de 14h00 à 15h00`, or `Du
    13/07/2026 10h00 au 17/07/2026 17h00` over several days."""
    zone = paris()
    first, last = start.astimezone(zone), end.astimezone(zone)
    if first.date() == last.date():
        return f"Le {first:%d/%m/%Y} de {first:%Hh%M} à {last:%Hh%M}"
    return f"Du {first:%d/%m/%Y %Hh%M} au {last:%d/%m/%Y %Hh%M}"


def validity_text(valid_from: datetime, valid_until: datetime) -> str:
    """A ticket's validity as the venue's clock says it: `Valable le 14/07/2026` for a
    day, `du … au …` for several (whole days), with the hours otherwise."""
    zone = paris()
    start, end = valid_from.astimezone(zone), valid_until.astimezone(zone)
    if start.time() == time(0) and end.time() == time(0):
        last = end.date() - timedelta(days=1)  # the end is the first moment it no longer admits
        if last <= start.date():
            return f"Valable le {start:%d/%m/%Y}"
        return f"Valable du {start:%d/%m/%Y} au {last:%d/%m/%Y}"
    return f"Valable du {start:%d/%m/%Y %Hh%M} au {end:%d/%m/%Y %Hh%M}"


def entries_text(entries: int | None) -> str:
    if entries is None:
        return "Entrées illimitées"
    return f"{entries} entrée" if entries == 1 else f"{entries} entrées"


def printed_ticket(ticket: Ticket, order: Order, venue_name: str,
                   holder: str | None) -> AdmissionTicket:
    """A ticket the till issued, as printed: its order line's product and price, its
    reference as shown, its signed token in the QR code."""
    line = order.lines[ticket.line_position]
    return AdmissionTicket(shown_reference(ticket.reference), venue_name, line.label,
                           line.price_label, line.unit_price_cents, order.number, holder,
                           training=order.training, token=ticket.token,
                           valid_from=ticket.valid_from, valid_until=ticket.valid_until,
                           entries_allowed=ticket.entries_allowed)


def booklet_cover_lines(booklet: TicketBooklet) -> list[str]:
    """What a booklet's cover says: the order, who for, and each ticket in it."""
    count = len(booklet.tickets)
    lines = [f"Commande {booklet.order_number}",
             f"{count} billet" if count == 1 else f"{count} billets"]
    if booklet.holder:
        lines.insert(1, booklet.holder)
    lines += [f"{ticket.reference}  {ticket.product_name}" for ticket in booklet.tickets]
    return lines
