"""Réglages: the screens' language (French or English), the on-screen keyboard (off
for a till with a physical keyboard) and the window (maximised, or full-screen without a
frame: kiosk), applied at the next sign-in; and whether each sale asks the visitor's
postal code (R12), from the next sale on."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.ui.language import LANGUAGES
from pos_app.ui.messages import error_message
from pos_app.ui.settings import TillSettings
from pos_app.ui.widgets import named, split_row


class SettingsDialog(QDialog):
    changed = Signal(str, str, str)  # setting, new value, value before: journaled
    def __init__(self, settings: TillSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Réglages"))
        self.languages = QButtonGroup(self)
        row = QHBoxLayout()
        for code, name in LANGUAGES.items():
            button = named(QPushButton(name), f"language_{code}")
            button.setCheckable(True)
            button.setChecked(code == settings.language)
            button.setProperty("language", code)
            self.languages.addButton(button)
            row.addWidget(button)
        self.keyboard, keyboard_row = self._choices(settings.touch_keyboard, (
            (True, self.tr("Affiché au toucher"), "keyboard_on"),
            (False, self.tr("Non (clavier physique)"), "keyboard_off")))
        self.kiosk, kiosk_row = self._choices(settings.kiosk, (
            (False, self.tr("Fenêtre agrandie"), "kiosk_off"),
            (True, self.tr("Plein écran (kiosque)"), "kiosk_on")))
        self.postal, postal_row = self._choices(settings.ask_postal_code, (
            (False, self.tr("Non"), "postal_code_off"),
            (True, self.tr("Oui"), "postal_code_on")))
        self.outcome = named(QLabel(), "outcome")
        self.outcome.setWordWrap(True)
        self.save = named(QPushButton(self.tr("Enregistrer")), "save")
        close = named(QPushButton(self.tr("Fermer")), "close")
        buttons = split_row([close], [self.save])
        layout = QVBoxLayout(self)
        layout.addWidget(named(QLabel(self.tr("Langue des écrans")), "heading"))
        layout.addLayout(row)
        layout.addWidget(named(QLabel(self.tr("Clavier à l'écran")), "heading"))
        layout.addLayout(keyboard_row)
        layout.addWidget(named(QLabel(self.tr("Écran")), "heading"))
        layout.addLayout(kiosk_row)
        layout.addWidget(named(QLabel(self.tr(
            "Demander le code postal à chaque commande")), "heading"))
        layout.addLayout(postal_row)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.save.clicked.connect(self._save)
        close.clicked.connect(self.accept)

    def _choices(self, current: bool, choices: tuple[tuple[bool, str, str], ...]
                 ) -> tuple[QButtonGroup, QHBoxLayout]:
        """A row of exclusive buttons for an on/off setting, `current` checked."""
        group = QButtonGroup(self)
        row = QHBoxLayout()
        for on, label, name in choices:
            button = named(QPushButton(label), name)
            button.setCheckable(True)
            button.setChecked(on == current)
            button.setProperty("on", on)
            group.addButton(button)
            row.addWidget(button)
        return group, row

    def _save(self) -> None:
        checked = self.languages.checkedButton()
        keyboard = self.keyboard.checkedButton()
        kiosk = self.kiosk.checkedButton()
        postal = self.postal.checkedButton()
        if checked is None or keyboard is None or kiosk is None or postal is None:
            return
        language = str(checked.property("language"))
        before = self.settings.language
        keyboard_on = bool(keyboard.property("on"))
        was_on = self.settings.touch_keyboard
        kiosk_on = bool(kiosk.property("on"))
        was_kiosk = self.settings.kiosk
        postal_on = bool(postal.property("on"))
        was_asking = self.settings.ask_postal_code
        try:
            self.settings.language = language
            if keyboard_on != was_on:
                self.settings.touch_keyboard = keyboard_on
            if kiosk_on != was_kiosk:
                self.settings.kiosk = kiosk_on
            if postal_on != was_asking:
                self.settings.ask_postal_code = postal_on
        except Exception as error:  # noqa: BLE001 - said on screen, nothing else changes
            self.outcome.setText(error_message(error))
            return
        self.changed.emit("language", language, before)
        if keyboard_on != was_on:
            self.changed.emit("touch_keyboard", "on" if keyboard_on else "off",
                              "on" if was_on else "off")
        if kiosk_on != was_kiosk:
            self.changed.emit("kiosk", "on" if kiosk_on else "off",
                              "on" if was_kiosk else "off")
        if postal_on != was_asking:
            self.changed.emit("ask_postal_code", "on" if postal_on else "off",
                              "on" if was_asking else "off")
        self.outcome.setText(self.tr(
            "Enregistré : réglages appliqués à la prochaine connexion.")
            if (language, keyboard_on, kiosk_on) != (before, was_on, was_kiosk)
            or postal_on == was_asking else self.tr(
            "Enregistré : appliqué dès la prochaine vente."))
