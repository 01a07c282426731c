"""The till's own actions, away from selling: X reading, Z closure, cash in and out,
the history of closures, the drawer and the devices, the sync with the server, the staff
locked out (a manager unlocks them)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QGridLayout, QPushButton, QWidget

from pos_app.ui.widgets import named


class TillMenu(QDialog):
    chosen = Signal(str)  # "x", "z", "cash", "history", "drawer", "devices", "sync",
    #                       "rules", "gate", "staff", "training"

    def __init__(self, training: bool = False, devices: bool = False,
                 manager: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Caisse"))
        grid = QGridLayout(self)
        actions = [("x", self.tr("Lecture X")), ("z", self.tr("Clôture Z")),
                   ("cash", self.tr("Fond de caisse, apport, retrait")),
                   ("history", self.tr("Historique des clôtures")),
                   *([("drawer", self.tr("Ouvrir le tiroir")),
                      ("devices", self.tr("Périphériques"))] if devices else []),
                   ("sync", self.tr("Synchronisation")),
                   *([("rules", self.tr("Règles de la caisse")),
                      ("gate", self.tr("Entrées et conflits (billets)"))] if manager else []),
                   ("staff", self.tr("Personnel bloqué")),
                   ("training", self.tr("Quitter le mode formation") if training
                    else self.tr("Mode formation (simulation)"))]
        for index, (key, label) in enumerate(actions):
            button = named(QPushButton(label), f"menu_{key}")
            button.setMinimumHeight(72)
            button.clicked.connect(lambda _on=False, k=key: self._choose(k))
            grid.addWidget(button, index // 2, index % 2)
        # A finger has no Escape key: the menu closes with its own button.
        close = named(QPushButton(self.tr("Fermer")), "menu_close")
        close.setMinimumHeight(56)
        close.clicked.connect(self.reject)
        grid.addWidget(close, (len(actions) + 1) // 2, 0, 1, 2)

    def _choose(self, key: str) -> None:
        self.accept()
        self.chosen.emit(key)
