"""The window's sync thread: started once the sale screen shows, woken by every action
that changed data, stopped with the till."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from functools import partial
from typing import Any, cast

import pytest
from PySide6.QtCore import QObject, Slot
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store
from pos_app.domain.staff import StaffMember
from pos_app.services import sync
from pos_app.services.ports import SyncServer
from pos_app.services.sync import SendProgress, SyncPorts
from pos_app.services.sync_worker import SyncWorker
from pos_app.ui.launch import TillStart, create_application
from pos_app.ui.ops import OperationRunner
from pos_app.ui.sync_link import SyncBridge
from tests.sync.support import LocalServer, sell_ride
from tests.ui.conftest import open_sale_window

WAIT_MS = 20_000


@pytest.fixture
def runner() -> Iterator[OperationRunner]:
    create_application()
    ops = OperationRunner()
    yield ops
    ops.wait()


def test_the_window_starts_the_sync_thread_wakes_it_and_stops_it(
        qtbot: QtBot, store: Store, ports: SyncPorts, runner: OperationRunner,
        cashier: StaffMember, sync_server: LocalServer, till_name: str) -> None:
    ctx = store.context
    sync.enrol(ctx, ports, sync_server.url, sync_server.enrol_code(till_name), None, "0.1.0")
    start = TillStart(ctx, runner, sync=lambda: ports)
    try:
        start.start()
        dialog = start.dialog
        qtbot.waitUntil(lambda: bool(dialog.tills.buttons()), timeout=WAIT_MS)
        dialog.login.setText("caissier")
        dialog.secret.setText("1234")
        dialog.submit()
        qtbot.waitUntil(lambda: start.sync is not None and start.sync.rounds >= 1,
                        timeout=WAIT_MS)
        worker = start.sync
        assert worker is not None and worker.running
        done = worker.rounds
        # The sign-ins and the session opened went with the first round.
        held = sync_server.till(till_name)["records"]
        sell_ride(ctx, cashier)
        runner.changed.emit()  # what every screen action that changed data emits
        qtbot.waitUntil(lambda: worker.rounds > done, timeout=WAIT_MS)
        assert sync.sync_status(ctx).counts.waiting == 0
        assert sync_server.till(till_name)["records"] == held + 2  # the order, its payment
    finally:
        start.stop()
        if start.window is not None:
            start.window.close()
    assert not worker.running


class ThreadsSeen:
    """The server's port as the sync thread gets it, noting the thread of each request."""

    def __init__(self, server: SyncServer) -> None:
        self.server = server
        self.threads: list[threading.Thread] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.server, name)

        def request(*args: Any, **kwargs: Any) -> Any:
            self.threads.append(threading.current_thread())
            return method(*args, **kwargs)

        return request


class Heard(QObject):
    """A listener on the UI thread: what the sync thread's progress brought, and where."""

    def __init__(self) -> None:
        super().__init__()
        self.progress: list[SendProgress] = []
        self.on_ui_thread: list[bool] = []

    @Slot(object)
    def heard(self, progress: SendProgress) -> None:
        self.progress.append(progress)
        self.on_ui_thread.append(threading.current_thread() is threading.main_thread())


def test_synchroniser_maintenant_sends_on_the_sync_thread_and_shows_its_progress(
        qtbot: QtBot, store: Store, ports: SyncPorts, runner: OperationRunner,
        cashier: StaffMember, sync_server: LocalServer, till_name: str) -> None:
    """The sale screen says online; 260 sales (520 records, two batches) wait; the
    button on Caisse › Synchronisation starts a round at once (the next heartbeat is an
    hour away), its progress comes to the UI thread, every request goes from the sync
    thread, and the outcome is said."""
    ctx = store.context
    sync.enrol(ctx, ports, sync_server.url, sync_server.enrol_code(till_name), None, "0.1.0")
    seen = ThreadsSeen(ports.server)
    link = SyncBridge(ctx, lambda: SyncPorts(cast(SyncServer, seen), ports.tokens),
                      worker=partial(SyncWorker, heartbeat=timedelta(hours=1)))
    window = open_sale_window(qtbot, store, runner, cashier)
    window.attach_sync(link)
    worker = link.start().worker
    try:
        qtbot.waitUntil(lambda: worker.rounds == 1, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.sync_badge.summary == "En ligne", timeout=WAIT_MS)
        held = sync_server.till(till_name)["records"]  # the sign-in, the session
        for _sale in range(260):
            sell_ride(ctx, cashier)
        heard = Heard()
        link.progress.connect(heard.heard)
        dialog = window.open_sync_screen()
        qtbot.waitUntil(dialog.sync_now.isEnabled, timeout=WAIT_MS)
        dialog.sync_now.click()
        qtbot.waitUntil(lambda: dialog.outcome.text().startswith("Synchronisé à"),
                        timeout=WAIT_MS)
        assert "520 enregistrement(s) envoyé(s), 0 rejeté(s) ;" in dialog.outcome.text()
        assert dialog.outcome.property("error") is False
        assert worker.rounds == 2
        assert heard.progress == [SendProgress(0, 520), SendProgress(500, 520),
                                  SendProgress(520, 520)]
        assert all(heard.on_ui_thread)
        assert seen.threads and {thread.name for thread in seen.threads} == {"sync"}
        assert sync_server.till(till_name)["records"] == held + 520
        qtbot.waitUntil(lambda: window.sync_badge.summary == "En ligne", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: dialog.records.text().startswith("0 en attente"),
                        timeout=WAIT_MS)
    finally:
        assert link.stop()
        window.close()
