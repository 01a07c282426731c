"""The keyboard-wedge scanner's settings on the devices screen: a manager sets its prefix,
suffix and longest gap; saved, they are in devices.ini and in the scanner at once (the
till's start hands them over, and again at each save); a key it cannot be is said."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store, open_devices
from pos_app.domain.devices import WEDGE_UNFINISHED, DeviceSettings, WedgeSettings
from pos_app.domain.staff import StaffMember
from pos_app.ui.device_link import DeviceLink
from pos_app.ui.devices_dialog import DevicesDialog
from pos_app.ui.launch import wire_scanner
from pos_app.ui.messages import device_problem_text
from pos_app.ui.ops import OperationRunner
from pos_app.ui.scanner import KeyboardScanner
from tests.ui.conftest import WAIT_MS


@pytest.fixture
def link(store: Store, runner: OperationRunner, data_dir: Path) -> Iterator[DeviceLink]:
    devices = open_devices(data_dir)
    devices.config.save(DeviceSettings(wedge=WedgeSettings("§", "ENTER", 70)))
    connected = DeviceLink(store.context, open_devices(data_dir), runner)
    connected.start()
    yield connected
    connected.stop()


def test_the_scanner_follows_the_saved_settings(
        qtbot: QtBot, app: QApplication, store: Store, runner: OperationRunner,
        manager: StaffMember, link: DeviceLink, data_dir: Path) -> None:
    scanner = KeyboardScanner(app, listening=False)
    try:
        wire_scanner(scanner, link)  # as the till's start does
        assert scanner.settings == WedgeSettings("§", "ENTER", 70)
        said: list[tuple[str, object]] = []
        link.problem.connect(lambda device, problem: said.append((device, problem)))
        scanner.problem.emit(WEDGE_UNFINISHED)
        assert said == [("keyboard", WEDGE_UNFINISHED)]
        assert device_problem_text("keyboard", WEDGE_UNFINISHED).startswith(
            "Lecteur clavier : un code commencé par son préfixe")

        dialog = DevicesDialog(store.context, runner, manager, link)
        qtbot.addWidget(dialog)
        assert (dialog.wedge_prefix.text(), dialog.wedge_suffix.text(),
                dialog.wedge_gap.value()) == ("§", "ENTER", 70)
        dialog.wedge_prefix.setText("F3")  # a shortcut of the sale screen
        dialog.save.click()
        assert dialog.error.text().startswith("Préfixe du lecteur clavier")
        dialog.wedge_prefix.setText("f9")
        dialog.wedge_suffix.setText("tab")
        dialog.wedge_gap.setValue(90)
        dialog.save.click()
        qtbot.waitUntil(lambda: dialog.error.text() == "Réglages enregistrés.",
                        timeout=WAIT_MS)
        saved, problems = open_devices(data_dir).config.load()
        assert saved.wedge == WedgeSettings("F9", "TAB", 90) and problems == []
        assert scanner.settings == saved.wedge  # in use at once
    finally:
        scanner.stop()
        scanner.deleteLater()
