"""Recherche commande (R7): find an order by number or payer's last name, today's first,
or only those with something left to pay ("À encaisser"); open it to see its lines,
payments, returns and refunds and what is left; pay the rest; show its receipt ("Ticket")
or reprint it ("Duplicata", journaled); take lines back or cancel it, giving back what the
customer is owed (refund_dialog.py). Scanning a receipt, an order slip or a ticket in the
search opens its order."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.order import OrderStatus, StatusFilter
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.postal_code import PostalAnswer
from pos_app.domain.scan import Scan
from pos_app.domain.scan_meaning import (
    ScanContext,
    ScanMeaning,
    ScannedOrder,
    ScannedTicket,
    UnknownScan,
)
from pos_app.domain.staff import Role, StaffMember
from pos_app.formatting import format_local_time, format_money, paris
from pos_app.services import orders, scanning, selling
from pos_app.services.context import Context
from pos_app.services.orders import OrderDetails
from pos_app.services.ports import OrderSummary
from pos_app.ui.messages import error_message, scan_refusal_text, training_apart_text
from pos_app.ui.ops import LatestOnly, OperationRunner
from pos_app.ui.payment_dialog import PaymentDialog
from pos_app.ui.refund_dialog import RefundDialog, RefundMode
from pos_app.ui.widgets import after_typing_pause, named, show_dialog, split_row

if TYPE_CHECKING:
    from pos_app.domain.basket import BasketLine
    from pos_app.domain.till import Till
    from pos_app.ui.device_link import DeviceLink
    from pos_app.ui.receipt_dialog import ReceiptDialog


class OrderSearchDialog(QDialog):
    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember,
                 training: bool = False, devices: DeviceLink | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.staff, self.training = ctx, runner, staff, training
        self.devices = devices
        self.setWindowTitle(self.tr("Recherche commande"))
        self.opened: OrderDialog | None = None
        self._scan_said = ""  # what the last scan said: a list shown after it keeps it
        self.search = named(QLineEdit(), "orderSearchField")
        self.search.setPlaceholderText(self.tr("Numéro de commande ou nom du payeur"))
        self.filters = QButtonGroup(self)
        filter_row = QHBoxLayout()
        for status, label in ((StatusFilter.TO_PAY, self.tr("À encaisser")),
                              (StatusFilter.ACTIVE, self.tr("Actives")),
                              (StatusFilter.CANCELLED, self.tr("Annulées")),
                              (StatusFilter.ALL, self.tr("Toutes"))):
            button = named(QPushButton(label), f"filter_{status.value}")
            button.setCheckable(True)
            button.setChecked(status is StatusFilter.ALL)
            button.setProperty("status", status.value)
            self.filters.addButton(button)
            filter_row.addWidget(button)
        self.results = named(QListWidget(), "orders")
        self.error = named(QLabel(), "error")
        self.open_button = named(QPushButton(self.tr("Ouvrir")), "open")
        self.open_button.setEnabled(False)
        close = named(QPushButton(self.tr("Fermer")), "close")
        buttons = split_row([close], [self.open_button])
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addLayout(filter_row)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self._latest = LatestOnly(runner, self)
        after_typing_pause(self.search, self.refresh)
        self.filters.buttonClicked.connect(lambda _button: self.refresh())
        self.results.currentRowChanged.connect(lambda row: self.open_button.setEnabled(row >= 0))
        self.results.itemActivated.connect(lambda _item: self.open_current())
        self.results.itemDoubleClicked.connect(lambda _item: self.open_current())
        self.open_button.clicked.connect(self.open_current)
        close.clicked.connect(self.reject)
        self.refresh()

    def _status(self) -> StatusFilter:
        checked = self.filters.checkedButton()
        return StatusFilter.ALL if checked is None else StatusFilter(
            str(checked.property("status")))

    def refresh(self) -> None:
        typed, status = self.search.text(), self._status()
        self._latest.run(lambda: orders.search_orders(self.ctx, typed, status,
                                                      training=self.training),
                         lambda found: self._show(found, typed), self._fail)

    def _show(self, found: list[OrderSummary], typed: str) -> None:
        self.results.clear()
        for summary in found:
            item = QListWidgetItem(self._describe(summary))
            item.setData(Qt.ItemDataRole.UserRole, summary.number)
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)
        said = ("" if found else
                self.tr("Aucune commande trouvée.") if typed.strip() else
                self.tr("Aucune commande à encaisser.")
                if self._status() is StatusFilter.TO_PAY else "")
        if said or self.error.text() != self._scan_said:  # what a scan said stays
            self.error.setText(said)

    def _describe(self, summary: OrderSummary) -> str:
        state = (self.tr("trop-perçu {amount}").format(
                     amount=format_money(-summary.left_cents)) if summary.left_cents < 0 else
                 self.tr("annulée") if summary.cancelled else
                 self.tr("payée") if summary.left_cents == 0 else
                 self.tr("reste {amount}").format(amount=format_money(summary.left_cents)))
        payer = summary.payer_name or self.tr("sans payeur")
        return (f"{summary.number} · {when(summary.created_at, self.ctx.clock.now())}"
                f" · {payer}\n"
                f"{format_money(summary.total_cents)} · {state}")

    def open_current(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self.open_order(str(item.data(Qt.ItemDataRole.UserRole)))

    def open_order(self, number: str) -> OrderDialog:
        dialog = OrderDialog(self.ctx, self.runner, self.staff, number, devices=self.devices,
                             parent=self)
        dialog.finished.connect(lambda _result: self.refresh())
        self.opened = show_dialog(dialog)
        return dialog

    def receive_scan(self, scan: Scan) -> None:
        """A receipt's, order slip's or ticket's code opens its order; any other code is
        said here."""
        self.runner.run(self, lambda: scanning.resolve_scan(self.ctx, scan,
                                                            ScanContext.ORDER_SEARCH),
                        self._scanned, self._fail)

    def _scanned(self, meaning: ScanMeaning) -> None:
        if isinstance(meaning, UnknownScan):
            self._say_scan(scan_refusal_text(meaning))
            return
        if not isinstance(meaning, ScannedOrder | ScannedTicket):
            return  # this search looks for nothing else
        number = meaning.number if isinstance(meaning, ScannedOrder) else meaning.order_number
        if meaning.training is not self.training:
            self._say_scan(training_apart_text(number, meaning.training))
            return
        self._say_scan("")
        opened = self.open_order(number)
        if isinstance(meaning, ScannedTicket):  # the order's window says which ticket
            opened.setWindowTitle(self.tr("{title} — billet {reference} : {label}").format(
                title=opened.windowTitle(), reference=meaning.reference, label=meaning.label))

    def _say_scan(self, text: str) -> None:
        self._scan_said = text
        self.error.setText(text)

    def _fail(self, error: Exception) -> None:
        self.error.setText(error_message(error))


def when(moment: datetime, now: datetime) -> str:
    """Today's orders by their time only; older ones with their date."""
    today = now.astimezone(paris()).date()
    if moment.astimezone(paris()).date() == today:
        return format_local_time(moment, "%H:%M")
    return format_local_time(moment)


class OrderDialog(QDialog):
    """One order: its lines, VAT, payments, returns and refunds, and what is left; pay the
    rest, take lines back, or cancel it (managers)."""

    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember,
                 number: str, devices: DeviceLink | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.staff, self.number = ctx, runner, staff, number
        self.devices = devices
        self.details: OrderDetails | None = None
        self.methods: list[PaymentMethod] = []
        self.opened: PaymentDialog | RefundDialog | ReceiptDialog | None = None
        self.setWindowTitle(self.tr("Commande {number}").format(number=number))
        self.view = named(QTextBrowser(), "orderView")
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        self.pay = named(QPushButton(self.tr("Encaisser le reste")), "payRest")
        self.give_back = named(QPushButton(self.tr("Retour d'articles")), "returnLines")
        self.cancel_order = named(QPushButton(self.tr("Annuler la commande")), "cancelOrder")
        self.give_overpaid = named(QPushButton(self.tr("Rendre le trop-perçu")),
                                   "refundOverpaid")
        self.show_receipt = named(QPushButton(self.tr("Ticket")), "showReceipt")
        self.show_receipt.setToolTip(self.tr("Le ticket de cette commande, à l'écran"))
        self.duplicate = named(QPushButton(self.tr("Duplicata")), "orderDuplicate")
        self.duplicate.setToolTip(self.tr("Réimpression : numérotée et inscrite au journal"))
        close = named(QPushButton(self.tr("Fermer")), "close")
        buttons = split_row([close], [self.cancel_order, self.give_back, self.give_overpaid,
                                      self.pay])
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error)
        # A row of their own: the order's six buttons do not fit one row at 1024 px.
        layout.addLayout(split_row([self.show_receipt, self.duplicate], []))
        layout.addLayout(buttons)
        if staff.role not in (Role.MANAGER, Role.ADMINISTRATOR):
            for button in (self.cancel_order, self.give_back, self.give_overpaid):
                button.setToolTip(self.tr("Réservé aux responsables"))
        self.pay.clicked.connect(self._pay_rest)
        self.give_back.clicked.connect(lambda: self._take_back(RefundMode.RETURN))
        self.cancel_order.clicked.connect(lambda: self._take_back(RefundMode.CANCEL))
        self.give_overpaid.clicked.connect(lambda: self._take_back(RefundMode.OVERPAID))
        self.show_receipt.clicked.connect(lambda: self._receipt(duplicate=False))
        self.duplicate.clicked.connect(lambda: self._receipt(duplicate=True))
        close.clicked.connect(self.accept)
        self._enable()
        self.load()

    def load(self) -> None:
        number = self.number

        def fetch() -> tuple[OrderDetails, list[PaymentMethod]]:
            return orders.get_order(self.ctx, number), selling.payment_methods(self.ctx)

        self.runner.run(self, fetch, self._show, self._fail)

    def _show(self, fetched: tuple[OrderDetails, list[PaymentMethod]]) -> None:
        self.details, self.methods = fetched
        self.error.clear()  # read again after an action: what went wrong before is past
        self.view.setHtml(self._html(self.details, {m.code: m.label for m in self.methods}))
        self._enable()

    def _enable(self) -> None:
        order = None if self.details is None else self.details.order
        live = order is not None and order.status is OrderStatus.ACTIVE
        # Taken back or cancelled only at the till that sold it (its journal, its Z).
        manager = (self.staff.role in (Role.MANAGER, Role.ADMINISTRATOR)
                   and (self.details is None or self.details.sold_at is None))
        if self.details is not None and self.details.sold_at is not None:
            elsewhere = self.tr("Se fait à la caisse qui a vendu : « {till} »").format(
                till=self.details.sold_at.name)
            for button in (self.cancel_order, self.give_back, self.give_overpaid):
                button.setToolTip(elsewhere)
        self.pay.setEnabled(live and order is not None and order.left_cents > 0)
        self.show_receipt.setEnabled(order is not None)
        self.duplicate.setEnabled(order is not None)
        self.cancel_order.setEnabled(live and manager)
        self.give_back.setEnabled(live and manager and order is not None and any(
            order.returnable(index) for index in range(len(order.lines))))
        # In the place of "Encaisser le reste" (nothing is left to pay then), when the
        # order holds more than it is worth (cancelled, too): four buttons fit 1024 px.
        overpaid = order is not None and order.owed_cents > 0
        self.pay.setVisible(not overpaid)
        self.give_overpaid.setVisible(overpaid)
        self.give_overpaid.setEnabled(overpaid and manager)
        # Sized when it opened, before the order was read: wide enough for the buttons
        # it shows now, never a label cut.
        wanted = self.sizeHint().width()
        if self.width() < wanted:
            self.resize(wanted, self.height())

    def _pay_rest(self) -> None:
        assert self.details is not None
        dialog = PaymentDialog(self.ctx, self.runner, self.staff, order=self.details.order,
                               parent=self)
        dialog.finished.connect(lambda _result: self._paid(dialog))
        dialog.accepted.connect(lambda: self._back_to_sale(dialog.wants_receipt))
        self.opened = show_dialog(dialog)

    def _paid(self, dialog: PaymentDialog) -> None:
        """The payments taken are stored (each as it was taken): the drawer opens for
        those whose method opens it, and the order shows what is left."""
        if self.devices is not None and dialog.opens_drawer:
            self.devices.open_drawer()
        self.load()

    def _receipt(self, duplicate: bool) -> None:
        """The order's receipt on screen; or its duplicate, journaled and printed (the
        receipt dialog's own "Duplicata")."""
        from pos_app.ui.receipt_dialog import ReceiptDialog

        self.opened = show_dialog(ReceiptDialog(self.ctx, self.runner, self.staff,
                                                self.number, devices=self.devices,
                                                parent=self, duplicate=duplicate))

    def _back_to_sale(self, wants_receipt: bool) -> None:
        """"Nouvelle vente" after the rest was paid: the order views close, the sale
        screen is next (with the receipt, when asked for)."""
        owner: QWidget | None = self
        while isinstance(owner, QDialog):
            owner.accept()
            owner = owner.parentWidget()
        if wants_receipt and owner is not None:
            from pos_app.ui.receipt_dialog import ReceiptDialog

            show_dialog(ReceiptDialog(self.ctx, self.runner, self.staff, self.number,
                                      devices=self.devices, parent=owner))

    def _take_back(self, mode: RefundMode) -> None:
        """Cancel the order, or take some lines back, and give back what is owed; or give
        back what it was paid beyond its worth."""
        assert self.details is not None
        dialog = RefundDialog(self.ctx, self.runner, self.staff, self.details.order,
                              self.methods, mode, devices=self.devices, parent=self)
        dialog.finished.connect(lambda _result: self.load())
        self.opened = show_dialog(dialog)

    def _fail(self, error: Exception) -> None:
        self.error.setText(error_message(error))

    def _html(self, details: OrderDetails, method_labels: dict[str, str]) -> str:
        """The order as staff read it: heading, lines, VAT per rate, payments, status."""
        order, payer = details.order, details.payer
        excl, cancelled = self.tr("HT"), self.tr("ANNULÉE")
        rows = "".join(
            f"<tr><td>{escape(line.label)} — {escape(line.price_label)}</td>"
            f"<td align='right'>{line.quantity} × {format_money(line.unit_price_cents)}</td>"
            f"<td align='right'>{format_money(line.total_cents)}</td></tr>"
            + self._discount_html(line) for line in order.lines)
        if order.discount is not None:
            rows += ("<tr><td colspan='3'><i>" + escape(self.tr(
                "Remise panier {amount} ({reason}), répartie sur les lignes").format(
                amount=format_money(-order.discount.cents), reason=order.discount.reason))
                + "</i></td></tr>")
        vat = "".join(
            "<tr><td>" + self.tr("TVA {rate} %").format(
                rate=line.rate.percent_text.replace(".", ",")) + "</td>"
            f"<td align='right'>{excl} {format_money(line.excl_cents)}</td>"
            f"<td align='right'>{format_money(line.vat_cents)}</td></tr>"
            for line in order.vat())
        payments = "".join(
            f"<tr><td>{escape(method_labels.get(p.method_code, p.method_code))}"
            + ("" if p.id not in details.taken_elsewhere else " — " + escape(self.tr(
                "caisse « {till} »").format(till=details.taken_elsewhere[p.id])))
            + "</td>"
            f"<td align='right'>{format_local_time(p.taken_at)}</td>"
            f"<td align='right'>{format_money(p.amount_cents)}"
            + (self.tr(" (rendu {amount})").format(amount=format_money(p.change_cents))
               if p.change_cents else "") + "</td></tr>" for p in order.payments)
        status = ""
        if order.cancellation is not None:
            status = (f"<p style='color:#b71c1c'><b>{cancelled}</b> — "
                      f"{format_local_time(order.cancellation.at)} — "
                      f"{escape(order.cancellation.reason)}</p>")
        returns = "".join(
            "<tr><td>" + self.tr("Avoir {number}").format(number=escape(note.number))
            + f" — {escape(note.reason)}</td>"
            f"<td align='right'>{format_local_time(note.created_at)}</td>"
            f"<td align='right'>{format_money(-note.total_cents)}</td></tr>"
            for note in order.returns)
        refunds = "".join(
            "<tr><td>" + self.tr("Remboursé en {method}").format(
                method=escape(method_labels.get(r.method_code, r.method_code))) + "</td>"
            f"<td align='right'>{format_local_time(r.at)}</td>"
            f"<td align='right'>{format_money(-r.amount_cents)}</td></tr>"
            for r in order.refunds)
        payer_line = "" if payer is None else "<p>" + self.tr("Payeur : {name}").format(
            name=escape(payer.display_name)) + "</p>"
        if order.postal_code is not None:
            payer_line += "<p>" + self.tr("Code postal : {answer}").format(
                answer=escape(self._postal_text(order.postal_code))) + "</p>"
        if details.sold_at is not None:
            payer_line += "<p><i>" + self.tr(
                "Vendue à la caisse « {till} » : encaissable ici ; retours, annulation et"
                " trop-perçu se règlent là-bas.").format(
                till=escape(details.sold_at.name)) + "</i></p>"
        return (f"<h2>{escape(order.number)}</h2><p>{format_local_time(order.created_at)}</p>"
                f"{payer_line}{status}<table width='100%'>{rows}</table><hr>"
                f"<table width='100%'>{vat}</table>"
                "<h3>" + self.tr("Total : {amount}").format(
                    amount=format_money(order.total_cents)) + "</h3>"
                f"<table width='100%'>{payments}{returns}{refunds}</table>"
                + self._left_html(order.left_cents, details.sold_at))

    def _postal_text(self, answer: str) -> str:
        return {PostalAnswer.ABROAD.value: self.tr("Étranger"),
                PostalAnswer.DECLINED.value: self.tr("Non communiqué")}.get(answer, answer)

    def _discount_html(self, line: BasketLine) -> str:
        """Under a discounted line: its own discount and its share of the basket's."""
        said = []
        if line.discount_cents:
            said.append(self.tr("Remise {amount} ({reason})").format(
                amount=format_money(-line.discount_cents), reason=line.discount_reason))
        if line.basket_discount_cents:
            said.append(self.tr("part de la remise panier {amount}").format(
                amount=format_money(-line.basket_discount_cents)))
        if not said:
            return ""
        return f"<tr><td colspan='3'><i>{escape(' · '.join(said))}</i></td></tr>"

    def _left_html(self, left_cents: int, sold_at: Till | None) -> str:
        """What is left to pay; paid beyond its worth (a payment taken at two tills while
        they were offline, say), what the customer is owed back, and by which till."""
        if left_cents < 0:
            owed = format_money(-left_cents)
            return ("<h3 style='color:#b71c1c'>" + (self.tr(
                "Trop-perçu : {amount} à rendre au client").format(amount=owed)
                if sold_at is None else self.tr(
                "Trop-perçu : {amount}, rendu au client par la caisse « {till} »").format(
                amount=owed, till=escape(sold_at.name))) + "</h3>")
        return "<h3>" + self.tr("Reste à payer : {amount}").format(
            amount=format_money(left_cents)) + "</h3>"
