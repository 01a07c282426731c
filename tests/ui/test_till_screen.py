"""The till screen driven end to end offscreen; every flow checks the store afterwards."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QPushButton, QToolTip, QWidget
from pytestqt.qtbot import QtBot

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store
from pos_app.domain.basket import Basket
from pos_app.domain.customer import Customer
from pos_app.domain.order import OrderStatus
from pos_app.domain.staff import StaffMember
from pos_app.services import customers as customer_service
from pos_app.services import orders, selling
from pos_app.services.context import Context
from pos_app.services.ports import StoreUnavailable
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import TillStatus
from pos_app.storage.connection import store_path
from pos_app.ui import sign_in as sign_in_screen
from pos_app.ui.customer_dialog import CustomerDialog
from pos_app.ui.ops import OperationRunner
from pos_app.ui.order_dialogs import OrderDialog, OrderSearchDialog
from pos_app.ui.payment_dialog import PaymentDialog
from pos_app.ui.product_dialog import ProductDialog
from pos_app.ui.receipt_dialog import ReceiptDialog
from pos_app.ui.refund_dialog import RefundDialog
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.scanner import KeyboardScanner
from pos_app.ui.sign_in import SignInDialog
from tests.pulled_orders import document, echoed, merge
from tests.ui.conftest import WAIT_MS, give_focus, open_sale_window

LEFT = Qt.MouseButton.LeftButton


def customer_search(store: Store, typed: str) -> list[Customer]:
    return customer_service.search_customers(store.context, typed)


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    """Tap a button once it shows (widgets added to a shown layout appear a moment later)."""
    qtbot.waitUntil(lambda: button.isVisible() and button.isEnabled(), timeout=WAIT_MS)
    qtbot.mouseClick(button, LEFT)


def child(parent: QWidget, kind: type[QAbstractButton], name: str) -> QAbstractButton:
    found = parent.findChild(kind, name)
    assert found is not None, name
    return found


def tap_tile(qtbot: QtBot, window: SaleWindow, product_id: str) -> None:
    tiles = window.catalogue.tiles
    rows = [row for row in range(tiles.count()) if tiles.product_at(row).id == product_id]
    assert rows, f"no tile for {product_id}"
    rect = tiles.visualItemRect(tiles.item(rows[0]))
    qtbot.mouseClick(tiles.viewport(), LEFT, pos=rect.center())


def search_and_tap(qtbot: QtBot, window: SaleWindow, text: str, product_id: str) -> None:
    window.catalogue.search.setText(text)
    tiles = window.catalogue.tiles
    # The tiles shown before the search may hold the product too: wait for the answer.
    qtbot.waitUntil(lambda: not window.catalogue.search_pending and not window.runner.busy
                    and any(tiles.product_at(r).id == product_id for r in range(tiles.count())),
                    timeout=WAIT_MS)
    tap_tile(qtbot, window, product_id)


def wait_for_methods(qtbot: QtBot, dialog: PaymentDialog) -> None:
    qtbot.waitUntil(lambda: bool(dialog.methods), timeout=WAIT_MS)


def method(dialog: PaymentDialog, code: str) -> QAbstractButton:
    return child(dialog, QPushButton, f"method_{code}")


def test_a_sale_paid_five_euros_cash_and_the_rest_by_card(
        qtbot: QtBot, window: SaleWindow, store: Store) -> None:
    search_and_tap(qtbot, window, "paddle", "paddle-1h")
    assert window.basket_panel.total.text() == "Total : 15,00\xa0€"
    dialog = window.pay()
    assert dialog is not None
    wait_for_methods(qtbot, dialog)
    assert dialog.amount.text() == "15,00"  # R5: starts at what is left
    dialog.keypad.press("5")  # the first key replaces the pre-filled amount
    click(qtbot, method(dialog, "ESP"))
    # Kept at once with the sale in progress (it would survive a crash), then shown.
    qtbot.waitUntil(lambda: dialog.left.text() == "Reste à payer : 10,00\xa0€",
                    timeout=WAIT_MS)
    assert dialog.amount.text() == "10,00"
    click(qtbot, method(dialog, "CB"))
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=WAIT_MS)
    assert dialog.outcome.text() == "Commande CD2-000001 enregistrée."
    click(qtbot, child(dialog, QPushButton, "nextSale"))
    qtbot.waitUntil(lambda: window.basket.is_empty, timeout=WAIT_MS)
    assert window.basket_panel.total.text() == "Total : 0,00\xa0€"
    assert "CD2-000001" in window.notice.text()
    stored = orders.get_order(store.context, "CD2-000001").order
    assert [(p.method_code, p.amount_cents, p.change_cents) for p in stored.payments] == [
        ("ESP", 500, 0), ("CB", 1000, 0)]
    assert stored.left_cents == 0


def test_cash_over_the_total_shows_the_change(qtbot: QtBot, window: SaleWindow,
                                              store: Store) -> None:
    search_and_tap(qtbot, window, "cafe", "cafe")
    dialog = window.pay()
    assert dialog is not None
    wait_for_methods(qtbot, dialog)
    click(qtbot, child(dialog, QPushButton, "quick_500"))  # a 5 € note for 1,60 €
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=WAIT_MS)
    assert dialog.change_due.text() == "Rendu monnaie : 3,40\xa0€"
    payment = orders.get_order(store.context, "CD2-000001").order.payments[0]
    assert (payment.amount_cents, payment.change_cents) == (500, 340)


def test_validated_without_paying_found_by_the_payers_name_and_paid_later(
        qtbot: QtBot, window: SaleWindow, store: Store) -> None:
    search_and_tap(qtbot, window, "poney", "balade-poney-1h")  # two prices: the pop-up
    product = window.findChild(ProductDialog)
    assert isinstance(product, ProductDialog)
    click(qtbot, child(product, QPushButton, "price_enfant"))
    click(qtbot, product.more)
    click(qtbot, product.add)
    assert window.basket_panel.total.text() == "Total : 23,00\xa0€"

    customers = window.find_customer()
    qtbot.keyClicks(customers.search, "dup*")
    qtbot.waitUntil(lambda: customers.results.count() > 0, timeout=WAIT_MS)
    assert customers.results.item(0).text().startswith("DUPONT")
    assert "Personne" in customers.results.item(0).text()
    click(qtbot, customers.assign)
    assert window.basket_panel.payer.text().startswith("Payeur : DUPONT")

    dialog = window.pay()
    assert dialog is not None
    wait_for_methods(qtbot, dialog)
    click(qtbot, dialog.without_paying)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=WAIT_MS)
    assert dialog.outcome.text() == ("Commande CD2-000001 validée ; reste à payer :"
                                     " 23,00\xa0€.")
    click(qtbot, child(dialog, QPushButton, "nextSale"))
    qtbot.waitUntil(lambda: window.basket.is_empty, timeout=WAIT_MS)
    assert window.basket.payer_id is None

    search = window.find_orders()
    qtbot.keyClicks(search.search, "dupont")
    qtbot.waitUntil(lambda: search.results.count() == 1, timeout=WAIT_MS)
    assert "reste 23,00" in search.results.item(0).text()
    click(qtbot, search.open_button)
    order_dialog = search.opened
    assert isinstance(order_dialog, OrderDialog)
    qtbot.waitUntil(order_dialog.pay.isEnabled, timeout=WAIT_MS)
    assert "DUPONT" in order_dialog.view.toPlainText()
    click(qtbot, order_dialog.pay)
    paying = order_dialog.opened
    assert isinstance(paying, PaymentDialog)
    wait_for_methods(qtbot, paying)
    assert paying.amount.text() == "23,00"
    assert not paying.without_paying.isVisible()
    click(qtbot, method(paying, "CHQ"))
    qtbot.waitUntil(lambda: paying.pages.currentIndex() == 1, timeout=WAIT_MS)
    click(qtbot, child(paying, QPushButton, "nextSale"))
    # "Nouvelle vente": back to the sale screen, the order and its search closed.
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=WAIT_MS)
    assert not search.isVisible() and window.basket.is_empty
    stored = orders.get_order(store.context, "CD2-000001")
    assert stored.payer is not None and stored.payer.name == "Dupont"
    assert [(p.method_code, p.amount_cents) for p in stored.order.payments] == [("CHQ", 2300)]
    assert [(line.price_id, line.quantity) for line in stored.order.lines] == [("enfant", 2)]


def test_a_manager_cancels_an_order_with_a_reason(
        qtbot: QtBot, store: Store, runner: OperationRunner, window: SaleWindow,
        manager: StaffMember) -> None:
    search_and_tap(qtbot, window, "gaufre", "gaufre")
    dialog = window.pay()
    assert dialog is not None
    wait_for_methods(qtbot, dialog)
    click(qtbot, method(dialog, "CB"))
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=WAIT_MS)

    cashier_search = window.find_orders()
    qtbot.waitUntil(lambda: cashier_search.results.count() == 1, timeout=WAIT_MS)
    click(qtbot, cashier_search.open_button)
    cashier_view = cashier_search.opened
    assert cashier_view is not None
    qtbot.waitUntil(lambda: cashier_view.details is not None, timeout=WAIT_MS)
    assert not cashier_view.cancel_order.isEnabled()  # a cashier cannot cancel (R7)

    managing = open_sale_window(qtbot, store, runner, manager)
    search = managing.find_orders()
    qtbot.keyClicks(search.search, "CD2-000001")
    qtbot.waitUntil(lambda: search.results.count() == 1, timeout=WAIT_MS)
    click(qtbot, search.open_button)
    order_dialog = search.opened
    assert order_dialog is not None
    qtbot.waitUntil(order_dialog.cancel_order.isEnabled, timeout=WAIT_MS)
    click(qtbot, order_dialog.cancel_order)
    cancelling = order_dialog.opened
    assert isinstance(cancelling, RefundDialog)
    # The 3,20 € paid by card go back by card unless the manager says otherwise; no
    # reason yet: nothing can be confirmed.
    assert cancelling.amounts["CB"].text() == "3,20"
    assert cancelling.owed.text() == "À rendre au client : 3,20\xa0€"
    assert not cancelling.confirm.isEnabled()
    qtbot.keyClicks(cancelling.reason, "Erreur de saisie")
    click(qtbot, cancelling.confirm)
    qtbot.waitUntil(lambda: cancelling.pages.currentIndex() == 1, timeout=WAIT_MS)
    assert cancelling.outcome.text() == ("Commande CD2-000001 annulée. Rendu au client :"
                                         " Carte bancaire 3,20\xa0€.")
    qtbot.waitUntil(lambda: "ANNULATION" in cancelling.slip_view.toPlainText(),
                    timeout=WAIT_MS)
    click(qtbot, child(cancelling, QPushButton, "finish"))
    qtbot.waitUntil(lambda: "ANNULÉE" in order_dialog.view.toPlainText(), timeout=WAIT_MS)
    assert "Remboursé en Carte bancaire" in order_dialog.view.toPlainText()
    assert not order_dialog.cancel_order.isEnabled()
    stored = orders.get_order(store.context, "CD2-000001").order
    assert stored.status is OrderStatus.CANCELLED
    assert stored.cancellation is not None
    assert (stored.cancellation.by_staff_id, stored.cancellation.reason) == (
        manager.id, "Erreur de saisie")
    assert [(r.method_code, r.amount_cents) for r in stored.refunds] == [("CB", 320)]
    order_dialog.accept()
    qtbot.waitUntil(lambda: "annulée" in search.results.item(0).text(), timeout=WAIT_MS)


def test_a_scan_burst_adds_the_product_wherever_the_focus_is(
        qtbot: QtBot, window: SaleWindow, scanner: KeyboardScanner) -> None:
    search = window.catalogue.search
    give_focus(qtbot, search)
    qtbot.keyClicks(search, "3760123450089")  # a wedge scanner: no delay between keys
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(window.basket.lines) == 1, timeout=WAIT_MS)
    assert window.basket.lines[0].product_id == "paddle-1h"
    assert search.text() == ""  # the code was not typed into the search field
    give_focus(qtbot, window.basket_panel.lines)
    qtbot.keyClicks(window.basket_panel.lines, "3760123450089")
    qtbot.keyClick(window.basket_panel.lines, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: window.basket.lines[0].quantity == 2, timeout=WAIT_MS)


def test_typing_by_hand_still_reaches_the_search_field(
        qtbot: QtBot, window: SaleWindow, scanner: KeyboardScanner) -> None:
    qtbot.keyClicks(window.catalogue.search, "kayak", delay=60)
    qtbot.waitUntil(lambda: window.catalogue.search.text() == "kayak", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.catalogue.tiles.count() == 1, timeout=WAIT_MS)
    assert window.basket.is_empty


def test_an_unknown_code_is_said_without_blocking(
        qtbot: QtBot, window: SaleWindow, scanner: KeyboardScanner) -> None:
    give_focus(qtbot, window.catalogue.search)
    qtbot.keyClicks(window.catalogue.search, "3760000000000")
    qtbot.keyClick(window.catalogue.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.notice.text() != "", timeout=WAIT_MS)
    assert window.notice.text().startswith("Code inconnu : 3760000000000.")
    assert window.basket.is_empty
    search_and_tap(qtbot, window, "paddle", "paddle-1h")  # the cashier goes on at once
    assert len(window.basket.lines) == 1


def test_favourites_open_from_the_star_and_toggle_from_the_pop_up(
        qtbot: QtBot, window: SaleWindow) -> None:
    click(qtbot, window.basket_panel.star)
    qtbot.waitUntil(window.catalogue.empty.isVisible, timeout=WAIT_MS)
    assert window.catalogue.tiles.count() == 0
    click(qtbot, child(window.catalogue, QPushButton, "category_snack"))
    qtbot.waitUntil(lambda: window.catalogue.tiles.count() == 5, timeout=WAIT_MS)
    popup = window.open_product(next(window.catalogue.tiles.product_at(r)
                                     for r in range(5)
                                     if window.catalogue.tiles.product_at(r).id == "cafe"))
    assert popup.favourite.text() == "Favoris"
    click(qtbot, popup.favourite)
    qtbot.waitUntil(lambda: popup.favourite.text() == "Retirer", timeout=WAIT_MS)
    popup.reject()
    click(qtbot, window.basket_panel.star)
    qtbot.waitUntil(lambda: window.catalogue.tiles.count() == 1, timeout=WAIT_MS)
    tap_tile(qtbot, window, "cafe")
    assert [line.product_id for line in window.basket.lines] == ["cafe"]


def test_five_wrong_pins_lock_the_cashier_out(qtbot: QtBot, store: Store,
                                              runner: OperationRunner) -> None:
    dialog = SignInDialog(store.context, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: len(dialog.tills.buttons()) == 1, timeout=WAIT_MS)
    till = dialog.tills.buttons()[0]
    assert till.property("tillState") == "closed" and "fermée" in till.text()
    qtbot.keyClicks(dialog.login, "caissier")
    for attempt in range(5):
        for key in "9999":
            dialog.keypad.press(key)
        click(qtbot, dialog.ok_button)
        qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=WAIT_MS)
        assert dialog.error.text() == "Identifiant ou code secret incorrect.", attempt
    for key in "1234":
        dialog.keypad.press(key)
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=WAIT_MS)
    assert dialog.error.text().startswith(
        "Trop d'essais incorrects : cet identifiant est bloqué jusqu'à ")
    assert dialog.staff is None
    with sqlite3.connect(store_path(store.data_dir)) as db:
        assert db.execute("SELECT outcome, count(*) FROM sign_in_attempts GROUP BY outcome"
                          " ORDER BY outcome").fetchall() == [("failure", 5), ("locked", 1)]


@pytest.mark.parametrize("tills_readable", [True, False])
def test_the_sign_in_prepares_once_the_tills_are_shown_or_cannot_be(
        qtbot: QtBot, store: Store, runner: OperationRunner, monkeypatch: pytest.MonkeyPatch,
        tills_readable: bool) -> None:
    """The preparation (the secret check's and journal's code, the till's start) waits
    for the tills' query, not beside it; a store that cannot give the tills still gets
    it, or a sign-in would wait for a start never journaled."""
    if not tills_readable:
        def unreadable(_ctx: Context) -> list[TillStatus]:
            raise StoreUnavailable()

        monkeypatch.setattr(sign_in_screen, "till_statuses", unreadable)
    prepared: list[int] = []
    dialog = SignInDialog(store.context, runner,
                          prepare=lambda _ctx: prepared.append(len(dialog.tills.buttons())))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: bool(prepared), timeout=WAIT_MS)
    runner.wait()
    assert prepared == ([1] if tills_readable else [0])
    assert bool(dialog.error.text()) is not tills_readable


def test_signing_in_opens_the_closed_till(qtbot: QtBot, store: Store,
                                          runner: OperationRunner) -> None:
    dialog = SignInDialog(store.context, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: len(dialog.tills.buttons()) == 1, timeout=WAIT_MS)
    qtbot.keyClicks(dialog.login, "caissier")
    qtbot.keyClicks(dialog.secret, "1234")
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    assert dialog.staff is not None and dialog.till is not None
    assert dialog.till.state.value == "open"


def test_the_search_page_lists_orders_newest_first(
        qtbot: QtBot, window: SaleWindow, clock: FrozenClock) -> None:
    for product in ("cafe", "gaufre"):
        clock.advance(timedelta(minutes=5))
        search_and_tap(qtbot, window, product, product)
        dialog = window.pay()
        assert dialog is not None
        wait_for_methods(qtbot, dialog)
        click(qtbot, method(dialog, "CB"))
        qtbot.waitUntil(lambda d=dialog: d.pages.currentIndex() == 1, timeout=WAIT_MS)
        dialog.accept()
    search = window.find_orders()
    assert isinstance(search, OrderSearchDialog)
    qtbot.waitUntil(lambda: search.results.count() == 2, timeout=WAIT_MS)
    assert search.results.item(0).text().startswith("CD2-000002 · 10:10")  # Paris time
    assert search.results.item(1).text().startswith("CD2-000001 · 10:05")


def test_a_customer_created_on_the_spot_becomes_the_payer(
        qtbot: QtBot, window: SaleWindow, store: Store) -> None:
    customers = window.find_customer()
    customers.search.setText("*Hoàng-Lefèvre")  # QTest types ASCII keys only
    click(qtbot, child(customers, QPushButton, "newCustomer"))
    assert customers.name.text() == "Hoàng-Lefèvre"  # what was typed, without the *
    click(qtbot, customers.save)  # a person needs no more than a name
    qtbot.waitUntil(lambda: window.basket.payer_id is not None, timeout=WAIT_MS)
    assert window.basket_panel.payer.text() == "Payeur : Hoàng-Lefèvre"
    found = customer_search(store, "hoang")
    assert [(c.name, c.kind.value) for c in found] == [("Hoàng-Lefèvre", "person")]


def test_an_organisation_needs_a_name(qtbot: QtBot, window: SaleWindow) -> None:
    customers = window.find_customer()
    click(qtbot, child(customers, QPushButton, "newCustomer"))
    click(qtbot, child(customers, QPushButton, "kind_organisation"))
    assert not customers.first_name.isEnabled()
    click(qtbot, customers.save)
    qtbot.waitUntil(lambda: customers.error.text() != "", timeout=WAIT_MS)
    assert customers.error.text() == "Indiquez le nom du client."
    assert window.basket.payer_id is None


def test_function_keys_open_payment_customer_orders_and_favourites(
        qtbot: QtBot, window: SaleWindow) -> None:
    search_and_tap(qtbot, window, "paddle", "paddle-1h")
    for key, kind in ((Qt.Key.Key_F2, PaymentDialog), (Qt.Key.Key_F3, CustomerDialog),
                      (Qt.Key.Key_F4, OrderSearchDialog)):
        qtbot.keyClick(window, key)
        opened = window.findChild(kind)
        assert isinstance(opened, kind) and opened.isVisible(), kind.__name__
        opened.reject()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.catalogue.showing_favourites
    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert window.catalogue.search.hasFocus() or QApplication.focusWidget() is None


def test_holding_a_tile_opens_the_product_instead_of_selling_it(
        qtbot: QtBot, window: SaleWindow) -> None:
    search_and_tap(qtbot, window, "paddle", "paddle-1h")  # one price: a tap sells it
    assert len(window.basket.lines) == 1
    tiles = window.catalogue.tiles
    centre = tiles.visualItemRect(tiles.item(0)).center()
    qtbot.mousePress(tiles.viewport(), LEFT, pos=centre)
    qtbot.waitUntil(lambda: window.findChild(ProductDialog) is not None, timeout=WAIT_MS)
    qtbot.mouseRelease(tiles.viewport(), LEFT, pos=centre)
    assert len(window.basket.lines) == 1  # lifting the finger did not sell it again


def test_the_receipt_is_offered_never_printed_unasked(
        qtbot: QtBot, window: SaleWindow) -> None:
    search_and_tap(qtbot, window, "gaufre", "gaufre")
    dialog = window.pay()
    assert dialog is not None
    wait_for_methods(qtbot, dialog)
    click(qtbot, method(dialog, "CB"))
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=WAIT_MS)
    assert not dialog.wants_receipt
    assert dialog.offer_note.isHidden()  # a waffle: under 25 €, the note is not offered
    click(qtbot, dialog.receipt)
    receipt = window.findChild(ReceiptDialog)
    assert isinstance(receipt, ReceiptDialog)
    qtbot.waitUntil(lambda: receipt.shown is not None, timeout=WAIT_MS)
    text = receipt.view.toPlainText()
    assert "Ticket CD2-000001" in text and "TVA 20 %" in text and "Gaufre" in text
    assert "SIRET 12345678900012" in text and "DUPLICATA" not in text
    assert not receipt.qr.pixmap().isNull()  # the signed summary, as a QR code
    assert "· TVA 20 %" in text  # each line its rate (the screen shows no-break spaces plain)
    click(qtbot, receipt.duplicate)
    qtbot.waitUntil(lambda: "DUPLICATA n° 1" in receipt.view.toPlainText(), timeout=WAIT_MS)
    reprint = receipt.view.toPlainText().splitlines()
    after = reprint[reprint.index("DUPLICATA n° 1") + 1:]
    assert after[0].startswith("Réimprimé le ") and after[1] == (
        f"par {receipt.staff.display_name}")


def test_every_button_is_a_touch_target(qtbot: QtBot, window: SaleWindow) -> None:
    search_and_tap(qtbot, window, "paddle", "paddle-1h")
    screens: list[QWidget] = [window]
    payment = window.pay()
    assert payment is not None
    wait_for_methods(qtbot, payment)
    screens += [payment, window.find_customer(), window.find_orders()]
    qtbot.wait(50)  # buttons added to shown layouts appear a moment later
    for screen in screens:
        for button in screen.findChildren(QPushButton):
            if button.isVisible():
                assert button.height() >= 48, (type(screen).__name__, button.text())
                assert button.width() >= 48, (type(screen).__name__, button.text())


def test_a_scan_while_paying_is_dropped_never_typed_as_an_amount(
        qtbot: QtBot, window: SaleWindow, scanner: KeyboardScanner) -> None:
    search_and_tap(qtbot, window, "paddle", "paddle-1h")
    dialog = window.pay()
    assert dialog is not None
    wait_for_methods(qtbot, dialog)
    with qtbot.waitSignal(scanner.dropped, timeout=WAIT_MS) as dropped:
        qtbot.keyClicks(dialog.amount, "37601234")  # an EAN-8 would be 376 012,34 €
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    assert dropped.args is not None and dropped.args[0].code == "37601234"
    # Said, without what was read: keys typed fast there may have been a secret.
    assert QToolTip.text() == "Code lu ignoré : fermez d'abord cette fenêtre."
    assert dialog.amount.text() == "15,00" and dialog.tendered == []
    assert [line.product_id for line in window.basket.lines] == ["paddle-1h"]
    qtbot.keyClicks(dialog.amount, "20", delay=60)  # typed by hand, it replaces the amount
    qtbot.waitUntil(lambda: dialog.amount.text() == "20", timeout=WAIT_MS)


def test_a_burst_stays_a_scan_when_the_screen_pauses_while_it_arrives(
        qtbot: QtBot, window: SaleWindow, scanner: KeyboardScanner) -> None:
    """Real keys carry the window system's time: a busy UI thread does not split them."""
    field = window.catalogue.search
    give_focus(qtbot, field)
    keys = [(Qt.Key(ord(digit)), digit) for digit in "3760123450089"]
    keys.append((Qt.Key.Key_Return, "\r"))
    for index, (key, text) in enumerate(keys):
        event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, text)
        event.setTimestamp(1_000_000 + 4 * index)  # 4 ms apart, as a scanner sends them
        QApplication.sendEvent(field, event)
        time.sleep(0.04)  # the screen was busy for 40 ms between two keys
    qtbot.waitUntil(lambda: len(window.basket.lines) == 1, timeout=WAIT_MS)
    assert field.text() == ""


def test_an_order_of_another_till_is_paid_here_and_corrected_only_there(
        qtbot: QtBot, store: Store, runner: OperationRunner, manager: StaffMember) -> None:
    merge(store.context, document())  # as a pull brings it: 28 €, 10 € paid at till 1
    managing = open_sale_window(qtbot, store, runner, manager)
    search = managing.find_orders()
    qtbot.keyClicks(search.search, "ribeiro")
    qtbot.waitUntil(lambda: search.results.count() == 1, timeout=WAIT_MS)
    assert "CD1-000007" in search.results.item(0).text()
    assert "reste 18,00" in search.results.item(0).text()
    click(qtbot, search.open_button)
    order_dialog = search.opened
    assert isinstance(order_dialog, OrderDialog)
    qtbot.waitUntil(order_dialog.pay.isEnabled, timeout=WAIT_MS)
    assert "Vendue à la caisse « Caisse ponton »" in order_dialog.view.toPlainText()
    assert "Espèces — caisse « Caisse ponton »" in order_dialog.view.toPlainText()
    # A manager here still cannot take it back or cancel it: that is the other till's.
    assert not order_dialog.cancel_order.isEnabled()
    assert not order_dialog.give_back.isEnabled()
    assert "Caisse ponton" in order_dialog.cancel_order.toolTip()
    click(qtbot, order_dialog.pay)
    paying = order_dialog.opened
    assert isinstance(paying, PaymentDialog)
    wait_for_methods(qtbot, paying)
    assert paying.amount.text() == "18,00"
    click(qtbot, method(paying, "CB"))
    qtbot.waitUntil(lambda: paying.pages.currentIndex() == 1, timeout=WAIT_MS)
    click(qtbot, child(paying, QPushButton, "nextSale"))
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=WAIT_MS)
    search = managing.find_orders()  # the order views closed: opened again
    qtbot.keyClicks(search.search, "ribeiro")
    qtbot.waitUntil(lambda: search.results.count() == 1, timeout=WAIT_MS)
    click(qtbot, search.open_button)
    order_dialog = search.opened
    assert isinstance(order_dialog, OrderDialog)
    qtbot.waitUntil(lambda: "Reste à payer : 0,00" in order_dialog.view.toPlainText(),
                    timeout=WAIT_MS)
    # Paid at till 1 as well while the two were offline: the pull shows it overpaid.
    twice = document()
    twice["payments"].append({**twice["payments"][0], "id": "p-there", "amount_cents": 1800,
                              "method": "CB"})
    merge(store.context, twice)
    order_dialog.load()
    qtbot.waitUntil(lambda: "Trop-perçu : 18,00" in order_dialog.view.toPlainText(),
                    timeout=WAIT_MS)
    assert not order_dialog.pay.isEnabled()
    # The excess goes back at the till that sold (one till decides), not here.
    assert "rendu au client par la caisse « Caisse ponton »" in order_dialog.view.toPlainText()
    assert order_dialog.give_overpaid.isVisible() and not order_dialog.pay.isVisible()
    assert not order_dialog.give_overpaid.isEnabled()
    assert "Caisse ponton" in order_dialog.give_overpaid.toolTip()


def test_a_manager_gives_back_what_another_till_took_on_an_order_paid_here(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember,
        manager: StaffMember) -> None:
    basket = Basket()
    selling.add_product(store.context, basket, "gaufre")
    own = selling.sell(store.context, cashier, basket, [PaymentRequest("CB", 320)])
    merge(store.context, echoed(store.context, own.number, ("ESP", 320)))  # paid there too
    managing = open_sale_window(qtbot, store, runner, manager)
    search = managing.find_orders()
    qtbot.keyClicks(search.search, own.number)
    qtbot.waitUntil(lambda: search.results.count() == 1, timeout=WAIT_MS)
    click(qtbot, search.open_button)
    order_dialog = search.opened
    assert isinstance(order_dialog, OrderDialog)
    qtbot.waitUntil(lambda: "Trop-perçu : 3,20" in order_dialog.view.toPlainText(),
                    timeout=WAIT_MS)
    # No reason asked (nothing is taken back); by default in the method it came in last.
    click(qtbot, order_dialog.give_overpaid)
    refunding = order_dialog.opened
    assert isinstance(refunding, RefundDialog)
    assert refunding.owed.text() == "À rendre au client : 3,20\xa0€"
    assert not refunding.reason.isVisible()
    for code, field in refunding.amounts.items():
        field.setText("3,20" if code == "CB" else "")
    click(qtbot, refunding.confirm)
    qtbot.waitUntil(lambda: refunding.pages.currentIndex() == 1, timeout=WAIT_MS)
    assert refunding.outcome.text() == (f"Trop-perçu de la commande {own.number} rendu."
                                        " Rendu au client : Carte bancaire 3,20\xa0€.")
    qtbot.waitUntil(lambda: "REMBOURSEMENT DU TROP-PERÇU" in refunding.slip_view.toPlainText(),
                    timeout=WAIT_MS)
    click(qtbot, child(refunding, QPushButton, "finish"))
    qtbot.waitUntil(lambda: "Reste à payer : 0,00" in order_dialog.view.toPlainText(),
                    timeout=WAIT_MS)
    assert not order_dialog.give_overpaid.isVisible()
    stored = orders.get_order(store.context, own.number).order
    assert [(r.method_code, r.amount_cents, r.excess) for r in stored.refunds] == [
        ("CB", 320, True)]
