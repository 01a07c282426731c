"""The Qt binding must not leak references: a till runs all day.

PySide6 6.12.0 dropped a reference to None on each call of a method returning nothing;
after a few thousand calls Python freed None and the till aborted ("none_dealloc"). The
pinned binding is checked here on the calls the screens make all the time.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QListWidget
from pytestqt.qtbot import QtBot

CALLS = 2_000


@pytest.mark.parametrize("name", ["processEvents", "addItem", "setText", "setEnabled",
                                  "clear", "setCurrentRow"])
def test_calls_returning_nothing_keep_none_alive(qtbot: QtBot, name: str) -> None:
    listing, label = QListWidget(), QLabel()
    qtbot.addWidget(listing)
    qtbot.addWidget(label)
    listing.addItem("x")
    call: Callable[[], object] = {
        "processEvents": QApplication.processEvents,
        "addItem": lambda: listing.addItem("x"),
        "setText": lambda: label.setText("14,00 €"),
        "setEnabled": lambda: label.setEnabled(True),
        "clear": listing.clear,
        "setCurrentRow": lambda: listing.setCurrentRow(0),
    }[name]
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        call()
    # A few references may be held meanwhile by Qt's objects; a leak loses one per call.
    assert sys.getrefcount(None) - before > -CALLS // 10
