"""The till by touch alone: text typed on the on-screen keyboard, the sign-in by tiles and
the PIN pad, the menus closed by their buttons; taps only, never a key event for text."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolTip,
    QWidget,
)
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store
from pos_app.domain.journal import Chain
from pos_app.domain.order import OrderStatus
from pos_app.domain.staff import Role, StaffMember
from pos_app.services import orders
from pos_app.ui.keyboard import KeyboardPanel, TouchKeyboard
from pos_app.ui.launch import TillStart
from pos_app.ui.ops import OperationRunner
from pos_app.ui.refund_dialog import RefundDialog
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.scanner import KeyboardScanner
from pos_app.ui.settings import TillSettings
from pos_app.ui.till_menu import TillMenu
from tests.ui.conftest import WAIT_MS, gone, open_sale_window, take_down

LEFT = Qt.MouseButton.LeftButton
SCREEN = (1024, 768)


@pytest.fixture
def keyboard(app: QApplication) -> Iterator[TouchKeyboard]:
    typing = TouchKeyboard(app)
    yield typing
    typing.stop()
    typing.deleteLater()


def tap(qtbot: QtBot, widget: QWidget) -> None:
    """A finger on the widget, once it shows and can be used."""
    qtbot.waitUntil(lambda: widget.isVisible() and widget.isEnabled(), timeout=WAIT_MS)
    qtbot.mouseClick(widget, LEFT)


def tap_field(qtbot: QtBot, keyboard: TouchKeyboard, field: QWidget) -> KeyboardPanel:
    """A tap in a text field: it gets the focus, and the keyboard shows under the finger's
    reach, never over the field."""
    field.window().activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is field.window(), timeout=WAIT_MS)
    target = field.viewport() if hasattr(field, "viewport") else field
    qtbot.mouseClick(target, LEFT)
    qtbot.waitUntil(lambda: keyboard.panel is not None and keyboard.field is field,
                    timeout=WAIT_MS)
    panel = keyboard.panel
    assert panel is not None and panel.field is field
    assert field.hasFocus()
    covered = QRect(panel.mapToGlobal(panel.rect().topLeft()), panel.size())
    assert not covered.intersects(QRect(field.mapToGlobal(field.rect().topLeft()),
                                        field.size()))
    return panel


def key(panel: KeyboardPanel, name: str) -> QPushButton:
    found = [button for button in panel.findChildren(QPushButton, f"touchKey_{name}")
             if button.isVisible()]
    assert found, name
    return found[0]


def type_on(qtbot: QtBot, panel: KeyboardPanel, keys: list[str]) -> None:
    for name in keys:
        tap(qtbot, key(panel, name))


def on_screen(widget: QWidget) -> bool:
    """The widget shows whole within its window, itself within a 1024×768 screen (the
    keyboard's window within the test's screen, 800 px wide), and is tall enough for a
    finger."""
    window = widget.window()
    if isinstance(window, KeyboardPanel):
        screen = widget.screen().geometry()
    else:
        screen = QRect(window.mapToGlobal(window.rect().topLeft()), window.size())
        if window.width() > SCREEN[0] or window.height() > SCREEN[1]:
            return False
    shown = QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())
    return widget.isVisible() and screen.contains(shown) and widget.height() >= 44


def test_a_search_is_typed_on_the_keyboard_with_an_accent(
        qtbot: QtBot, window: SaleWindow, keyboard: TouchKeyboard) -> None:
    search = window.catalogue.search
    panel = tap_field(qtbot, keyboard, search)
    assert all(on_screen(button) for button in panel.findChildren(QPushButton)
               if button.isVisible())
    tap(qtbot, key(panel, "accents"))  # the accented letters, in place of the digits
    type_on(qtbot, panel, ["c", "a", "f", "é"])
    assert search.text() == "café"
    qtbot.waitUntil(lambda: not window.catalogue.search_pending and not window.runner.busy
                    and window.catalogue.tiles.count() >= 1, timeout=WAIT_MS)
    tiles = window.catalogue.tiles
    assert [tiles.product_at(row).id for row in range(tiles.count())] == ["cafe"]
    type_on(qtbot, panel, ["erase", "erase", "erase", "erase"])
    assert search.text() == ""
    tap(qtbot, key(panel, "hide"))
    assert keyboard.panel is None
    qtbot.waitUntil(search.hasFocus, timeout=WAIT_MS)  # the focus stayed in the field


def test_a_cancellation_reason_is_typed_on_the_keyboard(
        qtbot: QtBot, store: Store, runner: OperationRunner, manager: StaffMember,
        keyboard: TouchKeyboard) -> None:
    from tests.ui.test_till_screen import method, search_and_tap, wait_for_methods

    window = open_sale_window(qtbot, store, runner, manager)
    search_and_tap(qtbot, window, "gaufre", "gaufre")
    paying = window.pay()
    assert paying is not None
    wait_for_methods(qtbot, paying)
    tap(qtbot, method(paying, "CB"))
    qtbot.waitUntil(lambda: paying.pages.currentIndex() == 1, timeout=WAIT_MS)
    tap(qtbot, paying.findChild(QPushButton, "nextSale"))

    finding = window.find_orders()
    panel = tap_field(qtbot, keyboard, finding.search)
    type_on(qtbot, panel, ["shift", "c", "shift", "d", "2", "-", "0", "0", "0", "0", "0", "1"])
    assert finding.search.text() == "CD2-000001"
    qtbot.waitUntil(lambda: finding.results.count() == 1, timeout=WAIT_MS)
    tap(qtbot, finding.open_button)
    viewing = finding.opened
    assert viewing is not None
    tap(qtbot, viewing.cancel_order)
    cancelling = viewing.opened
    assert isinstance(cancelling, RefundDialog)
    assert not cancelling.confirm.isEnabled()
    panel = tap_field(qtbot, keyboard, cancelling.reason)
    type_on(qtbot, panel, ["shift", "e", "r", "r", "e", "u", "r", "space", "r", "accents",
                           "é", "p", "é", "t", "é", "e"])
    assert cancelling.reason.text() == "Erreur répétée"
    tap(qtbot, key(panel, "enter"))
    assert keyboard.panel is None
    tap(qtbot, cancelling.confirm)
    qtbot.waitUntil(lambda: cancelling.pages.currentIndex() == 1, timeout=WAIT_MS)
    stored = orders.get_order(store.context, "CD2-000001").order
    assert stored.status is OrderStatus.CANCELLED
    assert stored.cancellation is not None
    assert stored.cancellation.reason == "Erreur répétée"


def test_the_keyboard_goes_with_the_dialog_it_types_into(
        qtbot: QtBot, window: SaleWindow, keyboard: TouchKeyboard) -> None:
    finding = window.find_customer()
    panel = tap_field(qtbot, keyboard, finding.search)
    type_on(qtbot, panel, ["d", "u"])
    assert finding.search.text() == "du"
    tap(qtbot, key(panel, "hide"))
    qtbot.mouseClick(finding, LEFT)  # a tap beside the field: no keyboard
    assert keyboard.panel is None
    panel = tap_field(qtbot, keyboard, finding.search)
    finding.reject()  # closed while the focus is still in its field
    assert not panel.isVisible() and keyboard.panel is None


def test_fields_with_their_own_keypad_get_no_keyboard(
        qtbot: QtBot, window: SaleWindow, keyboard: TouchKeyboard) -> None:
    from tests.ui.test_till_screen import search_and_tap, wait_for_methods

    search_and_tap(qtbot, window, "cafe", "cafe")
    paying = window.pay()
    assert paying is not None
    wait_for_methods(qtbot, paying)
    paying.activateWindow()
    qtbot.mouseClick(paying.amount, LEFT)
    qtbot.waitUntil(paying.amount.hasFocus, timeout=WAIT_MS)
    assert keyboard.panel is None


@pytest.fixture
def sign_in_screen(qtbot: QtBot, store: Store, start_till: Callable[..., TillStart],
                   ) -> Iterator[Callable[..., TillStart]]:
    """A till's start at its sign-in screen, the staff tiles shown; its screens are gone
    after the test (a later test looks for the one showing)."""
    shifts: list[TillStart] = []

    def show(settings: TillSettings | None = None) -> TillStart:
        shift = start_till(store.context, settings)
        shifts.append(shift)
        dialog = shift.dialog
        dialog.showNormal()  # shown maximised: on the 1024×768 screen the test stands for
        dialog.resize(*SCREEN)
        qtbot.waitUntil(lambda: bool(dialog.staff_tiles.buttons()), timeout=WAIT_MS)
        return shift

    yield show
    for shift in shifts:
        for screen in (shift.dialog, shift.window):
            take_down(screen)


def test_signing_in_by_tapping_a_tile_and_the_pin(
        qtbot: QtBot, store: Store, sign_in_screen: Callable[..., TillStart]) -> None:
    shift = sign_in_screen()
    dialog = shift.dialog
    names = {button.objectName(): button.text() for button in dialog.staff_tiles.buttons()}
    assert names["staff_caissier"].endswith("\nCaisse")
    assert names["staff_gerant"].endswith("\nResponsable")
    buttons = [*dialog.staff_tiles.buttons(), *dialog.tills.buttons(), dialog.ok_button,
               dialog.quit_button, *dialog.keypad.findChildren(QPushButton)]
    # Once laid out: the tiles come with the tills' query, after the screen shows.
    qtbot.waitUntil(lambda: all(on_screen(button) for button in buttons), timeout=WAIT_MS)
    till = dialog.tills.buttons()[0]
    assert till.width() >= till.fontMetrics().horizontalAdvance(till.text().split("\n")[0])
    tap(qtbot, dialog.findChild(QPushButton, "staff_caissier"))
    assert dialog.login.text() == "caissier" and dialog.secret.hasFocus()
    for digit in "1234":
        tap(qtbot, dialog.keypad.findChild(QPushButton, f"key_{digit}"))
    assert dialog.secret.text() == "1234"
    with qtbot.waitSignal(shift.ready, timeout=WAIT_MS):
        tap(qtbot, dialog.ok_button)
    assert shift.window is not None and shift.window.staff.login == "caissier"


def test_the_identifier_is_typed_on_the_keyboard_for_a_long_staff_list(
        qtbot: QtBot, store: Store, sign_in_screen: Callable[..., TillStart]) -> None:
    shift = sign_in_screen()
    dialog = shift.dialog
    assert shift.keyboard is not None
    panel = tap_field(qtbot, shift.keyboard, dialog.login)
    type_on(qtbot, panel, list("gerant"))
    tap(qtbot, key(panel, "enter"))  # on to the secret, with its own pad
    assert dialog.login.text() == "gerant" and dialog.secret.hasFocus()
    assert shift.keyboard.panel is None


def test_the_keyboard_is_off_when_the_settings_say_so(
        qtbot: QtBot, store: Store, sign_in_screen: Callable[..., TillStart]) -> None:
    settings = TillSettings(store.data_dir / "caisse.ini")
    assert settings.touch_keyboard  # on unless turned off
    settings.touch_keyboard = False
    assert not TillSettings(settings.path).touch_keyboard
    shift = sign_in_screen(settings)
    assert shift.keyboard is None
    dialog = shift.dialog
    dialog.activateWindow()
    qtbot.mouseClick(dialog.login, LEFT)
    qtbot.waitUntil(dialog.login.hasFocus, timeout=WAIT_MS)
    assert not [panel for panel in dialog.findChildren(KeyboardPanel) if panel.isVisible()]


def test_escape_on_the_sign_in_screen_does_not_quit(
        qtbot: QtBot, store: Store, sign_in_screen: Callable[..., TillStart]) -> None:
    shift = sign_in_screen()
    dialog = shift.dialog
    quits: list[bool] = []
    shift.finished.connect(lambda: quits.append(True))
    for target in (dialog, dialog.login, dialog.secret):
        QApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape,
                                                 Qt.KeyboardModifier.NoModifier))
    assert dialog.isVisible() and not quits
    tap(qtbot, dialog.quit_button)  # quitting takes its button, then a confirmation
    assert dialog.isVisible() and not quits
    qtbot.waitUntil(lambda: on_screen(dialog.confirm_quit), timeout=WAIT_MS)
    tap(qtbot, dialog.keep_on)
    assert dialog.quit_button.isVisible() and not quits
    tap(qtbot, dialog.quit_button)
    tap(qtbot, dialog.confirm_quit)
    assert quits == [True]


def test_the_till_menu_closes_with_its_button(qtbot: QtBot, window: SaleWindow) -> None:
    menu = window.open_till_menu()
    assert isinstance(menu, TillMenu)
    close = menu.findChild(QAbstractButton, "menu_close")
    assert close is not None
    qtbot.waitUntil(menu.isVisible, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: on_screen(close), timeout=WAIT_MS)
    chosen: list[str] = []
    menu.chosen.connect(chosen.append)
    tap(qtbot, close)
    qtbot.waitUntil(lambda: gone(menu), timeout=WAIT_MS)
    assert chosen == []


def test_a_fast_pin_is_a_pin_not_a_scan_and_never_shown(
        qtbot: QtBot, store: Store, sign_in_screen: Callable[..., TillStart],
        scanner: KeyboardScanner) -> None:
    """After a sign-out the scanner listens while the sign-in screen shows: a PIN typed
    as fast as a scanner types its code stays a PIN."""
    shift = sign_in_screen()
    dialog = shift.dialog
    dropped: list[object] = []
    scanner.dropped.connect(lambda scan, _window: dropped.append(scan))
    dialog.login.setText("caissier")
    dialog.activateWindow()
    dialog.secret.setFocus()
    qtbot.waitUntil(dialog.secret.hasFocus, timeout=WAIT_MS)
    qtbot.keyClicks(dialog.secret, "1234")  # no delay between keys: a burst
    assert dialog.secret.text() == "1234"
    with qtbot.waitSignal(shift.ready, timeout=WAIT_MS):
        qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    assert dropped == []
    assert "1234" not in QToolTip.text()


def test_a_burst_in_a_secret_field_elsewhere_is_typed_not_scanned(
        qtbot: QtBot, scanner: KeyboardScanner) -> None:
    field = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
    qtbot.addWidget(field)
    field.show()
    field.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=WAIT_MS)
    dropped: list[object] = []
    scanner.dropped.connect(lambda scan, _window: dropped.append(scan))
    qtbot.keyClicks(field, "37601234")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.text() == "37601234" and dropped == []
    assert "37601234" not in QToolTip.text()


def test_the_keyboard_turned_off_in_settings_is_gone_at_the_next_sign_in(
        qtbot: QtBot, store: Store, sign_in_screen: Callable[..., TillStart]) -> None:
    settings = TillSettings(store.data_dir / "caisse.ini")
    shift = sign_in_screen(settings)
    first = shift.dialog
    assert shift.keyboard is not None
    tap(qtbot, first.findChild(QPushButton, "staff_gerant"))
    for digit in "4321":
        tap(qtbot, first.keypad.findChild(QPushButton, f"key_{digit}"))
    with qtbot.waitSignal(shift.ready, timeout=WAIT_MS):
        tap(qtbot, first.ok_button)
    window = shift.window
    assert window is not None
    chooser = window.open_settings()
    assert chooser is not None
    off = chooser.findChild(QPushButton, "keyboard_off")
    assert off is not None and not off.isChecked()
    qtbot.waitUntil(lambda: on_screen(off), timeout=WAIT_MS)
    tap(qtbot, off)
    tap(qtbot, chooser.save)
    assert chooser.outcome.text().startswith("Enregistré")
    assert not TillSettings(settings.path).touch_keyboard

    def journaled() -> bool:
        with store.context.uow(write=False) as uow:
            till = uow.tills.local()
            assert till is not None
            bodies = [row[5] for row in uow.journal.rows(till.id, Chain.EVENT)]
        return any('"setting":"touch_keyboard"' in body for body in bodies)

    qtbot.waitUntil(journaled, timeout=WAIT_MS)
    chooser.accept()
    window.request_sign_out()
    qtbot.waitUntil(lambda: shift.dialog is not first, timeout=WAIT_MS)
    assert shift.keyboard is None


def test_a_long_name_is_shortened_on_its_tile_never_cut(qtbot: QtBot, store: Store,
                                                        sign_in_screen: Callable[..., TillStart],
                                                        ) -> None:
    long_name = "Marie-Bernadette de La Tour-Saint-Ygest"
    with store.context.uow() as uow:
        uow.staff.save(StaffMember("staff:marie", "marie", long_name, Role.CASHIER),
                       store.context.hasher.hash("5555"))
        uow.commit()
    shift = sign_in_screen()
    tile = shift.dialog.findChild(QPushButton, "staff_marie")
    assert tile is not None and tile.toolTip() == long_name
    shown_name = tile.text().split("\n")[0]
    assert shown_name.endswith("…") and long_name.startswith(shown_name[:-1])
    assert all(tile.width() >= tile.fontMetrics().horizontalAdvance(line)
               for line in tile.text().split("\n"))
    qtbot.waitUntil(lambda: on_screen(tile), timeout=WAIT_MS)


def test_a_text_area_is_typed_into_too(qtbot: QtBot, keyboard: TouchKeyboard) -> None:
    note = QPlainTextEdit()
    qtbot.addWidget(note)
    note.resize(400, 120)
    note.show()
    panel = tap_field(qtbot, keyboard, note)
    type_on(qtbot, panel, ["o", "k", "enter", "accents", "ç", "a", "erase"])
    assert note.toPlainText() == "ok\nç"
    assert keyboard.panel is panel  # Entrée is a new line here, the keyboard stays
