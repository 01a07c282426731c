"""Historique des clôtures (R6): the closures of a period (today, this week, this month,
or dates chosen), listed, with a chart of takings and cash gaps over time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.closure import Closure, ClosureKind
from pos_app.formatting import format_local_time, format_money, paris
from pos_app.services import closures
from pos_app.services.context import Context
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import named, split_row

TAKINGS_COLOUR = QColor("#1565c0")
GAP_COLOUR = QColor("#c62828")


class ClosureChart(QWidget):
    """Each Z as a bar of its takings, and its cash gap as a point on a line (red below
    zero when cash was missing), on one time axis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.closures: list[Closure] = []
        self.setMinimumHeight(180)

    def show_closures(self, found: list[Closure]) -> None:
        self.closures = [c for c in found if c.kind is ClosureKind.Z]
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(self.rect()).adjusted(70, 30, -10, -24)  # legend above
        painter.setPen(QPen(self.palette().text().color(), 1))
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        if not self.closures:
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.tr("Aucune clôture Z"))
            return
        top = max(1, *(c.totals.period_cents for c in self.closures))
        gap_span = max(1, *(abs(c.gap_cents) for c in self.closures))
        step = area.width() / len(self.closures)
        middle = area.top() + area.height() / 2
        gaps: list[QPointF] = []
        for index, closure in enumerate(self.closures):
            height = area.height() * max(closure.totals.period_cents, 0) / top
            left = area.left() + index * step + step * 0.15
            painter.fillRect(QRectF(left, area.bottom() - height, step * 0.7, height),
                             TAKINGS_COLOUR)
            gaps.append(QPointF(left + step * 0.35,
                                middle - (area.height() / 2) * closure.gap_cents / gap_span))
            if len(self.closures) <= 14:
                painter.drawText(QRectF(left - step * 0.15, area.bottom() + 2, step, 20),
                                 Qt.AlignmentFlag.AlignHCenter,
                                 format_local_time(closure.period_end, "%d/%m"))
        painter.setPen(QPen(GAP_COLOUR, 2))
        painter.drawPolyline(gaps)
        for point, closure in zip(gaps, self.closures, strict=True):
            painter.setBrush(GAP_COLOUR if closure.gap_cents < 0 else QColor("white"))
            painter.drawEllipse(point, 4, 4)
        painter.setPen(QPen(self.palette().text().color(), 1))
        legend = QRectF(area.right() - 260, 4, 260, 20)
        painter.fillRect(QRectF(legend.left(), legend.top() + 5, 12, 12), TAKINGS_COLOUR)
        painter.drawText(legend.adjusted(16, 0, 0, 0), self.tr("CA TTC"))
        painter.setPen(QPen(GAP_COLOUR, 2))
        painter.drawLine(QPointF(legend.left() + 110, legend.top() + 11),
                         QPointF(legend.left() + 130, legend.top() + 11))
        painter.drawText(legend.adjusted(136, 0, 0, 0), self.tr("Écart de caisse"))
        painter.setPen(QPen(self.palette().text().color(), 1))
        painter.drawText(QRectF(0, area.top(), 66, 20), Qt.AlignmentFlag.AlignRight,
                         format_money(top).replace("\u00a0€", ""))


class ClosureHistoryDialog(QDialog):

    def __init__(self, ctx: Context, runner: OperationRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.found: list[Closure] = []
        self.setWindowTitle(self.tr("Historique des clôtures"))
        today = ctx.clock.now().astimezone(paris()).date()
        presets = [(self.tr("Aujourd'hui"), today, today),
                   (self.tr("Cette semaine"), today - timedelta(days=today.weekday()), today),
                   (self.tr("Ce mois"), today.replace(day=1), today)]
        bar = QHBoxLayout()
        for label, start, end in presets:
            button = QPushButton(label)
            button.clicked.connect(lambda _on=False, s=start, e=end: self.show_period(s, e))
            bar.addWidget(button)
        self.start_date = named(QDateEdit(QDate(today.year, today.month, 1)), "from")
        self.end_date = named(QDateEdit(QDate(today.year, today.month, today.day)), "to")
        for field in (self.start_date, self.end_date):
            field.setCalendarPopup(True)
            field.setDisplayFormat("dd/MM/yyyy")
        custom = named(QPushButton(self.tr("Afficher")), "showDates")
        custom.clicked.connect(self._show_dates)
        bar.addStretch(1)
        dates = QHBoxLayout()  # a row of its own: both rows fit an 800 px screen whole
        dates.addWidget(QLabel(self.tr("Du")))
        dates.addWidget(self.start_date)
        dates.addWidget(QLabel(self.tr("au")))
        dates.addWidget(self.end_date)
        dates.addWidget(custom)
        dates.addStretch(1)
        headers = [self.tr("Clôture"), self.tr("Date"), self.tr("CA TTC"),
                   self.tr("Attendu"), self.tr("Compté"), self.tr("Écart"),
                   self.tr("Grand total")]
        self.table = named(QTableWidget(0, len(headers)), "closures")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.chart = named(ClosureChart(), "closureChart")
        self.error = named(QLabel(), "error")
        close = named(QPushButton(self.tr("Fermer")), "close")
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(dates)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.chart, 2)
        layout.addWidget(self.error)
        layout.addLayout(split_row([close], []))
        self.show_period(today.replace(day=1), today)

    def _show_dates(self) -> None:
        start, end = self.start_date.date(), self.end_date.date()
        self.show_period(date(start.year(), start.month(), start.day()),
                         date(end.year(), end.month(), end.day()))

    def show_period(self, start: date, end: date) -> None:
        """Closures that ended between `start` and `end` (days in France, included)."""
        since = datetime.combine(start, time(), paris())
        until = datetime.combine(end + timedelta(days=1), time(), paris())
        self.runner.run(self, lambda: closures.closures_between(self.ctx, since, until),
                        self._show, lambda error: self.error.setText(error_message(error)))

    def _show(self, found: list[Closure]) -> None:
        self.found = found
        self.table.setRowCount(len(found))
        names = {ClosureKind.Z: "Z", ClosureKind.MONTH: self.tr("Mois"),
                 ClosureKind.YEAR: self.tr("Année")}
        for row, closure in enumerate(found):
            cells = [f"{names[closure.kind]} n° {closure.number}",
                     format_local_time(closure.period_end),
                     format_money(closure.totals.period_cents),
                     format_money(closure.expected_cash_cents),
                     format_money(closure.counted_cash_cents),
                     format_money(closure.gap_cents),
                     format_money(closure.totals.perpetual_cents)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if column == 5 and closure.gap_cents < 0:
                    item.setForeground(GAP_COLOUR)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.chart.show_closures(found)
