"""Cash counted by touch: an amount typed on the keypad, or notes and coins counted row by
row (50 €, 20 €… 0,01 €), each row a large button showing its count and subtotal; the
row tapped is what the one keypad types into. Switching between the two keeps what was
typed in each; the figure is the one of the way shown."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.closure import EURO_DENOMINATIONS, MAX_PIECES, CashCount
from pos_app.domain.errors import InvalidAmount
from pos_app.domain.money import parse_amount
from pos_app.formatting import format_amount_field, format_money
from pos_app.ui.keyboard import OWN_KEYPAD
from pos_app.ui.keypad import Keypad
from pos_app.ui.widgets import named

_DIGITS_MAX = len(str(MAX_PIECES))


def denomination_text(cents: int) -> str:
    """`5000` → `50 €`, `50` → `0,50 €`: how a note or coin is named."""
    return format_money(cents).replace(",00", "")


class CashCounter(QWidget):
    """`changed` whenever the figure changes. `counted_cents()`: the figure (None: not a
    valid amount yet); `count()`: the notes and coins, when counted so."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.amount_button = named(QPushButton(self.tr("Montant")), "typeAmount")
        self.count_button = named(QPushButton(self.tr("Billets et pièces")), "countCash")
        self.modes = QButtonGroup(self)
        for button in (self.amount_button, self.count_button):
            button.setCheckable(True)
            self.modes.addButton(button)
        self.amount_button.setChecked(True)
        # The amount typed: never prefilled (the expected cash is not a count).
        self.amount = named(QLineEdit(), "counted")
        self.amount.setPlaceholderText(self.tr("Espèces comptées"))
        self.total = named(QLabel(), "countTotal")
        self.rows: dict[int, QPushButton] = {}
        self.quantities: dict[int, QLineEdit] = {}  # what the keypad types into, per row
        self.selected: int | None = None
        self.rows_group = QButtonGroup(self)
        self.keypad = Keypad(self.amount)
        # Keys of the least touch height: the keypad and the rows share 600 pixels.
        self.keypad.setStyleSheet("QPushButton { min-height: 44px; }")
        self.comma = self.keypad.findChild(QPushButton, "keyComma")
        self.stack = QStackedWidget()
        self.stack.addWidget(self._amount_page())
        self.stack.addWidget(self._count_page())
        modes = QHBoxLayout()
        modes.addWidget(self.amount_button)
        modes.addWidget(self.count_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(modes)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.keypad)
        self.amount.textChanged.connect(lambda _text: self.changed.emit())
        self.count_button.toggled.connect(self._counting)

    # -- layout ---------------------------------------------------------------------------

    def _amount_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.amount)
        layout.addStretch(1)
        return page

    def _count_page(self) -> QWidget:
        rows = QWidget()
        column = QVBoxLayout(rows)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        for denomination in EURO_DENOMINATIONS:
            field = QLineEdit()
            field.setProperty(OWN_KEYPAD, True)
            field.setMaxLength(_DIGITS_MAX)
            field.textChanged.connect(lambda _text, d=denomination: self._typed(d))
            self.quantities[denomination] = field
            row = named(QPushButton(), f"count_{denomination}")
            row.setCheckable(True)
            row.setProperty("countRow", True)
            row.clicked.connect(lambda _on=False, d=denomination: self.select(d))
            self.rows_group.addButton(row)
            self.rows[denomination] = row
            self._show_row(denomination)
            column.addWidget(row)
        scroll = self.count_rows = named(QScrollArea(), "countRows")
        scroll.setWidget(rows)
        scroll.setWidgetResizable(True)
        # As tall as there is room for, no taller: the rows scroll, the dialog fits.
        scroll.setMinimumHeight(100)
        scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.total)
        layout.addWidget(scroll, 1)
        return page

    # -- behaviour ------------------------------------------------------------------------

    @property
    def counting(self) -> bool:
        return self.count_button.isChecked()

    def _counting(self, on: bool) -> None:
        # Each way keeps its own figure: switching back shows what was typed there.
        self.stack.setCurrentIndex(1 if on else 0)
        if self.comma is not None:
            self.comma.setVisible(not on)  # notes and coins are whole numbers
        if on:
            self.select(self.selected or EURO_DENOMINATIONS[0])
        else:
            self.keypad.field = self.amount
            self.keypad.replace_next = False
        self._show_total()
        self.changed.emit()

    def select(self, denomination: int) -> None:
        """The row the keypad types into; the next key replaces its count."""
        self.selected = denomination
        self.rows[denomination].setChecked(True)
        # The row typed into is in view (only a few show on a small screen).
        self.count_rows.ensureWidgetVisible(self.rows[denomination], 0, 0)
        self.keypad.field = self.quantities[denomination]
        self.keypad.replace_next = True

    def quantity(self, denomination: int) -> int:
        text = self.quantities[denomination].text()
        return int(text) if text.isdigit() else 0

    def _typed(self, denomination: int) -> None:
        field = self.quantities[denomination]
        digits = "".join(c for c in field.text() if c.isdigit())
        if digits != field.text():
            field.setText(digits)  # comes back here once, with digits only
            return
        self._show_row(denomination)
        self._show_total()
        self.changed.emit()

    def _show_row(self, denomination: int) -> None:
        quantity = self.quantity(denomination)
        self.rows[denomination].setText(self.tr("{name}   × {quantity}   = {subtotal}").format(
            name=denomination_text(denomination), quantity=quantity,
            subtotal=format_money(denomination * quantity)))

    def _show_total(self) -> None:
        count = self.count()
        self.total.setText("" if count is None else self.tr("Total compté : {total}").format(
            total=format_money(count.total_cents)))

    def count(self) -> CashCount | None:
        if not self.counting:
            return None
        return CashCount.of({d: self.quantity(d) for d in EURO_DENOMINATIONS})

    def counted_cents(self) -> int | None:
        count = self.count()
        if count is not None:
            return count.total_cents
        try:
            return parse_amount(self.amount.text())
        except InvalidAmount:
            return None

    def counted_text(self) -> str:
        """The figure as typed (for a refusal to quote)."""
        cents = self.counted_cents()
        return self.amount.text() if cents is None else format_amount_field(cents)

    def set_locked(self, locked: bool) -> None:
        """A confirmed count no longer changes (a blind count once the expected shows)."""
        for widget in (self.keypad, self.amount_button, self.count_button, *self.rows.values()):
            widget.setEnabled(not locked)
        self.amount.setReadOnly(locked)
