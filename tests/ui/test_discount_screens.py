"""A line's pop-up and discounts, driven by taps only at 1024×768: a group of 30 typed
on the keypad, a line discount with a reason, a basket discount, then paid."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QPushButton
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store
from pos_app.domain import errors
from pos_app.domain.catalogue import Product
from pos_app.domain.discount import DiscountAsked
from pos_app.domain.staff import StaffMember
from pos_app.services import orders
from pos_app.services.journal_check import verify_journal
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.payment_dialog import PaymentDialog
from pos_app.ui.sale_window import SaleWindow
from tests.ui.conftest import WAIT_MS, gone, open_sale_window
from tests.ui.test_till_screen import LEFT, child, click, method, tap_tile, wait_for_methods


def _tap_line(qtbot: QtBot, window: SaleWindow, row: int) -> QDialog:
    lines = window.basket_panel.lines
    rect = lines.visualItemRect(lines.item(row))
    qtbot.mouseClick(lines.viewport(), LEFT, pos=rect.center())
    qtbot.waitUntil(lambda: window.basket_panel.line_dialog is not None
                    and window.basket_panel.line_dialog.isVisible(), timeout=WAIT_MS)
    dialog = window.basket_panel.line_dialog
    assert dialog is not None
    return dialog


def _discount_dialog(qtbot: QtBot, window: SaleWindow) -> QDialog:
    qtbot.waitUntil(lambda: window.basket_panel.discount_dialog is not None
                    and window.basket_panel.discount_dialog.isVisible(), timeout=WAIT_MS)
    dialog = window.basket_panel.discount_dialog
    assert dialog is not None
    return dialog


def _single_priced(window: SaleWindow) -> list[Product]:
    """Products a tap puts in the basket at once (others ask for their price, or a
    dated one its slot, first)."""
    tiles = window.catalogue.tiles
    return [product for row in range(tiles.count())
            if len((product := tiles.product_at(row)).prices) == 1 and not product.dated]


def _press(qtbot: QtBot, dialog: QDialog, *names: str) -> None:
    for name in names:
        click(qtbot, child(dialog, QPushButton, name))


def test_thirty_on_the_keypad_a_line_discount_a_basket_discount_then_paid(
        qtbot: QtBot, store: Store, runner: OperationRunner, manager: StaffMember) -> None:
    window = open_sale_window(qtbot, store, runner, manager)
    panel = window.basket_panel
    qtbot.waitUntil(panel.basket_discount.isVisible, timeout=WAIT_MS)
    first, second = _single_priced(window)[:2]
    tap_tile(qtbot, window, first.id)
    tap_tile(qtbot, window, second.id)
    qtbot.waitUntil(lambda: len(window.basket.lines) == 2, timeout=WAIT_MS)

    line = _tap_line(qtbot, window, 0)
    _press(qtbot, line, "key_3", "key_0", "setQuantity")
    qtbot.waitUntil(lambda: gone(line), timeout=WAIT_MS)
    assert window.basket.lines[0].quantity == 30

    line = _tap_line(qtbot, window, 0)
    _press(qtbot, line, "lineDiscount")
    discount = _discount_dialog(qtbot, window)
    _press(qtbot, discount, "key_2", "reason_0", "applyDiscount")
    qtbot.waitUntil(lambda: gone(discount), timeout=WAIT_MS)
    assert (window.basket.lines[0].discount_cents,
            window.basket.lines[0].discount_reason) == (200, "Geste commercial")
    assert "Remise -2,00\xa0€ (Geste commercial)" in panel.lines.item(0).text()

    click(qtbot, panel.basket_discount)
    discount = _discount_dialog(qtbot, window)
    _press(qtbot, discount, "applyDiscount")  # no amount, no reason: refused, said
    assert discount.isVisible()
    assert child(discount, QPushButton, "applyDiscount").isEnabled()
    _press(qtbot, discount, "inPercent", "key_1", "key_0", "reason_1", "applyDiscount")
    qtbot.waitUntil(lambda: gone(discount), timeout=WAIT_MS)
    assert window.basket.discount is not None and window.basket.discount.percent == 10
    assert panel.discounts.isVisible() and "(Fidélité)" in panel.discounts.text()
    subtotal = 30 * first.prices[0].amount_cents - 200 + second.prices[0].amount_cents
    expected = subtotal - (subtotal * 10 + 50) // 100
    assert window.basket.total_cents == expected

    click(qtbot, panel.pay)
    qtbot.waitUntil(lambda: window.findChild(PaymentDialog) is not None, timeout=WAIT_MS)
    paying = window.findChild(PaymentDialog)
    assert paying is not None
    wait_for_methods(qtbot, paying)
    click(qtbot, method(paying, "CB"))
    qtbot.waitUntil(lambda: paying.pages.currentIndex() == 1, timeout=WAIT_MS)
    order = orders.get_order(store.context, "CD2-000001").order
    assert order.total_cents == expected and order.left_cents == 0
    assert order.lines[0].quantity == 30 and order.lines[0].discount_by == manager.id
    assert order.discount is not None and order.discount.reason == "Fidélité"
    assert verify_journal(store.context).ok


def test_a_cashier_sees_no_discount_but_sets_quantities(
        qtbot: QtBot, window: SaleWindow) -> None:
    tap_tile(qtbot, window, _single_priced(window)[0].id)
    qtbot.waitUntil(lambda: len(window.basket.lines) == 1, timeout=WAIT_MS)
    line = _tap_line(qtbot, window, 0)
    assert not child(line, QPushButton, "lineDiscount").isVisible()
    assert not window.basket_panel.basket_discount.isVisible()
    _press(qtbot, line, "key_1", "key_2", "setQuantity")
    qtbot.waitUntil(lambda: window.basket.lines[0].quantity == 12, timeout=WAIT_MS)


def test_the_line_pop_up_fits_800_by_600_with_buttons_big_enough(
        qtbot: QtBot, window: SaleWindow) -> None:
    tap_tile(qtbot, window, _single_priced(window)[0].id)
    qtbot.waitUntil(lambda: len(window.basket.lines) == 1, timeout=WAIT_MS)
    window.basket_panel.allow_discounts("someone")

    def basket_discount() -> QDialog:
        window.basket_panel.open_basket_discount()
        return _discount_dialog(qtbot, window)

    for opened in (lambda: _tap_line(qtbot, window, 0), basket_discount):
        dialog = opened()
        hint = dialog.sizeHint()
        dialog.resize(hint)  # the offscreen platform may show it a pixel short
        qtbot.waitUntil(lambda d=dialog, h=hint: d.size() == h, timeout=WAIT_MS)
        assert hint.width() <= 800 and hint.height() <= 600, (type(dialog), hint)
        for button in dialog.findChildren(QPushButton):
            if button.isVisible():
                assert button.height() >= 44 and button.width() >= 44, button.objectName()
                # Its words whole: never narrower than its text needs.
                assert button.width() >= button.sizeHint().width(), button.text()
        dialog.reject()


@pytest.mark.parametrize(("error", "expected"), [
    (errors.DiscountExceeds(2500, 1990),
     "La remise (25,00\xa0€) dépasse le montant auquel elle s'applique (19,90\xa0€)."),
    (errors.DiscountAboveLimit(500, 1000, 20),
     "La remise dépasse le maximum permis par la caisse (20 %)."),
    (errors.DiscountReasonMissing(), "Indiquez le motif de la remise."),
    (errors.InvalidDiscount("1,5%"), "Remise incorrecte : « 1,5% ». Indiquez un montant"
                                     " (2,00) ou un pourcentage entier (10 %)."),
])
def test_discount_refusals_read_as_french_sentences(error: Exception, expected: str) -> None:
    assert error_message(error) == expected


def test_a_quantity_below_the_line_discount_is_refused_and_said(
        qtbot: QtBot, store: Store, runner: OperationRunner, manager: StaffMember) -> None:
    window = open_sale_window(qtbot, store, runner, manager)
    product = _single_priced(window)[0]
    price = product.prices[0].amount_cents
    tap_tile(qtbot, window, product.id)
    tap_tile(qtbot, window, product.id)
    qtbot.waitUntil(lambda: window.basket.lines[0].quantity == 2 if window.basket.lines
                    else False, timeout=WAIT_MS)
    window.basket.discount_line(0, DiscountAsked(cents=price + 1), "Tarif groupe", manager.id)
    window.basket_panel.refresh()
    click(qtbot, window.basket_panel.less)
    qtbot.waitUntil(lambda: "dépasse" in window.notice.text(), timeout=WAIT_MS)
    assert window.basket.lines[0].quantity == 2


def test_a_basket_discount_left_larger_than_the_basket_is_dropped_and_said(
        qtbot: QtBot, store: Store, runner: OperationRunner, manager: StaffMember) -> None:
    window = open_sale_window(qtbot, store, runner, manager)
    first, second = _single_priced(window)[:2]
    tap_tile(qtbot, window, first.id)
    tap_tile(qtbot, window, second.id)
    qtbot.waitUntil(lambda: len(window.basket.lines) == 2, timeout=WAIT_MS)
    window.basket.discount_all(DiscountAsked(cents=first.prices[0].amount_cents + 1),
                               "Geste commercial", manager.id)
    window.basket_panel.refresh()
    window.basket_panel.lines.setCurrentRow(1)
    click(qtbot, window.basket_panel.remove)  # what is left is worth less than the discount
    qtbot.waitUntil(lambda: "Remise panier retirée" in window.notice.text(), timeout=WAIT_MS)
    assert window.basket.discount is None
    assert window.basket.total_cents == first.prices[0].amount_cents
