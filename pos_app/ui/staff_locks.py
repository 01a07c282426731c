"""Caisse › Personnel bloqué: the staff members locked out after too many wrong secrets,
and a manager's "Débloquer", journaled (services/staff.py unlock_staff); the member signs
in again at once. A cashier sees the refusal: the service checks the role."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from pos_app.domain.staff import StaffMember
from pos_app.formatting import format_local_time
from pos_app.services.context import Context
from pos_app.services.staff import LockedMember, locked_staff, unlock_staff
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import named, split_row

BUTTON_HEIGHT = 56


class StaffLocksDialog(QDialog):
    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.staff = ctx, runner, staff
        self.shown: list[LockedMember] = []
        self.setWindowTitle(self.tr("Personnel bloqué"))
        self.list = named(QListWidget(), "lockedStaff")
        self.list.setWordWrap(True)
        self.outcome = named(QLabel(), "outcome")
        self.outcome.setWordWrap(True)
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        self.unlock = named(QPushButton(self.tr("Débloquer")), "unlockStaff")
        self.unlock.setToolTip(self.tr("La personne peut se reconnecter tout de suite"
                                       " (inscrit au journal)"))
        close = named(QPushButton(self.tr("Fermer")), "close")
        for button in (self.unlock, close):
            button.setMinimumHeight(BUTTON_HEIGHT)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(self.error)
        layout.addLayout(split_row([close], [self.unlock]))
        self.list.currentRowChanged.connect(lambda _row: self._enable())
        self.unlock.clicked.connect(self._unlock)
        close.clicked.connect(self.accept)
        self._enable()
        self.load()

    def load(self) -> None:
        staff = self.staff
        self.runner.run(self, lambda: locked_staff(self.ctx, staff), self._show, self._fail)

    def _show(self, found: list[LockedMember]) -> None:
        self.shown = found
        self.list.clear()
        for locked in found:
            self.list.addItem(self.tr("{name} ({login}) — bloqué jusqu'à {time}").format(
                name=locked.member.display_name, login=locked.member.login,
                time=format_local_time(locked.until, "%H:%M")))
        if found:
            self.list.setCurrentRow(0)
        elif not self.outcome.text():
            self.outcome.setText(self.tr("Personne n'est bloqué."))
        self._enable()

    def _enable(self) -> None:
        self.unlock.setEnabled(0 <= self.list.currentRow() < len(self.shown))

    def _unlock(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.shown):
            return
        staff, login = self.staff, self.shown[row].member.login
        self.unlock.setEnabled(False)

        def done(unlocked: LockedMember) -> None:
            self.error.clear()
            self.outcome.setText(self.tr("{name} peut se reconnecter.").format(
                name=unlocked.member.display_name))
            self.load()

        self.runner.run(self, lambda: unlock_staff(self.ctx, staff, login), done, self._fail,
                        changes_data=True)

    def _fail(self, error: Exception) -> None:
        self.outcome.clear()
        self.error.setText(error_message(error))
        self._enable()
