"""Child process for the kill test of the till window: a real sale screen, offscreen, that
takes 10-cent cash payments on its payment screen one tap after another. It prints the
payments it finds kept at its start (`kept ID`), then `ready`, then each payment's id
once the payment screen shows it (that is, once it is committed)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer

from pos_app.bootstrap import open_store
from pos_app.services import selling
from pos_app.services.staff import open_till, sign_in, till_statuses
from pos_app.ui.launch import create_application
from pos_app.ui.ops import OperationRunner
from pos_app.ui.payment_dialog import PaymentDialog
from pos_app.ui.sale_window import SaleWindow


def main(data_dir: str) -> None:
    ctx = open_store(Path(data_dir)).context
    app = create_application()
    cashier = sign_in(ctx, "caissier", "1234")
    window = SaleWindow(ctx, OperationRunner(), cashier,
                        open_till(ctx, cashier, till_statuses(ctx)[0].till.id))
    window.show()
    shown: set[str] = set()
    started = False

    def step() -> None:
        nonlocal started
        dialog = window.findChild(PaymentDialog)
        if dialog is None or not dialog.isVisible():
            # The sale lane idle: a sale left in progress was looked for (and brought back).
            if not window.sale_runner.busy and window.draft is None and window.basket.is_empty:
                selling.add_product(ctx, window.basket, "stage-paques")  # room for many
                window.basket_panel.refresh()
                window.keep_basket()
                window.pay()
            QTimer.singleShot(5, step)
            return
        if not dialog.methods or not dialog.isEnabled():
            QTimer.singleShot(2, step)
            return
        for payment in dialog.tendered:
            if payment.id not in shown:
                shown.add(payment.id)
                print(payment.id if started else f"kept {payment.id}", flush=True)
        if not started:
            started = True
            print("ready", flush=True)
        dialog.amount.setText("0,10")
        cash = dialog.findChild(type(dialog.undo), "method_ESP")
        assert cash is not None
        cash.click()
        QTimer.singleShot(1, step)

    QTimer.singleShot(0, step)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1])
