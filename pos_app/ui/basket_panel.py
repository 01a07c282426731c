"""The left side of the sale screen: the basket, its payer, its total and what was already
paid for it, always visible."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.basket import Basket
from pos_app.formatting import format_money
from pos_app.ui.widgets import named, set_by_name


class BasketPanel(QWidget):
    changed = Signal()
    refused = Signal(str)  # a change that would take the basket below what was paid
    give_back_requested = Signal()  # emptying a basket that holds payments
    pay_requested = Signal()
    customer_requested = Signal()
    favourites_requested = Signal()

    def __init__(self, basket: Basket, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.basket = basket
        self.payer_name: str | None = None
        self.paid_cents = 0  # tendered for the sale in progress: the basket stays above it
        self.lines = named(QListWidget(), "basket")
        self.lines.setWordWrap(True)
        set_by_name(self.lines, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        self.star = named(QPushButton("★"), "favouritesStar")
        self.star.setToolTip(self.tr("Favoris de la caisse (F5)"))
        self.payer = named(QLabel(), "payer")
        self.payer.setWordWrap(True)  # a long name wraps, never squeezes the button beside
        self.customer = named(QPushButton(self.tr("Recherche client")), "customerSearch")
        self.less = named(QPushButton("−"), "less")
        self.more = named(QPushButton("+"), "more")
        self.remove = named(QPushButton(self.tr("Retirer")), "removeLine")
        self.total = named(QLabel(), "total")
        self.paid = named(QLabel(), "paid")
        self.clear = named(QPushButton(self.tr("Vider")), "clear")
        self.pay = named(QPushButton(self.tr("Payer")), "pay")
        self.pay.setToolTip(self.tr("Encaisser le panier (F2)"))
        self._layout()
        self.star.clicked.connect(self.favourites_requested)
        self.customer.clicked.connect(self.customer_requested)
        self.pay.clicked.connect(self.pay_requested)
        self.clear.clicked.connect(self._clear)
        self.less.clicked.connect(lambda: self._change_quantity(-1))
        self.more.clicked.connect(lambda: self._change_quantity(+1))
        self.remove.clicked.connect(self._remove)
        self.lines.currentRowChanged.connect(lambda _row: self._enable_line_buttons())
        self.refresh()

    def _layout(self) -> None:
        heading = named(QLabel(self.tr("Panier")), "heading")
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addWidget(self.star)
        payer_row = QHBoxLayout()
        payer_row.addWidget(self.payer, 1)
        payer_row.addWidget(self.customer)
        line_buttons = QHBoxLayout()
        for button in (self.less, self.more, self.remove):
            line_buttons.addWidget(button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.clear)
        bottom.addWidget(self.pay, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(payer_row)
        layout.addWidget(self.lines, 1)
        layout.addLayout(line_buttons)
        layout.addWidget(self.total)
        layout.addWidget(self.paid)
        layout.addLayout(bottom)

    def set_payer(self, customer_id: str | None, name: str | None) -> None:
        self.basket.assign_payer(customer_id)
        self.payer_name = name
        self.refresh()

    def refresh(self) -> None:
        """Show the basket as it is now; the last line touched stays selected."""
        row = self.lines.currentRow()
        self.lines.clear()
        for line in self.basket.lines:
            self.lines.addItem(
                f"{line.label} — {line.price_label}\n"
                f"{line.quantity} × {format_money(line.unit_price_cents)}"
                f" = {format_money(line.total_cents)}")
        if self.basket.lines:
            self.lines.setCurrentRow(min(max(row, 0), len(self.basket.lines) - 1))
        self.payer.setText(self.tr("Payeur : {name}").format(name=self.payer_name)
                           if self.payer_name else self.tr("Aucun payeur"))
        self.total.setText(self.tr("Total : {amount}").format(
            amount=format_money(self.basket.total_cents)))
        self.paid.setText(self.tr("Déjà encaissé : {paid} — reste {left}").format(
            paid=format_money(self.paid_cents),
            left=format_money(self.basket.total_cents - self.paid_cents)))
        self.paid.setVisible(self.paid_cents > 0)
        self.pay.setEnabled(not self.basket.is_empty)
        self.clear.setEnabled(not self.basket.is_empty or self.payer_name is not None)
        self._enable_line_buttons()

    def select_last(self) -> None:
        self.lines.setCurrentRow(len(self.basket.lines) - 1)

    def _enable_line_buttons(self) -> None:
        row = self.lines.currentRow()
        for button in (self.less, self.more, self.remove):
            button.setEnabled(0 <= row < len(self.basket.lines))
        self.less.setEnabled(self.less.isEnabled() and self.basket.lines[row].quantity > 1)

    def _change_quantity(self, step: int) -> None:
        row = self.lines.currentRow()
        line = self.basket.lines[row]
        if self._below_paid(line.unit_price_cents * -step):
            return
        self.basket.set_quantity(row, line.quantity + step)
        self._changed()

    def _remove(self) -> None:
        row = self.lines.currentRow()
        if self._below_paid(self.basket.lines[row].total_cents):
            return
        self.basket.remove(row)
        self._changed()

    def _below_paid(self, less_cents: int) -> bool:
        """A change taking `less_cents` off would bring the basket below what was paid:
        refused, with a sentence (the payments must be given back first)."""
        if self.basket.total_cents - less_cents >= self.paid_cents:
            return False
        self.refused.emit(self.tr("{amount} ont déjà été encaissés : le panier ne peut pas"
                                  " descendre en dessous.").format(
            amount=format_money(self.paid_cents)))
        return True

    def _clear(self) -> None:
        if self.paid_cents > 0:
            self.give_back_requested.emit()  # the money goes back first
        else:
            self.empty()

    def empty(self) -> None:
        """A new sale: no lines, no payer, nothing paid."""
        self.basket.clear()
        self.payer_name = None
        self.paid_cents = 0
        self._changed()

    def _changed(self) -> None:
        self.refresh()
        self.changed.emit()
