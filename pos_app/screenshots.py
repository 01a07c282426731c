"""Regenerate docs/screenshots/*.png: `python3 dev.py screenshots` (runs under Xvfb).

Each screen is shown in a real window on the X server, filled with the demo venue, and
captured from the screen itself, as staff would see it.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from pos_app.bootstrap import demo_document, open_store
from pos_app.services import importing, setup
from pos_app.services.context import Context
from pos_app.services.staff import sign_in
from pos_app.ui.launch import create_application
from pos_app.ui.ops import OperationRunner
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.sign_in import SignInDialog

OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
SIZES = [(1024, 768), (1920, 1080)]


def settle(milliseconds: int = 400, until: Callable[[], bool] | None = None) -> None:
    """Let the event loop run (painting, finished operations) for a while."""
    for _ in range(50):
        loop = QEventLoop()
        QTimer.singleShot(milliseconds // 5, loop.quit)
        loop.exec()
        if until is None or until():
            break
    QCoreApplication.processEvents()


def capture(widget: QWidget, name: str) -> Path:
    screen = QGuiApplication.primaryScreen()
    pixmap = screen.grabWindow(widget.winId())
    if pixmap.isNull() or pixmap.width() == 0:  # offscreen platform: render the widget
        pixmap = widget.grab()
    path = OUTPUT / f"{name}.png"
    pixmap.save(str(path))
    return path


def shoot_sign_in(ctx: Context, runner: OperationRunner) -> Path:
    dialog = SignInDialog(ctx, runner)
    dialog.login.setText("caissier")
    dialog.show()
    settle()
    path = capture(dialog, "sign-in")
    dialog.close()
    return path


def shoot_sale(ctx: Context, runner: OperationRunner, size: tuple[int, int]) -> Path:
    window = SaleWindow(ctx, runner, sign_in(ctx, "caissier", "1234"))
    window.resize(*size)
    window.show()
    settle(until=lambda: window.results.count() > 0)
    window.search.setText("poney")
    settle(until=lambda: window.results.count() == 3)
    for row in (0, 0, 2):
        window.results.itemClicked.emit(window.results.item(row))
    settle()
    path = capture(window, f"sale-{size[0]}x{size[1]}")
    window.close()
    return path


def main() -> int:
    app = create_application()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder))
        setup.initialise_till(store.context, "Caisse accueil", "2", "Accueil", "CD2-")
        importing.import_data(store.context, None, demo_document())
        runner = OperationRunner()
        paths = [shoot_sign_in(store.context, runner)]
        paths += [shoot_sale(store.context, runner, size) for size in SIZES]
        runner.wait()
        store.close()
    for path in paths:
        print(path)
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
