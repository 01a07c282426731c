"""Regenerate docs/screenshots/*.png: `python3 dev.py screenshots` (runs under Xvfb).

Each screen is shown in a real window on the X server, filled with the demo venue, and
captured from the screen itself, dialogs included, as staff would see it: sign-in,
sale, favourites, customer search, the visitor's postal code asked (R12), a payment with
a partial payment, that sale brought
back after the till stopped and then given up (its 5 € handed back), order search, a
line's pop-up, a discount, the baskets on hold, the opening float, the till's rules, the
staff locked out, an order's cancellation and a return with their refunds, a receipt, a
Z closure being counted and confirmed with its gap's reason, the closure history, the
devices screen with its print queue, and the sync (the sale screen of a till offline
with records waiting, and Caisse › Synchronisation with a record the server rejected
and a journal chain it flagged), at 1024×768 and 1920×1080 (the line's pop-up to the
staff locked out at 1024×768 only), each styled at the scale of a screen of that size
(screen_fit.py).
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QSize, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QWidget

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store, demo_document, open_store, open_sync
from pos_app.domain.basket import Basket
from pos_app.domain.closure import CashMovementKind
from pos_app.domain.errors import AuthenticationFailed
from pos_app.domain.order import RefundRequest
from pos_app.domain.staff import StaffMember
from pos_app.domain.sync import ChainAck, RecordOutcome, RecordState
from pos_app.services import (
    catalogue,
    closures,
    customers,
    importing,
    orders,
    selling,
    setup,
)
from pos_app.services.context import Context, local_till
from pos_app.services.held_baskets import hold_basket
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import TillStatus, open_till, sign_in, till_statuses
from pos_app.ui.discount_dialog import DiscountDialog
from pos_app.ui.keyboard import TouchKeyboard
from pos_app.ui.launch import create_application, style_sheet
from pos_app.ui.line_dialog import LineDialog
from pos_app.ui.ops import OperationRunner
from pos_app.ui.payment_dialog import GiveBackDialog, PaymentDialog
from pos_app.ui.receipt_dialog import ReceiptDialog
from pos_app.ui.refund_dialog import RefundDialog
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.scan_station import ScanStationWindow
from pos_app.ui.screen_fit import fit_screen
from pos_app.ui.settings import SETTINGS_FILE, TillSettings
from pos_app.ui.sign_in import SignInDialog
from pos_app.ui.slot_dialog import SlotDialog
from pos_app.ui.sync_link import SyncBridge
from pos_app.ui.widgets import show_dialog

OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
SIZES = [(1024, 768), (1920, 1080)]
# A Saturday of July in the afternoon, Paris time: the demo day.
DEMO_DAY = datetime(2026, 7, 11, 12, 30, tzinfo=UTC)


def as_on_screen(app: QApplication, size: tuple[int, int]) -> tuple[int, int]:
    """The screens styled as on a screen of `size` (the X server's is the largest): a
    1024×768 picture shows what a 1024×768 till shows."""
    fit_screen(app, style_sheet(), QSize(*size))
    return size


def settle(runner: OperationRunner, until: Callable[[], bool] | None = None) -> None:
    """Let the event loop run until every operation is done (and `until` holds)."""
    for _ in range(100):
        loop = QEventLoop()
        QTimer.singleShot(40, loop.quit)
        loop.exec()
        if not runner.busy and (until is None or until()):
            break
    QCoreApplication.processEvents()


def capture(widget: QWidget, name: str) -> Path:
    """What the screen shows over `widget`'s window, dialogs on top included."""
    loop = QEventLoop()  # widgets just added are laid out and painted to the X server
    QTimer.singleShot(80, loop.quit)
    loop.exec()
    window = widget.window()
    screen = QGuiApplication.primaryScreen()
    frame = window.frameGeometry()
    pixmap = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    if pixmap.isNull() or pixmap.width() == 0:  # offscreen platform: render the widget
        pixmap = window.grab()
    path = OUTPUT / f"{name}.png"
    pixmap.save(str(path))
    return path


def past_days(ctx: Context, clock: FrozenClock, cashier: StaffMember,
              manager: StaffMember) -> None:
    """A week of days before the demo day, each closed by a Z with its own small gap."""
    gaps = [0, -150, 0, 200, -40, 0, -500]
    for index, gap in enumerate(gaps):
        clock.current = DEMO_DAY - timedelta(days=len(gaps) - index, hours=4)
        closures.record_cash_movement(ctx, cashier, CashMovementKind.FLOAT, 15000)
        for sale in range(4 + index % 3 * 3):
            clock.advance(timedelta(minutes=41))
            basket = Basket()
            selling.add_product(ctx, basket, ("balade-poney-1h", "kayak-2h", "cafe",
                                              "stage-paques")[sale % 4])
            method = "ESP" if sale % 2 else "CB"
            selling.sell(ctx, cashier, basket, [PaymentRequest(method, basket.total_cents)])
        clock.advance(timedelta(hours=2))
        expected = closures.x_reading(ctx).expected_cash_cents
        closures.finish_closure(ctx, manager, counted_cents=expected + gap)


def demo_store(folder: Path) -> Store:
    """The demo venue: a week closed day by day, then a morning of sales (paid, unpaid
    and cancelled orders)."""
    clock = FrozenClock(DEMO_DAY - timedelta(days=8))  # set up before the week it shows
    store = open_store(folder, clock)
    ctx = store.context
    setup.initialise_till(ctx, "Caisse accueil", "2", "Accueil", "CD2-")
    importing.import_data(ctx, None, demo_document())
    cashier = sign_in(ctx, "caissier", "1234")
    manager = sign_in(ctx, "gerant", "4321")
    past_days(ctx, clock, cashier, manager)
    clock.current = DEMO_DAY - timedelta(hours=4)
    open_till(ctx, cashier, till_statuses(ctx)[0].till.id)
    closures.record_cash_movement(ctx, cashier, CashMovementKind.FLOAT, 15000)
    for product_id in ("creme-glacee", "cafe", "balade-poney-1h", "paddle-1h", "gaufre"):
        catalogue.toggle_favourite(ctx, cashier, product_id)
    sales = [(("balade-poney-1h", "balade-poney-1h"), "Dupont", [("CB", 2800)]),
             (("kayak-2h",), "Martin", []),
             (("cafe", "gaufre"), None, [("ESP", 1000)]),
             (("stage-paques",), "L'Écurie du Val", [("CHQ", 10000)]),
             (("spectacle-equestre", "spectacle-equestre"), "Lefèvre", [("ANCV", 4400)])]
    first_of_the_day = len(orders.search_orders(ctx, "", limit=10_000)) + 1
    for product_ids, payer_name, payments in sales:
        clock.advance(timedelta(minutes=37))
        basket = Basket()
        for product_id in product_ids:
            selling.add_product(ctx, basket, product_id)
        if payer_name:
            basket.assign_payer(customers.search_customers(ctx, payer_name)[0].id)
        selling.sell(ctx, cashier, basket, [PaymentRequest(m, a) for m, a in payments],
                     validate_without_paying=True)
    orders.cancel_order(ctx, manager, f"CD2-{first_of_the_day + 2:06d}", "Erreur de saisie")
    clock.advance(timedelta(minutes=20))  # one pony ride of two did not take place
    orders.return_lines(ctx, manager, f"CD2-{first_of_the_day:06d}", [(0, 1)],
                        "Poney boiteux", [RefundRequest("ESP", 1400)])
    clock.current = DEMO_DAY
    return store


def shoot_sign_in(store: Store, runner: OperationRunner, size: tuple[int, int]) -> Path:
    dialog = SignInDialog(store.context, runner)
    dialog.resize(*size)
    dialog.move(0, 0)
    dialog.show()
    settle(runner, lambda: bool(dialog.staff_tiles.buttons()))
    tile = dialog.findChild(QPushButton, "staff_caissier")
    assert tile is not None
    tile.click()  # the staff tile tapped, then the PIN begun
    dialog.secret.setText("12")
    path = capture(dialog, f"sign-in-{size[0]}x{size[1]}")
    dialog.close()
    return path


def shoot_keyboard(field: QLineEdit) -> Path:
    """The on-screen keyboard, as a tap in `field` shows it (the screen's width)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    keyboard = TouchKeyboard(app)
    path = capture(keyboard.show_for(field), "keyboard")
    keyboard.stop()
    keyboard.deleteLater()
    return path


def shown(window: SaleWindow, runner: OperationRunner, size: tuple[int, int]) -> SaleWindow:
    """The sale screen at `size` in the screen's corner, its tiles loaded."""
    window.resize(*size)
    window.move(0, 0)
    window.show()
    settle(runner, lambda: window.catalogue.tiles.count() > 0)
    return window


def shoot_sale_screens(store: Store, runner: OperationRunner,
                       size: tuple[int, int]) -> list[Path]:
    ctx = store.context
    staff = sign_in(ctx, "caissier", "1234")
    till = open_till(ctx, staff, till_statuses(ctx)[0].till.id)
    window = shown(SaleWindow(ctx, runner, staff, till,
                              TillSettings(store.data_dir / SETTINGS_FILE)), runner, size)
    suffix = f"{size[0]}x{size[1]}"
    for product_id, price, quantity in (("balade-poney-1h", "enfant", 2),
                                        ("creme-glacee", "2boules", 1),
                                        ("paddle-1h", None, 1)):
        window.basket.add(next(p for p in catalogue.search_products(ctx, product_id[:5])
                               if p.id == product_id), quantity, price)
    dupont = customers.search_customers(ctx, "dupont")[0]
    window.basket_panel.set_payer(dupont.id, dupont.display_name)
    settle(runner)
    paths = [capture(window, f"sale-{suffix}")]

    window.catalogue.show_favourites()
    settle(runner)
    paths.append(capture(window, f"favourites-{suffix}"))

    dialog = window.find_customer()
    dialog.search.setText("*ou")  # contains: persons and organisations
    settle(runner, lambda: dialog.results.count() > 0)
    # The on-screen keyboard once: it spans the screen, whatever the window's size.
    paths += [capture(window, f"customer-search-{suffix}"),
              *([shoot_keyboard(dialog.search)] if size == SIZES[0] else [])]
    dialog.reject()

    paths += shoot_payment(window, runner, suffix)
    window.close()  # the till stops in the middle of the sale, 5 € taken

    window = shown(SaleWindow(ctx, runner, staff, till), runner, size)
    settle(runner, lambda: (found := window.findChild(PaymentDialog)) is not None
           and bool(found.methods))
    paths.append(capture(window, f"sale-brought-back-{suffix}"))
    brought_back = window.findChild(PaymentDialog)
    assert brought_back is not None
    brought_back.reject()
    settle(runner)
    window.basket_panel.clear.click()  # the customer leaves: the 5 € go back
    giving = window.findChild(GiveBackDialog)
    assert giving is not None
    settle(runner, lambda: "Espèces" in giving.text.text())
    paths.append(capture(window, f"give-back-{suffix}"))
    giving.confirm.click()
    settle(runner, lambda: window.basket.is_empty)

    search = window.find_orders()
    settle(runner, lambda: search.results.count() > 0)
    paths.append(capture(window, f"order-search-{suffix}"))
    search.reject()
    settle(runner)
    window.close()
    return paths


def shoot_payment(window: SaleWindow, runner: OperationRunner, suffix: str) -> list[Path]:
    """The visitor's postal code asked (the till's setting on, R12), then 5 € in cash."""
    paths: list[Path] = []
    # The till asks each visitor's postal code (R12): the payment starts with it.
    assert window.settings is not None
    window.settings.ask_postal_code = True
    payment = window.pay()
    assert payment is not None
    settle(runner, lambda: bool(payment.methods))
    for digit in "75011":
        payment.postal_keypad.press(digit)
    settle(runner)
    paths.append(capture(window, f"postal-code-{suffix}"))
    confirm = payment.postal_page.findChild(QPushButton, "confirmPostalCode")
    assert confirm is not None
    confirm.click()
    settle(runner, lambda: payment.pages.currentIndex() == 0)
    window.settings.ask_postal_code = False
    payment.keypad.press("5")
    button = payment.findChild(QPushButton, "method_ESP")
    assert button is not None
    button.click()
    settle(runner, lambda: bool(payment.tendered))
    paths.append(capture(window, f"payment-{suffix}"))
    payment.reject()
    settle(runner)
    return paths


def shoot_till_screens(store: Store, runner: OperationRunner,
                       size: tuple[int, int]) -> list[Path]:
    """A manager's screens: the receipt, the Z being counted, the closure history."""
    ctx = store.context
    staff = sign_in(ctx, "gerant", "4321")
    window = shown(SaleWindow(ctx, runner, staff, till_statuses(ctx)[0]), runner, size)
    suffix = f"{size[0]}x{size[1]}"
    latest = orders.search_orders(ctx, "", limit=1)[0].number
    receipt = show_dialog(ReceiptDialog(ctx, runner, staff, latest, parent=window))
    settle(runner, lambda: receipt.shown is not None)
    paths = [capture(window, f"receipt-{suffix}")]
    receipt.reject()

    first = _first_of_the_day(ctx)
    paths.append(shoot_refund(window, runner, f"CD2-{first + 4:06d}", True,
                              f"refund-cancel-{suffix}"))
    paths.append(shoot_refund(window, runner, f"CD2-{first:06d}", False,
                              f"refund-return-{suffix}"))

    z = window.close_z()
    settle(runner, lambda: z.reading is not None)
    z.counter.count_button.setChecked(True)
    for denomination, quantity in ((5000, 2), (2000, 3), (1000, 2), (500, 1), (200, 4),
                                   (100, 3), (50, 2), (20, 1)):
        z.counter.quantities[denomination].setText(str(quantity))
    z.counter.select(200)
    settle(runner)
    paths.append(capture(window, f"closure-z-{suffix}"))
    z.validate.click()  # the gap stated; its reason asked, with quick choices
    settle(runner, lambda: z.reason.isVisibleTo(z))
    paths.append(capture(window, f"closure-z-confirm-{suffix}"))
    z.reject()

    history = window.closure_history()
    today = DEMO_DAY.date()
    history.show_period(today - timedelta(days=7), today)
    settle(runner, lambda: history.table.rowCount() > 0)
    paths.append(capture(window, f"closure-history-{suffix}"))
    history.reject()
    settle(runner)
    window.close()
    return paths


def shoot_basket_screens(store: Store, runner: OperationRunner,
                         size: tuple[int, int]) -> list[Path]:
    """A manager's sale screen: a line's pop-up with its quantity keypad, a discount,
    the baskets on hold, the opening float counted by notes and coins, the till's rules
    and the staff locked out."""
    ctx = store.context
    cashier = sign_in(ctx, "caissier", "1234")
    for name, product_ids in (("Famille Martin", ("balade-poney-1h", "creme-glacee")),
                              ("Table 4", ("cafe", "gaufre", "gaufre"))):
        held = Basket()
        for product_id in product_ids:
            selling.add_product(ctx, held, product_id)
        hold_basket(ctx, cashier, held, 1, name)
    for _attempt in range(5):  # the checker typed a wrong PIN five times: locked out
        with contextlib.suppress(AuthenticationFailed):
            sign_in(ctx, "controle", "0000")
    staff = sign_in(ctx, "gerant", "4321")
    window = shown(SaleWindow(ctx, runner, staff, till_statuses(ctx)[0]), runner, size)
    suffix = f"{size[0]}x{size[1]}"
    panel = window.basket_panel
    for product_id in ("balade-poney-1h", "paddle-1h"):
        selling.add_product(ctx, window.basket, product_id)
    panel.refresh()
    settle(runner, lambda: panel.discount_by is not None)
    paths = shoot_line_dialogs(window, suffix)
    held_list = window.held.show_list()
    settle(runner, lambda: held_list.list.count() > 1)
    paths.append(capture(window, f"held-baskets-{suffix}"))
    held_list.reject()
    panel.empty()
    opening = window.ask_float()
    opening.counter.count_button.setChecked(True)
    for denomination, quantity in ((2000, 2), (1000, 5), (500, 4), (200, 10), (100, 10)):
        opening.counter.quantities[denomination].setText(str(quantity))
    opening.counter.select(100)
    settle(runner)
    paths.append(capture(window, f"opening-float-{suffix}"))
    opening.done(opening.DialogCode.Rejected)  # its reject() asks for a float
    policies = window.open_policies()
    settle(runner)
    paths.append(capture(window, f"policies-{suffix}"))
    policies.reject()
    locks = window.open_staff_locks()
    settle(runner, lambda: locks.list.count() > 0)
    paths.append(capture(window, f"staff-locks-{suffix}"))
    locks.reject()
    settle(runner)
    window.close()
    return paths


def shoot_slot_screens(store: Store, runner: OperationRunner,
                       size: tuple[int, int]) -> list[Path]:
    """A pony club's Sunday, seen on the Saturday afternoon the demo stands at: rides sold
    in its slots (the 16:00 full), the slot chooser for that day and for the week (the
    rides already over: "Terminé"), and a basket of two rides told apart by their slots."""
    ctx = store.context
    staff = sign_in(ctx, "caissier", "1234")
    till = open_till(ctx, staff, till_statuses(ctx)[0].till.id)
    for hour, places in (("10:00", 12), ("14:00", 3), ("16:00", 20)):
        sold = Basket()
        selling.add_product(ctx, sold, "balade-poney-creneau", places,
                            slot_id=f"balade-poney-creneau@2026-07-12T{hour}")
        selling.sell(ctx, staff, sold, [PaymentRequest("CB", sold.total_cents)])
    window = shown(SaleWindow(ctx, runner, staff, till), runner, size)
    suffix = f"{size[0]}x{size[1]}"
    ride = next(p for p in catalogue.search_products(ctx, "balade") if p.dated)

    def sunday() -> SlotDialog:
        chooser = window.choose_slot(ride)
        assert chooser is not None
        settle(runner, lambda: chooser.loaded)
        chooser.next.click()
        settle(runner, lambda: chooser.loaded)
        return chooser

    chooser = sunday()
    chooser.more.click()
    paths = [capture(window, f"slot-chooser-{suffix}")]
    chooser.week.click()
    settle(runner, lambda: chooser.loaded)
    paths.append(capture(window, f"slot-chooser-week-{suffix}"))
    chooser.week.click()
    settle(runner, lambda: chooser.loaded)
    chooser.slot_buttons()[1].click()  # 14:00, two places
    settle(runner, lambda: len(window.basket.lines) == 1)
    again = sunday()
    again.slot_buttons()[0].click()  # 10:00, one place
    settle(runner, lambda: len(window.basket.lines) == 2)
    paths.append(capture(window, f"slot-basket-{suffix}"))
    window.basket_panel.empty()
    settle(runner)
    window.close()
    return paths


def shoot_line_dialogs(window: SaleWindow, suffix: str) -> list[Path]:
    """A line's pop-up, 3 typed on its quantity keypad, then 10 % off that line."""
    panel = window.basket_panel
    panel.open_line(0)
    line = panel.line_dialog
    assert isinstance(line, LineDialog)
    line.keypad.press("3")
    paths = [capture(window, f"line-{suffix}")]
    line.reject()
    panel.open_line_discount(0)
    discount = panel.discount_dialog
    assert isinstance(discount, DiscountDialog)
    discount.percent.click()
    discount.amount.setText("10")
    discount.findChild(QPushButton, "reason_1").click()  # type: ignore[union-attr]
    paths.append(capture(window, f"discount-{suffix}"))
    discount.reject()
    return paths


def shoot_refund(window: SaleWindow, runner: OperationRunner, number: str, cancel: bool,
                 name: str) -> Path:
    """An order's cancellation (or a return of one of its lines) with the refunds it
    suggests, before the manager confirms."""
    search = window.find_orders()
    search.search.setText(number)
    settle(runner, lambda: search.results.count() == 1)
    search.open_current()
    order = search.opened
    assert order is not None
    settle(runner, lambda: order.details is not None)
    (order.cancel_order if cancel else order.give_back).click()
    refund = order.opened
    assert isinstance(refund, RefundDialog)
    if not cancel:
        more = refund.findChild(QPushButton, "more_0")
        assert more is not None
        more.click()
    refund.reason.setText("Annulé par le client" if cancel else "Absent")
    settle(runner)
    path = capture(window, name)
    refund.reject()
    order.reject()
    search.reject()
    settle(runner)
    return path


def _first_of_the_day(ctx: Context) -> int:
    """The number of the demo day's first order (the week before it came first)."""
    return int(orders.search_orders(ctx, "", limit=1)[0].number[4:]) - 4


def shoot_device_screens(store: Store, runner: OperationRunner,
                         size: tuple[int, int]) -> list[Path]:
    """Réglages › Périphériques with the simulated printer: its status, the test page's
    preview, and the print queue with a document that waited while its cover was open,
    chosen (a manager could delete it)."""
    from hardware.simulators.escpos_printer import SimulatedPrinter
    from pos_app.bootstrap import open_devices
    from pos_app.domain.devices import DeviceSettings, PrinterSettings, PrinterTransport
    from pos_app.ui.device_link import DeviceLink

    ctx = store.context
    staff = sign_in(ctx, "gerant", "4321")
    suffix = f"{size[0]}x{size[1]}"
    with SimulatedPrinter() as printer:
        host, port = printer.address
        devices = open_devices(store.data_dir)
        devices.config.save(DeviceSettings(PrinterSettings(PrinterTransport.NETWORK,
                                                           f"{host}:{port}", 80)))
        link = DeviceLink(ctx, open_devices(store.data_dir), runner)
        link.start()
        window = shown(SaleWindow(ctx, runner, staff, till_statuses(ctx)[0]), runner, size)
        window.attach_devices(link)
        dialog = window.open_devices()
        assert dialog is not None
        dialog.look.click()
        settle(runner, lambda: dialog.status.text() != "" and not dialog.preview.pixmap().isNull())
        paths = [capture(window, f"devices-{suffix}")]
        printer.cover_open = True
        dialog.print_test()
        settle(runner, lambda: (item := dialog.jobs.item(0, 4)) is not None and item.text() != "")
        dialog.tabs.setCurrentIndex(2)
        dialog.refresh_queue()
        settle(runner)
        dialog.jobs.selectRow(0)  # a manager may delete it: "Supprimer" comes on
        settle(runner)
        paths.append(capture(window, f"print-queue-{suffix}"))
        printer.cover_open = False
        dialog.reject()
        link.stop()
        settle(runner)
        window.close()
    return paths


SERVER_URL = "https://caisse.centre-loisirs.example"
WAITING_SHOWN = 12  # records left waiting on the offline till


def offline_with_records_waiting(ctx: Context) -> None:
    """The till enrolled, last heard from the server at 14:04 and offline since 14:05
    (Paris), everything it recorded before sent but the last few records."""
    with ctx.uow() as uow:
        uow.sync.enrol(SERVER_URL, "Caisse accueil", DEMO_DAY - timedelta(days=9), None)
        uow.sync.note_contact(DEMO_DAY - timedelta(minutes=25, seconds=9), 3)
        uow.sync.note_failure(DEMO_DAY - timedelta(minutes=25),
                              "the server cannot be reached: connection refused")
        waiting = uow.outbox.waiting(1_000_000)
        uow.outbox.settle([RecordOutcome(record.record_id, RecordState.SENT)
                           for record in waiting[:-WAITING_SHOWN]],
                          DEMO_DAY - timedelta(minutes=26))
        till_id = local_till(uow).id
        journal = uow.journal.after(till_id, 0, 1_000_000)
        uow.sync.acknowledge(till_id, [ChainAck(chain, head.number, head.hash)
                                       for chain, head in uow.journal.heads(till_id).items()
                                       if chain != "training"],
                             DEMO_DAY - timedelta(minutes=26))
        uow.sync.advance_journal(journal[-1][0])
        uow.commit()


def rejected_and_flagged(ctx: Context, cashier: StaffMember) -> None:
    """A sale more, whose record the server rejected, and the order chain flagged: the
    server refused that sale's journal entry."""
    with ctx.uow(write=False) as uow:
        till_id = local_till(uow).id
        head = uow.journal.heads(till_id)["order"]
    basket = Basket()
    selling.add_product(ctx, basket, "kayak-2h")
    selling.sell(ctx, cashier, basket, [PaymentRequest("CB", basket.total_cents)])
    with ctx.uow() as uow:
        sale = next(record for record in reversed(uow.outbox.waiting(1_000_000))
                    if record.kind == "order.validated")
        uow.outbox.settle([RecordOutcome(sale.record_id, RecordState.REJECTED,
                                         "record_id: a record with this id and other"
                                         " content is held")], DEMO_DAY)
        uow.sync.acknowledge(till_id, [ChainAck(
            "order", head.number, head.hash,
            flagged=f"entry {head.number + 1}: its signature is not valid")], DEMO_DAY)
        uow.commit()


def shoot_sync_screens(store: Store, runner: OperationRunner) -> list[Path]:
    """The sale screen of a till offline since 14:05 with 12 records waiting, then Caisse
    › Synchronisation once the server rejected a record and flagged a chain."""
    ctx = store.context
    cashier = sign_in(ctx, "caissier", "1234")
    till = open_till(ctx, cashier, till_statuses(ctx)[0].till.id)
    offline_with_records_waiting(ctx)
    settings = TillSettings(store.data_dir / SETTINGS_FILE)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    paths = [shoot_sync_status(ctx, runner, cashier, till, settings, as_on_screen(app, size))
             for size in SIZES]
    rejected_and_flagged(ctx, cashier)
    # The sync thread as the till has it, never started: nothing here reaches a network.
    link = SyncBridge(ctx, lambda: open_sync(store.data_dir))
    return paths + [shoot_sync_screen(ctx, runner, cashier, till, link,
                                      as_on_screen(app, size)) for size in SIZES]


def shoot_sync_status(ctx: Context, runner: OperationRunner, cashier: StaffMember,
                      till: TillStatus, settings: TillSettings, size: tuple[int, int]
                      ) -> Path:
    window = shown(SaleWindow(ctx, runner, cashier, till, settings), runner, size)
    for product_id in ("cafe", "gaufre"):
        selling.add_product(ctx, window.basket, product_id)
    window.basket_panel.refresh()
    badge = window.sync_badge
    settle(runner, lambda: badge.isVisible() and badge.view is not None)
    path = capture(window, f"sync-status-offline-{size[0]}x{size[1]}")
    window.close()
    return path


def shoot_sync_screen(ctx: Context, runner: OperationRunner, cashier: StaffMember,
                      till: TillStatus, link: SyncBridge, size: tuple[int, int]) -> Path:
    window = shown(SaleWindow(ctx, runner, cashier, till), runner, size)
    window.attach_sync(link)
    dialog = window.open_sync_screen()
    settle(runner, lambda: dialog.view is not None and dialog.rejected_table.rowCount() > 0)
    path = capture(window, f"sync-screen-{size[0]}x{size[1]}")
    dialog.reject()
    settle(runner)
    window.close()
    return path


def _shows(station: ScanStationWindow, light: str) -> Callable[[], bool]:
    return lambda: station.panel.property("light") == light


def shoot_station_screens(store: Store, runner: OperationRunner,
                          size: tuple[int, int]) -> list[Path]:
    """The scan station (a checker's screen): a ticket scanned and let in (green), the
    same scanned again (red: used up), and a ticket of tomorrow (orange: too early)."""
    from pos_app.domain.ticket import (
        TicketClaims,
        encode_token,
        message_digest,
        new_reference,
        signed_message,
        whole_minute,
    )
    ctx = store.context
    cashier = sign_in(ctx, "caissier", "1234")
    basket = Basket()
    selling.add_product(ctx, basket, "nocturne", 2)
    order = selling.sell(ctx, cashier, basket, [PaymentRequest("CB", basket.total_cents)])
    with ctx.uow(write=False) as uow:
        first = uow.tickets.of_order(order.id)[0]
    # A ticket of tomorrow evening's show, signed by this till: genuine, but not yet.
    start = whole_minute(DEMO_DAY + timedelta(days=1, hours=6))
    claims = TicketClaims(ctx.signer.key_id, new_reference(), "spectacle-equestre", start,
                          start + timedelta(hours=2), 1)
    message = signed_message(claims)
    tomorrow = encode_token(message, ctx.signer.sign(message_digest(message)))
    checker = sign_in(ctx, "controle", "5678")
    station = ScanStationWindow(ctx, runner, checker)
    station.resize(*size)
    station.move(0, 0)
    station.show()
    paths = []
    for code, name in ((first.token, "green"), (first.token, "red"), (tomorrow, "orange")):
        station.receive_scan_text(code)
        settle(runner, _shows(station, name))
        paths.append(capture(station, f"scan-station-{name}-{size[0]}x{size[1]}"))
    station.close()
    return paths


def main() -> int:
    app = create_application()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    with tempfile.TemporaryDirectory() as folder:
        store = demo_store(Path(folder))
        runner = OperationRunner()
        for size in SIZES:
            as_on_screen(app, size)
            paths.append(shoot_sign_in(store, runner, size))
            paths += shoot_sale_screens(store, runner, size)
        for size in SIZES:
            as_on_screen(app, size)
            paths += shoot_device_screens(store, runner, size)
        as_on_screen(app, SIZES[0])  # the new screens, on the smallest till
        paths += shoot_basket_screens(store, runner, SIZES[0])
        for size in SIZES:  # last: the Z leaves the till closing
            as_on_screen(app, size)
            paths += shoot_till_screens(store, runner, size)
        runner.wait()
        store.close()
        # A till of its own, enrolled: the other screens show one with no server.
        synced = demo_store(Path(folder) / "synced")
        paths += shoot_sync_screens(synced, runner)
        runner.wait()
        synced.close()
        # The gate's till of its own: its sales change none of the other pictures.
        gate = demo_store(Path(folder) / "gate")
        as_on_screen(app, SIZES[0])
        paths += shoot_station_screens(gate, runner, SIZES[0])
        runner.wait()
        gate.close()
        # A pony club's rides sold by slot: a till of its own too.
        club = demo_store(Path(folder) / "club")
        paths += shoot_slot_screens(club, runner, SIZES[0])
        runner.wait()
        club.close()
    for path in paths:
        print(path)
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
