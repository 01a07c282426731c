"""The window's sync thread: started once the sale screen shows, woken by every action
that changed data, stopped with the till."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store
from pos_app.domain.staff import StaffMember
from pos_app.services import sync
from pos_app.services.sync import SyncPorts
from pos_app.ui.launch import TillStart, create_application
from pos_app.ui.ops import OperationRunner
from tests.sync.support import LocalServer, sell_ride

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
        sell_ride(ctx, cashier)
        runner.changed.emit()  # what every screen action that changed data emits
        qtbot.waitUntil(lambda: worker.rounds > done, timeout=WAIT_MS)
        status = sync.sync_status(ctx)
        assert status.counts.waiting == 0
        # The sign-ins and the session they opened are records too, with the sale's two.
        assert sync_server.till(till_name)["records"] == status.counts.sent == 5
    finally:
        start.stop()
        if start.window is not None:
            start.window.close()
    assert not worker.running
