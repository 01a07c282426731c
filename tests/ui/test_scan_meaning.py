"""Scans as the screens act on them: codes from a serial reader or a camera (the device
link's `scanned`, with their symbology) and from a keyboard wedge, on the sale screen,
the customer search and the order search."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from hardware.simulators.escpos_printer import decode
from pos_app.bootstrap import Store, open_devices
from pos_app.documents import ticket_document
from pos_app.domain.document import AdmissionTicket, ticket_reference
from pos_app.domain.scan import Scan
from pos_app.domain.staff import StaffMember
from pos_app.services import customers as customer_service
from pos_app.services import importing, selling
from pos_app.services.receipts import receipt
from pos_app.services.selling import PaymentRequest
from pos_app.ui.customer_dialog import CustomerDialog
from pos_app.ui.device_link import DeviceLink
from pos_app.ui.ops import OperationRunner
from pos_app.ui.order_dialogs import OrderDialog, OrderSearchDialog
from pos_app.ui.product_dialog import ProductDialog
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.scanner import KeyboardScanner
from printing.escpos_document import document_to_escpos, receipt_to_escpos
from tests.integration.test_selling_services import basket_of
from tests.ui.conftest import WAIT_MS, give_focus, open_sale_window
from tests.ui.test_till_screen import child, click, search_and_tap, wait_for_methods

AT = datetime(2026, 7, 14, 10, 0, tzinfo=UTC)
CARD = "ADH-0042"


@pytest.fixture
def link(store: Store, runner: OperationRunner, data_dir: Path) -> Iterator[DeviceLink]:
    """The device link a serial reader's or camera's codes come through (its readers
    are not started: the test hands it codes as they do)."""
    connected = DeviceLink(store.context, open_devices(data_dir), runner)
    yield connected
    connected.stop()


@pytest.fixture
def screen(window: SaleWindow, link: DeviceLink) -> SaleWindow:
    window.attach_devices(link)
    return window


@pytest.fixture
def member(store: Store, manager: StaffMember) -> str:
    """A customer with a membership card, from the venue's customer file."""
    importing.import_data(store.context, manager, {"customers": [
        {"id": "c-adherent", "kind": "person", "name": "Adhérent", "first_name": "Alex",
         "card_code": CARD}]})
    return "c-adherent"


def read(link: DeviceLink, code: str, symbology: str | None) -> None:
    """A code as a camera or a serial reader delivers it."""
    link.scanned.emit(Scan(code, "camera:test", AT, symbology))


def sold(store: Store, cashier: StaffMember, *product_ids: str) -> str:
    basket = basket_of(store.context, *product_ids)
    return selling.sell(store.context, cashier, basket,
                        [PaymentRequest("ESP", basket.total_cents)]).number


def shown(kind: type[OrderDialog] | type[ProductDialog]) -> OrderDialog | ProductDialog | None:
    modal = QApplication.activeModalWidget()
    return modal if isinstance(modal, kind) and modal.isVisible() else None


def test_a_product_with_one_price_is_added(qtbot: QtBot, screen: SaleWindow,
                                           link: DeviceLink) -> None:
    read(link, "3760123450089", "EAN13")
    qtbot.waitUntil(lambda: len(screen.basket.lines) == 1, timeout=WAIT_MS)
    assert screen.basket.lines[0].product_id == "paddle-1h"
    assert shown(ProductDialog) is None


def test_a_product_with_several_prices_asks_which(qtbot: QtBot, screen: SaleWindow,
                                                  link: DeviceLink) -> None:
    read(link, "3760123450027", "EAN13")
    qtbot.waitUntil(lambda: shown(ProductDialog) is not None, timeout=WAIT_MS)
    dialog = shown(ProductDialog)
    assert isinstance(dialog, ProductDialog) and dialog.product.id == "balade-poney-1h"
    assert screen.basket.is_empty  # never the first price silently
    click(qtbot, child(dialog, QPushButton, "price_enfant"))
    click(qtbot, dialog.add)
    qtbot.waitUntil(lambda: len(screen.basket.lines) == 1, timeout=WAIT_MS)
    assert screen.basket.lines[0].price_id == "enfant"


def test_a_receipts_printed_barcode_and_qr_open_the_order(
        qtbot: QtBot, screen: SaleWindow, link: DeviceLink, store: Store,
        cashier: StaffMember) -> None:
    number = sold(store, cashier, "paddle-1h")
    printed = decode(receipt_to_escpos(receipt(store.context, number)))
    for code, symbology in ((printed.barcodes[0], "Code128"), (printed.qr_codes[0], "QRCode")):
        read(link, code, symbology)
        qtbot.waitUntil(lambda: shown(OrderDialog) is not None, timeout=WAIT_MS)
        dialog = shown(OrderDialog)
        assert isinstance(dialog, OrderDialog) and dialog.number == number
        view = dialog.view
        qtbot.waitUntil(lambda view=view: number in view.toPlainText(),
                        timeout=WAIT_MS)
        dialog.accept()
    assert screen.basket.is_empty


def test_a_ticket_says_what_it_is_and_opens_its_order(
        qtbot: QtBot, screen: SaleWindow, link: DeviceLink, store: Store,
        cashier: StaffMember) -> None:
    number = sold(store, cashier, "paddle-1h")
    reference = ticket_reference(number, 1, 1)
    ticket = AdmissionTicket(reference, "Domaine", "Paddle", "Tarif unique", 1500, number)
    read(link, decode(document_to_escpos(ticket_document(ticket))).qr_codes[0], "QRCode")
    qtbot.waitUntil(lambda: shown(OrderDialog) is not None, timeout=WAIT_MS)
    assert screen.notice.text() == (f"Billet {reference} : Location paddle – 1 h — Tarif"
                                    f" unique, commande {number}.")


def test_a_micro_qr_is_refused_and_said(qtbot: QtBot, screen: SaleWindow, link: DeviceLink,
                                        store: Store, manager: StaffMember) -> None:
    # A product whose code a Micro QR inside a ticket's QR could read: still refused.
    importing.import_data(store.context, manager, {"products": [
        {"id": "p-029", "name": "Code court", "vat_rate": "20",
         "prices": [{"label": "Unique", "amount": "1.00"}], "barcodes": ["029"]}]})
    read(link, "029", "MicroQRCode")
    qtbot.waitUntil(lambda: screen.notice.text() != "", timeout=WAIT_MS)
    assert screen.notice.text().startswith("Code MicroQRCode ignoré : ce type de code")
    assert screen.basket.is_empty
    search_and_tap(qtbot, screen, "paddle", "paddle-1h")  # the cashier goes on at once
    assert len(screen.basket.lines) == 1


def test_an_unknown_code_is_said(qtbot: QtBot, screen: SaleWindow, link: DeviceLink) -> None:
    read(link, "3760000000000", "EAN13")
    qtbot.waitUntil(lambda: screen.notice.text() != "", timeout=WAIT_MS)
    assert screen.notice.text() == ("Code inconnu : 3760000000000. Ce n'est ni un produit, ni"
                                    " un ticket de caisse, ni un billet, ni une carte client.")


def test_a_customer_card_makes_them_the_payer(qtbot: QtBot, screen: SaleWindow,
                                              link: DeviceLink, member: str) -> None:
    read(link, CARD, "Code128")
    qtbot.waitUntil(lambda: screen.basket.payer_id == member, timeout=WAIT_MS)
    assert screen.basket_panel.payer_name == "ADHÉRENT Alex"
    assert screen.notice.text() == f"Payeur : ADHÉRENT Alex (carte {CARD})."


def test_a_scan_while_paying_is_refused_and_said(qtbot: QtBot, screen: SaleWindow,
                                                 link: DeviceLink) -> None:
    search_and_tap(qtbot, screen, "paddle", "paddle-1h")
    dialog = screen.pay()
    assert dialog is not None
    wait_for_methods(qtbot, dialog)
    read(link, "3760123450089", "EAN13")
    qtbot.waitUntil(lambda: screen.notice.text() != "", timeout=WAIT_MS)
    assert screen.notice.text() == "Code lu ignoré : fermez d'abord cette fenêtre."
    assert [line.quantity for line in screen.basket.lines] == [1]
    assert dialog.tendered == [] and dialog.isVisible()


def test_a_card_scanned_in_the_customer_search_picks_them(
        qtbot: QtBot, screen: SaleWindow, link: DeviceLink, member: str) -> None:
    dialog = screen.find_customer()
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    read(link, "3760123450089", "EAN13")  # a product: not what this search takes
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT_MS)
    assert dialog.error.text() == "Ce code est un produit : il ne sert pas dans cette fenêtre."
    assert screen.basket.is_empty
    picked: list[str] = []
    dialog.accepted.connect(lambda: picked.append(dialog.chosen.id if dialog.chosen else ""))
    read(link, CARD, "Code128")
    qtbot.waitUntil(lambda: picked == [member], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: screen.basket.payer_id == member, timeout=WAIT_MS)


def test_a_wedge_scan_in_the_customer_search_is_taken_not_typed(
        qtbot: QtBot, screen: SaleWindow, member: str, scanner: KeyboardScanner) -> None:
    dialog = screen.find_customer()
    assert isinstance(dialog, CustomerDialog)
    typed: list[str] = []
    dialog.search.textChanged.connect(typed.append)
    give_focus(qtbot, dialog.search)
    qtbot.keyClicks(dialog.search, CARD)  # a wedge scanner: no delay between keys
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.basket.payer_id == member, timeout=WAIT_MS)
    assert typed == []  # never typed into the name search


def test_a_receipt_or_ticket_scanned_in_the_order_search_opens_the_order(
        qtbot: QtBot, screen: SaleWindow, link: DeviceLink, store: Store,
        cashier: StaffMember, member: str) -> None:
    number = sold(store, cashier, "cafe", "paddle-1h")
    search = screen.find_orders()
    assert isinstance(search, OrderSearchDialog)
    qtbot.waitUntil(search.isVisible, timeout=WAIT_MS)
    read(link, CARD, "Code128")  # a card: not what this search takes
    qtbot.waitUntil(lambda: search.error.text() != "", timeout=WAIT_MS)
    assert search.error.text() == ("Ce code est une carte client : il ne sert pas dans"
                                   " cette fenêtre.")
    read(link, receipt(store.context, number).qr, "QRCode")
    qtbot.waitUntil(lambda: search.opened is not None and search.opened.isVisible(),
                    timeout=WAIT_MS)
    first = search.opened
    assert first is not None and first.number == number
    first.accept()
    read(link, ticket_reference(number, 2, 1), "Code128")
    qtbot.waitUntil(lambda: search.opened is not first and search.opened is not None
                    and search.opened.isVisible(), timeout=WAIT_MS)
    assert search.opened is not None and search.opened.number == number
    assert search.opened.windowTitle() == (f"Commande {number} — billet {number}-2-1 :"
                                           " Location paddle – 1 h — Tarif unique")
    assert screen.basket.payer_id is None


def test_a_card_scanned_while_creating_a_customer_is_given_to_them(
        qtbot: QtBot, screen: SaleWindow, link: DeviceLink, store: Store,
        member: str) -> None:
    dialog = screen.find_customer()
    click(qtbot, child(dialog, QPushButton, "newCustomer"))
    dialog.name.setText("Nouvel")
    read(link, f"{CARD}\r\n", "Code128")  # another customer's card
    qtbot.waitUntil(lambda: dialog.card_code.text() == CARD, timeout=WAIT_MS)
    click(qtbot, dialog.save)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT_MS)
    assert dialog.error.text() == f"La carte {CARD} est déjà celle de ADHÉRENT Alex."
    read(link, "ADH-0043", "Code128")
    qtbot.waitUntil(lambda: dialog.card_code.text() == "ADH-0043", timeout=WAIT_MS)
    click(qtbot, dialog.save)
    qtbot.waitUntil(lambda: screen.basket.payer_id not in (None, member), timeout=WAIT_MS)
    found = customer_service.search_customers(store.context, "nouvel")
    assert [customer.card_code for customer in found] == ["ADH-0043"]
    search = screen.find_customer()
    search.search.setText("nouvel")
    qtbot.waitUntil(lambda: search.results.count() == 1, timeout=WAIT_MS)
    assert "carte ADH-0043" in search.results.item(0).text()


def test_a_real_receipt_does_not_open_in_training_mode(
        qtbot: QtBot, store: Store, runner: OperationRunner, manager: StaffMember,
        link: DeviceLink) -> None:
    number = sold(store, manager, "cafe")
    window = open_sale_window(qtbot, store, runner, manager)
    window.attach_devices(link)
    window.set_training(True)
    qtbot.waitUntil(lambda: window.training, timeout=WAIT_MS)
    read(link, number, "Code128")
    qtbot.waitUntil(lambda: number in window.notice.text(), timeout=WAIT_MS)
    assert window.notice.text() == (f"Commande {number} : en mode formation, seules les"
                                    " ventes de formation s'ouvrent.")
    assert shown(OrderDialog) is None


def test_a_draft_with_several_prices_is_refused_before_its_prices_are_offered(
        qtbot: QtBot, screen: SaleWindow, link: DeviceLink, store: Store,
        manager: StaffMember) -> None:
    importing.import_data(store.context, manager, {"products": [
        {"id": "p-draft", "name": "Brouillon", "vat_rate": "20", "published": False,
         "prices": [{"label": "A", "amount": "1.00"}, {"label": "B", "amount": "2.00"}],
         "barcodes": ["3760123459999"]}]})
    read(link, "3760123459999", "EAN13")
    qtbot.waitUntil(lambda: screen.notice.text() != "", timeout=WAIT_MS)
    assert screen.notice.text() == "Ce produit ne peut pas être vendu (brouillon ou sans tarif)."
    assert shown(ProductDialog) is None and screen.basket.is_empty
