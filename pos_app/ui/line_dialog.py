"""A basket line's pop-up, opened by tapping it: its quantity typed on a keypad (a group
of 30 is 3, 0, OK), its discount, or its removal. The basket panel applies each choice:
a refusal is said here, and the pop-up stays open."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.basket import BasketLine
from pos_app.domain.errors import DomainError, InvalidQuantity
from pos_app.formatting import format_money
from pos_app.ui.keypad import Keypad
from pos_app.ui.messages import error_message
from pos_app.ui.slot_words import slot_when
from pos_app.ui.widgets import named, split_row


class LineDialog(QDialog):
    discount_requested = Signal()

    def __init__(self, line: BasketLine, set_quantity: Callable[[int], None],
                 remove: Callable[[], None], may_discount: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_quantity, self.remove_line = set_quantity, remove
        self.setWindowTitle(line.label)
        slot = ("" if line.slot_start is None or line.slot_end is None
                else slot_when(line.slot_start, line.slot_end) + "\n")  # which ride
        price = named(QLabel(f"{line.label} — {line.price_label}\n{slot}"
                             f"{format_money(line.unit_price_cents)}"), "linePrice")
        price.setWordWrap(True)
        self.quantity = named(QLineEdit(str(line.quantity)), "quantity")
        self.keypad = Keypad(self.quantity, decimal=False)
        self.keypad.replace_next = True  # the first key starts a new quantity
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        self.ok = named(QPushButton(self.tr("OK")), "setQuantity")
        self.discount = named(QPushButton(self.tr("Remise sur la ligne")), "lineDiscount")
        self.discount.setVisible(may_discount)
        self.remove = named(QPushButton(self.tr("Supprimer la ligne")), "removeLine")
        close = named(QPushButton(self.tr("Fermer")), "close")
        layout = QVBoxLayout(self)
        layout.addWidget(price)
        layout.addWidget(self.quantity)
        layout.addWidget(self.keypad)
        layout.addWidget(self.error)
        actions = QHBoxLayout()  # a row of their own: their words are never cut
        actions.addWidget(self.discount)
        actions.addWidget(self.remove)
        layout.addLayout(actions)
        layout.addLayout(split_row([close], [self.ok]))
        close.clicked.connect(self.reject)
        self.ok.clicked.connect(self._set)
        self.remove.clicked.connect(lambda: self._done(self.remove_line))
        self.discount.clicked.connect(self._discount)

    def _set(self) -> None:
        text = self.quantity.text().strip()
        if not text.isdigit():
            self.error.setText(error_message(InvalidQuantity(text)))
            return
        self._done(lambda: self.set_quantity(int(text)))

    def _done(self, act: Callable[[], None]) -> None:
        try:
            act()
        except DomainError as error:
            self.error.setText(error_message(error))
            return
        self.accept()

    def _discount(self) -> None:
        self.accept()
        self.discount_requested.emit()
