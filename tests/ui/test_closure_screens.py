"""The till's closure screens (R6) driven offscreen: the Z with the gap shown as the
manager types, the count by note and coin, the X reading, cash in and out, the history,
and a closure left unfinished taken up again at the next sign-in."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QAbstractButton, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from pos_app.bootstrap import Store
from pos_app.domain.closure import CashMovementKind
from pos_app.domain.policy import BLIND_COUNT
from pos_app.domain.staff import StaffMember
from pos_app.domain.till import TillState
from pos_app.services import closures, selling
from pos_app.services.policies import set_policy
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import open_till, till_statuses
from pos_app.ui.cash_dialog import CashDialog, OpeningFloatDialog
from pos_app.ui.closure_dialog import ClosureDialog
from pos_app.ui.closure_history import ClosureHistoryDialog
from pos_app.ui.launch import TillStart
from pos_app.ui.ops import OperationRunner
from pos_app.ui.sale_window import SaleWindow
from tests.integration.test_selling_services import basket_of
from tests.ui.conftest import WAIT_MS, gone, open_sale_window
from tests.ui.test_till_screen import search_and_tap

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


def tap(qtbot: QtBot, parent: QWidget, name: str) -> None:
    """Tap the button named `name` under `parent`, once it shows and can be tapped."""
    button = parent.findChild(QAbstractButton, name)
    assert button is not None, name
    qtbot.waitUntil(lambda: button.isVisible() and button.isEnabled(), timeout=WAIT_MS)
    click(qtbot, button)


def type_on_keypad(qtbot: QtBot, dialog: QWidget, keys: str) -> None:
    for key in keys:
        tap(qtbot, dialog, "keyComma" if key == "," else f"key_{key}")


def test_the_gap_shows_as_the_manager_types(qtbot: QtBot, store: Store,
                                            runner: OperationRunner, cashier: StaffMember,
                                            manager: StaffMember) -> None:
    a_morning(store, cashier)
    dialog = z_dialog(qtbot, store, runner, manager)
    assert till_statuses(store.context)[0].state is TillState.CLOSING
    assert dialog.counter.amount.text() == ""  # never prefilled with the expected cash
    assert "Espèces attendues" in dialog.figures.toPlainText()  # not counting blind
    type_on_keypad(qtbot, dialog, "150")
    assert dialog.counter.amount.text() == "150"
    assert dialog.gap.text() == "Attendu 151,60\u00a0€ — écart : -1,60\u00a0€"
    assert dialog.gap.property("gapState") == "gap"
    tap(qtbot, dialog, "validateZ")
    assert dialog.question.text() == ("Écart de -1,60\u00a0€ (compté 150,00\u00a0€, attendu"
                                      " 151,60\u00a0€). Valider la clôture Z ?")
    assert not dialog.validate.isVisible() and dialog.confirm.isEnabled()  # 1,60 € < 5 €
    tap(qtbot, dialog, "back")  # back to the count: what was typed stays
    assert dialog.counter.amount.text() == "150"
    tap(qtbot, dialog, "validateZ")
    tap(qtbot, dialog, "confirmZ")
    qtbot.waitUntil(lambda: dialog.closed is not None, timeout=WAIT_MS)
    z = dialog.closed.closure if dialog.closed else None
    assert z is not None and (z.expected_cash_cents, z.counted_cash_cents, z.gap_cents) == (
        15160, 15000, -160)
    assert "écart -1,60\u00a0€" in dialog.outcome.text()
    assert till_statuses(store.context)[0].state is TillState.CLOSED


def test_cash_counted_by_note_and_coin_on_the_keypad(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember,
        manager: StaffMember) -> None:
    a_morning(store, cashier)
    dialog = z_dialog(qtbot, store, runner, manager)
    type_on_keypad(qtbot, dialog, "99")  # an amount typed first …
    tap(qtbot, dialog, "countCash")
    assert dialog.counter.counted_cents() == 0
    for denomination, keys in ((10000, "1"), (5000, "1"), (100, "1"), (50, "1"), (10, "1")):
        tap(qtbot, dialog, f"count_{denomination}")
        type_on_keypad(qtbot, dialog, keys)
    tap(qtbot, dialog, "count_10")  # a row tapped again: the next key replaces its count
    type_on_keypad(qtbot, dialog, "3")
    assert dialog.counter.rows[10].text() == "0,10\u00a0€   × 3   = 0,30\u00a0€"
    tap(qtbot, dialog, "keyErase")
    type_on_keypad(qtbot, dialog, "1")
    assert dialog.counter.total.text() == "Total compté : 151,60\u00a0€"
    assert dialog.gap.text() == "Attendu 151,60\u00a0€ — écart : 0,00\u00a0€"
    tap(qtbot, dialog, "typeAmount")  # … kept when switching back, and the count too
    assert dialog.counter.counted_cents() == 9900
    tap(qtbot, dialog, "countCash")
    assert dialog.counter.counted_cents() == 15160
    tap(qtbot, dialog, "validateZ")
    assert dialog.question.text().startswith("Aucun écart")
    tap(qtbot, dialog, "confirmZ")
    qtbot.waitUntil(lambda: dialog.closed is not None, timeout=WAIT_MS)
    assert dialog.closed is not None and dialog.closed.closure.gap_cents == 0
    assert closures.closure_methods(store.context, dialog.closed.closure.id)


def test_a_blind_count_with_a_gap_and_its_reason(qtbot: QtBot, store: Store,
                                                 runner: OperationRunner,
                                                 cashier: StaffMember,
                                                 manager: StaffMember) -> None:
    a_morning(store, cashier)
    set_policy(store.context, manager, BLIND_COUNT, "on")
    dialog = z_dialog(qtbot, store, runner, manager)
    assert "Espèces attendues" not in dialog.figures.toPlainText()
    assert "151,60" not in dialog.figures.toPlainText() + dialog.gap.text()
    type_on_keypad(qtbot, dialog, "140")
    assert "151,60" not in dialog.gap.text()  # still hidden as the count is typed
    tap(qtbot, dialog, "validateZ")
    assert dialog.question.text() == ("Écart de -11,60\u00a0€ (compté 140,00\u00a0€,"
                                      " attendu 151,60\u00a0€). Valider la clôture Z ?")
    assert not dialog.confirm.isEnabled()  # beyond 5 €: a reason first
    assert dialog.reason.isVisible() and "obligatoire" in dialog.reason_hint.text()
    tap(qtbot, dialog, "back")  # the expected now shows, and the count no longer changes
    assert "Espèces attendues" in dialog.figures.toPlainText()
    assert not dialog.counter.keypad.isEnabled()
    tap(qtbot, dialog, "validateZ")
    tap(qtbot, dialog, "reasonChoice1")
    assert dialog.reason.text() == "Pièce/billet manquant"
    tap(qtbot, dialog, "confirmZ")
    qtbot.waitUntil(lambda: dialog.closed is not None, timeout=WAIT_MS)
    assert dialog.closed is not None
    z = dialog.closed.closure
    assert (z.counted_cash_cents, z.gap_cents, z.gap_reason) == (
        14000, -1160, "Pièce/billet manquant")
    assert "Motif : Pièce/billet manquant." in dialog.outcome.text()


def test_a_started_z_is_abandoned_and_the_banner_goes(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember,
        manager: StaffMember) -> None:
    a_morning(store, cashier)
    window = open_sale_window(qtbot, store, runner, manager)
    dialog = window.close_z()
    qtbot.waitUntil(lambda: dialog.reading is not None, timeout=WAIT_MS)
    assert window.closing_banner.isVisible()
    assert "Clôture Z en cours" in window.closing_banner.text()
    tap(qtbot, dialog, "close")  # closed: the closure stays started, and said
    qtbot.waitUntil(lambda: gone(dialog), timeout=WAIT_MS)
    assert window.closing_banner.isVisible()
    assert till_statuses(store.context)[0].state is TillState.CLOSING
    search_and_tap(qtbot, window, "café", "cafe")  # no basket while a Z is in progress
    assert window.basket.is_empty
    assert "Clôture Z en cours" in window.notice.text()
    dialog = window.close_z()  # taken up again
    qtbot.waitUntil(lambda: dialog.reading is not None, timeout=WAIT_MS)
    tap(qtbot, dialog, "abandonZ")
    assert not dialog.validate.isVisible()
    tap(qtbot, dialog, "confirmAbandon")
    qtbot.waitUntil(lambda: dialog.abandoned, timeout=WAIT_MS)
    assert till_statuses(store.context)[0].state is TillState.OPEN
    assert not window.closing_banner.isVisible()
    assert "abandonnée" in dialog.outcome.text()
    tap(qtbot, dialog, "close")
    search_and_tap(qtbot, window, "café", "cafe")  # selling again
    assert not window.basket.is_empty


def test_the_z_fits_and_finishes_at_800_by_600(qtbot: QtBot, store: Store,
                                              runner: OperationRunner, cashier: StaffMember,
                                              manager: StaffMember) -> None:
    a_morning(store, cashier)
    window = open_sale_window(qtbot, store, runner, manager)
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.height() == 600, timeout=WAIT_MS)
    dialog = window.close_z()
    qtbot.waitUntil(lambda: dialog.reading is not None, timeout=WAIT_MS)
    tap(qtbot, dialog, "countCash")
    assert dialog.height() <= 600 and dialog.width() <= 800
    # Every button in view but the note and coin rows, which scroll.
    shown = [button for button in dialog.findChildren(QAbstractButton)
             if button.isVisibleTo(dialog) and button.property("countRow") is None]
    assert {"close", "abandonZ", "validateZ", "key_1"} <= {b.objectName() for b in shown}
    for button in shown:
        top_left = button.mapTo(dialog, button.rect().topLeft())
        assert dialog.rect().contains(top_left), button.objectName()
        assert dialog.rect().contains(button.mapTo(dialog, button.rect().bottomRight())), (
            button.objectName())
        assert button.height() >= 44, (button.objectName(), button.height())
    assert all(row.height() >= 44 for row in dialog.counter.rows.values())
    tap(qtbot, dialog, "count_5000")
    type_on_keypad(qtbot, dialog, "3")
    tap(qtbot, dialog, "validateZ")
    assert dialog.height() <= 600  # the confirmation, its reason and choices fit too
    for name in ("back", "confirmZ", "reasonChoice0", "reasonChoice3"):
        button = dialog.findChild(QAbstractButton, name)
        assert button is not None and button.height() >= 44
        assert dialog.rect().contains(button.mapTo(dialog, button.rect().bottomRight()))
        assert button.fontMetrics().horizontalAdvance(button.text()) < button.width()
    tap(qtbot, dialog, "reasonChoice2")
    tap(qtbot, dialog, "confirmZ")
    qtbot.waitUntil(lambda: dialog.closed is not None, timeout=WAIT_MS)


def test_the_opening_float_is_asked_when_a_sign_in_opens_the_till(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember) -> None:
    status = open_till(store.context, cashier, till_statuses(store.context)[0].till.id)
    assert status.opened
    window = SaleWindow(store.context, runner, cashier, status)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    qtbot.waitUntil(lambda: window.findChild(OpeningFloatDialog) is not None, timeout=WAIT_MS)
    dialog = window.findChild(OpeningFloatDialog)
    assert dialog is not None
    assert dialog.sizeHint().width() <= 800 and dialog.sizeHint().height() <= 600
    dialog.reject()  # Escape: it stays, and says how to leave it
    assert dialog.isVisible() and "Pas de fond de caisse" in dialog.error.text()
    type_on_keypad(qtbot, dialog, "150")
    tap(qtbot, dialog, "saveFloat")
    qtbot.waitUntil(lambda: "Fond de caisse enregistré" in window.notice.text(),
                    timeout=WAIT_MS)
    assert window.notice.text() == "Fond de caisse enregistré : 150,00\u00a0€"
    assert closures.x_reading(store.context).cash.float_cents == 15000
    # Signed in again on the open till: nothing asked.
    again = open_till(store.context, cashier, status.till.id)
    assert not again.opened


def test_no_float_is_said_by_a_tap_and_records_nothing(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember) -> None:
    status = open_till(store.context, cashier, till_statuses(store.context)[0].till.id)
    window = SaleWindow(store.context, runner, cashier, status)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.findChild(OpeningFloatDialog) is not None, timeout=WAIT_MS)
    dialog = window.findChild(OpeningFloatDialog)
    assert dialog is not None
    tap(qtbot, dialog, "noFloat")
    qtbot.waitUntil(lambda: gone(dialog), timeout=WAIT_MS)
    assert closures.x_reading(store.context).cash.float_cents == 0


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
    assert window.notice.text() == "Retrait enregistré : 50,00\u00a0€"


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
    calendar = dialog.start_date.calendarWidget()  # French on the French screen
    assert calendar.locale().language() is QLocale.Language.French
    assert dialog.start_date.locale().language() is QLocale.Language.French
    assert dialog.sizeHint().width() <= 1024 and dialog.sizeHint().height() <= 768
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
    assert z.z and z.counter.amount.text() == ""  # counted afresh, never prefilled
    assert window.closing_banner.isVisible()


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
