"""The X reading and the Z closure (R6).

The Z starts by turning the till "closing" (yellow at the next sign-in if the closure is
not finished); the counted cash starts equal to the expected cash, and typing another
figure, or counting notes and coins, shows the gap at once.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pos_app.documents import reading_document
from pos_app.domain.closure import EURO_DENOMINATIONS, CashCount, Reading
from pos_app.domain.errors import InvalidAmount
from pos_app.domain.money import parse_amount
from pos_app.domain.staff import StaffMember
from pos_app.formatting import format_amount_field, format_money
from pos_app.services import closures
from pos_app.services.closures import ClosureResult
from pos_app.services.context import Context
from pos_app.ui.keypad import Keypad
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import named, restyle, split_row

if TYPE_CHECKING:
    from pos_app.ui.device_link import DeviceLink


class ClosureDialog(QDialog):
    """`z=False`: the X reading, which changes nothing. `z=True`: the Z closure."""

    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember, z: bool,
                 parent: QWidget | None = None, devices: DeviceLink | None = None,
                 training: bool = False) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.staff, self.z = ctx, runner, staff, z
        self.devices, self.training = devices, training
        self.reading: Reading | None = None
        self.closed: ClosureResult | None = None
        self.setWindowTitle(self.tr("Clôture Z") if z else self.tr("Lecture X"))
        self.figures = named(QTextBrowser(), "closureFigures")
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        self.counted = named(QLineEdit(), "counted")
        self.gap = named(QLabel(), "gap")
        self.keypad = Keypad(self.counted)
        self.count_button = named(QPushButton(self.tr("Compter les espèces")), "countCash")
        self.count_button.setCheckable(True)
        self.counts: dict[int, QSpinBox] = {}
        self.count_panel = self._count_panel()
        self.count_panel.hide()
        self.validate = named(QPushButton(self.tr("Valider la clôture Z")), "validateZ")
        self.validate.setEnabled(False)
        close = named(QPushButton(self.tr("Fermer")), "close")
        # The report on paper, for the manager's file (queued: a printer off loses it not).
        self.print_report = named(QPushButton(self.tr("Imprimer")), "printReport")
        self.print_report.setVisible(devices is not None)
        self.print_report.setEnabled(False)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._figures_page())
        self.outcome = named(QLabel(), "outcome")
        self.outcome.setWordWrap(True)
        self.pages.addWidget(self.outcome)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addLayout(split_row([close, self.print_report], [self.validate] if z else []))
        self.validate.setVisible(z)
        close.clicked.connect(self.accept)
        self.print_report.clicked.connect(self._print)
        self.validate.clicked.connect(self._finish)
        self.counted.textChanged.connect(self._show_gap)
        self.count_button.toggled.connect(self._counting)
        if z:
            self.runner.run(self, lambda: closures.start_closure(ctx, staff), self._show,
                            self._fail, changes_data=True)
        else:
            self.runner.run(self, lambda: closures.record_x_reading(ctx, staff), self._show,
                            self._fail, changes_data=True)

    # -- layout ---------------------------------------------------------------------------

    def _figures_page(self) -> QWidget:
        cash = QVBoxLayout()
        cash.addWidget(named(QLabel(self.tr("Espèces comptées")), "heading"))
        cash.addWidget(self.counted)
        cash.addWidget(self.gap)
        cash.addWidget(self.keypad)
        cash.addWidget(self.count_panel)
        cash.addWidget(self.count_button)
        cash.addStretch(1)
        cash_side = QWidget()
        cash_side.setLayout(cash)
        cash_side.setVisible(self.z)
        self.figures.setMinimumWidth(300)
        row = QHBoxLayout()
        row.addWidget(self.figures, 3)
        row.addWidget(cash_side, 2)
        page = QWidget()
        page.setLayout(row)
        return page

    def _count_panel(self) -> QWidget:
        """One field per euro note and coin; their total becomes the counted cash."""
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for index, denomination in enumerate(EURO_DENOMINATIONS):
            spin = named(QSpinBox(), f"count_{denomination}")
            spin.setRange(0, 9999)
            spin.valueChanged.connect(self._counted_from_count)
            self.counts[denomination] = spin
            # Three columns of five: notes, then large and small coins.
            label = QLabel(format_money(denomination).replace(",00", ""))
            grid.addWidget(label, index % 5, (index // 5) * 2)
            grid.addWidget(spin, index % 5, (index // 5) * 2 + 1)
        panel = QWidget()
        panel.setLayout(grid)
        return panel

    # -- behaviour ------------------------------------------------------------------------

    def _show(self, reading: Reading) -> None:
        self.reading = reading
        self.figures.setHtml(self._html(reading))
        self.counted.setText(format_amount_field(reading.expected_cash_cents))
        self.keypad.replace_next = True
        self.validate.setEnabled(True)
        self.print_report.setEnabled(not self.z)  # a Z's report once it is recorded
        self._show_gap()

    def _counted_cents(self) -> int | None:
        try:
            return parse_amount(self.counted.text())
        except InvalidAmount:
            return None

    def _show_gap(self) -> None:
        if self.reading is None:
            return
        counted = self._counted_cents()
        if counted is None:
            self.gap.setText(self.tr("Montant incorrect"))
            self.gap.setProperty("gapState", "error")
        else:
            gap = counted - self.reading.expected_cash_cents
            self.gap.setText(self.tr("Écart : {amount}").format(amount=format_money(gap)))
            self.gap.setProperty("gapState", "none" if gap == 0 else "gap")
        restyle(self.gap)

    def _counting(self, on: bool) -> None:
        # Counting replaces typing: the notes and coins take the keypad's place.
        self.count_panel.setVisible(on)
        self.counted.setReadOnly(on)
        self.keypad.setVisible(not on)
        if on:
            self._counted_from_count()

    def _count(self) -> CashCount | None:
        if not self.count_button.isChecked():
            return None
        return CashCount.of({d: spin.value() for d, spin in self.counts.items()})

    def _counted_from_count(self) -> None:
        count = self._count()
        if count is not None:
            self.counted.setText(format_amount_field(count.total_cents))

    def _finish(self) -> None:
        counted, count = self._counted_cents(), self._count()
        if counted is None:
            self.error.setText(error_message(InvalidAmount(self.counted.text())))
            return
        self.validate.setEnabled(False)
        ctx, staff = self.ctx, self.staff
        self.runner.run(self, lambda: closures.finish_closure(ctx, staff, counted, count),
                        self._closed, self._fail, changes_data=True)

    def _closed(self, result: ClosureResult) -> None:
        self.closed = result
        z = result.closure
        text = self.tr("Clôture Z n° {number} enregistrée. Espèces attendues {expected},"
                       " comptées {counted}, écart {gap}. Grand total {total}.").format(
            number=z.number, expected=format_money(z.expected_cash_cents),
            counted=format_money(z.counted_cash_cents), gap=format_money(z.gap_cents),
            total=format_money(z.totals.perpetual_cents))
        for done in result.made_alongside:
            text += " " + self.tr("Clôture {kind} n° {number} enregistrée aussi.").format(
                kind=self.tr("mensuelle") if done.kind.value == "month" else self.tr("annuelle"),
                number=done.number)
        self.outcome.setText(text)
        self.pages.setCurrentIndex(1)
        self.print_report.setEnabled(True)

    def _print(self) -> None:
        if self.devices is None:
            return
        if self.closed is not None:
            document = reading_document(self.closed.reading, (
                self.closed.closure, *self.closed.made_alongside), self.training)
        elif self.reading is not None and not self.z:
            document = reading_document(self.reading, training=self.training)
        else:
            return
        self.devices.print_document(document)
        self.print_report.setEnabled(False)  # once: another copy, open it again

    def _fail(self, error: Exception) -> None:
        self.validate.setEnabled(self.reading is not None and self.closed is None)
        self.error.setText(error_message(error))

    def _html(self, reading: Reading) -> str:
        cash, takings = reading.cash, reading.takings

        def row(label: str, cents: int, *more: int) -> str:
            cells = "".join(f"<td align='right'>{format_money(value)}</td>"
                            for value in (cents, *more))
            return f"<tr><td>{escape(label)}</td>{cells}</tr>"

        vat = "".join(row(self.tr("TVA {rate} % (TTC)").format(
            rate=f"{v.rate_bp / 100:g}".replace(".", ",")), v.total_cents) for v in reading.vat)
        sales = row(self.tr("Ventes ({count})").format(count=takings.orders),
                    takings.sales_cents)
        if takings.cancellations:
            sales += row(self.tr("Annulations ({count})").format(count=takings.cancellations),
                         -takings.cancelled_cents)
        if takings.returns:
            sales += row(self.tr("Retours, avoirs ({count})").format(count=takings.returns),
                         -takings.returned_cents)
        heading = ("<tr><td></td><td align='right'>" + self.tr("Encaissé") + "</td>"
                   "<td align='right'>" + self.tr("Remboursé") + "</td>"
                   "<td align='right'>" + self.tr("Net") + "</td></tr>")
        methods = heading + "".join(row(m.label, m.taken_cents, -m.refunded_cents,
                                        m.net_cents) for m in reading.methods)
        drawer = [row(self.tr("Fond de caisse"), cash.float_cents),
                  row(self.tr("Espèces encaissées"), cash.taken_cents),
                  row(self.tr("Monnaie rendue"), -cash.change_cents),
                  row(self.tr("Apports"), cash.in_cents),
                  row(self.tr("Retraits"), -cash.out_cents)]
        if cash.refunded_cents:
            drawer.append(row(self.tr("Remboursements en espèces"), -cash.refunded_cents))
        return (
            "<h3>" + self.tr("{orders} commande(s), {cancelled} annulation(s)").format(
                orders=reading.orders, cancelled=reading.cancellations) + "</h3>"
            f"<table width='100%'>{sales}"
            + row(self.tr("Chiffre d'affaires TTC"), reading.takings_cents) + vat
            + "</table><hr>"
            "<h3>" + self.tr("Par mode de paiement") + f"</h3><table width='100%'>{methods}"
            "</table><hr><h3>" + self.tr("Tiroir") + "</h3><table width='100%'>"
            + "".join(drawer) + row(self.tr("Espèces attendues"), cash.expected_cents)
            + "</table>" + self._heads_html(reading) + self._acknowledged_html(reading))

    def _chain_names(self) -> dict[str, str]:
        return {"order": self.tr("commandes"), "closure": self.tr("clôtures"),
                "event": self.tr("événements"), "duplicate": self.tr("duplicatas"),
                "archive": self.tr("archives"), "training": self.tr("formation")}

    def _heads_html(self, reading: Reading) -> str:
        """Every chain's head, in short, as a Z records them."""
        if not reading.heads:
            return ""
        names = self._chain_names()
        items = [escape(self.tr("{chain} n° {number} ({hash})").format(
            chain=names.get(head.chain, head.chain), number=head.number,
            hash=head.hash[:8])) for head in reading.heads]
        return ("<hr><h3>" + self.tr("Journal de la caisse") + "</h3><p>"
                + "<br>".join(items) + "</p>")

    def _acknowledged_html(self, reading: Reading) -> str:
        """The journal heads the server last acknowledged (an enrolled till only)."""
        if not reading.acknowledged:
            return ""
        names = self._chain_names()
        items = []
        for ack in reading.acknowledged:
            item = escape(self.tr("{chain} n° {number}").format(
                chain=names.get(ack.chain, ack.chain), number=ack.number))
            if ack.flagged:
                item += (" <span style='color:#b00020'>" + escape(self.tr("alerte : {reason}")
                         .format(reason=ack.flagged)) + "</span>")
            items.append(item)
        return ("<hr><h3>" + self.tr("Journal reconnu par le serveur") + "</h3><p>"
                + "<br>".join(items) + "</p>")
