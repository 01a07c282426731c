"""Any document's picture, as its till roll would print it: the same lines, and codes
that scan back (the screens show it before printing, or instead of paper)."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from pos_app.documents import order_document, reading_document, receipt_document
from pos_app.domain.document import Document
from pos_app.domain.staff import StaffMember
from pos_app.services import closures, orders, selling
from pos_app.services.context import Context
from pos_app.services.receipts import receipt
from pos_app.services.selling import PaymentRequest
from printing.escpos_document import DOTS, document_text_lines
from printing.roll_preview import CELL, MARGIN, document_png
from tests.integration.test_selling_services import basket_of


def scanned(document: Document, paper_mm: int) -> tuple[Image.Image, set[tuple[str, str]]]:
    picture = Image.open(io.BytesIO(document_png(document, paper_mm)))
    return picture, {(found.format.name, found.text)
                     for found in zxingcpp.read_barcodes(picture)}


@pytest.mark.parametrize("paper_mm", [58, 80])
def test_a_receipt_picture_scans_back_to_its_qr_and_number(
        ctx: Context, cashier: StaffMember, paper_mm: int) -> None:
    sold = selling.sell(ctx, cashier, basket_of(ctx, "balade-poney-1h", "creme-glacee"),
                        [PaymentRequest("ESP", 2000)])
    made = receipt(ctx, sold.number)
    picture, codes = scanned(receipt_document(made), paper_mm)
    assert codes == {("QRCode", made.qr), ("Code128", sold.number)}
    assert picture.width == DOTS[paper_mm] + 2 * MARGIN


def test_reports_and_orders_have_a_picture_line_for_line(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    sold = selling.sell(ctx, cashier, basket_of(ctx, "balade-poney-1h"), [],
                        validate_without_paying=True)
    details = orders.get_order(ctx, sold.number)
    reading = reading_document(closures.x_reading(ctx))
    picture, codes = scanned(reading, 80)
    assert codes == set()  # a report has no code
    assert picture.height == 2 * MARGIN + CELL[1] * len(document_text_lines(reading, 80))
    _picture, codes = scanned(order_document(details.order, details.payer), 80)
    assert codes == {("Code128", sold.number)}
