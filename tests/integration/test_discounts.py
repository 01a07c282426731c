"""Discounts through the services: who may give them (the till's rules), the sale's
journal entry and record, `journal verify`, the receipt, returns, and another till's
discounted order as a pull brings it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pos_app.bootstrap import Store
from pos_app.documents import order_lines, receipt_lines
from pos_app.domain.basket import Basket
from pos_app.domain.discount import DiscountAsked
from pos_app.domain.errors import DiscountAboveLimit, NotAllowed
from pos_app.domain.order import Order
from pos_app.domain.staff import StaffMember
from pos_app.formatting import format_money
from pos_app.services import drafts, orders, selling
from pos_app.services.context import Context
from pos_app.services.journal_check import verify_journal
from pos_app.services.policies import set_policy
from pos_app.services.receipts import receipt, refund_receipt
from pos_app.services.selling import PaymentRequest
from tests.integration.test_bad_input import CASHIER, MANAGER, refused
from tests.integration.test_cli import caisse, ok
from tests.integration.test_selling_services import basket_of
from tests.pulled_orders import document, merge


def _discounted(ctx: Context, by: StaffMember) -> Basket:
    """Two t-shirts less 2,00 € (Fidélité), a coffee, a ride; then 10 % off the basket."""
    basket = basket_of(ctx, "tshirt", "tshirt", "cafe", "balade-poney-1h")
    basket.discount_line(0, DiscountAsked(cents=200), "Fidélité", by.id)
    basket.discount_all(DiscountAsked(percent=10), "Tarif groupe", by.id)
    return basket


def _sale_body(store: Store, order: Order) -> dict[str, Any]:
    with store.engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT body FROM journal_entries WHERE body LIKE ?",
            (f'{{"kind":"sale",%"order_id":"{order.id}"%',)).fetchone()
    assert row is not None
    body: dict[str, Any] = json.loads(row[0])
    return body


def _sell(ctx: Context, staff: StaffMember, basket: Basket) -> Order:
    return selling.sell(ctx, staff, basket, [PaymentRequest("CB", basket.total_cents)])


def test_a_manager_discounts_and_the_sale_journals_verifies_and_prints_it(
        ctx: Context, store: Store, manager: StaffMember) -> None:
    basket = _discounted(ctx, manager)
    order = _sell(ctx, manager, basket)
    gross = sum(line.gross_cents for line in order.lines)
    assert order.discounted_cents == gross - order.total_cents
    assert order.total_cents == basket.total_cents
    stored = orders.get_order(ctx, order.number).order
    assert stored.lines == order.lines and stored.discount == order.discount
    assert stored.vat() == order.vat()
    body = _sale_body(store, order)
    first, second, ride = body["lines"]
    assert (first["discount_cents"], first["discount_reason"], first["discount_by"]) == (
        200, "Fidélité", manager.id)
    assert "discount_cents" not in second and second["basket_discount_cents"] > 0
    assert sum(line["basket_discount_cents"] for line in body["lines"]) == (
        body["order_discount"]["cents"])
    assert body["order_discount"]["percent"] == 10
    assert body["total_cents"] == sum(line["total_cents"] for line in body["lines"])
    assert ride["total_cents"] == order.lines[2].total_cents
    assert verify_journal(ctx).ok
    printed = "\n".join(receipt_lines(receipt(ctx, order.number)))
    assert "Remise -2,00\u00a0€ (Fidélité)" in printed
    assert "Remise panier -" in printed and "(Tarif groupe)" in printed
    assert f"Remises -{order.discounted_cents // 100}," in printed
    summary = "\n".join(order_lines(stored, None))  # `caisse order show`, the order view
    assert "Remise -2,00\u00a0€ (Fidélité)" in summary
    assert stored.discount is not None
    assert f"Remise panier {format_money(-stored.discount.cents)} (Tarif groupe)" in summary


def test_a_cashier_may_not_discount_unless_the_till_allows_it(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    basket = basket_of(ctx, "tshirt")
    basket.discount_line(0, DiscountAsked(cents=100), "Geste commercial", cashier.id)
    with pytest.raises(NotAllowed):
        _sell(ctx, cashier, basket)
    with pytest.raises(NotAllowed):
        drafts.keep_basket(ctx, cashier, basket, 0)
    set_policy(ctx, manager, "discount_role", "cashier")
    order = _sell(ctx, cashier, basket)
    assert order.lines[0].discount_by == cashier.id
    assert verify_journal(ctx).ok


def test_a_discount_in_another_staff_members_name_is_refused(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    basket = basket_of(ctx, "tshirt")
    basket.discount_all(DiscountAsked(cents=100), "Geste commercial", manager.id)
    with pytest.raises(NotAllowed):
        _sell(ctx, cashier, basket)  # the screen cannot say a manager gave it


def test_a_cashier_goes_on_with_a_sale_a_manager_discounted(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    basket = _discounted(ctx, manager)
    drafts.keep_basket(ctx, manager, basket, 0)
    basket.add(selling_product(ctx, "cafe"))  # the cashier adds a coffee
    drafts.keep_basket(ctx, cashier, basket, 1)
    drafts.tender(ctx, cashier, basket, 2, "CB", basket.total_cents)
    order = drafts.validate_draft(ctx, cashier, basket, 2)
    assert order.discount is not None and order.discount.by == manager.id
    assert order.left_cents == 0 and verify_journal(ctx).ok


def selling_product(ctx: Context, product_id: str) -> Any:
    with ctx.uow(write=False) as uow:
        return uow.catalogue.get(product_id)


def test_the_till_limit_holds_for_everyone(ctx: Context, manager: StaffMember) -> None:
    set_policy(ctx, manager, "max_discount_percent", "15")
    basket = basket_of(ctx, "tshirt")
    basket.discount_all(DiscountAsked(percent=20), "Fidélité", manager.id)  # no limit here
    with pytest.raises(DiscountAboveLimit):
        _sell(ctx, manager, basket)


def test_returns_of_a_discounted_sale_give_back_what_was_paid(
        ctx: Context, manager: StaffMember) -> None:
    basket = basket_of(ctx, "tshirt", "tshirt", "tshirt", "cafe")
    basket.discount_line(0, DiscountAsked(cents=1000), "Tarif groupe", manager.id)
    basket.discount_all(DiscountAsked(cents=333), "Geste commercial", manager.id)
    order = _sell(ctx, manager, basket)
    first = orders.return_lines(ctx, manager, order.number, [(0, 1)], "retour").credit_note
    second = orders.return_lines(ctx, manager, order.number, [(0, 2), (1, 1)],
                                 "retour").credit_note
    assert first is not None and second is not None
    assert first.total_cents + second.total_cents == order.total_cents
    after = orders.get_order(ctx, order.number).order
    assert after.due_cents == 0 and after.left_cents == 0
    slip = "\n".join(receipt_lines_of(refund_receipt(ctx, order.number, second.number)))
    assert "Remise" in slip
    assert verify_journal(ctx).ok


def receipt_lines_of(value: Any) -> list[str]:
    from pos_app.documents import document_lines, refund_document

    return document_lines(refund_document(value))


def test_a_cancelled_discounted_sale_is_verified(ctx: Context, manager: StaffMember) -> None:
    order = _sell(ctx, manager, _discounted(ctx, manager))
    returned = orders.return_lines(ctx, manager, order.number, [(0, 1)], "retour")
    orders.cancel_order(ctx, manager, order.number, "erreur")
    assert orders.get_order(ctx, order.number).order.left_cents == 0
    assert verify_journal(ctx).ok
    # The cancellation's slip takes back what is left of each line at its net value.
    assert returned.credit_note is not None
    slip = refund_receipt(ctx, order.number)
    left = order.total_cents - returned.credit_note.total_cents
    assert sum(line.total_cents for line in slip.lines) == slip.total_cents == -left


def test_another_tills_discounted_order_is_pulled_with_its_discounts(ctx: Context) -> None:
    data = document()
    data["lines"][0].update(discount_cents=300, discount_reason="Fidélité",
                            discount_by="manager", basket_discount_cents=250,
                            total_cents=2250)
    data.update(order_discount={"cents": 250, "percent": None, "reason": "Geste",
                                "by": "manager"},
                vat=[{"rate_bp": 1000, "excl_cents": 2045, "vat_cents": 205,
                      "total_cents": 2250}], total_cents=2250)
    assert merge(ctx, data) == 1
    order = orders.get_order(ctx, data["number"]).order
    assert (order.lines[0].discount_cents, order.lines[0].basket_discount_cents) == (300, 250)
    assert order.discount is not None and order.discount.reason == "Geste"
    assert order.total_cents == 2250 and order.left_cents == 1250
    wrong = document(id="0192f0c4-1111-7000-8000-00000000cccc", number="CD1-000008")
    wrong["lines"][0].update(basket_discount_cents=250, total_cents=2550)
    wrong.update(total_cents=2550)
    assert merge(ctx, wrong) == 0  # shares of a basket discount it does not give


def test_an_order_file_gives_line_and_basket_discounts(data_dir: Path) -> None:
    order = {"lines": [{"product": "tshirt", "quantity": 2, "discount": "2,00",
                        "discount_reason": "Fidélité"},
                       {"product": "cafe", "discount": "10%", "discount_reason": "Geste"}],
             "discount": "5%", "discount_reason": "Tarif groupe",
             "validate_without_paying": True}
    created = ok(caisse(data_dir, "order", "create", stdin=json.dumps(order), **MANAGER))
    tshirt, cafe = created["lines"]
    assert (tshirt["discount_cents"], tshirt["discount_reason"]) == (200, "Fidélité")
    assert cafe["discount_reason"] == "Geste" and cafe["discount_cents"] > 0
    assert created["order_discount"]["percent"] == 5
    assert created["order_discount"]["reason"] == "Tarif groupe"
    assert created["total_cents"] == sum(line["total_cents"] for line in created["lines"])
    # A cashier may not, by the till's default rules; a discount must be read and have
    # a reason.
    assert refused(caisse(data_dir, "order", "create", stdin=json.dumps(order), **CASHIER))
    wrong = {"lines": [{"product": "cafe", "discount": "abc", "discount_reason": "x"},
                       {"product": "tshirt", "discount": "1,00"}],
             "validate_without_paying": True}
    body = refused(caisse(data_dir, "order", "create", stdin=json.dumps(wrong), **MANAGER))
    assert [problem["where"] for problem in body["problems"]] == ["lines[0].discount",
                                                                  "lines[1].discount"]
    assert "needs a reason" in body["problems"][1]["message"]
