"""Cash in and out of the drawer outside sales: the opening float (fond de caisse), an
apport, a retrait; each with who, when and why, counted by the next closure. When a
sign-in opens a closed till, its opening float is asked (OpeningFloatDialog): counted,
or said to be none ("Pas de fond de caisse", which records nothing)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
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

from pos_app.domain.closure import CashMovementKind
from pos_app.domain.errors import InvalidAmount
from pos_app.domain.money import parse_amount
from pos_app.domain.staff import StaffMember
from pos_app.formatting import format_money
from pos_app.services import closures
from pos_app.services.context import Context
from pos_app.ui.cash_counter import CashCounter
from pos_app.ui.keypad import Keypad
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import grow_to_fit, named, split_row


def saved_text(kind: CashMovementKind, cents: int) -> str:
    """What the screen says once a movement is recorded."""
    translate = QCoreApplication.translate
    text = {CashMovementKind.FLOAT: translate("CashDialog",
                                              "Fond de caisse enregistré : {amount}"),
            CashMovementKind.IN: translate("CashDialog", "Apport enregistré : {amount}"),
            CashMovementKind.OUT: translate("CashDialog", "Retrait enregistré : {amount}")}[kind]
    return text.format(amount=format_money(cents))


class CashDialog(QDialog):
    saved = Signal(str)  # what was recorded, said

    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.staff = ctx, runner, staff
        self.setWindowTitle(self.tr("Mouvement d'espèces"))
        labels = {CashMovementKind.FLOAT: self.tr("Fond de caisse"),
                  CashMovementKind.IN: self.tr("Apport"),
                  CashMovementKind.OUT: self.tr("Retrait")}
        self.kinds = QButtonGroup(self)
        kinds = QHBoxLayout()
        for kind, label in labels.items():
            button = named(QPushButton(label), f"kind_{kind.value}")
            button.setCheckable(True)
            button.setProperty("kind", kind.value)
            self.kinds.addButton(button)
            kinds.addWidget(button)
        self.kinds.buttons()[0].setChecked(True)
        self.amount = named(QLineEdit(), "amount")
        self.amount.setPlaceholderText(self.tr("Montant"))
        self.reason = named(QLineEdit(), "reason")
        self.reason.setPlaceholderText(self.tr("Motif (dépôt en banque, monnaie…)"))
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        self.save = named(QPushButton(self.tr("Enregistrer")), "save")
        cancel = named(QPushButton(self.tr("Annuler")), "cancel")
        layout = QVBoxLayout(self)
        layout.addLayout(kinds)
        layout.addWidget(self.amount)
        layout.addWidget(Keypad(self.amount))
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addLayout(split_row([cancel], [self.save]))
        cancel.clicked.connect(self.reject)
        self.save.clicked.connect(self._save)

    @property
    def kind(self) -> CashMovementKind:
        chosen = self.kinds.checkedButton()
        assert chosen is not None  # one is always checked
        return CashMovementKind(str(chosen.property("kind")))

    def _save(self) -> None:
        try:
            amount = parse_amount(self.amount.text())
        except InvalidAmount as error:
            self.error.setText(error_message(error))
            return
        kind, reason, staff = self.kind, self.reason.text(), self.staff
        self.save.setEnabled(False)

        def failed(error: Exception) -> None:
            self.save.setEnabled(True)
            self.error.setText(error_message(error))

        def done(_none: object) -> None:
            self.saved.emit(saved_text(kind, amount))
            self.accept()

        self.runner.run(self, lambda: closures.record_cash_movement(self.ctx, staff, kind,
                                                                    amount, reason),
                        done, failed, changes_data=True)


class OpeningFloatDialog(QDialog):
    """The till just opened: the float put in the drawer, typed or counted by notes and
    coins on the keypad. It is left only by saving it or by saying there is none."""

    saved = Signal(str)

    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.staff = ctx, runner, staff
        self.recorded: int | None = None  # the float saved (cents), once it is
        self.setWindowTitle(self.tr("Fond de caisse"))
        intro = named(QLabel(self.tr("La caisse vient d'ouvrir : comptez le fond de caisse"
                                     " mis dans le tiroir.")), "heading")
        intro.setWordWrap(True)
        self.counter = CashCounter()
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        self.save = named(QPushButton(self.tr("Enregistrer le fond de caisse")), "saveFloat")
        self.none = named(QPushButton(self.tr("Pas de fond de caisse")), "noFloat")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.counter, 1)
        layout.addWidget(self.error)
        layout.addLayout(split_row([self.none], [self.save]))
        self.none.clicked.connect(lambda: self.done(QDialog.DialogCode.Rejected))
        self.save.clicked.connect(self._save)
        self.counter.changed.connect(self.error.clear)
        self.counter.changed.connect(lambda: grow_to_fit(self))  # notes and coins: taller

    def reject(self) -> None:
        """Escape or the window's cross: the float is saved or said to be none."""
        self.error.setText(self.tr("Enregistrez le fond de caisse, ou touchez « Pas de fond"
                                   " de caisse »."))

    def _save(self) -> None:
        amount = self.counter.counted_cents()
        if amount is None or amount <= 0:
            self.error.setText(error_message(InvalidAmount(self.counter.counted_text())))
            return
        self.save.setEnabled(False)
        staff = self.staff

        def done(_none: object) -> None:
            self.recorded = amount
            self.saved.emit(saved_text(CashMovementKind.FLOAT, amount))
            self.done(QDialog.DialogCode.Accepted)

        def failed(error: Exception) -> None:
            self.save.setEnabled(True)
            self.error.setText(error_message(error))

        self.runner.run(self, lambda: closures.record_cash_movement(
            self.ctx, staff, CashMovementKind.FLOAT, amount), done, failed, changes_data=True)
