"""The order view by taps: "À encaisser" lists only the orders with something left to
pay; an order's "Ticket" shows its receipt, its "Duplicata" reprints it, journaled."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store
from pos_app.domain.basket import Basket
from pos_app.domain.journal import Chain
from pos_app.domain.staff import StaffMember
from pos_app.services import selling
from pos_app.services.selling import PaymentRequest
from pos_app.ui.order_dialogs import OrderDialog, OrderSearchDialog
from pos_app.ui.receipt_dialog import ReceiptDialog
from pos_app.ui.sale_window import SaleWindow
from tests.ui.conftest import WAIT_MS, gone
from tests.ui.test_till_screen import child, click
from tests.ui.test_touch import on_screen


def sell(store: Store, cashier: StaffMember, product: str, paid: int | None) -> str:
    basket = Basket()
    selling.add_product(store.context, basket, product)
    payments = [] if paid is None else [PaymentRequest("ESP", paid)]
    return selling.sell(store.context, cashier, basket, payments,
                        validate_without_paying=paid is None
                        or paid < basket.total_cents).number


def duplicates(store: Store) -> int:
    with store.context.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        head = uow.journal.head(till.id, Chain.DUPLICATE)
    return 0 if head is None else head.number


def search_screen(qtbot: QtBot, window: SaleWindow) -> OrderSearchDialog:
    click(qtbot, window.orders_button)
    found = window.findChild(OrderSearchDialog)
    assert found is not None
    return found


def test_the_to_pay_filter_shows_only_orders_with_something_left(
        qtbot: QtBot, store: Store, window: SaleWindow, cashier: StaffMember) -> None:
    paid = sell(store, cashier, "cafe", 160)
    owing = sell(store, cashier, "balade-poney-1h", 400)
    search = search_screen(qtbot, window)
    qtbot.waitUntil(lambda: search.results.count() == 2, timeout=WAIT_MS)
    to_pay = child(search, QPushButton, "filter_to_pay")
    assert to_pay.text() == "À encaisser" and to_pay.height() >= 44
    click(qtbot, to_pay)
    qtbot.waitUntil(lambda: search.results.count() == 1, timeout=WAIT_MS)
    assert search.results.item(0).text().startswith(owing)
    assert "reste 10,00\xa0€" in search.results.item(0).text()
    assert paid not in search.results.item(0).text()
    click(qtbot, child(search, QPushButton, "filter_all"))
    qtbot.waitUntil(lambda: search.results.count() == 2, timeout=WAIT_MS)


def test_nothing_to_pay_is_said(qtbot: QtBot, store: Store, window: SaleWindow,
                                cashier: StaffMember) -> None:
    sell(store, cashier, "cafe", 160)
    search = search_screen(qtbot, window)
    qtbot.waitUntil(lambda: search.results.count() == 1, timeout=WAIT_MS)
    click(qtbot, child(search, QPushButton, "filter_to_pay"))
    qtbot.waitUntil(lambda: search.error.text() == "Aucune commande à encaisser.",
                    timeout=WAIT_MS)
    assert search.results.count() == 0


def test_the_order_view_shows_the_receipt_and_reprints_a_duplicate(
        qtbot: QtBot, store: Store, window: SaleWindow, cashier: StaffMember) -> None:
    number = sell(store, cashier, "cafe", 160)
    search = search_screen(qtbot, window)
    qtbot.waitUntil(lambda: search.results.count() == 1, timeout=WAIT_MS)
    click(qtbot, search.open_button)
    order = search.opened
    assert isinstance(order, OrderDialog)
    qtbot.waitUntil(lambda: order.details is not None, timeout=WAIT_MS)
    buttons = [b for b in order.findChildren(QPushButton) if b.isVisible()]
    assert {order.show_receipt, order.duplicate} <= set(buttons)
    qtbot.waitUntil(lambda: all(on_screen(b) for b in buttons), timeout=WAIT_MS)
    click(qtbot, order.show_receipt)
    shown = order.opened
    assert isinstance(shown, ReceiptDialog)
    qtbot.waitUntil(lambda: number in shown.view.toPlainText(), timeout=WAIT_MS)
    assert "DUPLICATA" not in shown.view.toPlainText()
    assert duplicates(store) == 0  # looking is not reprinting
    click(qtbot, child(shown, QPushButton, "close"))
    qtbot.waitUntil(lambda: gone(shown), timeout=WAIT_MS)
    click(qtbot, order.duplicate)
    reprinted = order.opened
    assert isinstance(reprinted, ReceiptDialog) and reprinted is not shown
    qtbot.waitUntil(lambda: "DUPLICATA n° 1" in reprinted.view.toPlainText(),
                    timeout=WAIT_MS)
    assert number in reprinted.view.toPlainText()
    assert duplicates(store) == 1
    with store.context.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        last = uow.journal.last(till.id, Chain.EVENT)
    assert last is not None and last.payload["event"] == "duplicate"
    assert last.payload["number"] == number


def test_the_order_view_says_each_discount_and_why(
        qtbot: QtBot, store: Store, window: SaleWindow, manager: StaffMember) -> None:
    from pos_app.domain.discount import DiscountAsked

    basket = Basket()
    selling.add_product(store.context, basket, "paddle-1h", 2)
    selling.add_product(store.context, basket, "cafe")
    basket.discount_line(0, DiscountAsked(cents=300), "Fidélité", manager.id)
    basket.discount_all(DiscountAsked(cents=100), "Geste commercial", manager.id)
    number = selling.sell(store.context, manager, basket,
                          [PaymentRequest("CB", basket.total_cents)]).number
    search = search_screen(qtbot, window)
    qtbot.waitUntil(lambda: search.results.count() == 1, timeout=WAIT_MS)
    click(qtbot, search.open_button)
    order = search.opened
    assert isinstance(order, OrderDialog)
    qtbot.waitUntil(lambda: number in order.view.toPlainText(), timeout=WAIT_MS)
    shown = order.view.toPlainText().replace("\xa0", " ")  # as the text view gives it
    assert "Remise -3,00 € (Fidélité) · part de la remise panier -0,94 €" in shown
    assert "Remise panier -1,00 € (Geste commercial), répartie sur les lignes" in shown
    assert "Total : 27,60 €" in shown
