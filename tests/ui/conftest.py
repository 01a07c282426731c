"""Screens driven offscreen with pytest-qt, on a real store copied from the demo template."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from pos_app.bootstrap import Store
from pos_app.domain.staff import StaffMember
from pos_app.services.context import Context
from pos_app.services.staff import open_till, till_statuses
from pos_app.ui.launch import TillStart, create_application
from pos_app.ui.ops import OperationRunner
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.scanner import KeyboardScanner
from pos_app.ui.settings import TillSettings

# A bound, not a delay: waits end as soon as their condition holds. A loaded 2-core
# machine has taken more than 5 s for a screen's first action.
WAIT_MS = 15_000


@pytest.fixture
def app() -> QApplication:
    return create_application()


@pytest.fixture
def runner(app: QApplication) -> Iterator[OperationRunner]:
    ops = OperationRunner()
    yield ops
    ops.wait()


@pytest.fixture
def start_till(runner: OperationRunner) -> Iterator[Callable[..., TillStart]]:
    """Starts a shift (sign-in, then sale screens) as the till does, and stops it after
    the test: its scanner, once a sale screen showed, would go on watching the keys."""
    started: list[TillStart] = []

    def start(ctx: Context, settings: TillSettings | None = None) -> TillStart:
        shift = TillStart(ctx, runner, settings)
        shift.start()
        started.append(shift)
        return shift

    yield start
    for shift in started:
        shift.stop()
        # Its screens go too: a later test looks for the sign-in screen or the sale window
        # showing, and would find these (their dialogs go with them).
        for screen in (shift.dialog, shift.window, shift.station):
            take_down(screen)


def gone(widget: QWidget) -> bool:
    """Closed: hidden, or already deleted (a dialog opened by `show_dialog` is deleted once
    closed, maybe before a wait looks at it again)."""
    return not isValid(widget) or not widget.isVisible()


def take_down(screen: QWidget | None) -> None:
    """A screen gone after its test, with the dialogs it opened (hiding a window leaves
    them showing, and one modal would stand over the next test's screens)."""
    if screen is None or not isValid(screen):
        return
    for dialog in screen.findChildren(QDialog):
        if dialog.isVisible():
            dialog.done(0)
    screen.hide()
    screen.deleteLater()


@pytest.fixture
def scanner(app: QApplication) -> Iterator[KeyboardScanner]:
    reader = KeyboardScanner(app)
    yield reader
    reader.stop()
    reader.deleteLater()


def open_sale_window(qtbot: QtBot, store: Store, runner: OperationRunner,
                     staff: StaffMember) -> SaleWindow:
    # The float a sign-in that opens the till asks for is tested on its own
    # (test_closure_screens.py): here the screen comes as on a till already open.
    till = replace(open_till(store.context, staff, till_statuses(store.context)[0].till.id),
                   opened=False)
    window = SaleWindow(store.context, runner, staff, till)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    qtbot.waitUntil(lambda: window.catalogue.tiles.count() > 0, timeout=WAIT_MS)
    return window


@pytest.fixture
def window(qtbot: QtBot, store: Store, runner: OperationRunner,
           cashier: StaffMember) -> SaleWindow:
    return open_sale_window(qtbot, store, runner, cashier)


def give_focus(qtbot: QtBot, widget: QWidget) -> None:
    """Put the focus where a cashier's tap would: keys, and a wedge scanner's, go there."""
    widget.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=WAIT_MS)
