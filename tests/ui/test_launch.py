"""`caisse` with no sub-command opens the sign-in, then the sale window, on the store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store, open_store
from pos_app.cli import main
from pos_app.domain.journal import Chain
from pos_app.domain.staff import StaffMember
from pos_app.services.context import Context
from pos_app.ui import launch
from pos_app.ui.ops import OperationRunner
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.sign_in import SignInDialog
from tests.ui.conftest import WAIT_MS, open_sale_window


def visible(kind: type[QWidget]) -> QWidget | None:
    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, kind) and w.isVisible()), None)


def bound(msecs: int, act: Callable[[], object]) -> QTimer:
    timer = QTimer(singleShot=True, interval=msecs)
    timer.timeout.connect(act)
    timer.start()
    return timer


def test_the_run_command_opens_the_till_window(qtbot: QtBot, data_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, str] = {}
    record_start = launch._record_start

    def slow_start(ctx: Context) -> None:  # a slow disk: the sign-in is checked first
        time.sleep(0.3)
        record_start(ctx)

    monkeypatch.setattr(launch, "_record_start", slow_start)

    def when_visible(kind: type[QWidget], act: object) -> None:
        widget = visible(kind)
        if widget is None:
            QTimer.singleShot(20, lambda: when_visible(kind, act))
        else:
            act(widget)  # type: ignore[operator]

    def sign_in(dialog: SignInDialog) -> None:
        if not dialog.ok_button.isEnabled():  # the tills are still loading
            QTimer.singleShot(1, lambda: sign_in(dialog))
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
        seen["shown"] = "maximised" if window.isMaximized() else "normal"
        window.close()

    when_visible(SignInDialog, sign_in)
    # Bounds, stopped once the till returns: left pending, they would fire seconds later
    # in whichever test runs then, closing its sale window under it.
    bounds = [bound(20_000, give_up), bound(25_000, QApplication.quit)]  # never a hang
    try:
        assert main(["--data-dir", str(data_dir)]) == 0
    finally:
        for timer in bounds:
            timer.stop()
    assert seen == {"title": "Caisse — Camille Caissière — Accueil · Caisse accueil",
                    "shown": "maximised"}
    store = open_store(data_dir)
    try:
        with store.context.uow(write=False) as uow:
            till = uow.tills.local()
            assert till is not None
            events = [json.loads(row[5])["event"]
                      for row in uow.journal.rows(till.id, Chain.EVENT)]
    finally:
        store.close()
    # The start is journaled on a worker while the sign-in screen shows, and the
    # sign-in, checked meanwhile on the other, waits for it to be written first; the
    # sign-in opens the closed till.
    assert events[-4:] == ["start", "sign_in", "session_opened", "stop"]


def test_the_sign_in_screen_does_not_wait_for_what_only_the_sale_screen_needs() -> None:
    """Making the `Qt` namespace's enums takes about 16 ms and the command line's services
    tens more: the sign-in screen's modules load neither, nor the sale screen's or the
    scanner's, which come while staff type (the cold start in bench/)."""
    probe = ("import sys, PySide6.QtCore as core, pos_app.cli, pos_app.ui.launch;"
             "print('Qt' in vars(core), 'pos_app.cli.commands' in sys.modules,"
             " 'pos_app.ui.sale_window' in sys.modules, 'pos_app.ui.scanner' in sys.modules)")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True, timeout=60).stdout.split()
    assert loaded == ["False", "False", "False", "False"]


SALE_SCREEN_PROBE = """
import sys, time
from pathlib import Path
import PySide6.QtCore as core
from pos_app.bootstrap import open_store
from pos_app.ui import held_baskets, sale_window
from pos_app.ui.launch import begin_till

# What comes just after the screen shows (the dialogs' modules, the clock check, the
# baskets on hold counted) is left out: on a loaded machine the first paint may take
# longer than that delay.
sale_window.DIALOGS_AFTER_MS = held_baskets.COUNT_AFTER_MS = 600_000

def until(ready):
    while not ready():
        app.processEvents()
        time.sleep(0.002)

store = open_store(Path(sys.argv[1]))
# The till open already: opening it asks for the float, a dialog of its own.
from pos_app.services.staff import open_till, sign_in, till_statuses
open_till(store.context, sign_in(store.context, "caissier", "1234"),
          till_statuses(store.context)[0].till.id)
app, start = begin_till(store.context)
start.dialog.login.setText("caissier")
start.dialog.secret.setText("1234")
until(start.dialog.tills.buttons)
start.dialog.submit()
until(lambda: start.window is not None and start.window.isVisible()
      and start.window.catalogue.tiles.count() > 0)
start.window.grab()  # painted, tiles and all
print('Qt' in vars(core), *sorted(name for name in sys.modules
                                   if name.startswith(("pos_app.domain.order",
                                                       "pos_app.domain.customer",
                                                       "pos_app.services.selling"))))
start.stop()
store.close()
"""


def test_the_sale_screen_shows_without_what_only_a_sale_needs(data_dir: Path) -> None:
    """From the start to the sale screen painted with its tiles, the till makes none of
    the `Qt` namespace's enums (about 16 ms), nor loads the orders', customers' or
    selling code: they come with the first sale, search or dialog (the cold start in
    bench/). (The ports' records and orjson come with the sign-in, which is sent to the
    server: `prepare_sign_in` loads the first while staff type.)"""
    loaded = subprocess.run([sys.executable, "-c", SALE_SCREEN_PROBE, str(data_dir)],
                            capture_output=True, text=True, check=True, timeout=60,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}).stdout.split()
    assert loaded == ["False"]


def test_a_sale_window_closing_takes_its_dialogs_with_it(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember) -> None:
    """The opening float's dialog, which no tap dismisses, goes with the sale window: no
    dialog stays modal over whatever shows next."""
    window = open_sale_window(qtbot, store, runner, cashier)
    asked = window.ask_float()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is asked, timeout=WAIT_MS)
    window.close()
    assert not asked.isVisible()
    assert QApplication.activeModalWidget() is None
