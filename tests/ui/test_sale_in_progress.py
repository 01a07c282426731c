"""The screens around money that goes back and sales that survive: a sale in progress
brought back after a crash, given up only once its payments are handed back, lines taken
back with the refund split as the manager chooses, and a clock jump said."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store, open_store
from pos_app.domain.basket import Basket
from pos_app.domain.journal import Chain
from pos_app.domain.staff import StaffMember
from pos_app.services import drafts, orders, selling
from pos_app.services.selling import PaymentRequest
from pos_app.ui.ops import OperationRunner
from pos_app.ui.payment_dialog import GiveBackDialog, PaymentDialog
from pos_app.ui.refund_dialog import RefundDialog
from pos_app.ui.sale_window import SaleWindow
from tests.ui.conftest import WAIT_MS, open_sale_window
from tests.ui.test_till_screen import child, click, method, wait_for_methods


def three_rides_paid_two_euros(qtbot: QtBot, window: SaleWindow) -> PaymentDialog:
    selling.add_product(window.ctx, window.basket, "balade-poney-1h", 3)  # 42 €
    window.basket_panel.refresh()
    window.keep_basket()
    dialog = window.pay()
    assert dialog is not None
    wait_for_methods(qtbot, dialog)
    dialog.keypad.press("2")
    click(qtbot, method(dialog, "ESP"))
    qtbot.waitUntil(lambda: dialog.left.text() == "Reste à payer : 40,00\xa0€", timeout=WAIT_MS)
    return dialog


def test_a_sale_in_progress_comes_back_after_a_crash_with_what_was_paid(
        qtbot: QtBot, store: Store, runner: OperationRunner, window: SaleWindow,
        cashier: StaffMember) -> None:
    three_rides_paid_two_euros(qtbot, window)
    window.close()  # the program dies here: nothing was validated
    restarted = open_sale_window(qtbot, store, runner, cashier)

    def paying() -> PaymentDialog | None:
        found = restarted.findChild(PaymentDialog)
        return found if found is not None and found.isVisible() else None

    qtbot.waitUntil(lambda: paying() is not None, timeout=WAIT_MS)
    dialog = paying()
    assert dialog is not None
    assert [(line.product_id, line.quantity) for line in restarted.basket.lines] == [
        ("balade-poney-1h", 3)]
    assert "Vente en cours reprise : 2,00\xa0€ déjà encaissés" in restarted.notice.text()
    wait_for_methods(qtbot, dialog)
    assert dialog.taken.count() == 1 and dialog.taken.item(0).text() == "Espèces : 2,00\xa0€"
    assert dialog.left.text() == "Reste à payer : 40,00\xa0€"
    click(qtbot, method(dialog, "CB"))
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=WAIT_MS)
    stored = orders.get_order(store.context, "CD2-000001").order
    assert [(p.method_code, p.amount_cents) for p in stored.payments] == [("ESP", 200),
                                                                         ("CB", 4000)]
    assert drafts.current_draft(store.context) is None


def test_emptying_a_basket_that_holds_payments_gives_them_back_first(
        qtbot: QtBot, store: Store, window: SaleWindow) -> None:
    dialog = three_rides_paid_two_euros(qtbot, window)
    click(qtbot, child(dialog, QPushButton, "cancel"))  # the customer hesitates
    qtbot.waitUntil(window.basket_panel.paid.isVisible, timeout=WAIT_MS)
    assert window.basket_panel.paid.text() == "Déjà encaissé : 2,00\xa0€ — reste 40,00\xa0€"
    window.basket_panel.lines.setCurrentRow(0)
    click(qtbot, window.basket_panel.remove)  # 0 € would be less than the 2 € paid
    assert "2,00\xa0€ ont déjà été encaissés" in window.notice.text()
    assert len(window.basket.lines) == 1
    click(qtbot, window.basket_panel.clear)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), GiveBackDialog),
                    timeout=WAIT_MS)
    giving = QApplication.activeModalWidget()
    assert isinstance(giving, GiveBackDialog)
    qtbot.waitUntil(lambda: "Espèces : 2,00" in giving.text.text(), timeout=WAIT_MS)
    click(qtbot, giving.confirm)
    qtbot.waitUntil(lambda: window.basket.is_empty, timeout=WAIT_MS)
    assert not window.basket_panel.paid.isVisible()
    assert drafts.current_draft(store.context) is None
    with store.context.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        last = uow.journal.last(till.id, Chain.EVENT)
    assert last is not None and last.payload["event"] == "draft_abandoned"


def test_a_return_refunded_in_cash_as_the_manager_chooses(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember,
        manager: StaffMember) -> None:
    basket = Basket()
    for product, price in (("balade-poney-1h", None), ("kayak-2h", "duo"), ("tshirt", None)):
        selling.add_product(store.context, basket, product, price=price)
    selling.sell(store.context, cashier, basket, [PaymentRequest("ESP", 2000),
                                                  PaymentRequest("CB", 4190)])
    window = open_sale_window(qtbot, store, runner, manager)
    search = window.find_orders()
    qtbot.waitUntil(lambda: search.results.count() == 1, timeout=WAIT_MS)
    click(qtbot, search.open_button)
    order_dialog = search.opened
    assert order_dialog is not None
    click(qtbot, order_dialog.give_back)
    returning = order_dialog.opened
    assert isinstance(returning, RefundDialog)
    assert not returning.confirm.isEnabled()
    click(qtbot, child(returning, QPushButton, "more_2"))  # the T-shirt
    assert returning.amounts["CB"].text() == "19,90"  # as it came in: the latest first
    returning.amounts["CB"].clear()
    returning.amounts["ESP"].setFocus()  # the manager gives it back in cash
    for key in "1990":
        returning.keypad.press(key)
    assert returning.amounts["ESP"].text() == "1990"
    returning.amounts["ESP"].setText("19,90")
    assert returning.split.text() == "Tout est réparti."
    qtbot.keyClicks(returning.reason, "Mauvaise taille")
    click(qtbot, returning.confirm)
    qtbot.waitUntil(lambda: returning.pages.currentIndex() == 1, timeout=WAIT_MS)
    assert returning.outcome.text() == ("Avoir AV2-000001 enregistré. Rendu au client :"
                                        " Espèces 19,90\xa0€.")
    qtbot.waitUntil(lambda: "AVOIR n° AV2-000001" in returning.slip_view.toPlainText(),
                    timeout=WAIT_MS)
    stored = orders.get_order(store.context, "CD2-000001").order
    assert [(r.method_code, r.amount_cents) for r in stored.refunds] == [("ESP", 1990)]
    assert stored.due_cents == 6190 - 1990


def test_a_clock_set_back_is_said_on_the_sale_screen(
        qtbot: QtBot, store: Store, window: SaleWindow, cashier: StaffMember,
        clock: FrozenClock) -> None:
    selling.sell(store.context, cashier, _cafe(store), [PaymentRequest("CB", 160)])
    clock.current -= timedelta(hours=3)
    window.check_clock()
    qtbot.waitUntil(lambda: "Horloge" in window.notice.text(), timeout=WAIT_MS)
    assert "en retard sur la dernière écriture" in window.notice.text()
    events = [json.loads(entry[5])["event"] for entry in _events(store)]
    assert events.count("clock_jump") == 1
    window.check_clock()  # said once
    selling.sell(store.context, cashier, _cafe(store), [PaymentRequest("CB", 160)])
    assert [json.loads(e[5])["event"] for e in _events(store)].count("clock_jump") == 1


def _cafe(store: Store) -> Basket:
    basket = Basket()
    selling.add_product(store.context, basket, "cafe")
    return basket


def _events(store: Store) -> list[tuple[object, ...]]:
    with store.context.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        return list(uow.journal.rows(till.id, Chain.EVENT))


WINDOW_CHILD = Path(__file__).with_name("window_tender_loop.py")
ROOT = Path(__file__).resolve().parents[2]
WINDOW_RUNS = int(os.environ.get("CAISSE_KILL_RUNS", "4"))


def test_the_window_killed_while_taking_payments_brings_each_back_once(
        data_dir: Path) -> None:
    """SIGKILL the real till window while it takes payments: at its next start the sale
    in progress is there with every payment it showed, each once (and at most the one it
    was writing when killed)."""
    rng = random.Random(30)
    shown: list[str] = []
    for _run in range(WINDOW_RUNS):
        child = subprocess.Popen(
            [sys.executable, str(WINDOW_CHILD), str(data_dir)], cwd=ROOT,
            stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"})
        assert child.stdout is not None
        kept = []
        while (line := child.stdout.readline().strip()) != "ready":
            assert line.startswith("kept "), f"the window stopped: {line!r} {child.poll()}"
            kept.append(line.removeprefix("kept "))
        assert set(shown) <= set(kept), "a payment shown as taken was lost"
        assert len(kept) - len(shown) <= 1, "more than the one being written"
        shown = kept
        for _tap in range(rng.randint(1, 5)):
            line = child.stdout.readline().strip()
            assert line, f"the window stopped by itself: {child.poll()}"
            shown.append(line)
        time.sleep(rng.uniform(0, 0.01))  # somewhere in the next tap
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        shown += [line.strip() for line in child.stdout if line.strip()]
    store = open_store(data_dir)
    try:
        draft = drafts.current_draft(store.context)
    finally:
        store.close()
    assert draft is not None and set(shown) <= {p.id for p in draft.payments}
