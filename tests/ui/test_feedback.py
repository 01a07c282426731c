"""What the sale screen says is true: a cash movement saved is said; after an order's
rest is paid, the sale screen comes next (with the receipt, when asked for)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QApplication
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store
from pos_app.domain.basket import Basket
from pos_app.domain.staff import StaffMember
from pos_app.services import closures, selling
from pos_app.ui.ops import OperationRunner
from pos_app.ui.order_dialogs import OrderDialog
from pos_app.ui.payment_dialog import PaymentDialog
from pos_app.ui.receipt_dialog import ReceiptDialog
from tests.ui.conftest import WAIT_MS, open_sale_window
from tests.ui.test_till_screen import click, method, wait_for_methods


def test_the_opening_float_is_said_saved(qtbot: QtBot, store: Store,
                                         runner: OperationRunner,
                                         cashier: StaffMember) -> None:
    window = open_sale_window(qtbot, store, runner, cashier)
    dialog = window.move_cash()
    opening = dialog.findChild(QAbstractButton, "kind_float")
    assert opening is not None
    click(qtbot, opening)
    dialog.amount.setText("150")
    click(qtbot, dialog.save)
    qtbot.waitUntil(lambda: window.notice.text() != "", timeout=WAIT_MS)
    assert window.notice.text() == "Fond de caisse enregistré : 150,00\xa0€"
    assert closures.x_reading(store.context).cash.float_cents == 15000



def test_the_receipt_asked_after_an_orders_rest_opens_over_the_sale_screen(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember) -> None:
    basket = Basket()
    selling.add_product(store.context, basket, "gaufre")
    number = selling.sell(store.context, cashier, basket, [],
                          validate_without_paying=True).number
    window = open_sale_window(qtbot, store, runner, cashier)
    search = window.find_orders()
    qtbot.waitUntil(lambda: search.results.count() == 1, timeout=WAIT_MS)
    search.open_current()
    order = search.opened
    assert isinstance(order, OrderDialog)
    qtbot.waitUntil(order.pay.isEnabled, timeout=WAIT_MS)
    click(qtbot, order.pay)
    paying = order.opened
    assert isinstance(paying, PaymentDialog)
    wait_for_methods(qtbot, paying)
    click(qtbot, method(paying, "CB"))
    qtbot.waitUntil(lambda: paying.pages.currentIndex() == 1, timeout=WAIT_MS)
    click(qtbot, paying.receipt)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ReceiptDialog),
                    timeout=WAIT_MS)
    receipt = QApplication.activeModalWidget()
    assert isinstance(receipt, ReceiptDialog) and receipt.number == number
    assert receipt.parentWidget() is window and not search.isVisible()
