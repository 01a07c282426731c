"""What a scan may be: the symbologies each kind of code is printed in, and the till's own
codes (a receipt's QR, a ticket's reference) told apart by their text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pos_app.domain.document import ticket_reference
from pos_app.domain.receipt import qr_message, signed_qr
from pos_app.domain.scan_meaning import (
    SOUGHT,
    ScanContext,
    ScanKind,
    allowed_anywhere,
    allows,
    parse_ticket_reference,
    receipt_qr_number,
    symbology_key,
    ticket_order_prefixes,
)
from pos_app.domain.vat import VatLine, VatRate


@pytest.mark.parametrize(("named", "key"), [
    ("EAN13", "ean13"), ("EAN-13", "ean13"), ("ean_13", "ean13"), ("CODE128", "code128"),
    ("Code128", "code128"), ("QRCode", "qrcode"), ("MicroQRCode", "microqrcode"),
    (None, None), ("-", None)])
def test_a_symbology_is_one_whatever_the_reader_calls_it(named: str | None,
                                                         key: str | None) -> None:
    assert symbology_key(named) == key


@pytest.mark.parametrize("symbology", ["EAN13", "EAN8", "UPCA", "UPCE", "Code128"])
def test_products_are_read_in_retail_codes_and_code_128(symbology: str) -> None:
    assert allows(ScanKind.PRODUCT, symbology)


@pytest.mark.parametrize("symbology", ["QRCode", "MicroQRCode", "DataMatrix", "PDF417",
                                       "Aztec", "ITF", "Code39", "Codabar"])
def test_products_are_never_read_in_other_symbologies(symbology: str) -> None:
    assert not allows(ScanKind.PRODUCT, symbology)


@pytest.mark.parametrize("kind", [ScanKind.RECEIPT, ScanKind.TICKET])
def test_receipts_and_tickets_are_read_as_printed_qr_and_code_128(kind: ScanKind) -> None:
    assert allows(kind, "QRCode") and allows(kind, "CODE128")
    assert not any(allows(kind, other) for other in ("EAN13", "MicroQRCode", "DataMatrix"))


def test_a_wedge_scan_that_names_no_symbology_is_taken_on_its_text() -> None:
    assert all(allows(kind, None) for kind in ScanKind)


def test_a_micro_qr_is_nothing_any_screen_takes() -> None:
    for context in ScanContext:
        assert not allowed_anywhere("MicroQRCode", SOUGHT[context])
    assert allowed_anywhere("QRCode", (ScanKind.PRODUCT, ScanKind.TICKET))
    assert not allowed_anywhere("QRCode", (ScanKind.PRODUCT,))


def test_a_receipt_qr_names_its_order() -> None:
    message = qr_message("till-1", "CD2-000123", datetime(2026, 7, 14, 10, 0, tzinfo=UTC),
                         (VatLine(VatRate.INTERMEDIATE, 1400, 1273, 127),), 1400, "ab" * 32)
    text = signed_qr(message, lambda digest: bytes(64))
    assert receipt_qr_number(text) == "CD2-000123"
    training = signed_qr(qr_message("till-1", "SIM-000004", datetime(2026, 7, 14, tzinfo=UTC),
                                    (), 0, "cd" * 32, training=True), lambda d: bytes(64))
    assert receipt_qr_number(training) == "SIM-000004"
    for other in ("CD2-000123", "CQ1|till-1", "CQ2|a|CD2-000123|b|c|d|e|f", "CQ1||||||||"):
        assert receipt_qr_number(other) is None


def test_a_ticket_reference_gives_its_order_line_and_admission() -> None:
    reference = parse_ticket_reference(ticket_reference("CD2-000123", 2, 1))
    assert reference is not None
    assert (reference.order_number, reference.line_position, reference.unit) == (
        "CD2-000123", 2, 1)
    odd_prefix = parse_ticket_reference(ticket_reference("MUSEE-A-0001234", 12, 30))
    assert odd_prefix is not None and odd_prefix.order_number == "MUSEE-A-0001234"
    training = parse_ticket_reference(ticket_reference("SIM-000007", 1, 1))
    assert training is not None and training.order_number == "SIM-000007"


@pytest.mark.parametrize("text", ["CD2-000123", "CD2-000123-2", "CD2-000123-2-",
                                  "CD2-000123-0-1", "CD2-000123-1-0", "CD2-00012-1-1",
                                  "3760123450027", "029", "CD2-000123-2-1x", ""])
def test_other_texts_are_no_ticket_reference(text: str) -> None:
    assert parse_ticket_reference(text) is None


def test_a_garbled_reference_still_names_the_orders_it_may_start_with() -> None:
    assert ticket_order_prefixes("CD2-000123-2x") == ["CD2-000123"]
    assert ticket_order_prefixes("CD2-000123") == []
    assert ticket_order_prefixes("3760123450027") == []
