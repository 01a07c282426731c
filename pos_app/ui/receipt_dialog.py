"""The receipt on screen, as the customer asked for it (AGEC: never unasked), with its
signed QR code; "Duplicata" reprints it, numbered and journaled."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pos_app.documents import receipt_document, receipt_lines
from pos_app.domain.receipt import Receipt
from pos_app.domain.staff import StaffMember
from pos_app.services.context import Context
from pos_app.services.receipts import duplicate_receipt, receipt
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import named, split_row

if TYPE_CHECKING:
    from pos_app.ui.device_link import DeviceLink

QR_SCALE = 3


def qr_pixmap(text: str) -> QPixmap:
    import io

    import segno  # loaded with the first receipt shown

    image = io.BytesIO()
    segno.make(text, error="m").save(image, kind="png", scale=QR_SCALE, border=2)
    pixmap = QPixmap()
    pixmap.loadFromData(image.getvalue(), "PNG")
    return pixmap


class ReceiptDialog(QDialog):
    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember,
                 number: str, devices: DeviceLink | None = None,
                 parent: QWidget | None = None, duplicate: bool = False) -> None:
        """`duplicate`: opened to reprint it (the order view's "Duplicata"): the duplicate
        is made, journaled and printed at once."""
        super().__init__(parent)
        self.ctx, self.runner, self.staff, self.number = ctx, runner, staff, number
        self.devices = devices
        self.shown: Receipt | None = None
        self.setWindowTitle(self.tr("Ticket de caisse"))
        self.view = named(QTextBrowser(), "receiptView")
        self.qr = named(QLabel(), "receiptQr")
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        self.duplicate = named(QPushButton(self.tr("Duplicata")), "duplicate")
        self.duplicate.setToolTip(self.tr("Réimpression : numérotée et inscrite au journal"))
        self.print_button = named(QPushButton(self.tr("Imprimer")), "print")
        self.print_button.setToolTip(self.tr("Sur l'imprimante de la caisse (la file"
                                             " d'impression le garde si elle ne répond pas)"))
        self.print_button.setVisible(devices is not None)
        self.print_button.setEnabled(False)
        self.look = named(QPushButton(self.tr("Aperçu")), "preview")
        self.look.setToolTip(self.tr("Le ticket tel que l'imprimante le donnera"))
        self.look.setVisible(devices is not None)
        self.look.setEnabled(False)
        self.picture = named(QLabel(), "receiptPicture")
        self.picture_area = QScrollArea()
        self.picture_area.setWidget(self.picture)
        self.picture_area.setWidgetResizable(True)
        self.picture_area.hide()
        close = named(QPushButton(self.tr("Fermer")), "close")
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.picture_area, 1)
        layout.addWidget(self.qr)
        layout.addWidget(self.error)
        layout.addLayout(split_row([close], [self.look, self.duplicate, self.print_button]))
        close.clicked.connect(self.accept)
        self.print_button.clicked.connect(self._print)
        self.look.clicked.connect(self.show_picture)
        self.duplicate.clicked.connect(self._duplicate)
        self.duplicate.setEnabled(False)
        number = self.number
        if duplicate:
            self.runner.run(self, lambda: duplicate_receipt(ctx, staff, number), self._show,
                            self._fail, changes_data=True)
        else:
            self.runner.run(self, lambda: receipt(ctx, number), self._show, self._fail)

    def _show(self, made: Receipt) -> None:
        self.shown = made
        text = [line for line in receipt_lines(made) if not line.startswith("QR ")]
        # Wrapped at the view's width, not scrolled sideways: a line with its amount
        # and VAT rate is longer than the view is wide on a 1024×768 screen.
        self.view.setHtml("<pre style='font-size:13pt; white-space:pre-wrap'>"
                          + escape("\n".join(text)) + "</pre>")
        if made.qr:
            self.qr.setPixmap(qr_pixmap(made.qr))
        self.duplicate.setEnabled(True)
        self.print_button.setEnabled(True)
        self.look.setEnabled(True)
        if made.duplicate_number is not None:  # a duplicate is asked for to be printed
            self._print()

    def show_picture(self) -> None:
        """The receipt as the till's printer would print it (its paper, its columns)."""
        if self.devices is None or self.shown is None:
            return
        document, devices = receipt_document(self.shown), self.devices.devices

        def shown(png: bytes) -> None:
            picture = QPixmap()
            picture.loadFromData(png, "PNG")
            self.picture.setPixmap(picture)
            self.view.hide()
            self.qr.hide()
            self.picture_area.show()

        self.runner.run(self, lambda: devices.roll_png(document), shown, self._fail)

    def _print(self) -> None:
        if self.devices is not None and self.shown is not None:
            self.devices.print_document(receipt_document(self.shown))
            self.print_button.setEnabled(False)  # once: a reprint is a duplicate

    def _duplicate(self) -> None:
        self.duplicate.setEnabled(False)
        staff, number = self.staff, self.number
        self.runner.run(self, lambda: duplicate_receipt(self.ctx, staff, number), self._show,
                        self._fail, changes_data=True)

    def _fail(self, error: Exception) -> None:
        self.duplicate.setEnabled(self.shown is not None)
        self.error.setText(error_message(error))
