"""Caisse › Personnel bloqué, by taps: a manager unlocks a cashier locked out after
five wrong PINs, who signs in again at once; a cashier is refused."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store
from pos_app.domain.staff import StaffMember
from pos_app.services.staff import sign_in
from pos_app.ui.ops import OperationRunner
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.staff_locks import StaffLocksDialog
from pos_app.ui.till_menu import TillMenu
from tests.integration.test_events import events
from tests.integration.test_staff_services import fail
from tests.ui.conftest import WAIT_MS, open_sale_window
from tests.ui.test_till_screen import child, click
from tests.ui.test_touch import on_screen


def open_locks(qtbot: QtBot, window: SaleWindow) -> StaffLocksDialog:
    click(qtbot, window.till_button)
    menu = QApplication.activeModalWidget()
    assert isinstance(menu, TillMenu)
    item = child(menu, QPushButton, "menu_staff")
    assert item.text() == "Personnel bloqué" and item.height() >= 44
    click(qtbot, item)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), StaffLocksDialog),
                    timeout=WAIT_MS)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, StaffLocksDialog)
    return dialog


def test_a_manager_unlocks_a_cashier_from_the_till_menu(
        qtbot: QtBot, store: Store, runner: OperationRunner, manager: StaffMember) -> None:
    fail(store.context, "caissier", 5)
    window = open_sale_window(qtbot, store, runner, manager)
    dialog = open_locks(qtbot, window)
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=WAIT_MS)
    assert dialog.list.item(0).text().startswith("Camille")
    assert "(caissier) — bloqué jusqu'à" in dialog.list.item(0).text()
    assert on_screen(dialog.unlock)
    click(qtbot, dialog.unlock)
    qtbot.waitUntil(lambda: dialog.outcome.text().endswith("peut se reconnecter."),
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: dialog.list.count() == 0, timeout=WAIT_MS)
    assert not dialog.unlock.isEnabled()
    assert sign_in(store.context, "caissier", "1234").login == "caissier"
    unlocked = [body for body in events(store.context) if body["event"] == "staff_unlocked"]
    assert [(body["login"], body["staff_id"]) for body in unlocked] == [("caissier",
                                                                         manager.id)]


def test_a_cashier_is_refused(qtbot: QtBot, store: Store, window: SaleWindow) -> None:
    dialog = open_locks(qtbot, window)
    qtbot.waitUntil(lambda: dialog.error.text() == "Votre profil ne permet pas cette action.",
                    timeout=WAIT_MS)
    assert dialog.list.count() == 0 and not dialog.unlock.isEnabled()
