"""The first window, driven offscreen: sign in, find a product, pay cash, order stored."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store
from pos_app.domain.staff import StaffMember
from pos_app.services import orders
from pos_app.ui.launch import create_application
from pos_app.ui.ops import OperationRunner
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.sign_in import SignInDialog


def test_wrong_secret_is_a_french_sentence_then_sign_in(qtbot: QtBot, store: Store) -> None:
    create_application()
    runner = OperationRunner()
    dialog = SignInDialog(store.context, runner)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.login, "caissier")
    qtbot.keyClicks(dialog.secret, "9999")
    qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=5000)
    assert dialog.error.text() == "Identifiant ou code secret incorrect."
    assert dialog.staff is None
    qtbot.keyClicks(dialog.secret, "1234")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    assert dialog.staff is not None and dialog.staff.login == "caissier"


def test_search_add_and_pay_cash_records_the_order(qtbot: QtBot, store: Store,
                                                   cashier: StaffMember) -> None:
    create_application()
    window = SaleWindow(store.context, OperationRunner(), cashier)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.results.count() > 0, timeout=5000)  # catalogue loaded
    qtbot.keyClicks(window.search, "poney bal")
    qtbot.waitUntil(lambda: window.results.count() == 1, timeout=5000)
    item = window.results.item(0)
    assert item.text().startswith("Balade à poney – 1 h")
    window.results.itemClicked.emit(item)
    window.results.itemClicked.emit(item)
    assert window.basket_list.count() == 1
    assert window.total.text() == "Total : 28,00\xa0€"
    qtbot.mouseClick(window.pay_cash, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "enregistrée" in window.status.text(), timeout=5000)
    assert window.status.text().startswith("Commande CD2-000001 enregistrée")
    assert window.basket_list.count() == 0
    stored = orders.get_order(store.context, "CD2-000001").order
    assert [(line.product_id, line.quantity) for line in stored.lines] == [
        ("balade-poney-1h", 2)]
    assert [(p.method_code, p.amount_cents) for p in stored.payments] == [("ESP", 2800)]


def test_an_empty_basket_cannot_be_paid(qtbot: QtBot, store: Store,
                                        cashier: StaffMember) -> None:
    create_application()
    window = SaleWindow(store.context, OperationRunner(), cashier)
    qtbot.addWidget(window)
    assert not window.pay_cash.isEnabled()
