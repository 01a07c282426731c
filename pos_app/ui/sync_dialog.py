"""Caisse › Synchronisation: the server and the till's name there, online or offline
since when, the last contact, the records waiting, sent and rejected, each rejected
record with the server's reason (kept: nothing here deletes one), each journal chain
with the head the server acknowledged and its flag, the clock's offset, and
"Synchroniser maintenant", which wakes the sync thread (the network is reached there,
never on the UI thread) and says how the round went."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.formatting import format_count, format_local_time
from pos_app.ui.messages import clock_offset_text, sync_failure_text
from pos_app.ui.sync_badge import (
    GREEN,
    ORANGE,
    RED,
    SyncView,
    connection_text,
    progress_text,
    read_sync,
    rejected_text,
    waiting_text,
)
from pos_app.ui.widgets import named, restyle, set_by_name, split_row, wrapped

if TYPE_CHECKING:
    from pos_app.domain.sync import ChainAck, QueuedRecord
    from pos_app.services.context import Context
    from pos_app.services.ports import HeldOrder
    from pos_app.services.sync import ChainStatus, SendProgress, SyncRun
    from pos_app.ui.ops import OperationRunner
    from pos_app.ui.sync_link import SyncBridge

REFRESH_MS = 5000
HELD_SHOWN = 3  # held orders listed with their reason (all are counted)
SECONDS = "%d/%m/%Y %H:%M:%S"
FLAG_COLOUR = QColor(RED)


class _Table(QTableWidget):
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # Small as asked: the dialog then fits a 1024×768 screen, and the tables share
        # what the rest leaves.
        return QSize(400, 110)


class SyncDialog(QDialog):
    def __init__(self, ctx: Context, runner: OperationRunner, bridge: SyncBridge | None,
                 parent: QWidget | None = None) -> None:
        """Without `bridge` (no sync thread in this window) it shows, and cannot sync."""
        super().__init__(parent)
        self.ctx, self.runner, self.bridge = ctx, runner, bridge
        self.view: SyncView | None = None
        self.waiting_for: int | None = None  # the round that answers "Synchroniser"
        self._showing_progress = False  # the outcome line shows a push's progress
        self.setWindowTitle(self.tr("Synchronisation"))
        self.state = named(QLabel(), "syncState")
        self.server = named(QLabel(), "syncServer")
        self.till = named(QLabel(), "syncTill")
        self.contact = named(QLabel(), "syncContact")
        self.records = named(QLabel(), "syncRecords")
        self.journal = named(QLabel(), "syncJournal")
        self.clock = named(QLabel(), "syncClock")
        self.last_error = named(QLabel(), "syncError")
        self.held = named(QLabel(), "syncHeldOrders")
        self.held.setVisible(False)  # until a read finds orders that wait
        for label in (self.server, self.till, self.records, self.journal, self.clock,
                      self.last_error, self.state, self.contact, self.held):
            wrapped(label)
        self.rejected_title = named(QLabel(), "heading")
        self.rejected_table = self._table("rejected", [
            self.tr("Enregistrement"), self.tr("Heure"), self.tr("Motif du serveur")])
        self.no_rejected = QLabel(self.tr("Aucun : le serveur a tout accepté."))
        self.chain_table = self._table("chains", [
            self.tr("Chaîne"), self.tr("Sur la caisse"), self.tr("Acquittée par le serveur"),
            self.tr("Signalement")], whole=True)
        self.outcome = named(QLabel(), "syncOutcome")
        self.outcome.setWordWrap(True)
        self.sync_now = named(QPushButton(self.tr("Synchroniser maintenant")), "syncNow")
        self.sync_now.setEnabled(False)  # until a read says the till is enrolled
        close = named(QPushButton(self.tr("Fermer")), "close")
        self._layout(close)
        close.clicked.connect(self.accept)
        self.sync_now.clicked.connect(self.synchronise)
        if bridge is not None:
            bridge.round_ended.connect(self._round_ended)
            bridge.progress.connect(self._progressed)
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def _table(self, name: str, headings: list[str], whole: bool = False) -> QTableWidget:
        """A table that fits the screen's width (its last column wraps): no sideways
        scrolling on a touchscreen."""
        table = named(_Table(0, len(headings)), name)
        table.setHorizontalHeaderLabels(headings)
        table.verticalHeader().setVisible(False)
        set_by_name(table, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        set_by_name(table, "editTriggers", "NoEditTriggers")
        set_by_name(table, "selectionMode", "NoSelection")  # nothing here to pick
        set_by_name(table, "focusPolicy", "NoFocus")
        table.setWordWrap(True)
        header = table.horizontalHeader()
        for column in range(len(headings) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(headings) - 1, QHeaderView.ResizeMode.Stretch)
        # Wrapped rows take their height once the columns have their widths.
        header.sectionResized.connect(lambda *_sizes: _fit_rows(table, whole))
        return table

    def _layout(self, close: QPushButton) -> None:
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        rows = [((self.tr("Serveur"), self.server), (self.tr("Poste"), self.till)),
                ((self.tr("État"), self.state), (self.tr("Dernier contact"), self.contact)),
                ((self.tr("Enregistrements"), self.records), (self.tr("Journal"), self.journal))]
        for row, pairs in enumerate(rows):
            for index, (title, value) in enumerate(pairs):
                grid.addWidget(named(QLabel(title), "fieldName"), row, index * 2)
                grid.addWidget(value, row, index * 2 + 1)
        grid.addWidget(named(QLabel(self.tr("Horloge")), "fieldName"), len(rows), 0)
        grid.addWidget(self.clock, len(rows), 1, 1, 3)
        grid.addWidget(self.last_error, len(rows) + 1, 0, 1, 4)
        grid.addWidget(self.held, len(rows) + 2, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.rejected_title)
        layout.addWidget(self.no_rejected)
        layout.addWidget(self.rejected_table, 1)
        layout.addWidget(named(QLabel(self.tr("Journal fiscal")), "heading"))
        layout.addWidget(self.chain_table)
        layout.addWidget(self.outcome)
        layout.addLayout(split_row([close], [self.sync_now]))

    # -- reading --------------------------------------------------------------------------

    def refresh(self) -> None:
        ctx = self.ctx
        self.runner.run(self, lambda: read_sync(ctx), self.show_view,
                        lambda _error: None)  # the next read tells

    def show_view(self, view: SyncView) -> None:
        self.view = view
        status, link = view.status, view.status.link
        self.sync_now.setEnabled(link is not None and self.bridge is not None)
        if link is None:
            self.state.setText(self.tr("Ce poste n'est inscrit auprès d'aucun serveur : un"
                                       " responsable l'inscrit avec « caisse enrol »."))
            self._colour(self.state, None)
            for label in (self.server, self.till, self.contact, self.clock, self.last_error):
                label.clear()
        else:
            self.server.setText(link.server_url)
            self.till.setText(self.tr("{name} (inscrit le {date})").format(
                name=link.till_name, date=format_local_time(link.enrolled_at)))
            self.state.setText(connection_text(link, view.now, "%d/%m/%Y"))
            self._colour(self.state, GREEN if link.online else ORANGE)
            self.contact.setText(self.tr("jamais") if link.last_contact_at is None
                                 else format_local_time(link.last_contact_at, SECONDS))
            offset = link.clock_offset_seconds
            self.clock.setText(self.tr("pas encore mesurée") if offset is None
                               else clock_offset_text(offset))
            self._colour(self.clock, RED if link.clock_off else None)
            self.last_error.setText("" if not link.last_error or link.online else
                                    self.tr("Dernière erreur (détail technique) : {error}")
                                    .format(error=link.last_error))
            self.last_error.setVisible(bool(self.last_error.text()))
        counts = status.counts
        rejected = html.escape(rejected_text(counts.rejected))
        self.records.setText(html.escape(self.tr("{waiting}, {sent} envoyé(s), {rejected}"))
                             .format(waiting=html.escape(waiting_text(counts.waiting)),
                                     sent=format_count(counts.sent),
                                     rejected=f'<b style="color:{RED}">{rejected}</b>'
                                     if counts.rejected else rejected))
        self.journal.setText(self.tr("{count} entrée(s) à envoyer").format(
            count=format_count(status.journal_waiting)))
        self._show_held(status.held_orders)
        self._show_rejected(status.rejected, counts.rejected)
        self._show_chains(status.chains)

    def _show_held(self, held: list[HeldOrder]) -> None:
        """Orders of other tills this one could not take in yet: kept, tried again after
        each synchronisation; the first few with the technical reason."""
        shown = "".join(
            "<br>" + html.escape(self.tr("{number} (depuis le {time}) : {reason}").format(
                number=item.number, time=format_local_time(item.held_at),
                reason=item.reason)) for item in held[:HELD_SHOWN])
        self.held.setText("" if not held else (
            f'<b style="color:{ORANGE}">' + html.escape(self.tr(
                "Commandes d'autres caisses pas encore reprises ici : {count} (gardées,"
                " réessayées à chaque synchronisation)").format(count=format_count(len(held))))
            + "</b>" + shown))
        self.held.setVisible(bool(held))

    def _show_rejected(self, records: list[QueuedRecord], count: int) -> None:
        """The newest first (the status holds the last hundred; the title says if more)."""
        self.rejected_title.setText(self.tr("Enregistrements rejetés par le serveur : {count}")
                                    .format(count=format_count(count)))
        self.no_rejected.setVisible(not records)
        self.rejected_table.setVisible(bool(records))
        self.rejected_table.setRowCount(len(records))
        for row, record in enumerate(records):
            cells = [self._record_name(record), format_local_time(record.created_at, SECONDS),
                     record.reason or ""]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(record.record_id)
                self.rejected_table.setItem(row, column, item)
        _fit_rows(self.rejected_table)

    def _show_chains(self, chains: list[ChainStatus]) -> None:
        self.chain_table.setRowCount(len(chains))
        for row, chain in enumerate(chains):
            ack = chain.acknowledged
            cells = [self._chain_name(chain.chain), self.tr("n° {number}").format(
                number=format_count(chain.local_number)), self._ack_text(ack),
                "" if ack is None or not ack.flagged else self.tr("Signalée : {reason}").format(
                    reason=ack.flagged)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if ack is not None and ack.flagged:
                    item.setForeground(FLAG_COLOUR)
                self.chain_table.setItem(row, column, item)
        _fit_rows(self.chain_table, whole=True)

    def _ack_text(self, ack: ChainAck | None) -> str:
        if ack is None:
            return self.tr("pas encore")
        text = self.tr("n° {number} ({hash}…)").format(number=format_count(ack.number),
                                                       hash=ack.hash[:8])
        if ack.acknowledged_at is not None:
            text += self.tr(" le {date}").format(
                date=format_local_time(ack.acknowledged_at, "%d/%m %H:%M"))
        return text

    def _chain_name(self, chain: str) -> str:
        names = {"order": self.tr("Ventes"), "closure": self.tr("Clôtures"),
                 "event": self.tr("Événements")}
        return names.get(chain, chain)

    def _record_name(self, record: QueuedRecord) -> str:
        kinds = {"order.validated": self.tr("Vente"), "payment.taken": self.tr("Paiement"),
                 "order.cancelled": self.tr("Annulation"),
                 "order.returned": self.tr("Retour (avoir)"),
                 "refund.given": self.tr("Remboursement"),
                 "cash.moved": self.tr("Mouvement d'espèces"),
                 "closure.made": self.tr("Clôture"), "customer.saved": self.tr("Client"),
                 "staff.signed_in": self.tr("Connexion"),
                 "staff.signed_out": self.tr("Déconnexion"),
                 "session.opened": self.tr("Ouverture de caisse")}
        name = kinds.get(record.kind, record.kind)
        reference = _reference(record)
        return name if reference is None else f"{name} {reference}"

    def _colour(self, label: QLabel, colour: str | None) -> None:
        label.setStyleSheet("" if colour is None else f"color: {colour}; font-weight: bold;")

    # -- syncing now ----------------------------------------------------------------------

    def synchronise(self) -> None:
        """Wake the sync thread now; its round's outcome is said when it ends."""
        if self.bridge is None:
            return
        self.waiting_for = self.bridge.sync_now()
        self._say(self.tr("Synchronisation en cours…"))

    def _progressed(self, progress: SendProgress) -> None:
        self._say(progress_text(progress))
        self._showing_progress = True

    def _round_ended(self, number: int, run: SyncRun | None) -> None:
        self.refresh()
        if self.waiting_for is None or number < self.waiting_for:
            if self._showing_progress and self.waiting_for is None:
                self._say("")  # a round nobody asked for here: its progress is over
            return
        self.waiting_for = None
        if run is None:
            self._say(self.tr("La synchronisation n'a pas pu se faire (voir « Dernière"
                              " erreur » ; ce poste est-il inscrit ?). Rien n'est perdu."),
                      error=True)
        elif run.failure is not None:
            self._say(sync_failure_text(run.failure), error=True)
        else:
            self._say(self.outcome_text(run), error=bool(run.records.rejected))

    def outcome_text(self, run: SyncRun) -> str:
        records = run.records
        text = self.tr("Synchronisé à {time} : {sent} enregistrement(s) envoyé(s),"
                       " {rejected} rejeté(s) ; {entries} entrée(s) du journal"
                       " acquittée(s).").format(
            time=format_local_time(self.ctx.clock.now(), "%H:%M:%S"),
            sent=format_count(records.sent), rejected=format_count(len(records.rejected)),
            entries=format_count(run.journal.entries))
        if records.waiting:
            text += " " + self.tr("{count} à renvoyer : le serveur a demandé d'attendre.").format(
                count=format_count(records.waiting))
        return text

    def _say(self, text: str, error: bool = False) -> None:
        self.outcome.setText(text)
        self.outcome.setProperty("error", error)
        restyle(self.outcome)
        self._showing_progress = False


def _fit_rows(table: QTableWidget, whole: bool = False) -> None:
    """Rows as tall as their wrapped text; with `whole`, the table as tall as its rows
    (the journal's few chains: all in sight, never a scroll bar)."""
    table.resizeRowsToContents()
    if whole:
        rows = sum(table.rowHeight(row) for row in range(table.rowCount()))
        table.setFixedHeight(table.horizontalHeader().height() + rows
                             + 2 * table.frameWidth())


def _reference(record: QueuedRecord) -> str | None:
    """The number staff know the record by (an order's, a credit note's, a closure's),
    read from its payload as the till wrote it; None when it has none."""
    try:
        payload = json.loads(record.payload)
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    for key in ("number", "order_number"):
        value = payload.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return str(value)
    return None
