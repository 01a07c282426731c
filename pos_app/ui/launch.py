"""Start the Qt application: sign in, then the sale window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialog

from pos_app.services.context import Context
from pos_app.ui.ops import OperationRunner
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.scanner import KeyboardScanner
from pos_app.ui.sign_in import SignInDialog

STYLE_SHEET = Path(__file__).resolve().parents[2] / "resources" / "style.qss"


def create_application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("caisse")
    if STYLE_SHEET.exists():
        app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
    return app


def run_window(ctx: Context) -> int:
    app = create_application()
    runner = OperationRunner()
    dialog = SignInDialog(ctx, runner)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.staff is None:
        return 0
    scanner = KeyboardScanner(app)
    window = SaleWindow(ctx, runner, dialog.staff, dialog.till)
    window.resize(1024, 768)
    window.show()
    try:
        return app.exec()
    finally:
        scanner.stop()
