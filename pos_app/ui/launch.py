"""Start the Qt application: sign in, then the sale window."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from pos_app.services.context import Context
from pos_app.ui.ops import OperationRunner
from pos_app.ui.scanner import KeyboardScanner
from pos_app.ui.sign_in import SignInDialog

if TYPE_CHECKING:
    from pos_app.ui.sale_window import SaleWindow

STYLE_SHEET = Path(__file__).resolve().parents[2] / "resources" / "style.qss"
WINDOW_SIZE = (1024, 768)


def create_application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("caisse")
    if STYLE_SHEET.exists():
        app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
    return app


class TillStart(QObject):
    """The sign-in screen first, then the sale screen.

    The sign-in screen shows as soon as the store is open; once it shows the tills, the
    sale screen's code and the money formats load while staff type their secret (and
    while it is checked, on a worker thread), so the sale screen follows the sign-in
    without a wait.
    """

    ready = Signal(object)  # the SaleWindow, shown
    finished = Signal()  # sign-in cancelled, or the sale window closed

    def __init__(self, ctx: Context, runner: OperationRunner) -> None:
        super().__init__()
        self.ctx, self.runner = ctx, runner
        self.dialog = SignInDialog(ctx, runner)
        self.window: SaleWindow | None = None
        self.dialog.accepted.connect(self._open_sale_window)
        self.dialog.rejected.connect(self.finished)

    def start(self) -> None:
        self.dialog.tills_shown.connect(lambda: QTimer.singleShot(0, preload_sale_screen))
        self.dialog.show()

    def _open_sale_window(self) -> None:
        from pos_app.ui.sale_window import SaleWindow

        assert self.dialog.staff is not None
        self.window = SaleWindow(self.ctx, self.runner, self.dialog.staff, self.dialog.till)
        self.window.closed.connect(self.finished)
        self.window.resize(*WINDOW_SIZE)
        self.window.show()
        self.ready.emit(self.window)


def preload_sale_screen() -> None:
    from pos_app.formatting import format_money
    from pos_app.ui import sale_window  # noqa: F401 - imported for later, while staff type

    format_money(0)  # loads the locale's currency formats


def run_window(ctx: Context) -> int:
    app = create_application()
    runner = OperationRunner()
    start = TillStart(ctx, runner)
    # The till ends when its sign-in is cancelled or its sale window closes, not when
    # some window happens to be the last one shown.
    quit_on_last = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)
    start.finished.connect(app.quit)
    scanner = KeyboardScanner(app)
    start.start()
    try:
        return app.exec()
    finally:
        scanner.stop()
        runner.wait()
        app.setQuitOnLastWindowClosed(quit_on_last)
