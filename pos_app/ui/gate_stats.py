"""The gate's figures for managers (R11): entries per day, per hour and per product over
a period, refusals by reason, a bar chart of the hours (painted: Qt Charts is not part
of the till's PySide6), and a CSV export of the same figures as `caisse tickets stats
--csv`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.services import admissions
from pos_app.services.admissions import GateStats, stats_csv
from pos_app.services.context import Context
from pos_app.services.tickets import venue_zone
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import named, show_dialog


class BarChart(QWidget):
    """Bars with their labels under them and their values over them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[tuple[str, int]] = []
        self.setMinimumHeight(220)

    def set_bars(self, bars: list[tuple[str, int]]) -> None:
        self.bars = bars
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        if not self.bars:
            return
        # Ended here, whatever happens: a painter left open on a widget until the garbage
        # collector comes (the till runs it rarely) outlives the paint event, and the
        # widget deleted under it crashes the process.
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width, height = self.width(), self.height()
        label_height, top = 20, 20
        step = width / len(self.bars)
        highest = max((value for _label, value in self.bars), default=0) or 1
        usable = height - label_height - top
        painter.setPen(self.palette().text().color())
        for index, (label, value) in enumerate(self.bars):
            left = index * step
            bar = usable * value / highest
            rect = QRectF(left + step * 0.15, top + usable - bar, step * 0.7, bar)
            painter.fillRect(rect, QColor("#1b7a2e"))
            painter.drawText(QRectF(left, height - label_height, step, label_height),
                             Qt.AlignmentFlag.AlignCenter, label)
            if value:
                painter.drawText(QRectF(left, top + usable - bar - 18, step, 18),
                                 Qt.AlignmentFlag.AlignCenter, str(value))


class GateStatsDialog(QDialog):
    loaded = Signal()

    def __init__(self, ctx: Context, runner: OperationRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.stats: GateStats | None = None
        self.setWindowTitle(self.tr("Statistiques des entrées"))
        # The till's day (its clock, the venue's time), whatever the machine's says.
        day = ctx.clock.now().astimezone(venue_zone()).date()
        today = QDate(day.year, day.month, day.day)
        self._asked = 0  # the last figures asked: an earlier answer coming late is dropped
        self.start = named(QDateEdit(today), "statsFrom")
        self.end = named(QDateEdit(today), "statsTo")
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        show = named(QPushButton(self.tr("Afficher")), "statsShow")
        export = named(QPushButton(self.tr("Exporter en CSV")), "statsExport")
        conflicts = named(QPushButton(self.tr("Conflits")), "statsConflicts")
        close = named(QPushButton(self.tr("Fermer")), "statsClose")
        self.summary = named(QLabel(), "statsSummary")
        self.summary.setWordWrap(True)
        self.chart = named(BarChart(), "statsChart")
        self.days = _table("statsDays", self.tr("Jour"), self.tr("Entrées"))
        self.products = _table("statsProducts", self.tr("Produit"), self.tr("Entrées"))
        self.refusals = _table("statsRefusals", self.tr("Refus"), self.tr("Nombre"))
        for button in (show, export, conflicts, close):
            button.setMinimumHeight(48)
        period = QHBoxLayout()
        period.addWidget(QLabel(self.tr("Du")))
        period.addWidget(self.start)
        period.addWidget(QLabel(self.tr("au")))
        period.addWidget(self.end)
        period.addWidget(show)
        period.addStretch(1)
        buttons = QHBoxLayout()  # below: the period's row stays within 800 px
        buttons.addWidget(export)
        buttons.addWidget(conflicts)
        buttons.addStretch(1)
        buttons.addWidget(close)
        tables = QHBoxLayout()
        for table in (self.days, self.products, self.refusals):
            tables.addWidget(table)
        layout = QVBoxLayout(self)
        layout.addLayout(period)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel(self.tr("Entrées par heure")))
        layout.addWidget(self.chart, 1)
        layout.addLayout(tables, 1)
        layout.addLayout(buttons)
        show.clicked.connect(self.load)
        export.clicked.connect(self._ask_export)
        conflicts.clicked.connect(self.open_conflicts)
        close.clicked.connect(self.accept)
        self.load()

    def open_conflicts(self) -> QDialog:
        from pos_app.ui.scan_station import ConflictsDialog

        return show_dialog(ConflictsDialog(self.ctx, self.runner, self))

    def period(self) -> tuple[date, date]:
        return self.start.date().toPython(), self.end.date().toPython()  # type: ignore[return-value]

    def load(self) -> None:
        first, last = self.period()
        self._asked += 1
        asked = self._asked

        def answered(stats: GateStats) -> None:
            if asked == self._asked:
                self.show_stats(stats)

        self.runner.run(self, lambda: admissions.ticket_stats(self.ctx, first, last),
                        answered, lambda error: self.summary.setText(error_message(error)))

    def show_stats(self, stats: GateStats) -> None:
        self.stats = stats
        refused = sum(count for _reason, count in stats.refusals)
        self.summary.setText(self.tr("{entries} entrée(s), {refused} refus, {voids} billet(s)"
                                     " détruit(s)").format(entries=stats.entries,
                                                           refused=refused, voids=stats.voids))
        self.chart.set_bars([(f"{hour}", count) for hour, count in stats.per_hour
                             if 6 <= hour <= 23 or count])
        _fill(self.days, [(day.strftime("%d/%m/%Y"), count) for day, count in stats.per_day])
        _fill(self.products, [(name, count) for _id, name, count in stats.per_product])
        _fill(self.refusals, list(stats.refusals))
        self.loaded.emit()

    def _ask_export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Exporter les statistiques"), "entrees.csv", "CSV (*.csv)")
        if path:
            self.export_csv(Path(path))

    def export_csv(self, path: Path) -> None:
        if self.stats is None:
            return
        try:
            path.write_text(stats_csv(self.stats), encoding="utf-8")
        except OSError as error:
            self.summary.setText(self.tr("Export impossible : {why}").format(
                why=error.strerror or str(error)))
            return
        self.summary.setText(self.tr("Exporté dans {path}").format(path=str(path)))


def _table(name: str, first: str, second: str) -> QTableWidget:
    table = named(QTableWidget(0, 2), name)
    table.setHorizontalHeaderLabels([first, second])
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, int]]) -> None:
    table.setRowCount(len(rows))
    for row, (label, count) in enumerate(rows):
        table.setItem(row, 0, QTableWidgetItem(label))
        table.setItem(row, 1, QTableWidgetItem(str(count)))
