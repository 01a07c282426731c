"""A cashier's and a manager's day at 1024×768, driven only by taps on widgets: the tiles
and the PIN pad at sign-in, the tiles, pop-ups and keypads to sell, the on-screen keyboard
for text. No key event reaches the till; what the screens did is then read in the store.

Cashier: sign in, the opening float, 30 paddles on the quantity keypad with a group
discount, the basket put on hold, the next customer served and paid in two parts, the held
basket found and paid. Manager: an order cancelled and refunded, an X reading, a Z started
then abandoned, a Z counted blind by notes with a gap and its reason, the history."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QAbstractButton, QListWidget, QWidget
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store
from pos_app.domain.closure import CashMovementKind, Closure
from pos_app.domain.order import OrderStatus
from pos_app.domain.policy import BLIND_COUNT, DISCOUNT_ROLE
from pos_app.domain.staff import StaffMember
from pos_app.domain.till import TillState
from pos_app.services import closures, orders, selling
from pos_app.services.journal_check import verify_journal
from pos_app.services.policies import set_policy
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import open_till, till_statuses
from pos_app.ui.cash_dialog import OpeningFloatDialog
from pos_app.ui.closure_dialog import ClosureDialog
from pos_app.ui.closure_history import ClosureHistoryDialog
from pos_app.ui.held_baskets import HeldBasketsDialog, HoldDialog
from pos_app.ui.keyboard import TouchKeyboard
from pos_app.ui.launch import TillStart
from pos_app.ui.order_dialogs import OrderSearchDialog
from pos_app.ui.payment_dialog import PaymentDialog
from pos_app.ui.refund_dialog import RefundDialog
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.till_menu import TillMenu
from tests.integration.test_selling_services import basket_of
from tests.ui.conftest import WAIT_MS, gone
from tests.ui.test_till_screen import LEFT, tap_tile
from tests.ui.test_touch import SCREEN, key, on_screen, tap, tap_field, type_on

PADDLE = 1500  # paddle-1h, one price
W = TypeVar("W", bound=QWidget)


def button(qtbot: QtBot, parent: QWidget, name: str) -> QAbstractButton:
    """The button named `name` under `parent`, once it shows (a button added to a shown
    layout shows a moment later)."""
    def showing() -> list[QAbstractButton]:
        return [b for b in parent.findChildren(QAbstractButton, name) if b.isVisible()]

    qtbot.waitUntil(lambda: bool(showing()), timeout=WAIT_MS)
    return showing()[0]


def press(qtbot: QtBot, parent: QWidget, *names: str) -> None:
    """Tap each button in turn: each whole on a 1024×768 screen and a finger high."""
    for name in names:
        found = button(qtbot, parent, name)
        qtbot.waitUntil(lambda b=found: on_screen(b), timeout=WAIT_MS)  # type: ignore[misc]
        tap(qtbot, found)


def opened(qtbot: QtBot, window: QWidget, kind: type[W]) -> W:
    """The dialog of `kind` a tap just opened over `window` (the newest showing)."""
    def showing() -> list[W]:
        return [d for d in window.findChildren(kind) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(showing()), timeout=WAIT_MS)
    return showing()[-1]


def tap_row(qtbot: QtBot, rows: QListWidget, row: int) -> None:
    qtbot.waitUntil(lambda: rows.count() > row, timeout=WAIT_MS)
    rect = rows.visualItemRect(rows.item(row))
    qtbot.mouseClick(rows.viewport(), LEFT, pos=rect.center())


def sign_in(qtbot: QtBot, shift: TillStart, tile: str, pin: str) -> SaleWindow:
    """The staff member's tile, the PIN on the pad, OK: the sale screen, at 1024×768."""
    dialog = shift.dialog
    dialog.resize(*SCREEN)
    qtbot.waitUntil(lambda: bool(dialog.staff_tiles.buttons()), timeout=WAIT_MS)
    tap(qtbot, button(qtbot, dialog, f"staff_{tile}"))
    for digit in pin:
        tap(qtbot, button(qtbot, dialog.keypad, f"key_{digit}"))
    with qtbot.waitSignal(shift.ready, timeout=WAIT_MS):
        tap(qtbot, dialog.ok_button)
    window = shift.window
    assert window is not None
    window.showNormal()  # the till's screen: 1024×768
    window.resize(*SCREEN)
    window.move(0, 0)
    qtbot.waitUntil(lambda: window.size().toTuple() == SCREEN
                    and window.catalogue.tiles.count() > 0, timeout=WAIT_MS)
    return window


def the_keyboard(shift: TillStart) -> TouchKeyboard:
    assert shift.keyboard is not None, "the till's on-screen keyboard is on by default"
    return shift.keyboard


def till_menu(qtbot: QtBot, window: SaleWindow, item: str) -> None:
    tap(qtbot, window.till_button)
    menu = opened(qtbot, window, TillMenu)
    press(qtbot, menu, f"menu_{item}")


def pay_by_card(qtbot: QtBot, window: SaleWindow) -> PaymentDialog:
    tap(qtbot, window.basket_panel.pay)
    paying = opened(qtbot, window, PaymentDialog)
    qtbot.waitUntil(lambda: bool(paying.methods), timeout=WAIT_MS)
    press(qtbot, paying, "method_CB")
    qtbot.waitUntil(lambda: paying.pages.currentIndex() == 1, timeout=WAIT_MS)
    return paying


def line_pop_up(qtbot: QtBot, window: SaleWindow, row: int) -> QWidget:
    panel = window.basket_panel
    tap_row(qtbot, panel.lines, row)
    qtbot.waitUntil(lambda: panel.line_dialog is not None and panel.line_dialog.isVisible(),
                    timeout=WAIT_MS)
    assert panel.line_dialog is not None
    return panel.line_dialog


def sell_a_group(qtbot: QtBot, window: SaleWindow) -> int:
    """A group of 30 on the paddles: the quantity keypad, then 10 % off for the group."""
    tap_tile(qtbot, window, "paddle-1h")
    qtbot.waitUntil(lambda: len(window.basket.lines) == 1, timeout=WAIT_MS)
    panel = window.basket_panel
    press(qtbot, line_pop_up(qtbot, window, 0), "key_3", "key_0", "setQuantity")
    qtbot.waitUntil(lambda: window.basket.lines[0].quantity == 30, timeout=WAIT_MS)
    line = line_pop_up(qtbot, window, 0)
    press(qtbot, line, "lineDiscount")
    qtbot.waitUntil(lambda: panel.discount_dialog is not None
                    and panel.discount_dialog.isVisible(), timeout=WAIT_MS)
    discount = panel.discount_dialog
    assert discount is not None
    press(qtbot, discount, "inPercent", "key_1", "key_0", "reason_2", "applyDiscount")
    qtbot.waitUntil(lambda: window.basket.lines[0].discount_cents == 30 * PADDLE // 10,
                    timeout=WAIT_MS)
    group_total = 30 * PADDLE * 9 // 10
    assert window.basket.total_cents == group_total
    return group_total


def hold_the_basket(qtbot: QtBot, window: SaleWindow, keyboard: TouchKeyboard) -> None:
    """The group's leader goes to fetch the others: the basket waits under their name."""
    tap(qtbot, window.basket_panel.hold)
    holding = opened(qtbot, window, HoldDialog)
    typing = tap_field(qtbot, keyboard, holding.name)
    type_on(qtbot, typing, ["erase"] * len(holding.name.text()))
    type_on(qtbot, typing, ["shift", "m", "a", "r", "t", "i", "n"])
    assert holding.name.text() == "Martin"
    tap(qtbot, key(typing, "hide"))
    tap(qtbot, holding.confirm)
    qtbot.waitUntil(lambda: window.basket.is_empty, timeout=WAIT_MS)


def serve_the_next(qtbot: QtBot, window: SaleWindow, store: Store) -> None:
    """The next customer: a coffee and a waffle, 2 € in cash, the rest by card."""
    tap_tile(qtbot, window, "cafe")
    tap_tile(qtbot, window, "gaufre")
    qtbot.waitUntil(lambda: len(window.basket.lines) == 2, timeout=WAIT_MS)
    next_total = window.basket.total_cents
    tap(qtbot, window.basket_panel.pay)
    paying = opened(qtbot, window, PaymentDialog)
    qtbot.waitUntil(lambda: bool(paying.methods), timeout=WAIT_MS)
    press(qtbot, paying, "key_2", "method_ESP")  # the first key replaces what is left
    qtbot.waitUntil(lambda: bool(paying.tendered), timeout=WAIT_MS)
    press(qtbot, paying, "method_CB")
    qtbot.waitUntil(lambda: paying.pages.currentIndex() == 1, timeout=WAIT_MS)
    press(qtbot, paying, "nextSale")
    qtbot.waitUntil(lambda: window.basket.is_empty, timeout=WAIT_MS)
    served = orders.get_order(store.context, "CD2-000001").order
    assert [(p.method_code, p.amount_cents) for p in served.payments] == [
        ("ESP", 200), ("CB", next_total - 200)]


def test_a_cashier_s_day_by_taps(qtbot: QtBot, store: Store, manager: StaffMember,
                                 start_till: Callable[..., TillStart]) -> None:
    ctx = store.context
    set_policy(ctx, manager, DISCOUNT_ROLE, "cashier")  # the venue lets cashiers discount
    assert till_statuses(ctx)[0].state is TillState.CLOSED
    shift = start_till(ctx)
    window = sign_in(qtbot, shift, "caissier", "1234")

    # The till opened with this sign-in: its float, counted on the keypad.
    counting = opened(qtbot, window, OpeningFloatDialog)
    press(qtbot, counting, "key_1", "key_5", "key_0", "saveFloat")
    qtbot.waitUntil(lambda: "150,00" in window.notice.text(), timeout=WAIT_MS)

    group_total = sell_a_group(qtbot, window)
    hold_the_basket(qtbot, window, the_keyboard(shift))
    serve_the_next(qtbot, window, store)

    # The group is back: the held basket found in the list, taken up, paid.
    panel = window.basket_panel
    qtbot.waitUntil(lambda: panel.held.text() == "Paniers en attente (1)", timeout=WAIT_MS)
    tap(qtbot, panel.held)
    waiting = opened(qtbot, window, HeldBasketsDialog)
    tap_row(qtbot, waiting.list, 0)
    assert waiting.list.item(0).text().startswith("Martin\n")
    tap(qtbot, waiting.take_up)
    qtbot.waitUntil(lambda: window.basket.total_cents == group_total, timeout=WAIT_MS)
    pay_by_card(qtbot, window)
    group = orders.get_order(ctx, "CD2-000002").order
    assert (group.total_cents, group.left_cents) == (group_total, 0)
    assert (group.lines[0].quantity, group.lines[0].discount_reason) == (30, "Tarif groupe")
    assert verify_journal(ctx).ok


def a_morning(store: Store, cashier: StaffMember) -> str:
    """Float 150 €, a coffee paid with a 5 € note (3,40 € back), a waffle by card: the
    waffle's order number."""
    ctx = store.context
    open_till(ctx, cashier, till_statuses(ctx)[0].till.id)
    closures.record_cash_movement(ctx, cashier, CashMovementKind.FLOAT, 15000)
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 500)])
    waffle = basket_of(ctx, "gaufre")
    return selling.sell(ctx, cashier, waffle,
                        [PaymentRequest("CB", waffle.total_cents)]).number


def type_digits(qtbot: QtBot, parent: QWidget, digits: str) -> None:
    press(qtbot, parent, *(f"key_{digit}" for digit in digits))


def cancel_the_waffle(qtbot: QtBot, window: SaleWindow, keyboard: TouchKeyboard,
                      waffle: str) -> None:
    """The waffle was a mistake: the order found in the list, cancelled, refunded by
    card, its reason typed on the keyboard."""
    tap(qtbot, window.orders_button)
    finding = opened(qtbot, window, OrderSearchDialog)
    qtbot.waitUntil(lambda: finding.results.count() == 2, timeout=WAIT_MS)
    tap_row(qtbot, finding.results, 0)  # newest first
    tap(qtbot, finding.open_button)
    qtbot.waitUntil(lambda: finding.opened is not None
                    and finding.opened.details is not None, timeout=WAIT_MS)
    viewing = finding.opened
    assert viewing is not None and viewing.details is not None
    assert viewing.details.order.number == waffle
    tap(qtbot, viewing.cancel_order)
    cancelling = opened(qtbot, viewing, RefundDialog)
    typing = tap_field(qtbot, keyboard, cancelling.reason)
    type_on(qtbot, typing, ["shift", "e", "r", "r", "e", "u", "r"])
    tap(qtbot, key(typing, "hide"))
    tap(qtbot, cancelling.confirm)
    qtbot.waitUntil(lambda: cancelling.pages.currentIndex() == 1, timeout=WAIT_MS)
    press(qtbot, cancelling, "finish")
    press(qtbot, viewing, "close")
    press(qtbot, finding, "close")


def abandon_a_z(qtbot: QtBot, window: SaleWindow) -> None:
    """A Z started by mistake, then abandoned: the banner goes, the till sells again."""
    till_menu(qtbot, window, "z")
    started = opened(qtbot, window, ClosureDialog)
    qtbot.waitUntil(lambda: started.reading is not None, timeout=WAIT_MS)
    assert window.closing_banner.isVisible()
    press(qtbot, started, "abandonZ", "confirmAbandon")
    qtbot.waitUntil(lambda: started.abandoned, timeout=WAIT_MS)
    press(qtbot, started, "close")
    qtbot.waitUntil(lambda: not window.closing_banner.isVisible(), timeout=WAIT_MS)


def close_blind_with_a_reason(qtbot: QtBot, window: SaleWindow) -> Closure:
    """The Z, counted blind by notes: 2 × 50 € and 2 × 20 €, 11,60 € short; a reason."""
    till_menu(qtbot, window, "z")
    closing = opened(qtbot, window, ClosureDialog)
    qtbot.waitUntil(lambda: closing.reading is not None, timeout=WAIT_MS)
    assert "151,60" not in closing.figures.toPlainText() + closing.gap.text()
    press(qtbot, closing, "countCash", "count_5000")
    type_digits(qtbot, closing, "2")
    press(qtbot, closing, "count_2000")
    type_digits(qtbot, closing, "2")
    press(qtbot, closing, "validateZ")
    assert "Écart de -11,60" in closing.question.text()
    assert not closing.confirm.isEnabled()  # beyond 5 €: the reason first
    press(qtbot, closing, "reasonChoice1", "confirmZ")
    qtbot.waitUntil(lambda: closing.closed is not None, timeout=WAIT_MS)
    assert closing.closed is not None
    press(qtbot, closing, "close")
    return closing.closed.closure


def test_a_manager_s_day_by_taps(qtbot: QtBot, store: Store, cashier: StaffMember,
                                 manager: StaffMember,
                                 start_till: Callable[..., TillStart]) -> None:
    ctx = store.context
    waffle = a_morning(store, cashier)
    set_policy(ctx, manager, BLIND_COUNT, "on")
    shift = start_till(ctx)
    window = sign_in(qtbot, shift, "gerant", "4321")

    cancel_the_waffle(qtbot, window, the_keyboard(shift), waffle)
    cancelled = orders.get_order(ctx, waffle).order
    assert cancelled.status is OrderStatus.CANCELLED
    assert [r.method_code for r in cancelled.refunds] == ["CB"]

    # An X reading: the figures, nothing closed.
    till_menu(qtbot, window, "x")
    reading = opened(qtbot, window, ClosureDialog)
    qtbot.waitUntil(lambda: reading.reading is not None, timeout=WAIT_MS)
    assert "Annulations (1)" in reading.figures.toPlainText()
    press(qtbot, reading, "close")
    qtbot.waitUntil(lambda: gone(reading), timeout=WAIT_MS)

    abandon_a_z(qtbot, window)
    assert till_statuses(ctx)[0].state is TillState.OPEN
    z = close_blind_with_a_reason(qtbot, window)
    assert (z.counted_cash_cents, z.gap_cents, z.gap_reason) == (
        14000, -1160, "Pièce/billet manquant")
    assert till_statuses(ctx)[0].state is TillState.CLOSED

    # The history shows today's Z with its gap and why.
    till_menu(qtbot, window, "history")
    history = opened(qtbot, window, ClosureHistoryDialog)
    qtbot.waitUntil(lambda: history.table.rowCount() == 1, timeout=WAIT_MS)
    cells = [history.table.item(0, column).text()
             for column in range(history.table.columnCount())
             if history.table.item(0, column) is not None]
    assert "Pièce/billet manquant" in cells
    press(qtbot, history, "close")
    assert verify_journal(ctx).ok

