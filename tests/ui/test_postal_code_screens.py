"""The postal code asked with each sale (R12), by taps: the setting turned on in
"Réglages" (journaled), then the payment screen asks before anything is paid, five digits
on its keypad or "Étranger" / "Non communiqué"; with the setting off it never asks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store
from pos_app.domain.journal import Event
from pos_app.domain.staff import StaffMember
from pos_app.services import orders
from pos_app.services.staff import open_till, till_statuses
from pos_app.ui.ops import OperationRunner
from pos_app.ui.order_dialogs import OrderDialog
from pos_app.ui.payment_dialog import PaymentDialog
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.settings import SETTINGS_FILE, TillSettings
from pos_app.ui.settings_dialog import SettingsDialog
from tests.integration.test_events import events
from tests.ui.conftest import WAIT_MS
from tests.ui.test_till_screen import child, click, method, search_and_tap, wait_for_methods


def sale_window(qtbot: QtBot, store: Store, runner: OperationRunner, staff: StaffMember,
                settings: TillSettings) -> SaleWindow:
    till = replace(open_till(store.context, staff, till_statuses(store.context)[0].till.id),
                   opened=False)
    window = SaleWindow(store.context, runner, staff, till, settings)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    qtbot.waitUntil(lambda: window.catalogue.tiles.count() > 0, timeout=WAIT_MS)
    return window


def paying_for_a_ride(qtbot: QtBot, window: SaleWindow) -> PaymentDialog:
    search_and_tap(qtbot, window, "paddle", "paddle-1h")
    dialog = window.pay()
    assert dialog is not None
    wait_for_methods(qtbot, dialog)
    return dialog


def tap_digits(qtbot: QtBot, page: QWidget, digits: str) -> None:
    for digit in digits:
        click(qtbot, child(page, QPushButton, f"key_{digit}"))


def test_turned_on_in_the_settings_the_sale_asks_and_keeps_the_answer(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember,
        data_dir: Path) -> None:
    settings = TillSettings(data_dir / SETTINGS_FILE)
    assert not settings.ask_postal_code  # off unless turned on
    window = sale_window(qtbot, store, runner, cashier, settings)
    dialog = window.open_settings()
    assert isinstance(dialog, SettingsDialog)
    before = len(events(store.context))
    click(qtbot, child(dialog, QPushButton, "postal_code_on"))
    click(qtbot, dialog.save)
    qtbot.waitUntil(lambda: any(body["event"] == Event.SETTINGS_CHANGE.value
                                for body in events(store.context)[before:]), timeout=WAIT_MS)
    (change,) = [body for body in events(store.context)[before:]
                 if body["event"] == Event.SETTINGS_CHANGE.value
                 and body["setting"] == "ask_postal_code"]
    assert (change["value"], change["previous"]) == ("on", "off")
    assert TillSettings(data_dir / SETTINGS_FILE).ask_postal_code  # kept in caisse.ini
    dialog.accept()

    paying = paying_for_a_ride(qtbot, window)
    assert paying.pages.currentWidget() is paying.postal_page  # asked before any payment
    page = paying.postal_page
    tap_digits(qtbot, page, "7501")
    click(qtbot, child(page, QPushButton, "confirmPostalCode"))
    assert "n'est pas un code postal français" in paying.postal_error.text()
    assert paying.pages.currentWidget() is page  # asked again, nothing guessed
    tap_digits(qtbot, page, "11")  # a sixth digit goes nowhere: five at most
    assert paying.postal_field.text() == "75011"
    click(qtbot, child(page, QPushButton, "confirmPostalCode"))
    qtbot.waitUntil(lambda: paying.pages.currentIndex() == 0, timeout=WAIT_MS)
    assert paying.postal_answer.text() == "Code postal : 75011"
    click(qtbot, method(paying, "CB"))
    qtbot.waitUntil(lambda: paying.pages.currentIndex() == 1, timeout=WAIT_MS)
    stored = orders.get_order(store.context, "CD2-000001").order
    assert stored.postal_code == "75011"
    click(qtbot, child(paying, QPushButton, "nextSale"))
    qtbot.waitUntil(lambda: window.basket.is_empty, timeout=WAIT_MS)

    again = paying_for_a_ride(qtbot, window)  # every sale asks
    assert again.pages.currentWidget() is again.postal_page
    click(qtbot, child(again.postal_page, QPushButton, "postalAbroad"))
    qtbot.waitUntil(lambda: again.pages.currentIndex() == 0, timeout=WAIT_MS)
    click(qtbot, again.postal_answer)  # changed before paying
    assert again.pages.currentWidget() is again.postal_page
    click(qtbot, child(again.postal_page, QPushButton, "postalDeclined"))
    qtbot.waitUntil(lambda: again.pages.currentIndex() == 0, timeout=WAIT_MS)
    assert again.postal_answer.text() == "Code postal : Non communiqué"
    click(qtbot, child(again, QPushButton, "validateWithoutPaying"))
    qtbot.waitUntil(lambda: again.pages.currentIndex() == 1, timeout=WAIT_MS)
    assert orders.get_order(store.context, "CD2-000002").order.postal_code == "declined"
    click(qtbot, child(again, QPushButton, "nextSale"))

    view = window.open_order("CD2-000002")
    assert isinstance(view, OrderDialog)
    qtbot.waitUntil(lambda: "Code postal : Non communiqué" in view.view.toPlainText(),
                    timeout=WAIT_MS)


def test_with_the_setting_off_the_sale_never_asks(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember,
        data_dir: Path) -> None:
    window = sale_window(qtbot, store, runner, cashier, TillSettings(data_dir / SETTINGS_FILE))
    paying = paying_for_a_ride(qtbot, window)
    assert paying.pages.currentIndex() == 0 and not paying.postal_page.isVisible()
    assert not paying.postal_answer.isVisible()
    click(qtbot, method(paying, "ESP"))
    qtbot.waitUntil(lambda: paying.pages.currentIndex() == 1, timeout=WAIT_MS)
    assert orders.get_order(store.context, "CD2-000001").order.postal_code is None
    view = window.open_order("CD2-000001")
    qtbot.waitUntil(lambda: "CD2-000001" in view.view.toPlainText(), timeout=WAIT_MS)
    assert "Code postal" not in view.view.toPlainText()
