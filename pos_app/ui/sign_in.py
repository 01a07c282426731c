"""Connexion (R19): identifier and secret, on the point of sale and till chosen here; each
till shows whether it is open (green), closing (yellow) or closed (grey).

By touch: the active staff show as tiles (name and role); a tap fills the identifier and
leaves the PIN pad to type the secret. The identifier field stays, for a long list (the
on-screen keyboard types into it). Escape does not close this screen: on a till it is the
screen between two shifts, and leaving the program takes its own button, confirmed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore
from PySide6.QtCore import Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.till import TillState
from pos_app.services.context import Context
from pos_app.services.staff import (
    TillStatus,
    open_till,
    prepare_sign_in,
    sign_in,
    signable_staff,
    till_statuses,
)
from pos_app.ui.keypad import Keypad
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.screen_fit import px
from pos_app.ui.widgets import NO_SCANS, named, set_by_name

PANEL_WIDTH = 1100  # px at the base scale: wider, the form reads as two far-apart halves
STAFF_COLUMNS = 2
STAFF_TEXT_WIDTH = 200  # px at the base scale: a longer name is shortened with "…" (its
#                         tooltip says it all)


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
        # A PIN typed fast on a keyboard is not a barcode (the scanner, once listening,
        # leaves this screen alone).
        self.setProperty(NO_SCANS, True)
        self.login = named(QLineEdit(), "login")
        self.secret = named(QLineEdit(echoMode=QLineEdit.EchoMode.Password), "secret")
        self.keypad = Keypad(self.secret, decimal=False)
        self.tills = QButtonGroup(self)
        self._till_row = QVBoxLayout()
        self.staff_tiles = QButtonGroup(self)
        self._staff_grid = QGridLayout()
        self.quit_button = named(QPushButton(self.tr("Quitter la caisse")), "quit")
        self.quit_question = named(QLabel(self.tr("Quitter le programme de caisse ?")),
                                   "quitQuestion")
        self.confirm_quit = named(QPushButton(self.tr("Oui, quitter")), "confirmQuit")
        self.keep_on = named(QPushButton(self.tr("Non, rester")), "keepOn")
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        self.ok_button = named(QPushButton(self.tr("Se connecter")), "signIn")
        self.ok_button.setDefault(True)
        self.ok_button.setEnabled(False)  # until the tills are shown
        self._layout()
        self.ok_button.clicked.connect(self.submit)
        self.secret.returnPressed.connect(self.submit)
        self.login.returnPressed.connect(self.secret.setFocus)
        self.login.textEdited.connect(lambda _text: self._untick_staff())
        self.quit_button.clicked.connect(lambda: self._ask_quit(True))
        self.keep_on.clicked.connect(lambda: self._ask_quit(False))
        self.confirm_quit.clicked.connect(self.quit)
        self._ask_quit(False)
        # The tills first: the preparation's imports, beside it, would hold their query up
        # (the interpreter lock), and with it the moment staff can sign in.
        self._prepare: Callable[[Context], None] | None = prepare
        self.runner.run(self, lambda: (till_statuses(self.ctx), signable_staff(self.ctx)),
                        self._show_tills, self._tills_failed)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Identifiant"), self.login)
        form.addRow(self.tr("Code secret"), self.secret)
        left = QVBoxLayout()
        left.addWidget(named(QLabel(self.tr("Point de vente et caisse")), "heading"))
        left.addLayout(self._till_row)
        left.addWidget(named(QLabel(self.tr("Qui êtes-vous ?")), "heading"))
        tiles = QWidget()
        tiles.setLayout(self._staff_grid)
        scroll = self._staff_scroll = named(QScrollArea(), "staffTiles")
        scroll.setWidgetResizable(True)
        set_by_name(scroll, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        scroll.setWidget(tiles)
        left.addWidget(scroll, 1)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.keypad)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 1)
        # The screen's whole height (the staff tiles take what is left); on a very wide
        # screen the form stays a readable block in the middle.
        panel = QWidget()
        panel.setMaximumWidth(px(PANEL_WIDTH))
        inner = QVBoxLayout(panel)
        inner.addLayout(body)
        inner.addWidget(self.error)
        inner.addWidget(self.ok_button)
        leave = QHBoxLayout()
        leave.addWidget(self.quit_button)
        leave.addStretch(1)
        leave.addWidget(self.quit_question)
        leave.addWidget(self.keep_on)
        leave.addWidget(self.confirm_quit)
        inner.addLayout(leave)
        layout = QHBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(panel, 100)
        layout.addStretch(1)

    def _show_tills(self, found: tuple[list[TillStatus], list[StaffMember]]) -> None:
        statuses, staff = found
        for status in statuses:
            described = self._describe(status)
            button = named(QPushButton(described), f"till_{status.till.code}")
            # Its whole text, however narrow the column: the button is never narrower
            # than its text (and the tooltip says it again).
            button.setToolTip(described)
            button.setProperty("tillState", status.state.value)
            button.ensurePolished()  # measured in the style sheet's font, not the default
            button.setMinimumWidth(button.sizeHint().width())
            button.setCheckable(True)
            button.setProperty("tillId", status.till.id)
            self.tills.addButton(button)
            # Polished once it shows, with its state already set: no restyle needed.
            self._till_row.addWidget(button)
        if statuses:
            self.tills.buttons()[0].setChecked(True)
        for index, member in enumerate(staff):
            tile = named(QPushButton(), f"staff_{member.login}")
            tile.setProperty("staffTile", True)
            self._staff_grid.addWidget(tile, index // STAFF_COLUMNS, index % STAFF_COLUMNS)
            tile.ensurePolished()  # the style sheet's font, to measure the text with
            metrics = tile.fontMetrics()
            tile.setText("\n".join(shortened(metrics.horizontalAdvance, line,
                                             px(STAFF_TEXT_WIDTH))
                                   for line in (member.display_name, self._role(member.role))))
            # Never narrower than its text: the column is as wide as its widest tile.
            tile.setMinimumWidth(tile.sizeHint().width())
            tile.setCheckable(True)
            tile.setToolTip(member.display_name)
            tile.clicked.connect(lambda _on=False, m=member: self.choose(m))
            self.staff_tiles.addButton(tile)
        # The tiles from the top, row after row: the room below them stays empty.
        self._staff_grid.setRowStretch((len(staff) + STAFF_COLUMNS - 1) // STAFF_COLUMNS, 1)
        self._staff_scroll.setMinimumWidth(
            self._staff_grid.minimumSize().width()
            + self._staff_scroll.verticalScrollBar().sizeHint().width()
            + 2 * self._staff_scroll.frameWidth())
        self.ok_button.setEnabled(True)
        self._start_preparing()
        self.tills_shown.emit()

    def _role(self, role: Role) -> str:
        return {Role.CASHIER: self.tr("Caisse"), Role.CHECKER: self.tr("Contrôle"),
                Role.MANAGER: self.tr("Responsable"),
                Role.ADMINISTRATOR: self.tr("Administration")}[role]

    def choose(self, member: StaffMember) -> None:
        """A tile tapped: that member's identifier, then the PIN pad for the secret."""
        self.login.setText(member.login)
        self.secret.clear()
        self.error.clear()
        self.secret.setFocus()

    def _untick_staff(self) -> None:
        """An identifier typed by hand is no tile's."""
        checked = self.staff_tiles.checkedButton()
        if checked is not None:
            self.staff_tiles.setExclusive(False)
            checked.setChecked(False)
            self.staff_tiles.setExclusive(True)

    def _ask_quit(self, asking: bool) -> None:
        self.quit_button.setVisible(not asking)
        for widget in (self.quit_question, self.keep_on, self.confirm_quit):
            widget.setVisible(asking)

    def quit(self) -> None:
        """Leave the program (confirmed): the till's start ends with this screen."""
        self.reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == QtCore.Qt.Key.Key_Escape:
            event.accept()  # never closes the till's screen between two shifts
            return
        super().keyPressEvent(event)

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


def shortened(advance: Callable[[str], int], text: str, width: int) -> str:
    """`text`, cut and ended with "…" if wider than `width` pixels as `advance` measures."""
    if advance(text) <= width:
        return text
    while text and advance(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"
