"""The left side of the sale screen: the basket, its payer, its total and what was already
paid for it, always visible."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.basket import Basket, BasketLine
from pos_app.domain.discount import DiscountAsked
from pos_app.domain.errors import BasketBelowPayments, DomainError
from pos_app.formatting import format_money
from pos_app.ui.messages import error_message
from pos_app.ui.slot_words import slot_when
from pos_app.ui.widgets import fit_dialog, named, set_by_name


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
        self.basket_discount = named(QPushButton(self.tr("Remise panier")), "basketDiscount")
        # Who gives discounts here (None: the staff member may not, by the till's rules;
        # the buttons hide, and the services refuse all the same) and how much at most.
        self.discount_by: str | None = None
        self.max_discount_percent = 100
        self.line_dialog: QDialog | None = None  # the pop-up open now (tests drive it)
        self.discount_dialog: QDialog | None = None
        self._discount_dropped = False  # by the change being made: said once it is
        self.discounts = named(QLabel(), "discounts")
        self.discounts.setWordWrap(True)
        self.total = named(QLabel(), "total")
        self.paid = named(QLabel(), "paid")
        self.clear = named(QPushButton(self.tr("Vider")), "clear")
        self.pay = named(QPushButton(self.tr("Payer")), "pay")
        self.pay.setToolTip(self.tr("Encaisser le panier (F2)"))
        # Baskets on hold (ui/held_baskets.py wires them): set this one aside, list them.
        self.hold = named(QPushButton(self.tr("Mettre en attente")), "holdBasket")
        self.held = named(QPushButton(self.tr("Paniers en attente (0)")), "heldBasketsButton")
        self.held.setEnabled(False)
        self._layout()
        self.star.clicked.connect(self.favourites_requested)
        self.customer.clicked.connect(self.customer_requested)
        self.pay.clicked.connect(self.pay_requested)
        self.clear.clicked.connect(self._clear)
        self.less.clicked.connect(lambda: self._change_quantity(-1))
        self.more.clicked.connect(lambda: self._change_quantity(+1))
        self.remove.clicked.connect(self._remove)
        self.basket_discount.clicked.connect(self.open_basket_discount)
        self.lines.itemClicked.connect(lambda item: self.open_line(self.lines.row(item)))
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
        # − and + square and fixed (the style sheet's #less, #more): the words beside
        # them take the rest of the row, whole on a 1024 px screen in either language.
        line_buttons = QHBoxLayout()
        for button in (self.less, self.more):
            line_buttons.addWidget(button)
        line_buttons.addWidget(self.remove, 2)
        line_buttons.addWidget(self.basket_discount, 3)
        held_row = QHBoxLayout()
        held_row.addWidget(self.hold)
        held_row.addWidget(self.held)
        bottom = QHBoxLayout()
        bottom.addWidget(self.clear)
        bottom.addWidget(self.pay, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(payer_row)
        layout.addWidget(self.lines, 1)
        layout.addLayout(line_buttons)
        layout.addWidget(self.discounts)
        layout.addWidget(self.total)
        layout.addWidget(self.paid)
        layout.addLayout(held_row)
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
            text = f"{line.label} — {line.price_label}\n"
            if line.slot_start is not None and line.slot_end is not None:
                # Two slots of one ride are two lines: each says which (venue time).
                text += slot_when(line.slot_start, line.slot_end) + "\n"
            text += (f"{line.quantity} × {format_money(line.unit_price_cents)}"
                    f" = {format_money(line.total_cents)}")
            if line.discount_cents:
                text += "\n" + self.tr("Remise {amount} ({reason})").format(
                    amount=format_money(-line.discount_cents), reason=line.discount_reason)
            self.lines.addItem(text)
        if self.basket.lines:
            self.lines.setCurrentRow(min(max(row, 0), len(self.basket.lines) - 1))
        self.payer.setText(self.tr("Payeur : {name}").format(name=self.payer_name)
                           if self.payer_name else self.tr("Aucun payeur"))
        discount = self.basket.discount
        self.discounts.setText("" if discount is None else self.tr(
            "Remise panier {amount} ({reason})").format(
            amount=format_money(-self.basket.discount_cents), reason=discount.reason))
        self.discounts.setVisible(discount is not None)
        self.basket_discount.setVisible(self.discount_by is not None)
        self.basket_discount.setEnabled(not self.basket.is_empty)
        self.total.setText(self.tr("Total : {amount}").format(
            amount=format_money(self.basket.total_cents)))
        self.paid.setText(self.tr("Déjà encaissé : {paid} — reste {left}").format(
            paid=format_money(self.paid_cents),
            left=format_money(self.basket.total_cents - self.paid_cents)))
        self.paid.setVisible(self.paid_cents > 0)
        self.pay.setEnabled(not self.basket.is_empty)
        self.hold.setEnabled(not self.basket.is_empty)
        self.clear.setEnabled(not self.basket.is_empty or self.payer_name is not None)
        self._enable_line_buttons()

    def allow_discounts(self, by: str | None, max_percent: int = 100) -> None:
        """Discounts given here are `by` this staff member (None: not allowed)."""
        self.discount_by, self.max_discount_percent = by, max_percent
        self.refresh()

    def open_line(self, row: int) -> None:
        """The tapped line's pop-up: quantity on a keypad, discount, removal."""
        from pos_app.ui.line_dialog import LineDialog

        if not 0 <= row < len(self.basket.lines):
            return
        dialog = LineDialog(self.basket.lines[row], lambda quantity: self._set(row, quantity),
                            lambda: self._remove_row(row), self.discount_by is not None,
                            parent=self)
        dialog.discount_requested.connect(lambda: self.open_line_discount(row))
        self.line_dialog = dialog
        fit_dialog(dialog)
        dialog.open()

    def open_line_discount(self, row: int) -> None:
        line = self.basket.lines[row]

        def apply(asked: DiscountAsked, reason: str) -> None:
            before = self.basket.lines[row]
            self.basket.discount_line(row, asked, reason, self.discount_by,
                                      self.max_discount_percent)
            self._check_paid(lambda: self._put_back(row, before))
            self._changed()

        self._open_discount(self.tr("Remise sur la ligne"), line.gross_cents, apply)

    def open_basket_discount(self) -> None:
        def apply(asked: DiscountAsked, reason: str) -> None:
            before = self.basket.discount
            self.basket.discount_all(asked, reason, self.discount_by, self.max_discount_percent)
            self._check_paid(lambda: setattr(self.basket, "discount", before))
            self._changed()

        self._open_discount(self.tr("Remise panier"), self.basket.subtotal_cents, apply)

    def _open_discount(self, title: str, base_cents: int,
                       apply: Callable[[DiscountAsked, str], None]) -> None:
        from pos_app.ui.discount_dialog import DiscountDialog

        dialog = DiscountDialog(title, base_cents, apply, parent=self)
        self.discount_dialog = dialog
        fit_dialog(dialog)
        dialog.open()

    def _check_paid(self, undo: Callable[[], object]) -> None:
        """The basket as changed must stay above what was paid: otherwise `undo`, refused.
        (A basket discount the change leaves larger than the lines goes first.)"""
        before = self.basket.discount
        self._discount_dropped = self._fit_discount()
        if self.basket.total_cents < self.paid_cents:
            total = self.basket.total_cents
            self.basket.discount, self._discount_dropped = before, False
            undo()
            raise BasketBelowPayments(self.paid_cents, total)

    def _fit_discount(self) -> bool:
        """A basket discount larger than what the lines now come to goes: the lines it was
        given on are gone. True when it went."""
        if self.basket.discount is None or (
                self.basket.discount_cents <= self.basket.subtotal_cents):
            return False
        self.basket.discount = None
        return True

    def _set(self, row: int, quantity: int) -> None:
        before = self.basket.lines[row]
        self.basket.set_quantity(row, quantity)
        self._check_paid(lambda: self._put_back(row, before))
        self._changed()

    def _put_back(self, row: int, line: BasketLine) -> None:
        self.basket.lines[row] = line

    def _remove_row(self, row: int) -> None:
        removed = self.basket.remove(row)
        self._check_paid(lambda: self.basket.lines.insert(row, removed))
        self._changed()

    def select_last(self) -> None:
        self.lines.setCurrentRow(len(self.basket.lines) - 1)

    def _enable_line_buttons(self) -> None:
        row = self.lines.currentRow()
        for button in (self.less, self.more, self.remove):
            button.setEnabled(0 <= row < len(self.basket.lines))
        self.less.setEnabled(self.less.isEnabled() and self.basket.lines[row].quantity > 1)

    def _change_quantity(self, step: int) -> None:
        row = self.lines.currentRow()
        self._try(lambda: self._set(row, self.basket.lines[row].quantity + step))

    def _remove(self) -> None:
        row = self.lines.currentRow()
        self._try(lambda: self._remove_row(row))

    def _try(self, change: Callable[[], None]) -> None:
        """A change of the buttons under the basket; a refusal is said, nothing changes
        (below what was paid: the payments must be given back first)."""
        try:
            change()
        except BasketBelowPayments:
            self.refused.emit(self.tr("{amount} ont déjà été encaissés : le panier ne peut"
                                      " pas descendre en dessous.").format(
                amount=format_money(self.paid_cents)))
        except DomainError as error:
            self.refused.emit(error_message(error))

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
        dropped = self._fit_discount() or self._discount_dropped
        self._discount_dropped = False
        self.refresh()
        self.changed.emit()
        if dropped:  # said, never silently: the total went up
            self.refused.emit(self.tr("Remise panier retirée : elle dépassait ce qui reste"
                                      " dans le panier."))
