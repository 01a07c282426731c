"""Cancelling an order, or taking back some of its lines (a credit note), and giving back
what the customer is owed, method by method as the manager chooses (R7).

The amounts to give back start as the money came in (the latest payment first); the
manager can move them to other methods (cash from the drawer, a credit voucher…) on the
keypad. Confirming is possible once they add up to exactly what is owed.
"""

from __future__ import annotations

from enum import Enum
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pos_app.documents import document_lines, refund_document
from pos_app.domain.errors import InvalidAmount
from pos_app.domain.money import parse_amount
from pos_app.domain.order import Order, RefundRequest
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.receipt import RefundReceipt
from pos_app.domain.staff import StaffMember
from pos_app.formatting import format_amount_field, format_money
from pos_app.services import orders
from pos_app.services.context import Context
from pos_app.services.orders import TakenBack
from pos_app.services.receipts import refund_receipt
from pos_app.ui.keypad import Keypad
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.screen_fit import px
from pos_app.ui.widgets import named, split_row

AMOUNT_WIDTH = 120  # px at the base scale: an amount field holds "12 345,67"

if TYPE_CHECKING:
    from pos_app.ui.device_link import DeviceLink


class RefundMode(Enum):
    RETURN = "return"  # the lines the manager picks
    CANCEL = "cancel"  # the whole order (what returns left of it)
    OVERPAID = "overpaid"  # nothing taken back: what was paid beyond the order's worth


class RefundDialog(QDialog):
    """Money back to the customer, for what `mode` says. Accepted once done;
    `taken_back` then says what was taken back."""

    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember,
                 order: Order, methods: list[PaymentMethod], mode: RefundMode,
                 devices: DeviceLink | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.staff, self.order = ctx, runner, staff, order
        self.methods, self.mode, self.devices = methods, mode, devices
        self.cancel = mode is RefundMode.CANCEL
        self.taken_back: TakenBack | None = None
        self.slip: RefundReceipt | None = None
        self.quantities = [0] * len(order.lines)
        title = (self.tr("Annuler la commande {number}") if self.cancel
                 else self.tr("Rendre le trop-perçu — commande {number}")
                 if mode is RefundMode.OVERPAID
                 else self.tr("Retour d'articles — commande {number}"))
        self.setWindowTitle(title.format(number=order.number))
        self.pages = QStackedWidget()
        self.pages.addWidget(self._form())
        self.pages.addWidget(self._done_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_moved)
        self._suggest()

    # -- layout ---------------------------------------------------------------------------

    def _form(self) -> QWidget:
        self.reason = named(QLineEdit(), "reason")
        self.reason.setPlaceholderText(self.tr("Motif (obligatoire)"))
        self.owed = named(QLabel(), "owed")
        self.split = named(QLabel(), "split")
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        refunds = self._refund_fields()
        first = next(iter(self.amounts.values()), QLineEdit())
        self.keypad = Keypad(first)
        left = QVBoxLayout()
        if self.cancel:
            left.addWidget(named(QLabel(self.tr("Annulation")), "heading"))
            left.addWidget(QLabel(self.tr("Ce qui reste de la commande est annulé : {amount}.")
                                  .format(amount=format_money(self.order.cancelled_cents))))
        elif self.mode is RefundMode.OVERPAID:
            left.addWidget(named(QLabel(self.tr("Trop-perçu")), "heading"))
            explained = QLabel(self.tr(
                "La commande a été payée au-delà de ce qu'elle vaut (à deux caisses hors"
                " ligne, par exemple) : rien n'est repris, seul l'excédent est rendu."))
            explained.setWordWrap(True)
            left.addWidget(explained)
            self.reason.setVisible(False)  # a refund keeps no reason: none is asked
        else:
            left.addWidget(named(QLabel(self.tr("Articles repris")), "heading"))
            left.addLayout(self._lines())
        left.addWidget(self.reason)
        left.addWidget(self.owed)
        left.addStretch(1)
        # Under the order's side, not under the refunds: one column holding both would
        # not fit an 800×600 screen.
        left.addWidget(self.keypad)
        right = QVBoxLayout()
        right.addWidget(named(QLabel(self.tr("Rendu au client")), "heading"))
        right.addLayout(refunds)
        right.addWidget(self.split)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        self.confirm = named(QPushButton(
            self.tr("Confirmer l'annulation") if self.cancel
            else self.tr("Confirmer le remboursement") if self.mode is RefundMode.OVERPAID
            else self.tr("Confirmer le retour")), "confirmRefund")
        close = named(QPushButton(self.tr("Fermer")), "close")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(body, 1)
        layout.addWidget(self.error)
        layout.addLayout(split_row([close], [self.confirm]))
        close.clicked.connect(self.reject)
        self.confirm.clicked.connect(self._confirm)
        self.reason.textChanged.connect(lambda _text: self._enable())
        return page

    def _refund_fields(self) -> QGridLayout:
        """An amount to give back per method (`self.amounts`)."""
        self.amounts: dict[str, QLineEdit] = {}
        refunds = QGridLayout()
        for row, method in enumerate(self.methods):
            field = named(QLineEdit(), f"refund_{method.code}")
            field.setMinimumWidth(px(AMOUNT_WIDTH))  # "1 234,50" whole, never cut
            field.textChanged.connect(self._show_split)
            self.amounts[method.code] = field
            refunds.addWidget(QLabel(method.label), row, 0)
            refunds.addWidget(field, row, 1)
        return refunds

    def _lines(self) -> QGridLayout:
        """Each line with how many to take back: − and + at touch size."""
        grid = QGridLayout()
        self.counts: list[QLabel] = []
        for index, line in enumerate(self.order.lines):
            returnable = self.order.returnable(index)
            text = f"{line.label} — {line.price_label}\n{format_money(line.unit_price_cents)}"
            if returnable < line.quantity:
                text += self.tr(" · déjà repris : {count}").format(
                    count=line.quantity - returnable)
            label = QLabel(text)
            label.setWordWrap(True)
            less = named(QPushButton("−"), f"less_{index}")
            more = named(QPushButton("+"), f"more_{index}")
            count = named(QLabel(), f"returned_{index}")
            self.counts.append(count)
            less.clicked.connect(lambda _c=False, i=index: self._step(i, -1))
            more.clicked.connect(lambda _c=False, i=index: self._step(i, +1))
            more.setEnabled(returnable > 0)
            grid.addWidget(label, index, 0)
            grid.addWidget(less, index, 1)
            grid.addWidget(count, index, 2)
            grid.addWidget(more, index, 3)
        grid.setColumnStretch(0, 1)
        return grid

    def _done_page(self) -> QWidget:
        self.outcome = named(QLabel(), "outcome")
        self.outcome.setWordWrap(True)
        self.slip_view = named(QTextBrowser(), "slipView")
        self.print_button = named(QPushButton(self.tr("Imprimer le justificatif")), "print")
        self.print_button.setVisible(self.devices is not None)
        self.print_button.setEnabled(False)
        finish = named(QPushButton(self.tr("Terminer")), "finish")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.outcome)
        layout.addWidget(self.slip_view, 1)
        layout.addLayout(split_row([self.print_button], [finish]))
        finish.clicked.connect(self.accept)
        self.print_button.clicked.connect(self._print)
        return page

    # -- what is taken back, what is owed -------------------------------------------------

    def _step(self, index: int, step: int) -> None:
        wanted = self.quantities[index] + step
        if 0 <= wanted <= self.order.returnable(index):
            self.quantities[index] = wanted
            self._suggest()

    def owed_cents(self) -> int:
        """What the customer gets back: paid beyond what the order is worth after it."""
        if self.cancel:
            return max(0, self.order.net_paid_cents)
        if self.mode is RefundMode.OVERPAID:
            return self.order.owed_cents
        return self.order.owed_after_return(list(enumerate(self.quantities)))

    def _suggest(self) -> None:
        """The amounts start as the money came in; the manager may move them."""
        for index, count in enumerate(self.quantities if self.mode is RefundMode.RETURN
                                      else []):
            self.counts[index].setText(str(count))
        owed = self.owed_cents()
        plan = {request.method_code: request.amount_cents
                for request in self.order.suggested_refunds(
                    owed, self.order.till_id if self.mode is RefundMode.OVERPAID else None)}
        for code, field in self.amounts.items():
            field.setText(format_amount_field(plan[code]) if code in plan else "")
        self.owed.setText(self.tr("À rendre au client : {amount}").format(
            amount=format_money(owed)))
        self.keypad.replace_next = True
        self._show_split()

    def _plan(self) -> list[RefundRequest] | None:
        """The amounts as typed; None when one cannot be read."""
        plan = []
        for code, field in self.amounts.items():
            if not field.text().strip():
                continue
            try:
                amount = parse_amount(field.text())
            except InvalidAmount:
                return None
            if amount:
                plan.append(RefundRequest(code, amount))
        return plan

    def _show_split(self) -> None:
        plan = self._plan()
        if plan is None:
            self.split.setText(self.tr("Montant incorrect"))
        else:
            left = self.owed_cents() - sum(request.amount_cents for request in plan)
            self.split.setText(
                self.tr("Tout est réparti.") if left == 0 else
                self.tr("Reste à répartir : {amount}").format(amount=format_money(left))
                if left > 0 else
                self.tr("Trop rendu : {amount}").format(amount=format_money(-left)))
        self._enable()

    def _enable(self) -> None:
        plan = self._plan()
        balanced = plan is not None and sum(r.amount_cents for r in plan) == self.owed_cents()
        if self.mode is RefundMode.OVERPAID:
            self.confirm.setEnabled(balanced)
            return
        chosen = self.cancel or any(self.quantities)
        self.confirm.setEnabled(balanced and chosen and bool(self.reason.text().strip()))

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        """The keypad types into the amount field last touched."""
        if new in self.amounts.values():
            assert isinstance(new, QLineEdit)
            self.keypad.field = new
            self.keypad.replace_next = True

    # -- doing it ---------------------------------------------------------------------------

    def _confirm(self) -> None:
        plan, reason = self._plan() or [], self.reason.text()
        number, staff = self.order.number, self.staff
        self.confirm.setEnabled(False)
        self.error.clear()
        if self.cancel:
            def work() -> TakenBack:
                return orders.cancel_order(self.ctx, staff, number, reason, plan)
        elif self.mode is RefundMode.OVERPAID:
            def work() -> TakenBack:
                return orders.refund_overpayment(self.ctx, staff, number, plan)
        else:
            wanted = [(index, count) for index, count in enumerate(self.quantities) if count]

            def work() -> TakenBack:
                return orders.return_lines(self.ctx, staff, number, wanted, reason, plan)

        def failed(error: Exception) -> None:
            self._enable()
            self.error.setText(error_message(error))

        self.runner.run(self, work, self._done, failed, changes_data=True)

    def _done(self, done: TakenBack) -> None:
        self.taken_back = done
        given = ", ".join(f"{self._label(r.method_code)} {format_money(r.amount_cents)}"
                          for r in done.refunds) or self.tr("rien à rendre")
        what = (self.tr("Trop-perçu de la commande {number} rendu.").format(
                    number=done.order.number) if self.mode is RefundMode.OVERPAID
                else self.tr("Commande {number} annulée.").format(number=done.order.number)
                if done.credit_note is None else
                self.tr("Avoir {number} enregistré.").format(number=done.credit_note.number))
        self.outcome.setText(what + " " + self.tr("Rendu au client : {given}.").format(
            given=given))
        self.pages.setCurrentIndex(1)
        if self.devices is not None and any(
                self._opens_drawer(r.method_code) for r in done.refunds):
            self.devices.open_drawer()  # the money goes back from the drawer
        number = done.order.number
        note = None if done.credit_note is None else done.credit_note.number
        excess = self.mode is RefundMode.OVERPAID
        self.runner.run(self, lambda: refund_receipt(self.ctx, number, note, excess),
                        self._show_slip,
                        lambda error: self.slip_view.setPlainText(error_message(error)))

    def _show_slip(self, slip: RefundReceipt) -> None:
        self.slip = slip
        self.slip_view.setHtml("<pre style='font-size:13pt'>" + escape(
            "\n".join(document_lines(refund_document(slip)))) + "</pre>")
        self.print_button.setEnabled(True)

    def _print(self) -> None:
        if self.devices is not None and self.slip is not None:
            self.devices.print_document(refund_document(self.slip))
            self.print_button.setEnabled(False)

    def _label(self, code: str) -> str:
        return next((m.label for m in self.methods if m.code == code), code)

    def _opens_drawer(self, code: str) -> bool:
        return any(m.code == code and m.opens_drawer for m in self.methods)
