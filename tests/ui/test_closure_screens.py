"""The till's closure screens (R6) driven offscreen: the Z with the gap shown as the
manager types, the count by note and coin, the X reading, cash in and out, the history,
and a closure left unfinished taken up again at the next sign-in."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from pos_app.bootstrap import Store
from pos_app.domain.closure import CashMovementKind
from pos_app.domain.staff import StaffMember
from pos_app.domain.till import TillState
from pos_app.services import closures, selling
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import till_statuses
from pos_app.ui.cash_dialog import CashDialog
from pos_app.ui.closure_dialog import ClosureDialog
from pos_app.ui.closure_history import ClosureHistoryDialog
from pos_app.ui.launch import TillStart
from pos_app.ui.ops import OperationRunner
from tests.integration.test_selling_services import basket_of
from tests.ui.conftest import WAIT_MS, open_sale_window

CAFE = 160


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def a_morning(store: Store, cashier: StaffMember) -> None:
    """Float 150 €; a coffee paid with a 5 € note (3,40 € back)."""
    ctx = store.context
    closures.record_cash_movement(ctx, cashier, CashMovementKind.FLOAT, 15000)
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 500)])


def z_dialog(qtbot: QtBot, store: Store, runner: OperationRunner,
             manager: StaffMember) -> ClosureDialog:
    window = open_sale_window(qtbot, store, runner, manager)
    dialog = window.close_z()
    qtbot.waitUntil(lambda: dialog.reading is not None, timeout=WAIT_MS)
    return dialog


def test_the_gap_shows_as_the_manager_types(qtbot: QtBot, store: Store,
                                            runner: OperationRunner, cashier: StaffMember,
                                            manager: StaffMember) -> None:
    a_morning(store, cashier)
    dialog = z_dialog(qtbot, store, runner, manager)
    assert till_statuses(store.context)[0].state is TillState.CLOSING
    assert dialog.counted.text() == "151,60"  # starts equal to the expected cash
    assert dialog.gap.text() == "Écart : 0,00\u00a0€"
    for key in "150":  # on the keypad: the first key replaces the expected figure
        button = dialog.keypad.findChild(QAbstractButton, f"key_{key}")
        assert button is not None
        click(qtbot, button)
    assert dialog.counted.text() == "150"
    assert dialog.gap.text() == "Écart : -1,60\u00a0€"
    assert dialog.gap.property("gapState") == "gap"
    dialog.counted.setText("abc")
    assert dialog.gap.text() == "Montant incorrect"
    dialog.counted.setText("150,00")
    click(qtbot, dialog.validate)
    qtbot.waitUntil(lambda: dialog.closed is not None, timeout=WAIT_MS)
    z = dialog.closed.closure if dialog.closed else None
    assert z is not None and (z.expected_cash_cents, z.counted_cash_cents, z.gap_cents) == (
        15160, 15000, -160)
    assert "écart -1,60\u00a0€" in dialog.outcome.text()
    assert till_statuses(store.context)[0].state is TillState.CLOSED


def test_cash_counted_by_note_and_coin(qtbot: QtBot, store: Store, runner: OperationRunner,
                                       cashier: StaffMember, manager: StaffMember) -> None:
    a_morning(store, cashier)
    dialog = z_dialog(qtbot, store, runner, manager)
    dialog.count_button.setChecked(True)
    assert dialog.counted.text() == "0,00" and dialog.counted.isReadOnly()
    for denomination, quantity in ((10000, 1), (5000, 1), (100, 1), (50, 1), (10, 1)):
        dialog.counts[denomination].setValue(quantity)
    assert dialog.counted.text() == "151,60" and dialog.gap.text() == "Écart : 0,00\u00a0€"
    click(qtbot, dialog.validate)
    qtbot.waitUntil(lambda: dialog.closed is not None, timeout=WAIT_MS)
    assert dialog.closed is not None and dialog.closed.closure.gap_cents == 0


def test_an_x_reading_changes_nothing(qtbot: QtBot, store: Store, runner: OperationRunner,
                                      cashier: StaffMember) -> None:
    a_morning(store, cashier)
    window = open_sale_window(qtbot, store, runner, cashier)
    dialog = window.read_x()
    qtbot.waitUntil(lambda: dialog.reading is not None, timeout=WAIT_MS)
    text = dialog.figures.toPlainText()
    assert "1 commande(s)" in text and "151,60" in text and "Fond de caisse" in text
    assert dialog.reading is not None
    order = next(head for head in dialog.reading.heads if head.chain == "order")
    assert "Journal de la caisse" in text and f"commandes n° 1 ({order.hash[:8]})" in text
    assert not dialog.validate.isVisible()
    assert till_statuses(store.context)[0].state is TillState.OPEN


def test_a_cashier_cannot_run_a_z(qtbot: QtBot, store: Store, runner: OperationRunner,
                                  cashier: StaffMember) -> None:
    window = open_sale_window(qtbot, store, runner, cashier)
    dialog = window.close_z()
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=WAIT_MS)
    assert "profil" in dialog.error.text()
    assert till_statuses(store.context)[0].state is TillState.OPEN


def test_cash_taken_out_needs_a_reason(qtbot: QtBot, store: Store, runner: OperationRunner,
                                       cashier: StaffMember) -> None:
    closures.record_cash_movement(store.context, cashier, CashMovementKind.FLOAT, 15000)
    window = open_sale_window(qtbot, store, runner, cashier)
    dialog: CashDialog = window.move_cash()
    retrait = dialog.findChild(QAbstractButton, "kind_out")
    assert retrait is not None
    click(qtbot, retrait)
    dialog.amount.setText("50")
    click(qtbot, dialog.save)
    qtbot.waitUntil(lambda: "motif" in dialog.error.text(), timeout=WAIT_MS)
    dialog.reason.setText("Dépôt en banque")
    click(qtbot, dialog.save)
    qtbot.waitUntil(lambda: closures.x_reading(store.context).cash.out_cents == 5000,
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not isValid(dialog), timeout=WAIT_MS)  # closed once saved


def test_the_history_lists_and_charts_the_closures(qtbot: QtBot, store: Store,
                                                   runner: OperationRunner,
                                                   cashier: StaffMember,
                                                   manager: StaffMember) -> None:
    a_morning(store, cashier)
    closures.finish_closure(store.context, manager, counted_cents=15000)
    window = open_sale_window(qtbot, store, runner, manager)
    dialog: ClosureHistoryDialog = window.closure_history()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=WAIT_MS)
    item = dialog.table.item(0, 5)
    assert item is not None and item.text() == "-1,60\u00a0€"
    assert len(dialog.chart.closures) == 1
    dialog.show_period(store.context.clock.now().date().replace(year=2020),
                       store.context.clock.now().date().replace(year=2020))
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=WAIT_MS)


def test_a_closure_left_unfinished_opens_at_the_managers_sign_in(
        qtbot: QtBot, store: Store, start_till: Callable[..., TillStart],
        cashier: StaffMember, manager: StaffMember) -> None:
    a_morning(store, cashier)
    closures.start_closure(store.context, manager)  # … and the till was switched off
    start = start_till(store.context)
    dialog = start.dialog
    qtbot.waitUntil(lambda: bool(dialog.tills.buttons()), timeout=WAIT_MS)
    assert dialog.tills.buttons()[0].property("tillState") == "closing"
    dialog.login.setText("gerant")
    dialog.secret.setText("4321")
    dialog.submit()
    qtbot.waitUntil(lambda: start.window is not None and start.window.isVisible(),
                    timeout=WAIT_MS)
    window = start.window
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.findChild(ClosureDialog) is not None, timeout=WAIT_MS)
    z = window.findChild(ClosureDialog)
    assert z is not None
    qtbot.waitUntil(lambda: z.reading is not None, timeout=WAIT_MS)
    assert z.z and z.counted.text() == "151,60"


def test_training_mode_is_said_on_screen_and_sells_simulations(
        qtbot: QtBot, store: Store, runner: OperationRunner, manager: StaffMember) -> None:
    window = open_sale_window(qtbot, store, runner, manager)
    window.set_training(True)
    qtbot.waitUntil(lambda: window.training, timeout=WAIT_MS)
    assert window.simulation.isVisible() and "SIMULATION" in window.simulation.text()
    reading = window.read_x()  # every screen says it
    assert reading.windowTitle() == "Lecture X — SIMULATION"
    reading.reject()
    selling.add_product(store.context, window.basket, "cafe")
    dialog = window.pay()
    assert dialog is not None and "SIMULATION" in dialog.windowTitle()
    qtbot.waitUntil(lambda: bool(dialog.methods), timeout=WAIT_MS)
    card = dialog.findChild(QAbstractButton, "method_CB")
    assert card is not None
    click(qtbot, card)
    qtbot.waitUntil(lambda: dialog.order is not None, timeout=WAIT_MS)
    assert dialog.order is not None and dialog.order.number == "SIM-000001"
    assert closures.x_reading(store.context).orders == 0
    dialog.accept()  # the next sale: the basket empties
    window.set_training(False)
    qtbot.waitUntil(lambda: not window.training, timeout=WAIT_MS)
    assert window.simulation.isHidden()
