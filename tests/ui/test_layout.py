"""Every screen and dialog of the till, on the screens a till has (1024×768, 1366×768,
1920×1080; dialogs also 800×600), in French and in English: every button on the screen
and at least 44 px high, no label or button whose text is cut or elided.

Each (size, language) builds all its screens once, the first time one of them is asked,
on one store shared by the module; each screen is then a test of its own, so a failure
names the screen, the size and the language, and the helper names the widget and its
text."""

from __future__ import annotations

import contextlib
import shutil
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QRect, QSize, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QWidget

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store, open_devices, open_store
from pos_app.domain.basket import Basket
from pos_app.domain.errors import AuthenticationFailed
from pos_app.domain.held_basket import MAX_NAME
from pos_app.domain.staff import Role, StaffMember
from pos_app.services import catalogue, closures, customers, selling
from pos_app.services.context import Context
from pos_app.services.held_baskets import hold_basket
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import open_till, sign_in, till_statuses
from pos_app.ui.closure_dialog import CONFIRM
from pos_app.ui.device_link import DeviceLink
from pos_app.ui.keyboard import TouchKeyboard
from pos_app.ui.language import SOURCE_LANGUAGE, apply_language
from pos_app.ui.launch import create_application, style_sheet
from pos_app.ui.ops import OperationRunner
from pos_app.ui.payment_dialog import GiveBackDialog, PaymentDialog
from pos_app.ui.receipt_dialog import ReceiptDialog
from pos_app.ui.refund_dialog import RefundDialog
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.scan_station import ScanStationWindow
from pos_app.ui.screen_fit import fit_screen
from pos_app.ui.settings import SETTINGS_FILE, TillSettings
from pos_app.ui.sign_in import SignInDialog
from pos_app.ui.widgets import show_dialog
from tests.conftest import START
from tests.ui.conftest import WAIT_MS
from tests.ui.layout_checks import layout_problems

SCREENS = [(1024, 768), (1366, 768), (1920, 1080)]
SMALL = (800, 600)  # dialogs only: the smallest screen a dialog may open on
LANGUAGES = ["fr", "en"]
WINDOWS = ["sign-in", "sale", "station"]  # full-screen: checked on the till's screens only
DIALOGS = ["product", "customer", "customer-new", "keyboard", "postal-code", "payment",
           "give-back",
           "payment-done", "line", "line-discount", "basket-discount", "hold", "held-baskets",
           "order-search", "order", "order-rest", "refund", "receipt", "till-menu",
           "x-reading", "opening-float", "cash", "closure-history", "drawer", "devices",
           "settings", "policies", "staff-locks", "sync", "z-closure", "z-confirm",
           "conflicts", "gate-stats", "slots"]
# Being rewritten beside this test; turned on once merged.
REWRITTEN: dict[str, str] = {}
LONG_STAFF = "Marie-Bernadette de La Tour-Saint-Ygest"
LONG_PAYER = "Établissement Équestre des Grandes Écuries du Lac de Saint-Rémy"


@dataclass
class Round:
    """The problems of each screen at one size, in one language."""

    problems: dict[str, list[str]] = field(default_factory=dict)
    failed: str = ""  # the round could not be built: why


def settle(runner: OperationRunner, until: Callable[[], bool] = lambda: True) -> None:
    """Run the event loop until the workers are idle and `until` holds."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        loop = QEventLoop()
        QTimer.singleShot(10, loop.quit)
        loop.exec()
        if not runner.busy and until():
            QCoreApplication.processEvents()
            return
    raise AssertionError(f"the screen did not settle (workers busy: {runner.busy},"
                         f" condition: {until()})")


@dataclass
class Till:
    store: Store
    runner: OperationRunner
    cashier: StaffMember
    manager: StaffMember
    unpaid: str  # an order with something left to pay
    link: DeviceLink
    settings: TillSettings
    rounds: dict[tuple[tuple[int, int], str], Round] = field(default_factory=dict)


@pytest.fixture(scope="module")
def till(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Till]:
    app = create_application()
    folder = tmp_path_factory.mktemp("layout") / "store"
    shutil.copytree(demo_template, folder)
    store = open_store(folder, FrozenClock(START))
    ctx = store.context
    with ctx.uow() as uow:  # a name longer than a tile: shortened, never cut
        uow.staff.save(StaffMember("staff:marie", "marie", LONG_STAFF, Role.CASHIER),
                       ctx.hasher.hash("5555"))
        uow.commit()
    cashier = sign_in(ctx, "caissier", "1234")
    manager = sign_in(ctx, "gerant", "4321")
    for _attempt in range(5):  # locked: Personnel bloqué has a row, her long name in it
        with contextlib.suppress(AuthenticationFailed):
            sign_in(ctx, "marie", "0000")
    open_till(ctx, cashier, till_statuses(ctx)[0].till.id)
    held = Basket()
    selling.add_product(ctx, held, "balade-poney-1h")
    hold_basket(ctx, cashier, held, 1, LONG_PAYER[:MAX_NAME])  # the held list has a row
    payer = customers.search_customers(ctx, "dupont")[0]
    basket = Basket()
    selling.add_product(ctx, basket, "balade-poney-1h")
    selling.add_product(ctx, basket, "stage-paques")
    basket.assign_payer(payer.id)
    # 231,70 € left: quick cash offers several amounts, the longest labels.
    unpaid = selling.sell(ctx, cashier, basket, [PaymentRequest("CB", 2730)],
                          validate_without_paying=True).number
    runner = OperationRunner()
    link = DeviceLink(ctx, open_devices(folder), runner)  # no printer configured
    link.start()
    settings = TillSettings(folder / SETTINGS_FILE)
    yield Till(store, runner, cashier, manager, unpaid, link, settings)
    link.stop()
    runner.wait()
    store.close()
    apply_language(SOURCE_LANGUAGE)
    fit_screen(app, style_sheet())


def fill(window: QWidget, screen: QRect) -> None:
    """`window` shown over the whole of `screen`, its frame included (as maximised)."""
    window.setGeometry(screen)
    window.show()
    QCoreApplication.processEvents()
    frame, inner = window.frameGeometry(), window.geometry()
    window.setGeometry(screen.adjusted(inner.left() - frame.left(), inner.top() - frame.top(),
                                       inner.right() - frame.right(),
                                       inner.bottom() - frame.bottom()))


def screen_round(till: Till, size: tuple[int, int], language: str) -> Round:
    key = (size, language)
    if key not in till.rounds:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        # The screens closed before (by this test's earlier rounds, or by earlier tests in
        # this process) really gone before the language and the scale change under them.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        apply_language(language)
        fit_screen(app, style_sheet(), QSize(*size))
        try:
            till.rounds[key] = build_round(till, size)
        except Exception as error:  # noqa: BLE001 - each screen of the round says why
            where = "".join(traceback.format_exception(error)[-6:])
            till.rounds[key] = Round(failed=f"{type(error).__name__}: {error}\n{where}")
        finally:
            apply_language(SOURCE_LANGUAGE)
    return till.rounds[key]


def build_round(till: Till, size: tuple[int, int]) -> Round:
    rounds = Shots(till, size)
    open_till(rounds.ctx, till.cashier, till_statuses(rounds.ctx)[0].till.id)  # after a Z
    if size != SMALL:
        rounds.sign_in()
    rounds.station()
    window = rounds.sale_window()
    rounds.sale_dialogs(window)
    rounds.basket_dialogs(window)
    rounds.order_views(window)
    rounds.till_dialogs(window)
    window.basket.lines.clear()
    window.close()
    window.deleteLater()
    settle(till.runner)
    return rounds.found


@dataclass
class Shots:
    """Shows each screen of one round and keeps what is wrong with it."""

    till: Till
    size: tuple[int, int]
    found: Round = field(default_factory=Round)

    @property
    def screen(self) -> QRect:
        return QRect(0, 0, *self.size)

    @property
    def runner(self) -> OperationRunner:
        return self.till.runner

    @property
    def ctx(self) -> Context:
        return self.till.store.context

    def check(self, name: str, widget: QWidget) -> None:
        settle(self.runner)
        self.found.problems[name] = layout_problems(widget, self.screen)

    def dialog(self, name: str, opened: QDialog, ready: Callable[[], bool] = lambda: True,
               ) -> None:
        settle(self.runner, ready)
        self.check(name, opened)
        opened.reject()
        settle(self.runner)

    def sign_in(self) -> None:
        screen = SignInDialog(self.ctx, self.runner)
        fill(screen, self.screen)
        settle(self.runner, lambda: bool(screen.staff_tiles.buttons())
               or bool(screen.error.text()))
        assert not screen.error.text(), screen.error.text()
        self.check("sign-in", screen)
        screen.close()
        screen.deleteLater()

    def station(self) -> None:
        """The scan station after a refusal (its longest words), its conflicts and its
        figures (a manager's)."""
        station = ScanStationWindow(self.ctx, self.runner, self.till.manager)
        fill(station, self.screen)
        station.receive_scan_text("TK1:AAAAAAAA")
        settle(self.runner, lambda: station.panel.property("light") == "red")
        if self.size != SMALL:
            self.check("station", station)
        self.dialog("conflicts", station.open_conflicts())
        stats = station.open_stats()
        self.dialog("gate-stats", stats)
        station.close()
        station.deleteLater()
        settle(self.runner)

    def sale_window(self) -> SaleWindow:
        """The sale screen, a basket in it with a payer's long name, and a notice."""
        ctx, runner = self.ctx, self.runner
        window = SaleWindow(ctx, runner, self.till.manager, till_statuses(ctx)[0],
                            self.till.settings)
        fill(window, self.screen)
        settle(runner, lambda: window.catalogue.tiles.count() > 0)
        window.attach_devices(self.till.link)
        for product_id in ("balade-poney-1h", "creme-glacee", "paddle-1h"):
            selling.add_product(ctx, window.basket, product_id)
        window.basket_panel.payer_name = LONG_PAYER  # as long as a venue's name gets
        window.basket_panel.refresh()
        window.show_notice("Commande CD2-000042 enregistrée.")
        if self.size != SMALL:
            self.check("sale", window)
        return window

    def sale_dialogs(self, window: SaleWindow) -> None:
        """A product's prices, the customer search and its keyboard, the postal code a
        payment starts with when the till asks, a payment of 5 €, then those 5 € given
        back."""
        runner = self.runner
        pony = next(p for p in catalogue.search_products(self.ctx, "balade")
                    if len(p.prices) > 1)
        self.dialog("product", window.open_product(pony))
        self.slots(window)
        self.dialog("customer", window.find_customer())
        creating = window.find_customer()
        creating.findChild(QPushButton, "newCustomer").click()  # type: ignore[union-attr]
        self.dialog("customer-new", creating, lambda: creating.pages.currentIndex() == 1)
        self.keyboard(window)
        self.till.settings.ask_postal_code = True  # the payment starts with it (R12)
        asking = window.pay()
        assert asking is not None
        self.dialog("postal-code", asking, lambda: bool(asking.methods)
                    and asking.pages.currentWidget() is asking.postal_page)
        self.till.settings.ask_postal_code = False
        payment = window.pay()
        assert payment is not None
        settle(runner, lambda: bool(payment.methods))
        payment.keypad.press("5")
        cash = payment.findChild(QPushButton, "method_ESP")
        assert cash is not None
        cash.click()
        self.dialog("payment", payment, lambda: bool(payment.tendered))
        giving = window.give_back()
        assert isinstance(giving, GiveBackDialog)
        settle(runner, lambda: giving.text.text() != "")
        self.check("give-back", giving)
        giving.confirm.click()
        settle(runner, lambda: window.basket.is_empty)
        selling.add_product(self.ctx, window.basket, "gaufre")
        window.basket_panel.refresh()
        paid = window.pay()
        assert paid is not None
        settle(runner, lambda: bool(paid.methods))
        card = paid.findChild(QPushButton, "method_CB")
        assert card is not None
        card.click()
        settle(runner, lambda: paid.pages.currentIndex() == 1)
        self.check("payment-done", paid)
        paid.accept()  # Nouvelle vente
        settle(runner, lambda: window.basket.is_empty)

    def slots(self, window: SaleWindow) -> None:
        """The slot chooser at its fullest: a course's prices, the week, its days said in
        full on each slot, and a refusal with its numbers."""
        course = next(p for p in catalogue.search_products(self.ctx, "stage poney")
                      if p.dated)
        chooser = window.choose_slot(course, quantity=99)
        assert chooser is not None
        settle(self.runner, lambda: chooser.loaded)
        chooser.week.click()
        settle(self.runner, lambda: chooser.loaded)
        # The first week with a course still sold (one that has ended is not).
        for _week in range(6):
            if any(button.isEnabled() for button in chooser.slot_buttons()):
                break
            chooser.next.click()
            settle(self.runner, lambda: chooser.loaded)
        next(button for button in chooser.slot_buttons() if button.isEnabled()).click()
        self.dialog("slots", chooser, lambda: chooser.error.text() != ""
                    and chooser.loaded)

    def basket_dialogs(self, window: SaleWindow) -> None:
        """A line's pop-up and its discount, the basket's discount, holding the basket,
        the baskets on hold."""
        panel = window.basket_panel
        selling.add_product(self.ctx, window.basket, "balade-poney-1h")
        selling.add_product(self.ctx, window.basket, "creme-glacee")
        panel.allow_discounts(self.till.manager.id)  # the discount buttons shown too
        panel.open_line(0)
        assert panel.line_dialog is not None
        self.dialog("line", panel.line_dialog)
        panel.open_line_discount(0)
        assert panel.discount_dialog is not None
        self.dialog("line-discount", panel.discount_dialog)
        panel.open_basket_discount()
        assert panel.discount_dialog is not None
        self.dialog("basket-discount", panel.discount_dialog)
        hold = window.held.hold()
        assert hold is not None
        self.dialog("hold", hold)
        held = window.held.show_list()
        self.dialog("held-baskets", held, lambda: held.list.count() > 0)
        panel.empty()

    def keyboard(self, window: SaleWindow) -> None:
        customer = window.find_customer()
        settle(self.runner)
        keyboard = TouchKeyboard(QApplication.instance())  # type: ignore[arg-type]
        panel = keyboard.show_for(customer.search)
        settle(self.runner)
        # Docked across the simulated screen's bottom, as on the real one (checked before
        # it docks again on the platform's own screen).
        height = panel.height()
        panel.setGeometry(0, self.size[1] - height, self.size[0], height)
        docked = panel.layout()
        assert docked is not None
        docked.activate()
        self.found.problems["keyboard"] = layout_problems(panel, self.screen)
        keyboard.stop()
        keyboard.deleteLater()
        customer.reject()
        settle(self.runner)

    def order_views(self, window: SaleWindow) -> None:
        """Order search, an order with something left to pay, paying it, cancelling it."""
        runner = self.runner
        search = window.find_orders()
        settle(runner, lambda: search.results.count() > 0)
        self.check("order-search", search)
        search.search.setText(self.till.unpaid)
        settle(runner, lambda: search.results.count() == 1)
        search.open_current()
        order = search.opened
        assert order is not None
        settle(runner, lambda: order.details is not None)
        self.check("order", order)
        order.pay.click()
        rest = order.opened
        assert isinstance(rest, PaymentDialog)
        self.dialog("order-rest", rest, lambda: bool(rest.methods))
        order.cancel_order.click()
        refund = order.opened
        assert isinstance(refund, RefundDialog)
        self.dialog("refund", refund)
        order.reject()
        search.reject()
        settle(runner)

    def till_dialogs(self, window: SaleWindow) -> None:
        """A receipt, the till menu and what it opens; the Z last (it closes the day)."""
        till, ctx = self.till, self.ctx
        self.dialog("receipt", show_dialog(ReceiptDialog(
            ctx, self.runner, till.manager, till.unpaid, devices=till.link, parent=window)))
        self.dialog("till-menu", window.open_till_menu())
        x = window.read_x()
        self.dialog("x-reading", x, lambda: x.reading is not None)
        opening = window.ask_float()
        opening.counter.count_button.setChecked(True)  # by notes and coins: its largest form
        settle(self.runner)
        self.check("opening-float", opening)
        opening.done(QDialog.DialogCode.Rejected)  # its reject() asks for a float
        self.dialog("cash", window.move_cash())
        self.dialog("closure-history", window.closure_history())
        drawer = window.open_drawer()
        assert drawer is not None
        self.dialog("drawer", drawer)
        devices = window.open_devices()
        assert devices is not None
        self.dialog("devices", devices)
        settings = window.open_settings()
        assert settings is not None
        self.dialog("settings", settings)
        policies = window.open_policies()
        self.dialog("policies", policies)
        locks = window.open_staff_locks()
        self.dialog("staff-locks", locks, lambda: locks.list.count() > 0)
        self.dialog("sync", window.open_sync_screen())
        z = window.close_z()  # it leaves the till closing, then closed
        settle(self.runner, lambda: z.reading is not None)
        z.counter.count_button.setChecked(True)  # by notes and coins: its largest form
        z.counter.quantities[5000].setText("1")
        settle(self.runner)
        self.check("z-closure", z)
        z.validate.click()  # a gap beyond the threshold: its reason, and quick choices
        settle(self.runner, lambda: z.pages.currentIndex() == CONFIRM
               and z.reason.isVisibleTo(z))
        self.dialog("z-confirm", z)
        closures.finish_closure(ctx, till.manager,
                                counted_cents=closures.x_reading(ctx).expected_cash_cents)


def cases() -> Iterator[object]:
    for size in [*SCREENS, SMALL]:
        for language in LANGUAGES:
            for name in ([] if size == SMALL else WINDOWS) + DIALOGS:
                marks = [pytest.mark.xfail(reason=REWRITTEN[name], strict=False)] \
                    if name in REWRITTEN else []
                yield pytest.param(name, size, language, marks=marks,
                                   id=f"{name}-{size[0]}x{size[1]}-{language}")


@pytest.mark.parametrize(("name", "size", "language"), list(cases()))
def test_every_button_shows_whole_on_the_screen(till: Till, name: str,
                                                size: tuple[int, int],
                                                language: str) -> None:
    built = screen_round(till, size, language)
    problems = built.problems
    assert name in problems, f"{name} was not shown: {built.failed or 'not reached'}"
    assert problems[name] == [], "\n".join(problems[name])
