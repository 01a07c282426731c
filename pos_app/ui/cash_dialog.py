"""Cash in and out of the drawer outside sales: the opening float (fond de caisse), an
apport, a retrait; each with who, when and why, counted by the next closure."""

from __future__ import annotations

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
from pos_app.services import closures
from pos_app.services.context import Context
from pos_app.ui.keypad import Keypad
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import named, split_row


class CashDialog(QDialog):
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

        self.runner.run(self, lambda: closures.record_cash_movement(self.ctx, staff, kind,
                                                                    amount, reason),
                        lambda _none: self.accept(), failed, changes_data=True)
