"""Connexion (R19): identifier and secret, on the point of sale and till chosen here; each
till shows whether it is open (green), closing (yellow) or closed (grey)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.staff import StaffMember
from pos_app.domain.till import TillState
from pos_app.services.context import Context
from pos_app.services.staff import (
    TillStatus,
    open_till,
    prepare_sign_in,
    sign_in,
    till_statuses,
)
from pos_app.ui.keypad import Keypad
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import named

PANEL_WIDTH = 960


class SignInDialog(QDialog):
    """Accepted with `staff` signed in and `till` opened (or still closing)."""

    tills_shown = Signal()

    def __init__(self, ctx: Context, runner: OperationRunner,
                 parent: QWidget | None = None,
                 prepare: Callable[[Context], None] = prepare_sign_in,
                 before_recording: Callable[[], object] | None = None) -> None:
        """`prepare` runs on a worker once the tills are shown, while staff type (by
        default: the secret check and the journal's key made ready); `before_recording`
        as in `sign_in`."""
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self._before_recording = before_recording
        self.staff: StaffMember | None = None
        self.till: TillStatus | None = None
        self.setWindowTitle(self.tr("Caisse — Connexion"))
        self.login = named(QLineEdit(), "login")
        self.secret = named(QLineEdit(echoMode=QLineEdit.EchoMode.Password), "secret")
        self.keypad = Keypad(self.secret, decimal=False)
        self.tills = QButtonGroup(self)
        self._till_row = QVBoxLayout()
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        self.ok_button = named(QPushButton(self.tr("Se connecter")), "signIn")
        self.ok_button.setDefault(True)
        self.ok_button.setEnabled(False)  # until the tills are shown
        self._layout()
        self.ok_button.clicked.connect(self.submit)
        self.secret.returnPressed.connect(self.submit)
        self.login.returnPressed.connect(self.secret.setFocus)
        # The tills first: the preparation's imports, beside it, would hold their query up
        # (the interpreter lock), and with it the moment staff can sign in.
        self._prepare: Callable[[Context], None] | None = prepare
        self.runner.run(self, lambda: till_statuses(self.ctx), self._show_tills,
                        self._tills_failed)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Identifiant"), self.login)
        form.addRow(self.tr("Code secret"), self.secret)
        left = QVBoxLayout()
        left.addWidget(named(QLabel(self.tr("Point de vente et caisse")), "heading"))
        left.addLayout(self._till_row)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.keypad)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 1)
        # On a large screen the form stays a readable block in the middle.
        panel = QWidget()
        panel.setMaximumWidth(PANEL_WIDTH)
        inner = QVBoxLayout(panel)
        inner.addLayout(body)
        inner.addWidget(self.error)
        inner.addWidget(self.ok_button)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel, 100)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def _show_tills(self, statuses: list[TillStatus]) -> None:
        for status in statuses:
            button = named(QPushButton(self._describe(status)), f"till_{status.till.code}")
            button.setCheckable(True)
            button.setProperty("tillState", status.state.value)
            button.setProperty("tillId", status.till.id)
            self.tills.addButton(button)
            # Polished once it shows, with its state already set: no restyle needed.
            self._till_row.addWidget(button)
        if statuses:
            self.tills.buttons()[0].setChecked(True)
        self.ok_button.setEnabled(True)
        self._start_preparing()
        self.tills_shown.emit()

    def _tills_failed(self, error: Exception) -> None:
        self._failed(error)
        self._start_preparing()

    def _start_preparing(self) -> None:
        prepare, self._prepare = self._prepare, None
        if prepare is not None:
            self.runner.run(self, lambda: prepare(self.ctx), lambda _none: None, self._failed)

    def _describe(self, status: TillStatus) -> str:
        state = {TillState.OPEN: self.tr("ouverte"),
                 TillState.CLOSING: self.tr("clôture en cours"),
                 TillState.CLOSED: self.tr("fermée")}[status.state]
        return f"● {status.till.name} ({state})\n{status.till.point_of_sale}"

    def submit(self) -> None:
        if not self.ok_button.isEnabled():  # Enter pressed while loading or signing in
            return
        login, secret = self.login.text(), self.secret.text()
        chosen = self.tills.checkedButton()
        if chosen is None:
            self.error.setText(self.tr("Choisissez une caisse."))
            return
        till_id = str(chosen.property("tillId"))
        self.ok_button.setEnabled(False)

        def work() -> tuple[StaffMember, TillStatus]:
            staff = sign_in(self.ctx, login, secret, self._before_recording)
            return staff, open_till(self.ctx, staff, till_id)

        self.runner.run(self, work, self._signed_in, self._failed, changes_data=True)

    def _signed_in(self, result: tuple[StaffMember, TillStatus]) -> None:
        self.staff, self.till = result
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.ok_button.setEnabled(True)
        self.secret.clear()
        self.error.setText(error_message(error))
