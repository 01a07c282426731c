"""Signing in at the till: identifier and secret (R19). The full screen is the till issue's."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.staff import StaffMember
from pos_app.services.context import Context
from pos_app.services.staff import sign_in
from pos_app.ui.messages import french_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import named


class SignInDialog(QDialog):
    def __init__(self, ctx: Context, runner: OperationRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.staff: StaffMember | None = None
        self.setWindowTitle("Caisse — Connexion")
        self.login = named(QLineEdit(), "login")
        self.secret = named(QLineEdit(echoMode=QLineEdit.EchoMode.Password), "secret")
        self.error = named(QLabel(), "error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Se connecter")
        form = QFormLayout()
        form.addRow("Identifiant", self.login)
        form.addRow("Code secret", self.secret)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.submit)
        self.secret.returnPressed.connect(self.submit)

    def submit(self) -> None:
        login, secret = self.login.text(), self.secret.text()
        self.ok_button.setEnabled(False)
        self.runner.run(self, lambda: sign_in(self.ctx, login, secret), self._signed_in,
                        self._failed)

    def _signed_in(self, staff: StaffMember) -> None:
        self.staff = staff
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.ok_button.setEnabled(True)
        self.secret.clear()
        self.error.setText(french_message(error))
