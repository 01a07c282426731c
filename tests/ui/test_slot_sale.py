"""Selling a dated product by its slot at the till, driven by taps at 1024×768: its tile
opens the slot chooser (the day's slots with booked/capacity and what is left, the week,
the days before and after), a slot tapped puts the places in the basket, which says the
slot under the line; a full slot cannot be tapped; a refusal is said in French with its
numbers. The demo's rides are on Wednesdays, Saturdays and Sundays at 10:00, 14:00 and
16:00 on 20 ponies; the till's day is Saturday 11/07/2026."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store
from pos_app.domain.basket import Basket
from pos_app.domain.scan_meaning import ScannedProduct
from pos_app.domain.staff import StaffMember
from pos_app.services import catalogue, orders, selling
from pos_app.services.selling import PaymentRequest
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.slot_dialog import SlotDialog
from tests.ui.conftest import WAIT_MS, gone
from tests.ui.test_journeys import opened, pay_by_card, press
from tests.ui.test_till_screen import search_and_tap, tap_tile
from tests.ui.test_touch import on_screen, tap

RIDE = "balade-poney-creneau"
COURSE = "stage-poney-5j"
AT_10 = f"{RIDE}@2026-07-11T10:00"
AT_14 = f"{RIDE}@2026-07-11T14:00"
AT_16 = f"{RIDE}@2026-07-11T16:00"


def sell_places(store: Store, staff: StaffMember, slot_id: str, places: int) -> None:
    """Places sold in a slot by another sale, paid by card."""
    ctx = store.context
    basket = Basket()
    selling.add_product(ctx, basket, RIDE, places, slot_id=slot_id)
    selling.sell(ctx, staff, basket, [PaymentRequest("CB", basket.total_cents)])


def chooser(qtbot: QtBot, window: SaleWindow, product_id: str) -> SlotDialog:
    """The product's tile tapped: its slot chooser, its slots read."""
    tap_tile(qtbot, window, product_id)
    dialog = opened(qtbot, window, SlotDialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=WAIT_MS)
    return dialog


def slot_button(qtbot: QtBot, dialog: SlotDialog, slot_id: str) -> QPushButton:
    qtbot.waitUntil(lambda: dialog.loaded and dialog.slot_button(slot_id) is not None,
                    timeout=WAIT_MS)
    found = dialog.slot_button(slot_id)
    assert found is not None
    qtbot.waitUntil(found.isVisible, timeout=WAIT_MS)
    return found


def test_a_ride_sold_from_the_slot_chooser_and_paid(qtbot: QtBot, store: Store,
                                                     window: SaleWindow) -> None:
    dialog = chooser(qtbot, window, RIDE)
    assert dialog.when.text() == "sam. 11/07/2026"
    assert [b.text() for b in dialog.slot_buttons()] == [
        "10:00–11:00 · 0/20 · 20 places", "14:00–15:00 · 0/20 · 20 places",
        "16:00–17:00 · 0/20 · 20 places"]
    press(qtbot, dialog, "more")  # 2 places
    ride = slot_button(qtbot, dialog, AT_14)
    assert on_screen(ride)
    tap(qtbot, ride)
    qtbot.waitUntil(lambda: gone(dialog) and len(window.basket.lines) == 1, timeout=WAIT_MS)
    line = window.basket.lines[0]
    assert (line.slot_id, line.quantity) == (AT_14, 2)
    # The same ride at 16:00: a line of its own, each saying its slot.
    again = chooser(qtbot, window, RIDE)
    tap(qtbot, slot_button(qtbot, again, AT_16))
    qtbot.waitUntil(lambda: len(window.basket.lines) == 2, timeout=WAIT_MS)
    shown = [window.basket_panel.lines.item(row).text() for row in range(2)]
    assert "sam. 11/07/2026, 14:00–15:00" in shown[0]
    assert "sam. 11/07/2026, 16:00–17:00" in shown[1]
    # The basket's places are not sold yet, but not left to add either.
    third = chooser(qtbot, window, RIDE)
    assert slot_button(qtbot, third, AT_14).text() == (
        "14:00–15:00 · 0/20 · 18 places · 2 au panier")
    third.reject()
    window.basket_panel.open_line(1)  # the line's pop-up says its slot too
    line_dialog = window.basket_panel.line_dialog
    assert line_dialog is not None
    assert "sam. 11/07/2026, 16:00–17:00" in line_dialog.findChild(QLabel, "linePrice").text()
    line_dialog.reject()
    paying = pay_by_card(qtbot, window)
    press(qtbot, paying, "nextSale")
    qtbot.waitUntil(lambda: window.basket.is_empty, timeout=WAIT_MS)
    order = orders.get_order(store.context, "CD2-000001").order
    assert [(ln.slot_id, ln.quantity) for ln in order.lines] == [(AT_14, 2), (AT_16, 1)]
    after = chooser(qtbot, window, RIDE)
    assert slot_button(qtbot, after, AT_14).text() == "14:00–15:00 · 2/20 · 18 places"


def test_a_full_slot_is_disabled_and_said_full(qtbot: QtBot, store: Store,
                                               cashier: StaffMember,
                                               window: SaleWindow) -> None:
    sell_places(store, cashier, AT_10, 20)  # every pony
    dialog = chooser(qtbot, window, RIDE)
    full = slot_button(qtbot, dialog, AT_10)
    assert full.text() == "10:00–11:00 · 20/20 · Complet"
    assert not full.isEnabled()
    assert slot_button(qtbot, dialog, AT_14).isEnabled()


def test_more_places_than_are_left_are_refused_in_french(qtbot: QtBot, store: Store,
                                                         cashier: StaffMember,
                                                         window: SaleWindow) -> None:
    sell_places(store, cashier, AT_14, 18)
    dialog = chooser(qtbot, window, RIDE)
    press(qtbot, dialog, "more", "more")  # 3 places, 2 left
    tap(qtbot, slot_button(qtbot, dialog, AT_14))
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT_MS)
    assert dialog.error.text() == "Plus assez de places : 3 demandées, 2 restantes."
    assert dialog.isVisible() and window.basket.is_empty
    press(qtbot, dialog, "less")  # 2: they fit
    tap(qtbot, slot_button(qtbot, dialog, AT_14))
    qtbot.waitUntil(lambda: len(window.basket.lines) == 1, timeout=WAIT_MS)
    assert (window.basket.lines[0].slot_id, window.basket.lines[0].quantity) == (AT_14, 2)


def test_the_week_and_a_course_over_several_days_at_its_price(
        qtbot: QtBot, window: SaleWindow) -> None:
    dialog = chooser(qtbot, window, COURSE)
    assert dialog.empty.text() == "Aucun créneau ce jour."
    press(qtbot, dialog, "week")
    qtbot.waitUntil(lambda: dialog.loaded, timeout=WAIT_MS)
    assert dialog.when.text() == "du lun. 06/07 au dim. 12/07/2026"
    # Last week's course ended on Friday (the till's clock: Saturday 11/07): not sold.
    course = slot_button(qtbot, dialog, f"{COURSE}@2026-07-06")
    assert course.text() == "du 06/07 au 10/07, 10:00–17:00 · Terminé"
    assert not course.isEnabled()
    press(qtbot, dialog, "nextDay", "nextDay")
    qtbot.waitUntil(lambda: dialog.when.text() == "du lun. 20/07 au dim. 26/07/2026",
                    timeout=WAIT_MS)
    press(qtbot, dialog, "price_adherent")
    tap(qtbot, slot_button(qtbot, dialog, f"{COURSE}@2026-07-20"))
    qtbot.waitUntil(lambda: len(window.basket.lines) == 1, timeout=WAIT_MS)
    line = window.basket.lines[0]
    assert (line.slot_id, line.price_id) == (f"{COURSE}@2026-07-20", "adherent")
    assert "du 20/07 au 24/07, 10:00–17:00" in window.basket_panel.lines.item(0).text()


def test_the_week_of_rides_and_back_to_today(qtbot: QtBot, window: SaleWindow) -> None:
    dialog = chooser(qtbot, window, RIDE)
    press(qtbot, dialog, "nextDay")
    qtbot.waitUntil(lambda: dialog.when.text() == "dim. 12/07/2026", timeout=WAIT_MS)
    press(qtbot, dialog, "week")
    qtbot.waitUntil(lambda: dialog.loaded and dialog.when.text().startswith("du lun. 06/07"),
                    timeout=WAIT_MS)
    texts = [b.text() for b in dialog.slot_buttons()]
    assert len(texts) == 9  # Wednesday, Saturday, Sunday: three rides each
    assert texts[0] == "mer. 08/07 · 10:00–11:00 · Terminé"  # before today: not sold
    assert texts[-1] == "dim. 12/07 · 16:00–17:00 · 0/20 · 20 places"
    assert [b.isEnabled() for b in dialog.slot_buttons()] == [False] * 3 + [True] * 6
    press(qtbot, dialog, "week", "today")
    qtbot.waitUntil(lambda: dialog.loaded and dialog.when.text() == "sam. 11/07/2026",
                    timeout=WAIT_MS)


def test_a_search_result_or_a_scan_opens_the_chooser_never_the_basket(
        qtbot: QtBot, store: Store, window: SaleWindow) -> None:
    search_and_tap(qtbot, window, "stage poney", COURSE)
    found = opened(qtbot, window, SlotDialog)
    assert found.product.id == COURSE and window.basket.is_empty
    found.reject()
    qtbot.waitUntil(lambda: gone(found), timeout=WAIT_MS)
    # A scanned course (two prices): the chooser offers them, not the prices' pop-up.
    course = next(p for p in catalogue.search_products(store.context, "stage poney")
                  if p.id == COURSE)
    window.act_on_scan(ScannedProduct(course))
    scanned = opened(qtbot, window, SlotDialog)
    assert scanned.product.id == COURSE and scanned.price_id == "plein"
    assert window.notice.text() == "" and window.basket.is_empty
