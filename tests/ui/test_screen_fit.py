"""The screens fit the till's screen: one scale from its height, the style sheet's sizes
grown by it, product tiles that fill their row and wrap sensibly, and the kiosk setting
that starts the till full-screen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store
from pos_app.domain.staff import StaffMember
from pos_app.ui.launch import TillStart, style_sheet
from pos_app.ui.ops import OperationRunner
from pos_app.ui.screen_fit import fit_screen, px, scale_for, scaled_style_sheet
from pos_app.ui.settings import SETTINGS_FILE, TillSettings
from pos_app.ui.settings_dialog import SettingsDialog
from pos_app.ui.tiles import NO_BREAK, TILE, tile_text
from tests.ui.conftest import WAIT_MS, open_sale_window


@pytest.fixture
def large_screen(app: QApplication) -> Iterator[float]:
    """The screens styled for a 1920×1080 screen, then for the test platform's again."""
    yield fit_screen(app, style_sheet(), QSize(1920, 1080))
    fit_screen(app, style_sheet())


def test_the_scale_follows_the_screens_height() -> None:
    assert scale_for(QSize(1024, 768)) == 1.0
    assert scale_for(QSize(1366, 768)) == 1.0
    assert scale_for(QSize(1920, 1080)) == pytest.approx(1.41)
    assert scale_for(QSize(800, 600)) == 1.0  # a finger's target never shrinks
    assert scale_for(QSize(3840, 2160)) == 2.0


def test_the_style_sheets_sizes_grow_and_its_lines_stay() -> None:
    sheet = "QWidget { font-size: 16px; }\nQPushButton { min-height: 48px; border: 1px solid"
    assert scaled_style_sheet(sheet, 1.4) == (
        "QWidget { font-size: 22px; }\nQPushButton { min-height: 67px; border: 1px solid")
    assert scaled_style_sheet(sheet, 1.0) == sheet


def test_a_large_screen_draws_larger_buttons_and_tiles(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember,
        large_screen: float) -> None:
    assert px(100) == round(100 * large_screen) == 141
    window = open_sale_window(qtbot, store, runner, cashier)
    window.resize(1920, 1080)
    tiles = window.catalogue.tiles
    qtbot.waitUntil(lambda: tiles.gridSize().width() >= px(TILE.width()), timeout=WAIT_MS)
    assert window.basket_panel.pay.height() >= px(64)
    assert window.catalogue.search.font().pixelSize() == round(16 * large_screen) == 23
    # The row is filled: less than one tile's gap left over on the right.
    room = tiles.viewport().width() - 2 * tiles.spacing()
    columns = room // tiles.gridSize().width()
    assert columns >= 4
    assert room - columns * tiles.gridSize().width() < px(TILE.width()) // 2


def test_a_short_word_never_starts_a_tiles_line() -> None:
    glued = NO_BREAK
    assert tile_text("Balade à poney – 1 h") == f"Balade{glued}à poney{glued}–{glued}1{glued}h"
    assert tile_text("Gaufre") == "Gaufre"


def test_the_kiosk_setting_starts_the_till_full_screen(
        qtbot: QtBot, store: Store, data_dir: Path,
        start_till: Callable[..., TillStart]) -> None:
    settings = TillSettings(data_dir / SETTINGS_FILE)
    assert not settings.kiosk  # a maximised window unless asked
    shift = start_till(store.context, settings)
    qtbot.waitUntil(shift.dialog.isVisible, timeout=WAIT_MS)
    assert shift.dialog.isMaximized() and not shift.dialog.isFullScreen()
    shift.dialog.reject()

    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    changes: list[tuple[str, str, str]] = []
    dialog.changed.connect(lambda *change: changes.append(change))
    kiosk_on = dialog.findChild(QPushButton, "kiosk_on")
    assert kiosk_on is not None
    kiosk_on.click()
    dialog.save.click()
    assert ("kiosk", "on", "off") in changes
    assert TillSettings(data_dir / SETTINGS_FILE).kiosk  # kept in caisse.ini
    kiosk = start_till(store.context, TillSettings(data_dir / SETTINGS_FILE))
    qtbot.waitUntil(kiosk.dialog.isVisible, timeout=WAIT_MS)
    assert kiosk.dialog.isFullScreen()
    kiosk.dialog.reject()


def test_a_kiosk_value_the_till_does_not_know_counts_as_off(data_dir: Path) -> None:
    (data_dir / SETTINGS_FILE).write_text("[screen]\nkiosk=maybe\n", encoding="utf-8")
    assert not TillSettings(data_dir / SETTINGS_FILE).kiosk
