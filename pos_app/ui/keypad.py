"""A numeric keypad for touchscreens: amounts at the payment screen, PINs at sign-in."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QWidget

from pos_app.ui.keyboard import OWN_KEYPAD
from pos_app.ui.widgets import named

_KEYS = [["7", "8", "9"], ["4", "5", "6"], ["1", "2", "3"], ["0", "00", ","]]
ERASE = "⌫"


class Keypad(QWidget):
    """Types into `field` as a keyboard would; `decimal=False` hides the comma (PINs)."""

    typed = Signal()

    def __init__(self, field: QLineEdit, decimal: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        field.setProperty(OWN_KEYPAD, True)  # no on-screen keyboard over this pad
        self.replace_next = False  # the next key replaces a pre-filled amount
        grid = QGridLayout(self)
        grid.setSpacing(6)
        grid.setContentsMargins(0, 0, 0, 0)
        for row, keys in enumerate(_KEYS):
            for column, key in enumerate(keys):
                if key == "," and not decimal:
                    continue
                grid.addWidget(self._button(key), row, column)
        grid.addWidget(self._button(ERASE), 0, 3)
        grid.addWidget(self._button("C"), 1, 3)

    def _button(self, key: str) -> QPushButton:
        button = named(QPushButton(key), f"key_{key}" if key.isalnum() else "keyErase"
                       if key == ERASE else "keyComma")
        button.setProperty("keypad", True)
        button.clicked.connect(lambda: self.press(key))
        return button

    def press(self, key: str) -> None:
        text = "" if self.replace_next and key not in (ERASE,) else self.field.text()
        self.replace_next = False
        if key == ERASE:
            text = text[:-1]
        elif key == "C":
            text = ""
        elif key == "," and "," in text:
            return
        else:
            text += key
        self.field.setText(text)
        self.typed.emit()
