"""Règles de la caisse, by taps only: a manager finds it in the Caisse menu, sets blind
count and the gap threshold on the keypad, and the services obey what was saved; a
cashier's menu does not offer it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QPushButton
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store
from pos_app.domain.policy import TillPolicy
from pos_app.domain.staff import StaffMember
from pos_app.services.policies import till_policy
from pos_app.ui.ops import OperationRunner
from pos_app.ui.policy_dialog import PolicyDialog
from pos_app.ui.sale_window import SaleWindow
from tests.ui.conftest import WAIT_MS, open_sale_window


def tap(qtbot: QtBot, button: QAbstractButton | None) -> None:
    assert button is not None and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_manager_sets_the_rules_by_taps_and_they_are_kept(
        qtbot: QtBot, store: Store, runner: OperationRunner, manager: StaffMember) -> None:
    window = open_sale_window(qtbot, store, runner, manager)
    menu = window.open_till_menu()
    tap(qtbot, menu.findChild(QPushButton, "menu_rules"))
    dialog = window.findChild(PolicyDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.save.isEnabled, timeout=WAIT_MS)
    assert dialog.gap.text() == "5,00"
    tap(qtbot, dialog.findChild(QPushButton, "blind_on"))
    qtbot.mouseClick(dialog.gap, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.keypad.field is dialog.gap, timeout=WAIT_MS)
    for key in ("C", "2", "0"):
        tap(qtbot, dialog.keypad.findChild(QAbstractButton, f"key_{key}"))
    tap(qtbot, dialog.save)
    qtbot.waitUntil(lambda: dialog.outcome.text() == "Règles enregistrées.", timeout=WAIT_MS)
    assert till_policy(store.context) == TillPolicy(blind_count=True,
                                                    gap_reason_from_cents=2000)


def test_a_bad_figure_is_refused_with_a_sentence_and_nothing_changes(
        qtbot: QtBot, store: Store, runner: OperationRunner, manager: StaffMember) -> None:
    window = open_sale_window(qtbot, store, runner, manager)
    dialog = window.open_policies()
    qtbot.waitUntil(dialog.save.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(dialog.percent, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.keypad.field is dialog.percent, timeout=WAIT_MS)
    for key in ("C", "2", "0", "0"):
        tap(qtbot, dialog.keypad.findChild(QAbstractButton, f"key_{key}"))
    tap(qtbot, dialog.save)
    qtbot.waitUntil(lambda: "200" in dialog.outcome.text(), timeout=WAIT_MS)
    assert dialog.outcome.property("error") is True
    assert till_policy(store.context) == TillPolicy()


def test_a_cashier_s_menu_has_no_rules(qtbot: QtBot, window: SaleWindow) -> None:
    menu = window.open_till_menu()
    assert menu.findChild(QPushButton, "menu_rules") is None
