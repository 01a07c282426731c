"""`caisse` with no sub-command opens the sign-in, then the sale window, on the store."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import open_store
from pos_app.cli import main
from pos_app.domain.journal import Chain
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.sign_in import SignInDialog


def visible(kind: type[QWidget]) -> QWidget | None:
    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, kind) and w.isVisible()), None)


def test_the_run_command_opens_the_till_window(qtbot: QtBot, data_dir: Path) -> None:
    seen: dict[str, str] = {}

    def when_visible(kind: type[QWidget], act: object) -> None:
        widget = visible(kind)
        if widget is None:
            QTimer.singleShot(20, lambda: when_visible(kind, act))
        else:
            act(widget)  # type: ignore[operator]

    def sign_in(dialog: SignInDialog) -> None:
        if not dialog.ok_button.isEnabled():  # the tills are still loading
            QTimer.singleShot(20, lambda: sign_in(dialog))
            return
        dialog.login.setText("caissier")
        dialog.secret.setText("1234")
        dialog.submit()
        when_visible(SaleWindow, close_sale_window)

    def give_up() -> None:  # a failure, not a hang
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, SignInDialog | SaleWindow) and widget.isVisible():
                widget.close() if isinstance(widget, SaleWindow) else widget.reject()

    def close_sale_window(window: SaleWindow) -> None:
        seen["title"] = window.windowTitle()
        seen["size"] = f"{window.width()}x{window.height()}"
        window.close()

    when_visible(SignInDialog, sign_in)
    QTimer.singleShot(20_000, give_up)
    assert main(["--data-dir", str(data_dir)]) == 0
    assert seen == {"title": "Caisse — Camille Caissière — Accueil · Caisse accueil",
                    "size": "1024x768"}
    store = open_store(data_dir)
    try:
        with store.context.uow(write=False) as uow:
            till = uow.tills.local()
            assert till is not None
            events = [json.loads(row[5])["event"]
                      for row in uow.journal.rows(till.id, Chain.EVENT)]
    finally:
        store.close()
    # The start is journaled on a worker while the sign-in screen shows: either may be
    # first; the stop comes last.
    assert sorted(events[-3:-1]) == ["sign_in", "start"] and events[-1] == "stop"
