"""The screens' side of the sync thread (services/sync_worker.py): it starts the thread,
wakes it, and hands what it reports (each round's outcome, how far a long push went) to
the UI thread as Qt signals. Nothing here reaches the network: the thread does."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from pos_app.services.sync_worker import SyncWorker

if TYPE_CHECKING:
    from pos_app.services.context import Context
    from pos_app.services.sync import SendProgress, SyncPorts, SyncRun


class SyncBridge(QObject):
    # A round ended: its number (SyncWorker.begun) and its SyncRun, or None when the
    # till is not enrolled or the round failed unexpectedly.
    round_ended = Signal(int, object)
    progress = Signal(object)  # a SendProgress, during a push of more than one batch

    def __init__(self, ctx: Context, ports: Callable[[], SyncPorts],
                 worker: Callable[..., SyncWorker] = SyncWorker) -> None:
        """`worker` makes the sync thread (tests give it a shorter heartbeat)."""
        super().__init__()
        self.ctx = ctx
        # The listeners run on the sync thread: they only emit, and Qt queues each
        # signal to the UI thread, where the screens' slots run.
        self.worker = worker(ctx, ports, on_round=self._round_ended,
                             on_progress=self._progressed)

    def start(self) -> SyncBridge:
        self.worker.start()
        return self

    def stop(self) -> bool:
        return self.worker.stop()

    def wake(self) -> None:
        """Something was recorded (`OperationRunner.changed`)."""
        self.worker.wake()

    def sync_now(self) -> int:
        """The staff asked for a round now: the thread is woken at once (a backoff cut
        short, never a wait the server asked for). Returns the number of the round whose
        outcome answers them: one already under way began before they asked."""
        wanted = self.worker.begun + 1
        self.worker.wake(urgent=True)
        return wanted

    def _round_ended(self, run: SyncRun | None) -> None:
        self.round_ended.emit(self.worker.begun, run)

    def _progressed(self, progress: SendProgress) -> None:
        self.progress.emit(progress)
