"""The scan station (R11): the checker's screen at a gate, full-screen verdicts.

One scan is one entry: a ticket scanned (serial reader, camera, keyboard-wedge scanner)
is validated at once when its verdict is green, and refused (the refusal kept and
counted) otherwise — the gate flow, said on the screen. A reference typed on the
on-screen keypad is only checked: "Composter" lets the visitor in, "Détruire" voids the
ticket for good, with a reason (a checker or a manager).

The screen says the verdict in colour (green, orange, red), in large words and a
sentence, with the product, its validity, the entries used and allowed, the last
validation, and beeps (twice when refused). Entries of the day and of the hour run at
the top. Managers also find the conflicts between gates and the figures there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.admission import Light
from pos_app.domain.scan_meaning import ScanKind, allows
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.ticket import ALPHABET, shown_reference
from pos_app.formatting import format_local_time
from pos_app.services import admissions
from pos_app.services.admissions import GateAct, GateVerdict, RunningCount
from pos_app.services.context import Context
from pos_app.services.staff import sign_out
from pos_app.ui.keyboard import OWN_KEYPAD
from pos_app.ui.messages import error_message, verdict_headline, verdict_reason_text
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import named, show_dialog

if TYPE_CHECKING:
    from pos_app.domain.gate import TicketConflict
    from pos_app.domain.scan import Scan
    from pos_app.services.staff import TillStatus
    from pos_app.ui.device_link import DeviceLink
    from pos_app.ui.settings import TillSettings

COLOURS = {Light.GREEN: "#1b7a2e", Light.ORANGE: "#c86400", Light.RED: "#b01c1c"}
IDLE = "#2b3440"
KEYS_PER_ROW = 5  # 32 keys in 7 rows: touch-sized on a 1024×768 screen
ERASE = "⌫"
CLEAR = "clear"  # the key that clears the reference typed so far (labelled in words)
COUNT_EVERY_MS = 60_000  # the hour's count turns over even when no one comes


class ScanStationWindow(QMainWindow):
    closed = Signal()
    sign_out_requested = Signal()
    shown_verdict = Signal(object)  # the GateVerdict or GateAct now on screen

    def __init__(self, ctx: Context, runner: OperationRunner,
                 staff: StaffMember | None = None,
                 settings: TillSettings | None = None) -> None:
        super().__init__()
        self.ctx, self.runner, self.settings = ctx, runner, settings
        self.devices: DeviceLink | None = None
        self._staff: StaffMember | None = None
        self.till: TillStatus | None = None
        self.jump_seen = 0
        self.current: GateVerdict | None = None  # the verdict on screen
        self.validated = False  # the verdict on screen is an entry let in
        self.count = RunningCount(0, 0)
        self.title = named(QLabel(), "stationTitle")
        self.counts = named(QLabel(), "stationCounts")
        self.flow = named(QLabel(self.tr(
            "Un scan = une entrée : un billet valable est composté dès sa lecture. Une"
            " référence tapée est vérifiée, puis « Composter ».")), "stationFlow")
        self.flow.setWordWrap(True)
        self.conflicts_button = named(QPushButton(self.tr("Conflits")), "stationConflicts")
        self.stats_button = named(QPushButton(self.tr("Statistiques")), "stationStats")
        self.sign_out_button = named(QPushButton(self.tr("Déconnexion")), "signOut")
        # Shown when a camera is set: a checker turns it off when it reads what lies in
        # front of it (tickets on the desk), on again for phones held up to it.
        self.camera_button = named(QPushButton(), "stationCamera")
        self.camera_button.setCheckable(True)
        self.camera_button.hide()
        self.panel = named(QFrame(), "verdictPanel")
        self.headline = named(QLabel(self.tr("Présentez un billet")), "verdictHeadline")
        self.reason = named(QLabel(), "verdictReason")
        self.details = named(QLabel(), "verdictDetails")
        for label in (self.headline, self.reason, self.details):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
        self.entry = named(QLineEdit(), "referenceEntry")
        self.entry.setPlaceholderText(self.tr("Référence du billet"))
        self.entry.setProperty(OWN_KEYPAD, True)  # its own keypad: no keyboard over it
        self.check_button = named(QPushButton(self.tr("Vérifier")), "checkReference")
        self.validate_button = named(QPushButton(self.tr("Composter")), "validateTicket")
        self.void_button = named(QPushButton(self.tr("Détruire")), "voidTicket")
        self.void_reason = named(QLineEdit(), "voidReason")
        self.void_reason.setPlaceholderText(self.tr("Motif de la destruction"))
        self.void_confirm = named(QPushButton(self.tr("Confirmer la destruction")),
                                  "confirmVoid")
        self.notice = named(QLabel(), "stationNotice")
        self.notice.setWordWrap(True)
        self._count_timer = QTimer(self, interval=COUNT_EVERY_MS)
        self._count_timer.timeout.connect(self.refresh_counts)
        self._layout()
        self._connect()
        self._paint(None)
        if staff is not None:
            self.begin(staff, None)

    @property
    def staff(self) -> StaffMember:
        assert self._staff is not None, "begin() names who works on the screen"
        return self._staff

    def begin(self, staff: StaffMember, till: TillStatus | None, jump_seen: int = 0) -> None:
        self._staff, self.till, self.jump_seen = staff, till, jump_seen
        self.setWindowTitle(self.tr("Contrôle des billets — {name}").format(
            name=staff.display_name))
        self.title.setText(self.tr("Contrôle des billets — {name}").format(
            name=staff.display_name))
        manager = staff.may(Role.MANAGER)
        self.conflicts_button.setVisible(manager)
        self.stats_button.setVisible(manager)
        self.void_button.setEnabled(admissions.may_void(staff))
        self.refresh_counts()
        self._count_timer.start()

    # -- layout ---------------------------------------------------------------------------

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.counts)
        for button in (self.camera_button, self.conflicts_button, self.stats_button,
                       self.sign_out_button):
            button.setMinimumHeight(48)
            top.addWidget(button)
        inside = QVBoxLayout(self.panel)
        inside.addStretch(1)
        inside.addWidget(self.headline)
        inside.addWidget(self.reason)
        inside.addWidget(self.details)
        inside.addStretch(1)
        side = QVBoxLayout()
        side.addWidget(self.entry)
        side.addWidget(self._keypad())
        for button in (self.check_button, self.validate_button, self.void_button,
                       self.void_confirm):
            button.setMinimumHeight(56)
        actions = QHBoxLayout()
        for button in (self.check_button, self.validate_button, self.void_button):
            actions.addWidget(button)
        side.addLayout(actions)
        side.addWidget(self.void_reason)
        side.addWidget(self.void_confirm)
        side.addStretch(1)
        self.void_reason.hide()
        self.void_confirm.hide()
        body = QHBoxLayout()
        body.addWidget(self.panel, 3)
        holder = QWidget()
        holder.setLayout(side)
        body.addWidget(holder, 2)  # at least what its keys need (the grid's minimum)
        page = QVBoxLayout()
        page.addLayout(top)
        page.addWidget(self.flow)
        page.addLayout(body, 1)
        page.addWidget(self.notice)
        central = QWidget()
        central.setLayout(page)
        self.setCentralWidget(central)

    def _keypad(self) -> QWidget:
        """The reference's symbols (no look-alikes: what a reference can hold), and erase."""
        pad = named(QWidget(), "referenceKeypad")
        grid = QGridLayout(pad)
        grid.setSpacing(4)
        grid.setContentsMargins(0, 0, 0, 0)
        # "C" is a symbol of references: the key that clears all is not a letter.
        keys = [*ALPHABET, ERASE, CLEAR]
        names = {ERASE: "refKeyErase", CLEAR: "refKeyClear"}
        for index, key in enumerate(keys):
            label = self.tr("Effacer") if key == CLEAR else key
            button = named(QPushButton(label), names.get(key, f"refKey_{key}"))
            button.setMinimumSize(44, 44)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the wedge's keys stay with us
            button.clicked.connect(lambda _checked=False, k=key: self.press(k))
            # The last key, a word, takes two places of the last row.
            grid.addWidget(button, index // KEYS_PER_ROW, index % KEYS_PER_ROW, 1,
                           2 if key == CLEAR else 1)
        return pad

    def _connect(self) -> None:
        self.check_button.clicked.connect(self.check_typed)
        self.entry.returnPressed.connect(self.check_typed)
        self.validate_button.clicked.connect(self.validate_current)
        self.void_button.clicked.connect(self._ask_void_reason)
        self.void_confirm.clicked.connect(lambda: self.void_current(self.void_reason.text()))
        self.sign_out_button.clicked.connect(self.request_sign_out)
        self.conflicts_button.clicked.connect(self.open_conflicts)
        self.stats_button.clicked.connect(self.open_stats)
        self.camera_button.toggled.connect(self.use_camera)

    def press(self, key: str) -> None:
        text = self.entry.text()
        if key == ERASE:
            text = text[:-1]
        elif key == CLEAR:
            text = ""
        else:
            text += key
        self.entry.setText(text)

    # -- input ----------------------------------------------------------------------------

    def attach_devices(self, devices: DeviceLink) -> None:
        """Serial readers and the camera, from now on."""
        if self.devices is None:
            self.devices = devices
            devices.scanned.connect(self.receive_scan)
            devices.settings_changed.connect(self._show_camera)
            self._show_camera()

    def _show_camera(self, _settings: object = None) -> None:
        """The toggle, when a camera is set (again when the settings change)."""
        assert self.devices is not None
        self.camera_button.setVisible(self.devices.has_camera())
        with QSignalBlocker(self.camera_button):
            self.camera_button.setChecked(self.devices.camera_wanted)
        self._label_camera()

    def _label_camera(self) -> None:
        self.camera_button.setText(self.tr("Caméra : activée")
                                   if self.camera_button.isChecked()
                                   else self.tr("Caméra : coupée"))

    def use_camera(self, on: bool) -> None:
        """The toggle: the camera read from, or closed."""
        self._label_camera()
        if self.devices is not None:
            self.devices.set_camera(on)

    def attach_sync(self, _link: object) -> None:
        """The station shows no sync badge: the counts come back through the pull."""

    def receive_scan(self, scan: Scan) -> None:
        """A code read: one scan, one entry (validated at once when green)."""
        if not allows(ScanKind.TICKET, scan.symbology):
            self._say(self.tr("Ce code n'est pas un billet."), error=True)
            QApplication.beep()
            return
        staff = self.staff
        self.runner.run(self, lambda: admissions.validate_ticket(self.ctx, staff, scan.code),
                        self.show_act, self._failed, changes_data=True)

    def receive_scan_text(self, code: str) -> None:
        """A code as a reader that does not name its symbology gives it."""
        from datetime import UTC, datetime

        from pos_app.domain.scan import Scan

        self.receive_scan(Scan(code, "station", datetime.now(UTC)))

    def check_typed(self) -> None:
        text = self.entry.text().strip()
        if not text:
            return
        self.runner.run(self, lambda: admissions.check_ticket(self.ctx, text),
                        self.show_verdict, self._failed)

    def _target(self) -> str | None:
        if self.current is not None and self.current.reference is not None:
            return self.current.token or self.current.reference
        return self.entry.text().strip() or None

    def validate_current(self) -> None:
        """Composter: the ticket on screen (or the reference typed) lets one in."""
        target = self._target()
        if target is None:
            return
        staff = self.staff
        self.runner.run(self, lambda: admissions.validate_ticket(self.ctx, staff, target),
                        self.show_act, self._failed, changes_data=True)

    def _ask_void_reason(self) -> None:
        if self._target() is None:
            self._say(self.tr("Scannez ou tapez d'abord le billet à détruire."), error=True)
            return
        self.void_reason.show()
        self.void_confirm.show()
        self.void_reason.setFocus()

    def void_current(self, reason: str) -> None:
        """Détruire: the ticket on screen, for good, with `reason`."""
        target = self._target()
        if target is None:
            return
        if not reason.strip():
            self._say(self.tr("Dites pourquoi le billet est détruit."), error=True)
            return
        staff = self.staff

        def voided(_done: object) -> None:
            self.void_reason.clear()
            self.void_reason.hide()
            self.void_confirm.hide()
            self._say(self.tr("Billet détruit."))
            self.runner.run(self, lambda: admissions.check_ticket(self.ctx, target),
                            self.show_verdict, self._failed)

        self.runner.run(self, lambda: admissions.void_ticket(self.ctx, staff, target, reason),
                        voided, self._failed, changes_data=True)

    def request_sign_out(self) -> None:
        staff = self.staff
        self.runner.run(self, lambda: sign_out(self.ctx, staff),
                        lambda _none: self.sign_out_requested.emit(), self._failed,
                        changes_data=True)

    # -- output ---------------------------------------------------------------------------

    def show_verdict(self, verdict: GateVerdict) -> None:
        self.current, self.validated = verdict, False
        self._paint(verdict)
        self.shown_verdict.emit(verdict)

    def show_act(self, act: GateAct) -> None:
        self.current, self.validated = act.verdict, act.validated
        self.entry.clear()
        self._paint(act.verdict, act)
        self._beep(act.validated)
        self.refresh_counts()
        self.shown_verdict.emit(act)

    def _beep(self, admitted: bool) -> None:
        QApplication.beep()
        if not admitted:  # twice: the checker hears a refusal without looking
            QTimer.singleShot(180, QApplication.beep)

    def _paint(self, verdict: GateVerdict | None, act: GateAct | None = None) -> None:
        if verdict is None:
            self.panel.setProperty("light", "idle")
            self.panel.setStyleSheet(_panel_style(IDLE))
            self.headline.setText(self.tr("Présentez un billet"))
            self.reason.setText(self.tr("Scannez le QR code ou tapez la référence."))
            self.details.clear()
            return
        light = verdict.verdict.light
        self.panel.setProperty("light", light.value)
        self.panel.setStyleSheet(_panel_style(COLOURS[light]))
        validated = act is not None and act.validated
        self.headline.setText(verdict_headline(light, validated))
        self.reason.setText(verdict_reason_text(verdict.verdict))
        facts = act.ticket if act is not None else verdict.ticket
        if facts is None:
            self.details.clear()
            return
        allowed = (self.tr("illimitées") if facts.entries_allowed is None
                   else str(facts.entries_allowed))
        lines = [
            verdict.product_name or facts.product_id,
            self.tr("Billet {reference}").format(reference=shown_reference(facts.reference)),
            self.tr("Valable du {start} au {end}").format(
                start=format_local_time(facts.valid_from, "%d/%m/%Y %H:%M"),
                end=format_local_time(facts.valid_until, "%d/%m/%Y %H:%M")),
            self.tr("Entrées : {used} sur {allowed}").format(used=facts.entries_used,
                                                             allowed=allowed)]
        if facts.last_validated_at is not None:
            lines.append(self.tr("Dernière validation : {when}").format(
                when=format_local_time(facts.last_validated_at, "%d/%m/%Y %H:%M:%S")))
        self.details.setText("\n".join(lines))

    def refresh_counts(self) -> None:
        self.runner.run(self, lambda: admissions.running_count(self.ctx), self._show_counts,
                        self._failed)

    def _show_counts(self, count: RunningCount) -> None:
        self.count = count
        self.counts.setText(self.tr("Entrées aujourd'hui : {today} — cette heure : {hour}"
                                    ).format(today=count.today, hour=count.this_hour))

    def _say(self, text: str, error: bool = False) -> None:
        self.notice.setProperty("error", error)
        self.notice.setText(text)

    def _failed(self, error: Exception) -> None:
        self._say(error_message(error), error=True)

    # -- managers ---------------------------------------------------------------------------

    def open_conflicts(self) -> ConflictsDialog:
        return show_dialog(ConflictsDialog(self.ctx, self.runner, self))

    def open_stats(self) -> QDialog:
        from pos_app.ui.gate_stats import GateStatsDialog

        return show_dialog(GateStatsDialog(self.ctx, self.runner, self))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        super().closeEvent(event)
        if event.isAccepted():
            for dialog in self.findChildren(QDialog):
                if dialog.isVisible():
                    dialog.done(0)
            self.closed.emit()


def _panel_style(background: str) -> str:
    """The verdict's colour, and its words as large as a checker reads from a step away
    (the till's style sheet sets every label's size: this one's own rules win)."""
    return (f"#verdictPanel {{ background: {background}; }}"
            " #verdictPanel QLabel { color: white; }"
            " #verdictHeadline { font-size: 44px; font-weight: bold; }"
            " #verdictReason { font-size: 28px; }"
            " #verdictDetails { font-size: 20px; }")


class ConflictsDialog(QDialog):
    """What the server recorded between gates that worked apart, as last pulled."""

    loaded = Signal()

    def __init__(self, ctx: Context, runner: OperationRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Conflits entre contrôles"))
        self.table = named(QTableWidget(0, 4), "conflictsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Quand"), self.tr("Billet"),
                                              self.tr("Conflit"), self.tr("Détails")])
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.empty = named(QLabel(self.tr("Aucun conflit entre contrôles.")), "noConflicts")
        close = named(QPushButton(self.tr("Fermer")), "closeConflicts")
        close.setMinimumHeight(48)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(close)
        runner.run(self, lambda: admissions.ticket_conflicts(ctx), self.show_conflicts,
                   lambda error: self.empty.setText(error_message(error)))

    def kind_words(self, kind: str) -> str:
        return {"over_allowance": self.tr("Entrées au-delà du permis"),
                "after_void": self.tr("Validé après destruction"),
                "unknown_ticket": self.tr("Billet inconnu du serveur")}.get(kind, kind)

    def show_conflicts(self, conflicts: list[TicketConflict]) -> None:
        self.table.setRowCount(len(conflicts))
        for row, conflict in enumerate(conflicts):
            cells = [format_local_time(conflict.at, "%d/%m/%Y %H:%M"),
                     "-" if conflict.reference is None else shown_reference(conflict.reference),
                     self.kind_words(conflict.kind.value), conflict.details]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.empty.setVisible(not conflicts)
        self.loaded.emit()
