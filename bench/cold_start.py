"""Cold start: a new process until the sale screen is ready to sell, vs a bare PySide6
window in a new process, interleaved in the same run.

"Ready" means, along the path `caisse` takes: its arguments read, the store opened
(schema checked), the sign-in screen shown with the till's state, the start journaled,
the cashier signed in (argon2id check included), the till opened, and the sale screen
painted with its catalogue tiles and its keyboard-wedge scanner listening. Each child
prints the system's monotonic clock when it is ready; the parent reads it against the
moment it started the process, so interpreter start-up counts on both sides and tearing
down does not.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.timing import Measure

# The children import only what their side needs (this module is their entry point):
# the bare window pays for nothing of the till's, nor of the benchmark's.

TARGET_RATIO = 2.0


def bare_window() -> None:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QLabel("Caisse"))
    window.resize(1024, 768)
    window.show()
    QTest.qWaitForWindowExposed(window)
    app.processEvents()
    print(time.monotonic())


def sale_screen(data_dir: Path) -> None:
    """The till's own start, as `caisse` runs it (its arguments read, the store opened,
    then ui.launch.begin_till), with staff who type instantly."""
    import gc

    from pos_app.bootstrap import open_devices
    from pos_app.cli import open_or_fail
    from pos_app.cli.parser import read_arguments

    arguments = read_arguments(["--data-dir", str(data_dir)])
    gc.disable()  # as caisse's main does for the window
    store = open_or_fail(arguments)
    assert not isinstance(store, int), "the store did not open"
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtTest import QTest

    from pos_app.ui.launch import begin_till

    app, start = begin_till(store.context, None, lambda: open_devices(data_dir))
    dialog = start.dialog
    dialog.login.setText("caissier")
    dialog.secret.setText("1234")
    loop = QEventLoop()

    def wait_until(ready: Callable[[], object]) -> None:
        while not ready():
            if dialog.error.text():
                raise SystemExit(f"sign-in failed: {dialog.error.text()}")
            QTimer.singleShot(1, loop.quit)
            loop.exec()

    wait_until(dialog.tills.buttons)  # the till and its state, shown
    dialog.submit()
    wait_until(lambda: start.window is not None and start.window.isVisible())
    window = start.window
    assert window is not None
    QTest.qWaitForWindowExposed(window)
    wait_until(window.catalogue.tiles.count)
    app.processEvents()
    print(time.monotonic())
    start.stop()
    store.close()


def run_child(mode: str, data_dir: Path) -> float:
    """Seconds from starting the child to its being ready (CLOCK_MONOTONIC is one clock
    for every process of the machine)."""
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "bench.cold_start", mode, str(data_dir)],
                          check=True, timeout=120, capture_output=True, text=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    return float(done.stdout.split()[-1]) - start


def measure(rounds: int) -> Measure:
    from bench.timing import Measure, Samples
    from pos_app.bootstrap import demo_document, open_store
    from pos_app.services import importing, setup

    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "till"
        store = open_store(data_dir)
        setup.initialise_till(store.context, "Caisse accueil", "2", "Accueil", "CD2-")
        importing.import_data(store.context, None, demo_document())
        store.close()
        ours: list[float] = []
        bare: list[float] = []
        run_child("ours", data_dir), run_child("bare", data_dir)  # warm the file caches
        for index in range(rounds):
            pair = [("ours", ours), ("bare", bare)]
            for mode, sink in pair if index % 2 else reversed(pair):
                sink.append(run_child(mode, data_dir))
    mine, base = Samples(ours), Samples(bare)
    ratio = mine.median_ms / base.median_ms
    return Measure("cold start to a ready sale screen (sign-in included)", mine, base,
                   "a bare PySide6 window, new process", f"≤ {TARGET_RATIO}×",
                   ratio <= TARGET_RATIO)


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        bare_window()
    else:
        sale_screen(Path(sys.argv[2]))
