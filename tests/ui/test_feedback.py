"""What the sale screen says is true: a cash movement saved is said."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store
from pos_app.domain.staff import StaffMember
from pos_app.services import closures
from pos_app.ui.ops import OperationRunner
from tests.ui.conftest import WAIT_MS, open_sale_window
from tests.ui.test_till_screen import click


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
    assert window.notice.text() == "Fond de caisse enregistré : 150,00\xa0€."
    assert closures.x_reading(store.context).cash.float_cents == 15000

