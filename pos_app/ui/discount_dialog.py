"""A discount typed on a keypad: in euros or as a percentage, with its reason (a quick
choice or free text). The screen applies it (`apply`): a refusal is said here, and the
dialog stays open."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.discount import USUAL_REASONS, DiscountAsked, parse_discount
from pos_app.domain.errors import DomainError
from pos_app.formatting import format_money
from pos_app.ui.keypad import Keypad
from pos_app.ui.messages import error_message
from pos_app.ui.widgets import named, split_row

Apply = Callable[[DiscountAsked, str], None]


class DiscountDialog(QDialog):
    def __init__(self, title: str, base_cents: int, apply: Apply,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.apply = apply
        self.setWindowTitle(title)
        self.base = named(QLabel(self.tr("Sur {amount}").format(
            amount=format_money(base_cents))), "discountBase")
        self.euros = named(QPushButton("€"), "inEuros")
        self.percent = named(QPushButton("%"), "inPercent")
        units = QButtonGroup(self)
        for button in (self.euros, self.percent):
            button.setCheckable(True)
            units.addButton(button)
        self.euros.setChecked(True)
        self.amount = named(QLineEdit(), "discountAmount")
        self.amount.setPlaceholderText(self.tr("Montant de la remise"))
        self.keypad = Keypad(self.amount)
        self.reason = named(QLineEdit(), "discountReason")
        self.reason.setPlaceholderText(self.tr("Motif (obligatoire)"))
        self.reason.setMaxLength(120)
        reasons = QVBoxLayout()
        for index, text in enumerate(USUAL_REASONS):
            button = named(QPushButton(self._reason_label(text)), f"reason_{index}")
            button.clicked.connect(lambda _checked=False, said=text: self._choose(said))
            reasons.addWidget(button)
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        self.ok = named(QPushButton(self.tr("Appliquer la remise")), "applyDiscount")
        self.none = named(QPushButton(self.tr("Sans remise")), "noDiscount")
        cancel = named(QPushButton(self.tr("Annuler")), "cancel")
        unit_row = QHBoxLayout()
        unit_row.addWidget(self.base, 1)
        unit_row.addWidget(self.euros)
        unit_row.addWidget(self.percent)
        # The amount on the left, the reason on the right: it fits 800 × 600.
        amount = QVBoxLayout()
        amount.addLayout(unit_row)
        amount.addWidget(self.amount)
        amount.addWidget(self.keypad)
        reasons.addWidget(self.reason)
        reasons.addWidget(self.error)
        reasons.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(amount, 1)
        columns.addLayout(reasons)  # as wide as its words need
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addLayout(split_row([cancel, self.none], [self.ok]))
        cancel.clicked.connect(self.reject)
        self.none.clicked.connect(lambda: self._apply(DiscountAsked(), ""))
        self.ok.clicked.connect(self._typed)

    def _reason_label(self, text: str) -> str:
        # The reasons are kept in French in the journal; the buttons say them translated.
        labels = {"Geste commercial": self.tr("Geste commercial"),
                  "Fidélité": self.tr("Fidélité"), "Tarif groupe": self.tr("Tarif groupe"),
                  "Article abîmé": self.tr("Article abîmé")}
        return labels.get(text, text)

    def _choose(self, reason: str) -> None:
        self.reason.setText(reason)

    def _typed(self) -> None:
        text = self.amount.text().strip()
        if self.percent.isChecked():
            text += "%"
        try:
            asked = parse_discount(text)
        except DomainError as error:
            self.error.setText(error_message(error))
            return
        self._apply(asked, self.reason.text())

    def _apply(self, asked: DiscountAsked, reason: str) -> None:
        try:
            self.apply(asked, reason)
        except DomainError as error:
            self.error.setText(error_message(error))
            return
        self.accept()
