"""The till's settings (language, on-screen keyboard, kiosk, scan station, the postal
code asked with each sale), kept in an INI file beside the store.

Qt reads such a file line by line and skips what it cannot understand, so a damaged file
costs only the damaged values: a value that is not one the till knows counts as unset.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from pos_app.ui.language import LANGUAGES, SOURCE_LANGUAGE

SETTINGS_FILE = "caisse.ini"


class SettingsNotSaved(Exception):
    def __init__(self, path: Path) -> None:
        super().__init__(f"the settings could not be written to {path}")
        self.path = path


class TillSettings:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def language(self) -> str:
        value = self._settings.value("screen/language", SOURCE_LANGUAGE)
        return value if isinstance(value, str) and value in LANGUAGES else SOURCE_LANGUAGE

    @language.setter
    def language(self, code: str) -> None:
        if code not in LANGUAGES:
            raise ValueError(f"unknown language {code!r}")
        self._settings.setValue("screen/language", code)
        self._save()

    @property
    def touch_keyboard(self) -> bool:
        """The on-screen keyboard for text fields: on unless turned off (a till with a
        physical keyboard); a value that is neither on nor off counts as unset."""
        value = self._settings.value("screen/touch_keyboard", "true")
        return str(value).lower() != "false"

    @touch_keyboard.setter
    def touch_keyboard(self, on: bool) -> None:
        self._settings.setValue("screen/touch_keyboard", "true" if on else "false")
        self._save()

    @property
    def kiosk(self) -> bool:
        """Full-screen without a window frame (a till that is only a till); off unless
        turned on: a value that is neither on nor off counts as unset."""
        return str(self._settings.value("screen/kiosk", "false")).lower() == "true"

    @kiosk.setter
    def kiosk(self, on: bool) -> None:
        self._settings.setValue("screen/kiosk", "true" if on else "false")
        self._save()

    @property
    def scan_station(self) -> bool:
        """The scan station instead of the sale screen for everyone who signs in (a till
        at a gate); off unless turned on. Checkers get it whatever this says."""
        return str(self._settings.value("screen/scan_station", "false")).lower() == "true"

    @scan_station.setter
    def scan_station(self, on: bool) -> None:
        self._settings.setValue("screen/scan_station", "true" if on else "false")
        self._save()

    @property
    def ask_postal_code(self) -> bool:
        """Every sale asks the visitor's postal code before it is validated (R12: venues
        count where visitors come from); off unless turned on."""
        return str(self._settings.value("sale/ask_postal_code", "false")).lower() == "true"

    @ask_postal_code.setter
    def ask_postal_code(self, on: bool) -> None:
        self._settings.setValue("sale/ask_postal_code", "true" if on else "false")
        self._save()

    def _save(self) -> None:
        self._settings.sync()
        # A FormatError only says the old file had lines Qt skipped; it was rewritten.
        if self._settings.status() is QSettings.Status.AccessError:
            raise SettingsNotSaved(self.path)
