"""The operations runner: work off the UI thread, results back on it, never to a dead screen."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread
from pytestqt.qtbot import QtBot

from pos_app.ui.ops import LatestOnly, OperationRunner


def test_work_runs_off_the_ui_thread_and_the_result_comes_back_on_it(qtbot: QtBot) -> None:
    runner = OperationRunner()
    owner = QObject()
    seen: dict[str, object] = {}

    def work() -> str:
        seen["worker"] = threading.current_thread()
        return "fait"

    def done(result: str) -> None:
        seen["result"] = result
        seen["on_ui_thread"] = QThread.currentThread() is owner.thread()

    with qtbot.waitSignal(runner.changed, timeout=5000):
        runner.run(owner, work, done, lambda error: None, changes_data=True)
    assert seen["result"] == "fait" and seen["on_ui_thread"] is True
    assert seen["worker"] is not threading.main_thread()


def test_errors_come_back_as_exceptions(qtbot: QtBot) -> None:
    runner = OperationRunner()
    owner = QObject()
    errors: list[Exception] = []
    runner.run(owner, lambda: 1 / 0, lambda result: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ZeroDivisionError)


def test_a_deleted_screen_gets_no_callback(qtbot: QtBot) -> None:
    runner = OperationRunner()
    owner = QObject()
    release = threading.Event()
    called: list[object] = []
    runner.run(owner, release.wait, called.append, called.append)
    owner.deleteLater()
    qtbot.wait(50)  # the deletion happens in the event loop
    release.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert called == []


def test_only_the_newest_answer_is_handed_on(qtbot: QtBot) -> None:
    """A search typed earlier that finishes late never replaces a newer one's results."""
    runner = OperationRunner()
    owner = QObject()
    latest = LatestOnly(runner, owner)
    release_old = threading.Event()
    shown: list[str] = []

    def old_search() -> str:
        release_old.wait(5)
        return "po"

    latest.run(old_search, shown.append, lambda error: None)
    with qtbot.waitSignal(runner.busy_changed, timeout=5000):
        latest.run(lambda: "poney", shown.append, lambda error: None)
        release_old.set()
    assert runner.wait(5000)
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert shown == ["poney"]
