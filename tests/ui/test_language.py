"""French first, English from the Qt Linguist files; the language is a till setting."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from pos_app.bootstrap import Store
from pos_app.domain.errors import UnknownBarcode
from pos_app.domain.journal import Chain
from pos_app.domain.staff import StaffMember
from pos_app.ui.language import (
    TRANSLATIONS,
    apply_language,
    lrelease_command,
    lupdate_command,
    translation_file,
)
from pos_app.ui.launch import TillStart
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.settings import SETTINGS_FILE, SettingsNotSaved, TillSettings
from tests.ui.conftest import WAIT_MS

SLOW_MS = 3 * WAIT_MS  # a signed journal entry on a loaded machine

ENGLISH = TRANSLATIONS / "caisse_en.ts"
PLACEHOLDER = re.compile(r"{\w+}")


@pytest.fixture
def in_french(app: QApplication) -> Iterator[None]:
    yield
    apply_language("fr")


def test_every_screen_text_has_its_english_translation(tmp_path: Path) -> None:
    """lupdate over the code finds nothing new and nothing unfinished: the .ts is current."""
    copy = tmp_path / ENGLISH.name
    shutil.copy(ENGLISH, copy)
    subprocess.run(lupdate_command(copy), check=True, capture_output=True, timeout=60)
    assert copy.read_text(encoding="utf-8") == ENGLISH.read_text(encoding="utf-8")
    messages = list(ET.parse(copy).iter("message"))
    assert len(messages) > 100
    for message in messages:
        source, translation = message.find("source"), message.find("translation")
        assert source is not None and translation is not None
        assert translation.get("type") is None and translation.text, source.text
        # A translation keeps every value the code fills in.
        assert (sorted(PLACEHOLDER.findall(source.text or ""))
                == sorted(PLACEHOLDER.findall(translation.text))), source.text


def test_the_compiled_translation_is_current(tmp_path: Path) -> None:
    compiled = tmp_path / "caisse_en.qm"
    subprocess.run(lrelease_command(ENGLISH, compiled), check=True, capture_output=True,
                   timeout=60)
    assert compiled.read_bytes() == translation_file("en").read_bytes(), (
        "run `python3 dev.py translations`")


def test_screens_and_messages_in_english(qtbot: QtBot, store: Store, runner: OperationRunner,
                                         cashier: StaffMember, in_french: None) -> None:
    assert apply_language("en") == "en"
    window = SaleWindow(store.context, runner, cashier)
    qtbot.addWidget(window)
    assert window.basket_panel.pay.text() == "Pay"
    assert window.basket_panel.total.text() == "Total: 0,00\xa0€"  # amounts stay French
    assert error_message(UnknownBarcode("3760000000000")) == "Unknown barcode: 3760000000000"
    assert apply_language("fr") == "fr"
    assert error_message(UnknownBarcode("376")) == "Code-barres inconnu : 376"


def test_an_unknown_language_leaves_the_screens_in_french(in_french: None) -> None:
    assert apply_language("tlh") == "fr"


def test_a_damaged_settings_file_loses_nothing_and_means_french(tmp_path: Path,
                                                                app: QApplication) -> None:
    path = tmp_path / SETTINGS_FILE
    damaged = b"[screen]\nlanguage=\x00\xff\xfe klingon\n\x01\x02garbage"
    path.write_bytes(damaged)
    settings = TillSettings(path)
    assert settings.language == "fr"
    settings.language = "en"
    assert TillSettings(path).language == "en"


def test_the_language_chosen_in_settings_applies_at_the_next_sign_in(
        qtbot: QtBot, store: Store, start_till: Callable[..., TillStart], tmp_path: Path,
        in_french: None) -> None:
    settings = TillSettings(tmp_path / SETTINGS_FILE)
    start = start_till(store.context, settings)
    dialog = start.dialog
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=WAIT_MS)
    assert dialog.ok_button.text() == "Se connecter"
    dialog.login.setText("caissier")
    dialog.secret.setText("1234")
    dialog.submit()
    qtbot.waitUntil(lambda: start.window is not None and start.window.isVisible(),
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: start.window is not None and start.window.catalogue.tiles.count() > 0,
                    timeout=WAIT_MS)
    window = start.window
    assert window is not None
    chooser = window.open_settings()
    assert chooser is not None
    english = chooser.findChild(QPushButton, "language_en")
    assert english is not None
    english.click()
    chooser.save.click()
    assert chooser.outcome.text().startswith("Enregistré")
    chooser.accept()
    assert TillSettings(tmp_path / SETTINGS_FILE).language == "en"

    def journaled() -> bool:  # the change goes in the event journal
        with store.context.uow(write=False) as uow:
            till = uow.tills.local()
            last = None if till is None else uow.journal.last(till.id, Chain.EVENT)
        return last is not None and '"event":"settings_change"' in last.body and (
            last.payload["previous"], last.payload["value"]) == ("fr", "en")

    qtbot.waitUntil(journaled, timeout=SLOW_MS)

    window.basket.add(next(iter(window.catalogue.tiles.product_at(r)
                                for r in range(window.catalogue.tiles.count())
                                if len(window.catalogue.tiles.product_at(r).prices) == 1
                                and not window.catalogue.tiles.product_at(r).dated)))
    window.request_sign_out()  # a sale in progress is never dropped
    assert start.window is window and "panier" in window.notice.text()
    window.basket.clear()
    window.request_sign_out()
    # Once the sign-out is journaled, a new sign-in screen replaces the sale screen (and
    # soon builds the next one, hidden: `start.window` is not None for long).
    qtbot.waitUntil(lambda: start.dialog is not dialog, timeout=SLOW_MS)
    assert not isValid(window) or not window.isVisible()
    assert start.dialog.ok_button.text() == "Sign in"
    start.dialog.reject()
    if start.window is not None:  # the next sale screen, built ahead and never shown
        start.window.deleteLater()


def test_settings_that_cannot_be_written_are_said(tmp_path: Path, app: QApplication) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    (folder / SETTINGS_FILE).mkdir()  # a directory where the file should be: cannot write
    settings = TillSettings(folder / SETTINGS_FILE)
    with pytest.raises(SettingsNotSaved) as refused:
        settings.language = "en"
    assert error_message(refused.value).startswith("Les réglages n'ont pas pu être enregistrés")
