"""Baskets on hold on the sale screen, by taps alone: hold the basket, serve the next
customer, take the held one up again; the screen's basket put on hold before another is
taken up; a deletion asked twice; a basket that received a payment refused."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store, open_store
from pos_app.domain.staff import StaffMember
from pos_app.services import drafts, held_baskets, orders
from pos_app.ui.held_baskets import HeldBasketsDialog, HoldDialog
from pos_app.ui.keyboard import TouchKeyboard
from pos_app.ui.ops import OperationRunner
from pos_app.ui.payment_dialog import PaymentDialog
from pos_app.ui.sale_window import SaleWindow
from tests.ui.conftest import WAIT_MS, gone, open_sale_window
from tests.ui.test_sale_in_progress import three_rides_paid_two_euros
from tests.ui.test_till_screen import child, click, method, search_and_tap, wait_for_methods
from tests.ui.test_touch import keyboard, on_screen, tap_field, type_on

__all__ = ["keyboard"]  # the fixture, shared with the other touch tests


def hold(qtbot: QtBot, window: SaleWindow) -> HoldDialog:
    click(qtbot, window.basket_panel.hold)
    qtbot.waitUntil(lambda: isinstance(window.held.opened, HoldDialog)
                    and window.held.opened.isVisible(), timeout=WAIT_MS)
    dialog = window.held.opened
    assert isinstance(dialog, HoldDialog)
    return dialog


def held_list(qtbot: QtBot, window: SaleWindow, count: int) -> HeldBasketsDialog:
    qtbot.waitUntil(lambda: window.basket_panel.held.text()
                    == f"Paniers en attente ({count})", timeout=WAIT_MS)
    click(qtbot, window.basket_panel.held)
    dialog = window.held.opened
    assert isinstance(dialog, HeldBasketsDialog)
    qtbot.waitUntil(lambda: dialog.list.count() == count, timeout=WAIT_MS)
    return dialog


def products(window: SaleWindow) -> list[tuple[str, int]]:
    return [(line.product_id, line.quantity) for line in window.basket.lines]


def test_hold_a_basket_serve_the_next_customer_then_take_it_up(
        qtbot: QtBot, store: Store, window: SaleWindow) -> None:
    assert not window.basket_panel.hold.isEnabled()  # nothing to hold yet
    assert not window.basket_panel.held.isEnabled()
    search_and_tap(qtbot, window, "paddle", "paddle-1h")
    naming = hold(qtbot, window)
    assert naming.name.text() == "Panier 1"
    assert naming.confirm.height() >= 44
    click(qtbot, naming.confirm)
    qtbot.waitUntil(lambda: window.basket.is_empty, timeout=WAIT_MS)
    assert window.notice.text() == "Panier « Panier 1 » mis en attente."
    qtbot.waitUntil(lambda: window.basket_panel.held.text() == "Paniers en attente (1)",
                    timeout=WAIT_MS)
    # The next customer: a coffee, paid by card.
    search_and_tap(qtbot, window, "cafe", "cafe")
    click(qtbot, window.basket_panel.pay)
    paying = window.findChild(PaymentDialog)
    assert paying is not None
    wait_for_methods(qtbot, paying)
    click(qtbot, method(paying, "CB"))
    qtbot.waitUntil(lambda: paying.pages.currentIndex() == 1, timeout=WAIT_MS)
    click(qtbot, child(paying, QPushButton, "nextSale"))
    qtbot.waitUntil(lambda: window.basket.is_empty, timeout=WAIT_MS)
    assert [line.product_id for line in orders.get_order(
        store.context, "CD2-000001").order.lines] == ["cafe"]
    # The first customer is back.
    listing = held_list(qtbot, window, 1)
    assert listing.list.item(0).text().startswith("Panier 1\n1 ligne · 15,00\xa0€ ·")
    assert "par" in listing.list.item(0).text()
    click(qtbot, listing.take_up)
    qtbot.waitUntil(lambda: products(window) == [("paddle-1h", 1)], timeout=WAIT_MS)
    assert window.notice.text() == "Panier « Panier 1 » repris."
    qtbot.waitUntil(lambda: window.basket_panel.held.text() == "Paniers en attente (0)",
                    timeout=WAIT_MS)
    assert not window.basket_panel.held.isEnabled()
    draft = drafts.current_draft(store.context)
    assert draft is not None and [line.product_id for line in draft.basket.lines] == [
        "paddle-1h"]
    assert held_baskets.held_baskets(store.context) == []


def test_taking_one_up_puts_the_screens_basket_on_hold_first(
        qtbot: QtBot, store: Store, window: SaleWindow) -> None:
    search_and_tap(qtbot, window, "paddle", "paddle-1h")
    click(qtbot, hold(qtbot, window).confirm)
    qtbot.waitUntil(lambda: window.basket.is_empty, timeout=WAIT_MS)
    search_and_tap(qtbot, window, "cafe", "cafe")
    listing = held_list(qtbot, window, 1)
    click(qtbot, listing.take_up)
    assert "Le panier en cours n'est pas vide" in listing.question.text()
    assert listing.yes.text() == "Mettre en attente et reprendre"
    assert not listing.take_up.isEnabled()  # one question at a time
    click(qtbot, listing.yes)
    qtbot.waitUntil(lambda: products(window) == [("paddle-1h", 1)], timeout=WAIT_MS)
    waiting = held_baskets.held_baskets(store.context)
    assert [(b.name, [line.product_id for line in b.basket.lines]) for b in waiting] == [
        ("Panier 2", ["cafe"])]  # named apart from the one waiting then; coffee kept
    qtbot.waitUntil(lambda: window.basket_panel.held.text() == "Paniers en attente (1)",
                    timeout=WAIT_MS)


def test_deleting_a_held_basket_is_asked_twice(
        qtbot: QtBot, store: Store, window: SaleWindow) -> None:
    search_and_tap(qtbot, window, "cafe", "cafe")
    click(qtbot, hold(qtbot, window).confirm)
    listing = held_list(qtbot, window, 1)
    click(qtbot, listing.delete)
    assert listing.question.text().startswith("Supprimer le panier « Panier 1 »")
    click(qtbot, listing.no)
    assert not listing.question.isVisible()
    assert len(held_baskets.held_baskets(store.context)) == 1
    click(qtbot, listing.delete)
    click(qtbot, listing.yes)
    qtbot.waitUntil(lambda: listing.list.count() == 0 and listing.empty.isVisible(),
                    timeout=WAIT_MS)
    assert held_baskets.held_baskets(store.context) == []
    qtbot.waitUntil(lambda: window.basket_panel.held.text() == "Paniers en attente (0)",
                    timeout=WAIT_MS)


def test_a_basket_that_received_a_payment_is_not_held(
        qtbot: QtBot, store: Store, window: SaleWindow) -> None:
    dialog = three_rides_paid_two_euros(qtbot, window)
    click(qtbot, child(dialog, QPushButton, "cancel"))
    qtbot.waitUntil(window.basket_panel.paid.isVisible, timeout=WAIT_MS)
    click(qtbot, window.basket_panel.hold)
    assert "ne peut pas être mis en attente" in window.notice.text()
    assert window.held.opened is None
    assert products(window) == [("balade-poney-1h", 3)]
    assert held_baskets.held_baskets(store.context) == []


def test_the_name_is_typed_on_the_on_screen_keyboard(
        qtbot: QtBot, store: Store, window: SaleWindow, keyboard: TouchKeyboard) -> None:
    search_and_tap(qtbot, window, "cafe", "cafe")
    naming = hold(qtbot, window)
    panel = tap_field(qtbot, keyboard, naming.name)
    naming.name.end(False)  # the caret after the offered name, as a tap at its end puts it
    type_on(qtbot, panel, ["erase"] * len("Panier 1") + [*"table", "space", "4"])
    assert naming.name.text() == "table 4"
    click(qtbot, naming.confirm)
    qtbot.waitUntil(lambda: window.basket.is_empty, timeout=WAIT_MS)
    assert [b.name for b in held_baskets.held_baskets(store.context)] == ["table 4"]


def test_a_basket_held_on_another_day_is_listed_with_its_date(
        qtbot: QtBot, store: Store, window: SaleWindow, clock: FrozenClock) -> None:
    search_and_tap(qtbot, window, "cafe", "cafe")
    click(qtbot, hold(qtbot, window).confirm)
    qtbot.waitUntil(lambda: window.basket.is_empty, timeout=WAIT_MS)
    today = held_list(qtbot, window, 1)
    assert "en attente depuis 10:00, par" in today.list.item(0).text()
    click(qtbot, child(today, QPushButton, "close"))
    qtbot.waitUntil(lambda: gone(today), timeout=WAIT_MS)
    clock.advance(timedelta(days=1))
    later = held_list(qtbot, window, 1)
    assert "en attente depuis 11/07/2026 10:00, par" in later.list.item(0).text()


def test_held_baskets_are_there_after_a_restart(
        qtbot: QtBot, data_dir: Path, store: Store, runner: OperationRunner,
        window: SaleWindow, cashier: StaffMember, clock: FrozenClock) -> None:
    search_and_tap(qtbot, window, "paddle", "paddle-1h")
    click(qtbot, hold(qtbot, window).confirm)
    qtbot.waitUntil(lambda: window.basket.is_empty, timeout=WAIT_MS)
    window.close()
    runner.wait()
    store.close()  # the till stops
    reopened = open_store(data_dir, clock)
    try:
        restarted = open_sale_window(qtbot, reopened, runner, cashier)
        listing = held_list(qtbot, restarted, 1)
        assert listing.list.item(0).text().startswith("Panier 1\n1 ligne · 15,00\xa0€")
        click(qtbot, listing.take_up)
        qtbot.waitUntil(lambda: products(restarted) == [("paddle-1h", 1)], timeout=WAIT_MS)
        restarted.close()
        runner.wait()
    finally:
        reopened.close()


def test_every_button_of_the_held_baskets_is_on_screen_and_finger_sized(
        qtbot: QtBot, window: SaleWindow) -> None:
    search_and_tap(qtbot, window, "cafe", "cafe")
    naming = hold(qtbot, window)
    buttons = [b for b in naming.findChildren(QPushButton) if b.isVisible()]
    assert len(buttons) == 2 and all(on_screen(b) for b in buttons)
    click(qtbot, naming.confirm)
    qtbot.waitUntil(lambda: window.basket.is_empty, timeout=WAIT_MS)
    search_and_tap(qtbot, window, "paddle", "paddle-1h")
    assert on_screen(window.basket_panel.hold) and on_screen(window.basket_panel.held)
    listing = held_list(qtbot, window, 1)
    click(qtbot, listing.take_up)  # the question, and its two answers, show too
    buttons = [b for b in listing.findChildren(QPushButton) if b.isVisible()]
    assert len(buttons) == 5 and all(on_screen(b) for b in buttons)


def test_a_basket_with_a_payer_is_offered_the_payers_name(
        qtbot: QtBot, store: Store, window: SaleWindow) -> None:
    search_and_tap(qtbot, window, "cafe", "cafe")
    # The payer as Recherche client names them, before any save of the basket with them.
    window.basket_panel.set_payer("c-martin-lea", "MARTIN Léa")
    naming = hold(qtbot, window)
    assert naming.name.text() == "MARTIN Léa"
    click(qtbot, naming.confirm)
    qtbot.waitUntil(lambda: window.basket.is_empty, timeout=WAIT_MS)
    assert window.basket_panel.payer.text() == "Aucun payeur"  # the next customer's basket
    [held] = held_baskets.held_baskets(store.context)
    assert (held.name, held.basket.payer_id) == ("MARTIN Léa", "c-martin-lea")
    listing = held_list(qtbot, window, 1)
    click(qtbot, listing.take_up)
    qtbot.waitUntil(lambda: window.basket_panel.payer.text() == "Payeur : MARTIN Léa",
                    timeout=WAIT_MS)


def test_a_basket_gone_meanwhile_is_said_and_the_list_read_again(
        qtbot: QtBot, store: Store, window: SaleWindow, cashier: StaffMember) -> None:
    search_and_tap(qtbot, window, "cafe", "cafe")
    click(qtbot, hold(qtbot, window).confirm)
    listing = held_list(qtbot, window, 1)
    [held] = held_baskets.held_baskets(store.context)
    held_baskets.delete_held_basket(store.context, cashier, held.id)  # another screen
    click(qtbot, listing.delete)
    click(qtbot, listing.yes)
    qtbot.waitUntil(lambda: listing.list.count() == 0, timeout=WAIT_MS)
    assert listing.error.text() == ("Ce panier n'est plus en attente : il a été repris ou"
                                    " supprimé.")
    assert listing.empty.isVisible()
