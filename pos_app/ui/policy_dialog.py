"""Règles de la caisse: what a manager decides for the till (blind count, the cash gap that
needs a reason, who may discount and how much). The services obey them and refuse a
cashier who tries to change them; each change is journaled with the value before."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.policy import (
    BLIND_COUNT,
    DISCOUNT_ROLE,
    GAP_REASON_FROM,
    MAX_DISCOUNT_PERCENT,
    TillPolicy,
)
from pos_app.domain.staff import Role, StaffMember
from pos_app.services import policies
from pos_app.services.context import Context
from pos_app.ui.keyboard import OWN_KEYPAD
from pos_app.ui.keypad import Keypad
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import named, restyle, split_row


class PolicyDialog(QDialog):
    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.staff = ctx, runner, staff
        self.kept: TillPolicy | None = None
        self.setWindowTitle(self.tr("Règles de la caisse"))
        self.blind = self._choices("blind", [("on", self.tr("Oui")), ("off", self.tr("Non"))])
        self.role = self._choices("role", [
            (Role.CASHIER.value, self.tr("Caissiers")),
            (Role.MANAGER.value, self.tr("Responsables")),
            (Role.ADMINISTRATOR.value, self.tr("Administrateurs"))], stacked=True)
        self.gap = named(QLineEdit(), "gapReasonFrom")
        self.percent = named(QLineEdit(), "maxDiscountPercent")
        # One keypad for both figures: it types into the one last touched.
        self.keypad = Keypad(self.gap)
        self.percent.setProperty(OWN_KEYPAD, True)
        QApplication.instance().focusChanged.connect(self._retarget)  # type: ignore[union-attr]
        self.outcome = named(QLabel(), "outcome")
        self.outcome.setWordWrap(True)
        self.save = named(QPushButton(self.tr("Enregistrer")), "save")
        self.save.setEnabled(False)
        close = named(QPushButton(self.tr("Fermer")), "close")
        form = QGridLayout()
        rows: list[tuple[str, QWidget | QBoxLayout]] = [
            (self.tr("Comptage à l'aveugle (clôture Z)"), self.blind[1]),
            (self.tr("Motif exigé au-delà d'un écart de (€)"), self.gap),
            (self.tr("Remises permises aux"), self.role[1]),
            (self.tr("Remise maximale (%)"), self.percent)]
        for row, (text, field) in enumerate(rows):
            label = QLabel(text)
            label.setWordWrap(True)
            form.addWidget(label, row, 0)
            if isinstance(field, QBoxLayout):
                form.addLayout(field, row, 1)
            else:
                form.addWidget(field, row, 1)
        form.setColumnStretch(0, 1)
        form.setColumnStretch(1, 1)
        side = QHBoxLayout()
        side.addLayout(form, 3)
        side.addWidget(self.keypad, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(side, 1)
        layout.addWidget(self.outcome)
        layout.addLayout(split_row([close], [self.save]))
        close.clicked.connect(self.accept)
        self.save.clicked.connect(self._save)
        self.runner.run(self, lambda: policies.till_policy(ctx), self._show, self._fail)

    def _choices(self, name: str, options: list[tuple[str, str]], stacked: bool = False,
                 ) -> tuple[QButtonGroup, QBoxLayout]:
        """`stacked`: one under the other, long words whole beside the keypad."""
        group = QButtonGroup(self)
        row: QBoxLayout = QVBoxLayout() if stacked else QHBoxLayout()
        for value, text in options:
            button = named(QPushButton(text), f"{name}_{value}")
            button.setCheckable(True)
            button.setProperty("value", value)
            group.addButton(button)
            row.addWidget(button)
        return group, row

    def _retarget(self, _old: QWidget | None, new: QWidget | None) -> None:
        if isinstance(new, QLineEdit) and new in (self.gap, self.percent):
            self.keypad.field = new

    def _show(self, policy: TillPolicy) -> None:
        self.kept = policy
        texts = policy.as_text()
        self._check(self.blind[0], texts[BLIND_COUNT])
        self._check(self.role[0], texts[DISCOUNT_ROLE])
        self.gap.setText(texts[GAP_REASON_FROM])
        self.percent.setText(texts[MAX_DISCOUNT_PERCENT])
        self.save.setEnabled(True)

    @staticmethod
    def _check(group: QButtonGroup, value: str) -> None:
        for button in group.buttons():
            button.setChecked(button.property("value") == value)

    def _chosen(self) -> dict[str, str]:
        texts: dict[str, str] = {GAP_REASON_FROM: self.gap.text(),
                                 MAX_DISCOUNT_PERCENT: self.percent.text()}
        for name, group in ((BLIND_COUNT, self.blind[0]), (DISCOUNT_ROLE, self.role[0])):
            checked = group.checkedButton()
            if checked is not None:
                texts[name] = str(checked.property("value"))
        return texts

    def _save(self) -> None:
        if self.kept is None:
            return
        kept, chosen = self.kept.as_text(), self._chosen()
        changes = {name: text for name, text in chosen.items() if text != kept[name]}
        ctx, staff = self.ctx, self.staff

        def change() -> TillPolicy:
            policy = self.kept
            for name, text in changes.items():  # each checked and journaled on its own
                policy = policies.set_policy(ctx, staff, name, text)
            assert policy is not None
            return policy

        self.save.setEnabled(False)
        self.runner.run(self, change, self._saved, self._fail, changes_data=True)

    def _saved(self, policy: TillPolicy) -> None:
        self._show(policy)
        self._say(self.tr("Règles enregistrées."), error=False)

    def _fail(self, error: Exception) -> None:
        self.save.setEnabled(self.kept is not None)
        self._say(error_message(error), error=True)
        if self.kept is not None:  # some rules may have changed before the refusal
            self.runner.run(self, lambda: policies.till_policy(self.ctx), self._show,
                            lambda _error: None)

    def _say(self, text: str, error: bool) -> None:
        self.outcome.setText(text)
        self.outcome.setProperty("error", error)
        restyle(self.outcome)
