"""A receipt as the lines of a till roll: the CLI prints them, the screen shows them, and
the printers render the same content (with the QR drawn from its text)."""

from __future__ import annotations

from pos_app.domain.receipt import Receipt
from pos_app.formatting import format_local_time, format_money


def receipt_lines(value: Receipt) -> list[str]:
    """The receipt, line by line, as a till roll shows it (the QR as its text)."""
    lines: list[str] = []
    if value.training:
        lines.append("*** SIMULATION ***")
    if value.venue is not None:
        venue = value.venue
        lines += [venue.name, venue.address, f"{venue.postal_code} {venue.city}"]
        if venue.siret:
            lines.append(f"SIRET {venue.siret}")
        if venue.vat_number:
            lines.append(f"TVA intracom. {venue.vat_number}")
    if value.duplicate_number is not None:
        lines.append(f"DUPLICATA n° {value.duplicate_number}")
    lines += [f"Ticket {value.number} — {format_local_time(value.at, '%d/%m/%Y %H:%M:%S')}",
              f"{value.point_of_sale} · {value.till_name}"]
    for line in value.lines:
        lines.append(f"{line.quantity} × {line.label} ({line.price_label})"
                     f" {format_money(line.unit_price_cents)} = {format_money(line.total_cents)}")
    for vat in value.vat:
        lines.append(f"TVA {vat.rate.percent_text.replace('.', ',')} % : HT"
                     f" {format_money(vat.excl_cents)} TVA {format_money(vat.vat_cents)}"
                     f" TTC {format_money(vat.total_cents)}")
    lines.append(f"TOTAL TTC {format_money(value.total_cents)}")
    for payment in value.payments:
        change = f" (rendu {format_money(payment.change_cents)})" if payment.change_cents else ""
        lines.append(f"{payment.label} {format_money(payment.amount_cents)}{change}")
    if value.left_cents:
        lines.append(f"Reste à payer {format_money(value.left_cents)}")
    if value.cancelled:
        lines.append("COMMANDE ANNULÉE")
    if value.qr:
        lines.append(f"QR {value.qr}")
    if value.training:
        lines.append("*** SIMULATION ***")
    return lines
