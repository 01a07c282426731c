"""A scan resolved once, on a real store: products, orders from the receipt as printed
(ESC/POS decoded), tickets from their printed references, customers' cards, and codes
refused with why."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hardware.simulators.escpos_printer import decode
from pos_app.documents import ticket_document
from pos_app.domain.document import AdmissionTicket, Barcode, QrCode, ticket_reference
from pos_app.domain.reference_fields import InvalidImport
from pos_app.domain.scan import Scan
from pos_app.domain.scan_meaning import (
    Refusal,
    ScanContext,
    ScanKind,
    ScannedCard,
    ScannedOrder,
    ScannedProduct,
    ScannedTicket,
    UnknownScan,
)
from pos_app.domain.staff import StaffMember
from pos_app.services import importing, selling
from pos_app.services.context import Context
from pos_app.services.receipts import receipt
from pos_app.services.scanning import resolve_scan
from pos_app.services.selling import PaymentRequest
from printing.escpos_document import document_to_escpos, receipt_to_escpos
from tests.integration.test_selling_services import basket_of

AT = datetime(2026, 7, 14, 10, 0, tzinfo=UTC)


def scan(code: str, symbology: str | None = None) -> Scan:
    return Scan(code, "test", AT, symbology)


def sold(ctx: Context, cashier: StaffMember, *product_ids: str) -> str:
    basket = basket_of(ctx, *product_ids)
    return selling.sell(ctx, cashier, basket, [PaymentRequest("ESP", basket.total_cents)]
                        ).number


def give_cards(ctx: Context, manager: StaffMember, *cards: tuple[str, str, str]) -> None:
    """Customers (id, name, card) as the venue's customer file brings them."""
    importing.import_data(ctx, manager, {"customers": [
        {"id": customer_id, "kind": "person", "name": name, "card_code": card}
        for customer_id, name, card in cards]})


def test_a_product_comes_with_its_prices(ctx: Context) -> None:
    one = resolve_scan(ctx, scan("3760123450089", "EAN13"))
    assert isinstance(one, ScannedProduct) and one.product.id == "paddle-1h"
    assert not one.needs_price_choice
    several = resolve_scan(ctx, scan(" 3760123450027\r\n"))  # a wedge: no symbology
    assert isinstance(several, ScannedProduct) and several.product.id == "balade-poney-1h"
    assert several.needs_price_choice and len(several.product.prices) == 2


def test_a_upc_a_read_finds_the_product_stored_as_ean_13(ctx: Context,
                                                        manager: StaffMember) -> None:
    importing.import_data(ctx, manager, {"products": [
        {"id": "us-cap", "name": "Casquette US", "vat_rate": "20",
         "prices": [{"label": "Unique", "amount": "12.00"}], "barcodes": ["0036000291452"]}]})
    found = resolve_scan(ctx, scan("036000291452", "UPCA"))
    assert isinstance(found, ScannedProduct) and found.product.id == "us-cap"


def test_a_product_code_read_in_a_qr_is_refused_as_what_it_would_be(ctx: Context) -> None:
    refused = resolve_scan(ctx, scan("3760123450089", "QRCode"))
    assert refused == UnknownScan("3760123450089", Refusal.WRONG_SYMBOLOGY, "QRCode",
                                  ScanKind.PRODUCT)


def test_a_micro_qr_is_never_looked_up(ctx: Context, cashier: StaffMember,
                                       manager: StaffMember) -> None:
    give_cards(ctx, manager, ("c-029", "Zero", "029"))
    importing.import_data(ctx, manager, {"products": [
        {"id": "p-029", "name": "Code court", "vat_rate": "20",
         "prices": [{"label": "Unique", "amount": "1.00"}], "barcodes": ["029"]}]})
    assert isinstance(resolve_scan(ctx, scan("029")), ScannedProduct)  # a wedge: its text
    for context in ScanContext:
        assert resolve_scan(ctx, scan("029", "MicroQRCode"), context) == UnknownScan(
            "029", Refusal.SYMBOLOGY, "MicroQRCode")


def test_a_receipt_as_printed_opens_its_order(ctx: Context, cashier: StaffMember) -> None:
    number = sold(ctx, cashier, "paddle-1h", "cafe")
    printed = decode(receipt_to_escpos(receipt(ctx, number)))
    assert printed.barcodes and printed.qr_codes
    for context in (ScanContext.SALE, ScanContext.ORDER_SEARCH):
        by_barcode = resolve_scan(ctx, scan(printed.barcodes[0], "Code128"), context)
        assert by_barcode == ScannedOrder(number, from_qr=False)
        by_qr = resolve_scan(ctx, scan(printed.qr_codes[0], "QRCode"), context)
        assert by_qr == ScannedOrder(number, from_qr=True)
    # A receipt's number read as a product code is not one (EAN-13 is for products).
    assert resolve_scan(ctx, scan(number, "EAN13")).refusal is Refusal.WRONG_SYMBOLOGY  # type: ignore[union-attr]


def test_a_qr_of_another_tills_order_does_not_open_this_one(ctx: Context,
                                                            cashier: StaffMember) -> None:
    number = sold(ctx, cashier, "cafe")
    qr = receipt(ctx, number).qr
    fields = qr.split("|")
    fields[1] = "some-other-till"
    assert resolve_scan(ctx, scan("|".join(fields), "QRCode")).refusal is (  # type: ignore[union-attr]
        Refusal.NOT_FOUND)


def test_a_ticket_as_printed_names_its_order_and_line(ctx: Context,
                                                      cashier: StaffMember) -> None:
    number = sold(ctx, cashier, "cafe", "paddle-1h")
    ticket = AdmissionTicket(ticket_reference(number, 2, 1), "Domaine", "Paddle – 1 h",
                             "Unique", 1500, number)
    document = ticket_document(ticket)
    printed = decode(document_to_escpos(document))
    qr = [block.data for block in document.blocks if isinstance(block, QrCode)]
    code128 = [block.data for block in document.blocks if isinstance(block, Barcode)]
    assert printed.qr_codes == qr and printed.barcodes == code128
    for text, symbology in ((qr[0], "QRCode"), (code128[0], "Code128"), (qr[0], None)):
        meaning = resolve_scan(ctx, scan(text, symbology), ScanContext.ORDER_SEARCH)
        assert isinstance(meaning, ScannedTicket)
        assert (meaning.reference, meaning.order_number, meaning.line_position,
                meaning.unit) == (ticket.reference, number, 2, 1)
        assert meaning.label == "Location paddle – 1 h — Tarif unique"
    assert isinstance(resolve_scan(ctx, scan(qr[0], "QRCode")), ScannedTicket)


def test_a_ticket_that_is_none_of_this_tills_says_why(ctx: Context,
                                                      cashier: StaffMember) -> None:
    number = sold(ctx, cashier, "cafe")
    assert resolve_scan(ctx, scan(f"{number}-2-1", "QRCode")) == UnknownScan(
        f"{number}-2-1", Refusal.NO_SUCH_ADMISSION, "QRCode", ScanKind.TICKET, number)
    assert resolve_scan(ctx, scan(f"{number}-1-2", "QRCode")).refusal is (  # type: ignore[union-attr]
        Refusal.NO_SUCH_ADMISSION)
    assert resolve_scan(ctx, scan("CD9-000042-1-1", "QRCode")) == UnknownScan(
        "CD9-000042-1-1", Refusal.UNKNOWN_TICKET_ORDER, "QRCode", ScanKind.TICKET,
        "CD9-000042")
    garbled = resolve_scan(ctx, scan(f"{number}-1?1", "QRCode"))
    assert garbled == UnknownScan(f"{number}-1?1", Refusal.GARBLED_TICKET, "QRCode",
                                  ScanKind.TICKET, number)


def test_a_customer_card_finds_its_customer(ctx: Context, manager: StaffMember) -> None:
    give_cards(ctx, manager, ("c-adherent", "Adhérent", "ADH-0042"))
    for context in (ScanContext.SALE, ScanContext.CUSTOMER_SEARCH):
        found = resolve_scan(ctx, scan("ADH-0042", "Code128"), context)
        assert isinstance(found, ScannedCard) and found.customer.id == "c-adherent"
        assert found.customer.card_code == "ADH-0042"
    assert resolve_scan(ctx, scan("ADH-0042", "Code128"), ScanContext.ORDER_SEARCH) == (
        UnknownScan("ADH-0042", Refusal.NOT_HERE, "Code128", ScanKind.CUSTOMER_CARD))
    assert resolve_scan(ctx, scan("3760123450089"), ScanContext.CUSTOMER_SEARCH) == (
        UnknownScan("3760123450089", Refusal.NOT_HERE, None, ScanKind.PRODUCT))


def test_a_card_given_to_another_customer_moves_to_them(ctx: Context,
                                                        manager: StaffMember) -> None:
    give_cards(ctx, manager, ("c-first", "Premier", "ADH-7"))
    give_cards(ctx, manager, ("c-second", "Second", "ADH-7"))
    found = resolve_scan(ctx, scan("ADH-7"))
    assert isinstance(found, ScannedCard) and found.customer.id == "c-second"
    with ctx.uow(write=False) as uow:
        first = uow.customers.get("c-first")
    assert first is not None and first.card_code is None


def test_one_card_for_two_customers_of_a_file_is_refused(ctx: Context,
                                                         manager: StaffMember) -> None:
    with pytest.raises(InvalidImport, match="card 'ADH-1' is also customer 'c-a'"):
        give_cards(ctx, manager, ("c-a", "A", "ADH-1"), ("c-b", "B", "ADH-1"))
    assert isinstance(resolve_scan(ctx, scan("ADH-1")), UnknownScan)


def test_an_unknown_code_is_said_as_such(ctx: Context) -> None:
    assert resolve_scan(ctx, scan("0000000000000", "EAN13")) == UnknownScan(
        "0000000000000", Refusal.NOT_FOUND, "EAN13")
    assert resolve_scan(ctx, scan("   ")).refusal is Refusal.NOT_FOUND  # type: ignore[union-attr]


def test_a_training_receipt_says_it_is_one(ctx: Context, cashier: StaffMember) -> None:
    basket = basket_of(ctx, "cafe")
    order = selling.sell(ctx, cashier, basket, [PaymentRequest("ESP", basket.total_cents)],
                         training=True)
    printed = decode(receipt_to_escpos(receipt(ctx, order.number)))
    assert printed.qr_codes[0].startswith("CQ1S|")
    for code, symbology in ((printed.qr_codes[0], "QRCode"), (printed.barcodes[0], None)):
        meaning = resolve_scan(ctx, scan(code, symbology), ScanContext.ORDER_SEARCH)
        assert isinstance(meaning, ScannedOrder)
        assert (meaning.number, meaning.training) == (order.number, True)


def test_a_stored_tickets_token_and_reference_open_its_order(ctx: Context,
                                                             cashier: StaffMember) -> None:
    from pos_app.domain.ticket import shown_reference

    number = sold(ctx, cashier, "cafe", "nocturne")
    with ctx.uow(write=False) as uow:
        order = uow.orders.get_by_number(number)
        assert order is not None
        [ticket] = uow.tickets.of_order(order.id)
    for text, symbology in ((ticket.token, "QRCode"), (shown_reference(ticket.reference),
                                                       "Code128"),
                            (ticket.reference.lower(), None)):
        for context in (ScanContext.SALE, ScanContext.ORDER_SEARCH):
            meaning = resolve_scan(ctx, scan(text, symbology), context)
            assert isinstance(meaning, ScannedTicket), (text, context)
            assert (meaning.reference, meaning.order_number, meaning.line_position,
                    meaning.unit) == (ticket.reference, number, 2, 1)
            assert meaning.label.startswith("Nocturne aux flambeaux")
    # A token cut short, or a reference this till never issued: nothing it knows.
    assert resolve_scan(ctx, scan(ticket.token[:-3], "QRCode")).refusal is (  # type: ignore[union-attr]
        Refusal.NOT_FOUND)
    assert resolve_scan(ctx, scan("K7QM4-XH92T", "Code128")).refusal is (  # type: ignore[union-attr]
        Refusal.NOT_FOUND)
