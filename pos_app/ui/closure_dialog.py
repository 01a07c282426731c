"""The X reading and the Z closure (R6).

The Z starts by turning the till "closing" (yellow at the next sign-in, a banner on the
sale screen) until it is finished or abandoned. The manager counts the cash (an amount,
or notes and coins, on one keypad; never prefilled), validates the count, and confirms
the Z on a step that states the gap; a gap beyond the till's threshold needs a reason.
Counting blind (the till's rule), the expected cash and the gap show only once the count
is validated. The action row stays outside the figures' scrolling, always in view.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pos_app.documents import reading_document
from pos_app.domain.closure import Reading
from pos_app.domain.errors import InvalidAmount
from pos_app.domain.policy import TillPolicy
from pos_app.domain.staff import StaffMember
from pos_app.formatting import format_local_time, format_money
from pos_app.services import closures
from pos_app.services.closures import ClosureResult
from pos_app.services.context import Context
from pos_app.services.policies import till_policy
from pos_app.ui.cash_counter import CashCounter
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import grow_to_fit, named, restyle

if TYPE_CHECKING:
    from pos_app.ui.device_link import DeviceLink

# The pages of the dialog, in its stack.
FIGURES, CONFIRM, ABANDON, OUTCOME = range(4)


class ClosureDialog(QDialog):
    """`z=False`: the X reading, which changes nothing. `z=True`: the Z closure.
    `closing_changed(True)` once the Z is started, `(False)` once finished or abandoned."""

    closing_changed = Signal(bool)

    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember, z: bool,
                 parent: QWidget | None = None, devices: DeviceLink | None = None,
                 training: bool = False) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.staff, self.z = ctx, runner, staff, z
        self.devices, self.training = devices, training
        self.reading: Reading | None = None
        self.policy = TillPolicy()
        self.closed: ClosureResult | None = None
        self.abandoned = False
        self.count_confirmed = False  # "Valider le comptage" was tapped
        self.setWindowTitle(self.tr("Clôture Z") if z else self.tr("Lecture X"))
        self.figures = named(QTextBrowser(), "closureFigures")
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        self.counter = CashCounter()
        self.gap = named(QLabel(), "gap")
        self.gap.setWordWrap(True)
        self.question = named(QLabel(), "gapQuestion")
        self.question.setWordWrap(True)
        self.reason = named(QLineEdit(), "gapReason")
        self.reason.setPlaceholderText(self.tr("Motif de l'écart"))
        self.reason_hint = named(QLabel(), "reasonHint")
        self.reason_hint.setWordWrap(True)
        self.reason_choices: list[QPushButton] = []
        self.outcome = named(QLabel(), "outcome")
        self.outcome.setWordWrap(True)
        # The actions, one row outside the pages: always in view, whatever the page.
        self.close_button = named(QPushButton(self.tr("Fermer")), "close")
        self.abandon = named(QPushButton(self.tr("Abandonner la clôture")), "abandonZ")
        self.print_report = named(QPushButton(self.tr("Imprimer")), "printReport")
        self.back = named(QPushButton(self.tr("Retour")), "back")
        self.validate = named(QPushButton(self.tr("Valider le comptage")), "validateZ")
        self.confirm = named(QPushButton(self.tr("Confirmer")), "confirmZ")
        self.confirm_abandon = named(QPushButton(self.tr("Oui, abandonner")), "confirmAbandon")
        self.pages = QStackedWidget()
        self.pages.addWidget(self._figures_page())
        self.pages.addWidget(self._confirm_page())
        self.pages.addWidget(self._abandon_page())
        self.pages.addWidget(self.outcome)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addLayout(self._actions())
        self._connect()
        self.validate.setEnabled(False)
        self.print_report.setEnabled(False)  # once there is something to print
        self._show_page(FIGURES)
        if z:
            def start() -> tuple[Reading, TillPolicy]:
                return closures.start_closure(ctx, staff), till_policy(ctx)

            self.runner.run(self, start, self._started, self._fail, changes_data=True)
        else:
            self.runner.run(self, lambda: closures.record_x_reading(ctx, staff), self._show,
                            self._fail, changes_data=True)

    # -- layout ---------------------------------------------------------------------------

    def _actions(self) -> QHBoxLayout:
        actions = QHBoxLayout()
        for button in (self.close_button, self.abandon, self.print_report):
            actions.addWidget(button)
        actions.addStretch(1)
        for button in (self.back, self.validate, self.confirm, self.confirm_abandon):
            actions.addWidget(button)
        return actions

    def _connect(self) -> None:
        self.close_button.clicked.connect(self.accept)
        self.print_report.clicked.connect(self._print)
        self.validate.clicked.connect(self._validate_count)
        self.back.clicked.connect(lambda: self._show_page(FIGURES))
        self.confirm.clicked.connect(self._finish)
        self.abandon.clicked.connect(lambda: self._show_page(ABANDON))
        self.confirm_abandon.clicked.connect(self._abandon)
        self.counter.changed.connect(self._show_gap)
        self.reason.textChanged.connect(lambda _text: self._reason_needed())

    def _figures_page(self) -> QWidget:
        cash = QVBoxLayout()
        cash.setContentsMargins(0, 0, 0, 0)
        cash.addWidget(self.counter, 1)
        cash.addWidget(self.gap)
        cash_side = QWidget()
        cash_side.setLayout(cash)
        cash_side.setVisible(self.z)
        self.figures.setMinimumWidth(240)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.figures, 3)  # scrolls by itself
        row.addWidget(cash_side, 2)
        page = QWidget()
        page.setLayout(row)
        return page

    def _confirm_page(self) -> QWidget:
        """The gap stated, and its reason (quick choices, or typed on the keyboard)."""
        choices = QGridLayout()
        for index, text in enumerate((self.tr("Erreur de rendu de monnaie"),
                                      self.tr("Pièce/billet manquant"),
                                      self.tr("Fond de caisse mal compté"),
                                      self.tr("Paiement enregistré dans le mauvais mode"))):
            button = named(QPushButton(text), f"reasonChoice{index}")
            button.clicked.connect(lambda _on=False, said=text: self.reason.setText(said))
            self.reason_choices.append(button)
            choices.addWidget(button, index, 0)  # one a row: long texts are never cut
        layout = QVBoxLayout()
        layout.addWidget(self.question)
        layout.addWidget(self.reason_hint)
        layout.addWidget(self.reason)
        layout.addLayout(choices)
        layout.addStretch(1)
        page = QWidget()
        page.setLayout(layout)
        return page

    def _abandon_page(self) -> QWidget:
        text = named(QLabel(self.tr(
            "Abandonner la clôture Z ? La caisse redevient ouverte et la journée continue ;"
            " l'abandon est inscrit au journal.")), "abandonQuestion")
        text.setWordWrap(True)
        layout = QVBoxLayout()
        layout.addWidget(text)
        layout.addStretch(1)
        page = QWidget()
        page.setLayout(layout)
        return page

    def _show_page(self, page: int) -> None:
        """The page, and the actions that go with it."""
        self.pages.setCurrentIndex(page)
        z, done = self.z, self.closed is not None or self.abandoned
        visible = {
            self.close_button: page in (FIGURES, OUTCOME),
            self.abandon: z and page == FIGURES and not done,
            self.print_report: self.devices is not None and (not z or self.closed is not None),
            self.back: page in (CONFIRM, ABANDON),
            self.validate: z and page == FIGURES and not done,
            self.confirm: page == CONFIRM,
            self.confirm_abandon: page == ABANDON}
        for button, shown in visible.items():
            button.setVisible(shown)
        self.error.clear()
        if page == CONFIRM:
            self._reason_needed()
        grow_to_fit(self)

    # -- behaviour ------------------------------------------------------------------------

    def _started(self, started: tuple[Reading, TillPolicy]) -> None:
        reading, self.policy = started
        self.closing_changed.emit(True)
        self._show(reading)

    @property
    def blind(self) -> bool:
        """The expected cash hidden: counting blind, until the count is validated."""
        return self.z and self.policy.blind_count and not self.count_confirmed

    def _show(self, reading: Reading) -> None:
        self.reading = reading
        self.figures.setHtml(self._html(reading))
        self.validate.setEnabled(True)
        self.print_report.setEnabled(not self.z)  # a Z's report once it is recorded
        self._show_gap()

    def _show_gap(self) -> None:
        if self.reading is None or not self.z:
            return
        counted = self.counter.counted_cents()
        if self.blind:
            self.gap.setText(self.tr("Comptage à l'aveugle : l'attendu s'affiche une fois"
                                     " le comptage validé."))
            self.gap.setProperty("gapState", "none")
        elif counted is None:
            self.gap.setText(self.tr("Saisissez les espèces comptées") if
                             not self.counter.amount.text() else self.tr("Montant incorrect"))
            self.gap.setProperty("gapState", "error")
        else:
            gap = counted - self.reading.expected_cash_cents
            self.gap.setText(self.tr("Attendu {expected} — écart : {amount}").format(
                expected=format_money(self.reading.expected_cash_cents),
                amount=format_money(gap)))
            self.gap.setProperty("gapState", "none" if gap == 0 else "gap")
        restyle(self.gap)
        grow_to_fit(self)  # counting by notes and coins, a gap said on two lines

    def _validate_count(self) -> None:
        """The count entered: counting blind, the expected cash and the gap show now, and
        the count no longer changes; then the Z is confirmed on the next page."""
        reading, counted = self.reading, self.counter.counted_cents()
        if reading is None:
            return
        if counted is None:
            self.error.setText(error_message(InvalidAmount(self.counter.counted_text())))
            return
        if self.blind:
            self.count_confirmed = True
            self.counter.set_locked(True)
            self.figures.setHtml(self._html(reading))
            self._show_gap()
        self.count_confirmed = True
        gap = counted - reading.expected_cash_cents
        figures = {"counted": format_money(counted),
                   "expected": format_money(reading.expected_cash_cents)}
        if gap:
            self.question.setText(self.tr(
                "Écart de {gap} (compté {counted}, attendu {expected}). Valider la clôture"
                " Z ?").format(gap=format_money(gap), **figures))
        else:
            self.question.setText(self.tr(
                "Aucun écart (compté {counted}, attendu {expected}). Valider la clôture"
                " Z ?").format(**figures))
        self._show_page(CONFIRM)

    def _gap(self) -> int | None:
        counted = self.counter.counted_cents()
        return None if counted is None or self.reading is None else (
            counted - self.reading.expected_cash_cents)

    def _reason_needed(self) -> None:
        """A reason asked when there is a gap, required beyond the till's threshold."""
        gap = self._gap() or 0
        needed = self.policy.gap_needs_reason(gap)
        for widget in (self.reason, self.reason_hint, *self.reason_choices):
            widget.setVisible(gap != 0)
        self.reason_hint.setText(
            self.tr("Motif obligatoire au-delà de {threshold} d'écart.").format(
                threshold=format_money(self.policy.gap_reason_from_cents)) if needed
            else self.tr("Motif de l'écart (facultatif)."))
        self.confirm.setEnabled(not needed or bool(self.reason.text().strip()))

    def _finish(self) -> None:
        counted, count = self.counter.counted_cents(), self.counter.count()
        if counted is None:
            return
        reason = self.reason.text().strip() if self._gap() else ""
        self.confirm.setEnabled(False)
        self.back.setEnabled(False)
        ctx, staff = self.ctx, self.staff
        self.runner.run(self, lambda: closures.finish_closure(ctx, staff, counted, count,
                                                              reason),
                        self._closed, self._fail, changes_data=True)

    def _closed(self, result: ClosureResult) -> None:
        self.closed = result
        z = result.closure
        text = self.tr("Clôture Z n° {number} enregistrée. Espèces attendues {expected},"
                       " comptées {counted}, écart {gap}. Grand total {total}.").format(
            number=z.number, expected=format_money(z.expected_cash_cents),
            counted=format_money(z.counted_cash_cents), gap=format_money(z.gap_cents),
            total=format_money(z.totals.perpetual_cents))
        if z.gap_reason:
            text += " " + self.tr("Motif : {reason}.").format(reason=z.gap_reason)
        for done in result.made_alongside:
            text += " " + self.tr("Clôture {kind} n° {number} enregistrée aussi.").format(
                kind=self.tr("mensuelle") if done.kind.value == "month" else self.tr("annuelle"),
                number=done.number)
        self.outcome.setText(text)
        self._show_page(OUTCOME)
        self.print_report.setEnabled(True)
        self.closing_changed.emit(False)

    def _abandon(self) -> None:
        self.confirm_abandon.setEnabled(False)
        ctx, staff = self.ctx, self.staff

        def abandoned(_none: object) -> None:
            self.abandoned = True
            self.outcome.setText(self.tr("Clôture abandonnée : la caisse est de nouveau"
                                         " ouverte."))
            self._show_page(OUTCOME)
            self.closing_changed.emit(False)

        def failed(error: Exception) -> None:
            self.confirm_abandon.setEnabled(True)
            self.error.setText(error_message(error))

        self.runner.run(self, lambda: closures.abandon_closure(ctx, staff), abandoned, failed,
                        changes_data=True)

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
        if self.reading is None:  # not started (refused): nothing to abandon either
            self.abandon.hide()
        self.validate.setEnabled(self.reading is not None and self.closed is None)
        self.confirm.setEnabled(True)
        self.back.setEnabled(True)
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
        expected = ("" if self.blind  # counting blind: shown once the count is validated
                    else row(self.tr("Espèces attendues"), cash.expected_cents))
        since = (self.tr("la mise en service") if reading.period_start is None
                 else format_local_time(reading.period_start))
        period = self.tr("Du {start} au {end}").format(
            start=since, end=format_local_time(reading.period_end))
        if reading.till is not None:
            period = f"{reading.till.point_of_sale} · {reading.till.name} — {period}"
        drawer = [row(self.tr("Fond de caisse"), cash.float_cents),
                  row(self.tr("Espèces encaissées"), cash.taken_cents),
                  row(self.tr("Monnaie rendue"), -cash.change_cents),
                  row(self.tr("Apports"), cash.in_cents),
                  row(self.tr("Retraits"), -cash.out_cents)]
        if cash.refunded_cents:
            drawer.append(row(self.tr("Remboursements en espèces"), -cash.refunded_cents))
        return (
            f"<p>{escape(period)}</p>"
            "<h3>" + self.tr("{orders} commande(s), {cancelled} annulation(s)").format(
                orders=reading.orders, cancelled=reading.cancellations) + "</h3>"
            f"<table width='100%'>{sales}"
            + row(self.tr("Chiffre d'affaires TTC"), reading.takings_cents) + vat
            + "</table><hr>"
            "<h3>" + self.tr("Par mode de paiement") + f"</h3><table width='100%'>{methods}"
            "</table><hr><h3>" + self.tr("Tiroir") + "</h3><table width='100%'>"
            + "".join(drawer) + expected
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
