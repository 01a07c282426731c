"""Run service calls off the UI thread and hand their result back on it.

Every database or device call of a screen goes through `OperationRunner.run`, so that
the screen never freezes; `changed` tells every screen that data changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from shiboken6 import isValid


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Operation(QRunnable):
    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()
        self.work = work
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as error:  # noqa: BLE001 - every failure goes back to the screen
            self.signals.failed.emit(error)
        else:
            self.signals.succeeded.emit(result)


class OperationRunner(QObject):
    changed = Signal()
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._running: set[_Operation] = set()
        self._serial: OperationRunner | None = None

    def serial(self) -> OperationRunner:
        """A lane of its own that runs one operation at a time, in the order asked: for
        actions whose order matters (a sale in progress: keeping its basket, taking a
        payment, validating it). It reports to this runner's `changed`, and `wait`
        waits for it too."""
        if self._serial is None:
            self._serial = OperationRunner(self, threads=1)
            self._serial.changed.connect(self.changed)
        return self._serial

    def run(self, owner: QObject, work: Callable[[], Any], on_success: Callable[[Any], None],
            on_failure: Callable[[Exception], None], changes_data: bool = False) -> None:
        """Run `work` on a worker thread; hand its result or error to `owner`'s callbacks,
        unless `owner` (a screen) was closed and deleted meanwhile."""
        operation = _Operation(work)
        operation.setAutoDelete(False)
        self._running.add(operation)
        self.busy_changed.emit(True)

        @Slot(object)
        def succeeded(result: Any) -> None:
            self._finish(operation)
            if isValid(owner):
                on_success(result)
            if changes_data:
                self.changed.emit()

        @Slot(object)
        def failed(error: Exception) -> None:
            self._finish(operation)
            if isValid(owner):
                on_failure(error)

        operation.signals.succeeded.connect(succeeded)
        operation.signals.failed.connect(failed)
        self._pool.start(operation)

    def _finish(self, operation: _Operation) -> None:
        self._running.discard(operation)
        self.busy_changed.emit(bool(self._running))

    @property
    def busy(self) -> bool:
        return bool(self._running) or (self._serial is not None and self._serial.busy)

    def wait(self, msecs: int = 10_000) -> bool:
        done = self._serial is None or self._serial.wait(msecs)
        return self._pool.waitForDone(msecs) and done


class LatestOnly:
    """Runs requests through the runner and hands on only the newest one's answer: a
    search typed earlier that finishes late never replaces a newer one's results."""

    def __init__(self, runner: OperationRunner, owner: QObject) -> None:
        self._runner, self._owner = runner, owner
        self._newest = 0

    def run(self, work: Callable[[], Any], on_success: Callable[[Any], None],
            on_failure: Callable[[Exception], None]) -> None:
        self._newest += 1
        request = self._newest

        def succeeded(result: Any) -> None:
            if request == self._newest:
                on_success(result)

        self._runner.run(self._owner, work, succeeded, on_failure)
