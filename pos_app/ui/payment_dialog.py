"""Encaissement (R5): the amount starts at what is left; one tap per payment method, partial
payments in several methods, change for cash, "Valider sans payer".

When the till asks for it (R12, the setting "Demander le code postal à chaque commande"),
a sale starts with the visitor's postal code: five digits on the keypad, or "Étranger",
or "Non communiqué" when they would rather not say. It goes with the order when it is
validated; it never holds a sale up.

For a basket, each payment is kept at once with the sale in progress (services/
drafts.py): a till that stops mid-payment reopens the sale with what was handed over. The
order is validated, with all of them, in one transaction once nothing is left (or on
"Valider sans payer"); a customer who walks away mid-payment leaves no order behind, and
what they handed over is given back (the sale screen's "Vider"). For an order validated
earlier, each payment is recorded as it is taken.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.basket import Basket
from pos_app.domain.draft import Draft
from pos_app.domain.ids import new_id
from pos_app.domain.money import parse_amount
from pos_app.domain.order import Order
from pos_app.domain.payment import Payment, PaymentMethod, quick_cash_amounts
from pos_app.domain.postal_code import POSTAL_CODE_DIGITS, PostalAnswer, parse_postal_code
from pos_app.domain.receipt import AGEC_OFFER_CENTS
from pos_app.domain.staff import StaffMember
from pos_app.formatting import format_amount_field, format_money
from pos_app.services import drafts, orders, selling
from pos_app.services.context import Context
from pos_app.ui.keypad import Keypad
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import named, split_row


class PaymentDialog(QDialog):
    """Accepted once the order is validated (or paid); `order` is then the stored order."""

    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember, *,
                 basket: Basket | None = None, order: Order | None = None,
                 draft: Draft | None = None, version: Callable[[], int] = lambda: 0,
                 training: bool = False, ask_postal_code: bool = False,
                 parent: QWidget | None = None) -> None:
        """`basket`: the sale in progress, whose payments so far `draft` holds, and
        `version()` numbers the screen's basket as kept; or `order`: an order validated
        earlier. `ask_postal_code`: a sale starts with the visitor's postal code (R12)."""
        super().__init__(parent)
        assert (basket is None) != (order is None), "a basket or an order, not both"
        self.ctx, self.runner, self.staff, self.training = ctx, runner, staff, training
        self.basket, self.order, self.draft, self._version = basket, order, draft, version
        self.methods: list[PaymentMethod] = []
        self.change_given = 0  # in cash, by the payments recorded on an earlier order
        # The visitor's answer, as stored (75011, abroad, declined); None: not asked.
        self.postal_code: str | None = None
        # This visit took a payment whose method opens the drawer (its setting, not
        # whether it gives change: cheques may go in the drawer too).
        self._drawer_due = False
        self.setWindowTitle(self.tr("Encaissement"))
        self.pages = QStackedWidget()
        self.pages.addWidget(self._paying_page())
        self.pages.addWidget(self._done_page())
        self.asks_postal_code = ask_postal_code and basket is not None
        self.postal_page = self._postal_page()
        self.pages.addWidget(self.postal_page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.runner.run(self, lambda: selling.payment_methods(self.ctx), self._show_methods,
                        self._fail)
        self._refresh()
        if self.asks_postal_code:
            self._ask_postal_code()

    # -- layout -------------------------------------------------------------------------

    def _paying_page(self) -> QWidget:
        self.total = named(QLabel(), "paymentTotal")
        self.taken = named(QListWidget(), "payments")
        self.left = named(QLabel(), "left")
        self.change = named(QLabel(), "change")
        self.undo = named(QPushButton(self.tr("Annuler le dernier paiement")), "undo")
        self.amount = named(QLineEdit(), "amount")
        self.keypad = Keypad(self.amount)
        # Quick cash in a row of its own across the dialog: each amount whole, however
        # narrow the dialog (an 800×600 screen).
        self.quick = QHBoxLayout()
        self.method_grid = QGridLayout()
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        self.without_paying = named(QPushButton(self.tr("Valider sans payer")),
                                    "validateWithoutPaying")
        cancel = named(QPushButton(self.tr("Annuler")), "cancel")
        # The postal code answered (R12), changed by a tap until the sale is validated.
        self.postal_answer = named(QPushButton(), "postalAnswer")
        self.postal_answer.setToolTip(self.tr("Modifier le code postal"))
        self.postal_answer.hide()
        self.postal_answer.clicked.connect(self._ask_postal_code)
        # The amount with what it is paid against, the keypad beside them: the two
        # columns no taller than an 800×600 screen leaves them.
        amount_row = QHBoxLayout()
        amount_row.addWidget(QLabel(self.tr("Montant")))
        amount_row.addWidget(self.amount, 1)
        summary = QVBoxLayout()
        summary.addWidget(self.total)
        summary.addWidget(self.postal_answer)
        summary.addLayout(amount_row)
        summary.addWidget(self.taken, 1)
        summary.addWidget(self.undo)
        summary.addWidget(self.left)
        summary.addWidget(self.change)
        entry = QVBoxLayout()
        entry.addWidget(self.keypad)
        entry.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(summary, 1)
        body.addLayout(entry, 1)
        actions = split_row([cancel], [self.without_paying])
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(body, 1)
        layout.addLayout(self.quick)
        # Methods span the whole width: their labels (Chèques-Vacances ANCV) are long.
        layout.addLayout(self.method_grid)
        layout.addWidget(self.error)
        layout.addLayout(actions)
        self.without_paying.setVisible(self.basket is not None)
        self.undo.setVisible(self.basket is not None)
        self.undo.clicked.connect(self._undo)
        self.without_paying.clicked.connect(lambda: self._validate(
            without_paying=self.left_cents > 0))
        cancel.clicked.connect(self.reject)
        self.amount.returnPressed.connect(self._take_in_first_method)
        return page

    def _postal_page(self) -> QWidget:
        """The visitor's postal code, asked before anything is paid."""
        self.postal_field = named(QLineEdit(), "postalCode")
        self.postal_field.setMaxLength(POSTAL_CODE_DIGITS)
        self.postal_field.setValidator(QRegularExpressionValidator(
            QRegularExpression(rf"\d{{0,{POSTAL_CODE_DIGITS}}}"), self.postal_field))
        self.postal_field.setPlaceholderText(self.tr("5 chiffres"))
        self.postal_keypad = Keypad(self.postal_field, decimal=False)
        self.postal_error = named(QLabel(), "postalError")
        self.postal_error.setWordWrap(True)
        confirm = named(QPushButton(self.tr("Valider le code postal")), "confirmPostalCode")
        abroad = named(QPushButton(self.tr("Étranger")), "postalAbroad")
        declined = named(QPushButton(self.tr("Non communiqué")), "postalDeclined")
        cancel = named(QPushButton(self.tr("Annuler")), "cancelPostalCode")
        question = named(QLabel(self.tr("Code postal du visiteur")), "heading")
        field_row = QHBoxLayout()
        field_row.addWidget(QLabel(self.tr("Code postal")))
        field_row.addWidget(self.postal_field, 1)
        answers = QVBoxLayout()
        answers.addWidget(question)
        answers.addLayout(field_row)
        answers.addWidget(confirm)
        answers.addWidget(abroad)
        answers.addWidget(declined)
        answers.addWidget(self.postal_error)
        answers.addStretch(1)
        keys = QVBoxLayout()  # the keys as tall as the payment's, not stretched
        keys.addWidget(self.postal_keypad)
        keys.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(answers, 1)
        body.addLayout(keys, 1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(body, 1)
        layout.addLayout(split_row([cancel], []))
        confirm.clicked.connect(lambda: self._answer_postal_code(self.postal_field.text()))
        self.postal_field.returnPressed.connect(
            lambda: self._answer_postal_code(self.postal_field.text()))
        abroad.clicked.connect(lambda: self._answer_postal_code(PostalAnswer.ABROAD.value))
        declined.clicked.connect(lambda: self._answer_postal_code(PostalAnswer.DECLINED.value))
        cancel.clicked.connect(self.reject)
        return page

    def _ask_postal_code(self) -> None:
        self.postal_error.clear()
        self.postal_field.setText(self.postal_code if self.postal_code is not None
                                  and self.postal_code.isdigit() else "")
        self.pages.setCurrentWidget(self.postal_page)
        self.postal_field.setFocus()

    def _answer_postal_code(self, text: str) -> None:
        try:
            self.postal_code = parse_postal_code(text)
        except Exception as error:  # noqa: BLE001 - said on screen, asked again
            self.postal_error.setText(error_message(error))
            return
        self.postal_answer.setText(self.tr("Code postal : {answer}").format(
            answer=self._postal_text(self.postal_code)))
        self.postal_answer.show()
        self.pages.setCurrentIndex(0)
        self._refresh()

    def _postal_text(self, answer: str) -> str:
        return {PostalAnswer.ABROAD.value: self.tr("Étranger"),
                PostalAnswer.DECLINED.value: self.tr("Non communiqué")}.get(answer, answer)

    def _done_page(self) -> QWidget:
        self.outcome = named(QLabel(), "outcome")
        self.outcome.setWordWrap(True)
        self.change_due = named(QLabel(), "changeDue")
        self.offer_note = named(QLabel(self.tr(
            "Proposez la note au client (prestation de 25 € ou plus).")), "offerNote")
        self.offer_note.setWordWrap(True)
        self.offer_note.hide()
        self.receipt = named(QPushButton(self.tr("Ticket de caisse")), "receipt")
        self.receipt.setToolTip(self.tr("Le ticket n'est remis que si le client le demande."))
        next_sale = named(QPushButton(self.tr("Nouvelle vente")), "nextSale")
        buttons = split_row([self.receipt], [next_sale])
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.outcome)
        layout.addWidget(self.change_due)
        layout.addWidget(self.offer_note)
        layout.addStretch(1)
        layout.addLayout(buttons)
        next_sale.clicked.connect(self.accept)
        self.receipt.clicked.connect(self._offer_receipt)
        self.wants_receipt = False
        return page

    def _show_methods(self, methods: list[PaymentMethod]) -> None:
        self.methods = methods
        for index, method in enumerate(methods):
            button = named(QPushButton(method.label), f"method_{method.code}")
            button.setProperty("method", True)
            button.clicked.connect(lambda _checked=False, m=method: self._take(m))
            self.method_grid.addWidget(button, index // 3, index % 3)
        self._refresh()

    # -- taking payments ----------------------------------------------------------------

    @property
    def total_cents(self) -> int:
        if self.order is not None:
            return self.order.total_cents
        assert self.basket is not None
        return self.basket.total_cents

    @property
    def tendered(self) -> list[Payment]:
        """The payments so far: the sale in progress's, or the order's."""
        if self.order is not None:
            return self.order.payments
        return [] if self.draft is None else self.draft.payments

    @property
    def left_cents(self) -> int:
        if self.order is not None:
            return self.order.left_cents
        return self.total_cents - sum(payment.applied_cents for payment in self.tendered)

    def _refresh(self) -> None:
        self.total.setText(self.tr("Total : {amount}").format(
            amount=format_money(self.total_cents)))
        self.taken.clear()
        labels = {method.code: method.label for method in self.methods}
        for payment in self.tendered:
            text = (f"{labels.get(payment.method_code, payment.method_code)} :"
                    f" {format_money(payment.amount_cents)}")
            if payment.change_cents:
                text += self.tr(" (rendu {amount})").format(
                    amount=format_money(payment.change_cents))
            self.taken.addItem(text)
        self.left.setText(self.tr("Reste à payer : {amount}").format(
            amount=format_money(self.left_cents)))
        change_total = 0 if self.order is not None else sum(
            payment.change_cents for payment in self.tendered)
        self.change.setText(self.tr("Rendu monnaie : {amount}").format(
            amount=format_money(change_total)) if change_total else "")
        self.change.setVisible(bool(change_total))  # its line only when there is change
        self.amount.setText(format_amount_field(self.left_cents))
        self.amount.setFocus()
        self.amount.selectAll()  # typing replaces the pre-filled amount, as the keypad does
        self.keypad.replace_next = True
        self.undo.setEnabled(self.order is None and bool(self.tendered))
        # Everything paid but not yet validated (a validation refused, say): validate it.
        self.without_paying.setText(self.tr("Valider la vente") if self.left_cents <= 0
                                    else self.tr("Valider sans payer"))
        self._show_quick_cash()

    def _show_quick_cash(self) -> None:
        while (child := self.quick.takeAt(0)) is not None:
            if (widget := child.widget()) is not None:
                widget.deleteLater()
        cash = self._cash_method()
        if cash is None:
            return
        for amount in quick_cash_amounts(self.left_cents):
            button = named(QPushButton(format_money(amount)), f"quick_{amount}")
            button.setProperty("quickCash", True)
            button.clicked.connect(lambda _checked=False, a=amount: self._take(cash, a))
            self.quick.addWidget(button)

    @property
    def opens_drawer(self) -> bool:
        """Whether this visit took a payment in a method that opens the drawer."""
        return self._drawer_due

    def _cash_method(self) -> PaymentMethod | None:
        return next((method for method in self.methods if method.gives_change), None)

    def _take_in_first_method(self) -> None:
        if self.methods:
            self._take(self.methods[0])

    def _take(self, method: PaymentMethod, amount_cents: int | None = None) -> None:
        """One tap: the amount in the field (or a quick-cash amount) in `method`."""
        self.error.clear()
        try:
            amount = parse_amount(self.amount.text()) if amount_cents is None else amount_cents
        except Exception as error:  # noqa: BLE001 - a refusal is shown, nothing is taken
            self._fail(error)
            return
        if self.order is not None:
            self._record_payment(method, amount)
            return
        basket, version, staff = self._snapshot(), self._version(), self.staff
        payment_id = new_id()  # asked twice, taken once

        def tendered(draft: Draft) -> None:
            self._drawer_due = self._drawer_due or method.opens_drawer
            self.draft = draft
            if draft.left_cents <= 0:
                self._validate(without_paying=False)
            else:
                self._refresh()

        self._busy(lambda: drafts.tender(self.ctx, staff, basket, version, method.code,
                                         amount, self.training, payment_id), tendered)

    def _undo(self) -> None:
        def given_back(draft: Draft) -> None:
            self.draft = draft
            self._refresh()

        staff = self.staff
        self._busy(lambda: drafts.untender(self.ctx, staff), given_back)

    def _record_payment(self, method: PaymentMethod, amount: int) -> None:
        assert self.order is not None
        number = self.order.number

        def recorded(result: tuple[Order, Payment]) -> None:
            self._drawer_due = self._drawer_due or method.opens_drawer
            self.order, payment = result
            self.change_given += payment.change_cents
            if self.order.left_cents == 0:
                self._finish(self.order)
            else:
                self._refresh()

        self._busy(lambda: orders.pay_order(self.ctx, self.staff, number, method.code, amount),
                   recorded)

    def _snapshot(self) -> Basket:
        assert self.basket is not None
        return self.basket.copy()  # with its discount

    def _validate(self, without_paying: bool) -> None:
        if self.asks_postal_code and self.postal_code is None:
            self._ask_postal_code()  # never validated unasked while the till asks
            return
        basket, version, staff = self._snapshot(), self._version(), self.staff
        postal_code = self.postal_code
        self._busy(lambda: drafts.validate_draft(self.ctx, staff, basket, version,
                                                 validate_without_paying=without_paying,
                                                 training=self.training,
                                                 postal_code=postal_code),
                   self._finish)

    def _busy(self, work: Callable[[], object], done: Callable[[Any], None]) -> None:
        self.setEnabled(False)

        def succeeded(result: object) -> None:
            self.setEnabled(True)
            done(result)

        def failed(error: Exception) -> None:
            self.setEnabled(True)
            self._refresh()
            self._fail(error)

        self.runner.run(self, work, succeeded, failed, changes_data=True)

    def _finish(self, order: object) -> None:
        assert isinstance(order, Order)
        self.order = order
        left = order.left_cents
        self.outcome.setText(
            self.tr("Commande {number} enregistrée.").format(number=order.number)
            if left == 0 else
            self.tr("Commande {number} validée ; reste à payer : {amount}.").format(
                number=order.number, amount=format_money(left)))
        # Only what this visit took: an order paid later may have had change given before.
        change = self.change_given if self.basket is None else sum(
            payment.change_cents for payment in order.payments)
        self.change_due.setText(self.tr("Rendu monnaie : {amount}").format(
            amount=format_money(change)) if change else "")
        # AGEC: the receipt is given on request only; from 25 € of services the customer
        # is told they may have the note.
        self.offer_note.setVisible(order.total_cents >= AGEC_OFFER_CENTS)
        self.pages.setCurrentIndex(1)

    def _offer_receipt(self) -> None:
        self.wants_receipt = True
        self.accept()

    def _fail(self, error: Exception) -> None:
        self.error.setText(error_message(error))


class GiveBackDialog(QDialog):
    """Giving up a sale that holds payments: what to hand back to the customer, method by
    method; confirmed once handed back, and journaled (services/drafts.abandon_draft)."""

    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember,
                 draft: Draft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.staff = ctx, runner, staff
        self.setWindowTitle(self.tr("Abandonner la vente"))
        self.methods: dict[str, str] = {}
        self.draft = draft
        self.text = named(QLabel(), "giveBackText")
        self.text.setWordWrap(True)
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        keep = named(QPushButton(self.tr("Garder la vente")), "keepSale")
        self.confirm = named(QPushButton(self.tr("Rendu au client : abandonner")),
                             "confirmGiveBack")
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.error)
        layout.addLayout(split_row([keep], [self.confirm]))
        keep.clicked.connect(self.reject)
        self.confirm.clicked.connect(self._give_back)
        self._describe()
        self.runner.run(self, lambda: selling.payment_methods(self.ctx), self._named,
                        lambda _error: None)  # codes stand in for the labels

    def _named(self, methods: list[PaymentMethod]) -> None:
        self.methods = {method.code: method.label for method in methods}
        self._describe()

    def _describe(self) -> None:
        handed = "".join(
            f"<li>{escape(self.methods.get(p.method_code, p.method_code))} :"
            f" {format_money(p.applied_cents)}</li>" for p in self.draft.payments)
        self.text.setText(
            "<p>" + self.tr("{paid} ont été encaissés pour cette vente. Rendez-les au"
                            " client :").format(paid=format_money(self.draft.paid_cents))
            + f"</p><ul>{handed}</ul><p>"
            + self.tr("puis confirmez : la vente est abandonnée et le journal le garde.")
            + "</p>")

    def _give_back(self) -> None:
        self.confirm.setEnabled(False)
        staff = self.staff

        def failed(error: Exception) -> None:
            self.confirm.setEnabled(True)
            self.error.setText(error_message(error))

        self.runner.run(self, lambda: drafts.abandon_draft(self.ctx, staff, given_back=True),
                        lambda _none: self.accept(), failed, changes_data=True)
