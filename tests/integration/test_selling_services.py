"""Selling, paying later, cancelling and finding orders through the services (R1, R2, R5, R7)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pos_app.adapters.clock import FrozenClock
from pos_app.domain.basket import Basket
from pos_app.domain.customer import CustomerKind
from pos_app.domain.errors import (
    AuthenticationFailed,
    NotAllowed,
    OrderCancelled,
    PaymentIncomplete,
    UnknownBarcode,
    UnknownCustomer,
    UnknownPaymentMethod,
)
from pos_app.domain.order import OrderStatus, StatusFilter
from pos_app.domain.staff import StaffMember
from pos_app.services import catalogue, customers, orders, selling
from pos_app.services.context import Context
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in


def basket_of(ctx: Context, *product_ids: str, payer: str | None = None) -> Basket:
    basket = Basket()
    for product_id in product_ids:
        selling.add_product(ctx, basket, product_id)
    basket.assign_payer(payer)
    return basket


def test_five_euros_cash_and_the_rest_by_card(ctx: Context, cashier: StaffMember) -> None:
    order = selling.sell(ctx, cashier, basket_of(ctx, "balade-poney-1h"),
                         [PaymentRequest("ESP", 500), PaymentRequest("CB", 900)])
    stored = orders.get_order(ctx, order.number).order
    assert [(p.method_code, p.amount_cents) for p in stored.payments] == [("ESP", 500),
                                                                         ("CB", 900)]
    assert stored.left_cents == 0


def test_cash_change_is_recorded(ctx: Context, cashier: StaffMember) -> None:
    order = selling.sell(ctx, cashier, basket_of(ctx, "crepe", "boisson"),
                         [PaymentRequest("ESP", 1000)])
    payment = orders.get_order(ctx, order.number).order.payments[0]
    assert (payment.amount_cents, payment.change_cents) == (1000, 420)


def test_validated_without_paying_found_by_payer_and_paid_later(
        ctx: Context, cashier: StaffMember, clock: FrozenClock) -> None:
    order = selling.sell(ctx, cashier, basket_of(ctx, "kayak-2h", payer="c-oneill"),
                         validate_without_paying=True)
    clock.advance(timedelta(hours=2))
    found = orders.search_orders(ctx, "O'Neill")
    assert [summary.number for summary in found] == [order.number]
    assert found[0].left_cents == 1800 and found[0].payer_name == "O'NEILL Siobhán"
    orders.pay_order(ctx, cashier, order.number, "ANCV", 1000)
    paid, _ = orders.pay_order(ctx, cashier, order.number, "CB", 800)
    assert paid.left_cents == 0
    assert orders.search_orders(ctx, "o'ne")[0].left_cents == 0


def test_a_partial_payment_then_validate_without_paying(ctx: Context,
                                                         cashier: StaffMember) -> None:
    order = selling.sell(ctx, cashier, basket_of(ctx, "balade-poney-1h", "gourde"),
                         [PaymentRequest("CB", 250)], validate_without_paying=True)
    assert orders.get_order(ctx, order.number).order.left_cents == 2650 - 250


def test_an_unpaid_sale_needs_validate_without_paying(ctx: Context,
                                                      cashier: StaffMember) -> None:
    with pytest.raises(PaymentIncomplete):
        selling.sell(ctx, cashier, basket_of(ctx, "cafe"))


def test_only_a_manager_cancels_and_the_order_stays(ctx: Context, cashier: StaffMember,
                                                    manager: StaffMember) -> None:
    order = selling.sell(ctx, cashier, basket_of(ctx, "nocturne", payer="c-lefevre"),
                         [PaymentRequest("CB", 800)])
    with pytest.raises(NotAllowed):
        orders.cancel_order(ctx, cashier, order.number, "Erreur")
    orders.cancel_order(ctx, manager, order.number, "Spectacle annulé (orage)")
    stored = orders.get_order(ctx, order.number).order
    assert stored.status is OrderStatus.CANCELLED
    assert stored.cancellation is not None
    assert stored.cancellation.by_staff_id == manager.id
    assert stored.cancellation.reason == "Spectacle annulé (orage)"
    assert len(stored.lines) == 1 and stored.total_cents == 800


def test_a_payment_on_a_cancelled_order_is_refused(ctx: Context, cashier: StaffMember,
                                                   manager: StaffMember) -> None:
    order = selling.sell(ctx, cashier, basket_of(ctx, "tshirt"), validate_without_paying=True)
    orders.cancel_order(ctx, manager, order.number, "Doublon")
    with pytest.raises(OrderCancelled):
        orders.pay_order(ctx, cashier, order.number, "ESP", 1990)
    assert orders.get_order(ctx, order.number).order.payments == []


def test_order_lists_filter_active_cancelled_or_both(ctx: Context, cashier: StaffMember,
                                                     manager: StaffMember) -> None:
    kept = selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 160)])
    gone = selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 160)])
    orders.cancel_order(ctx, manager, gone.number, "Erreur de saisie")
    numbers = {status: [s.number for s in orders.search_orders(ctx, "", status)]
               for status in StatusFilter}
    assert numbers[StatusFilter.ACTIVE] == [kept.number]
    assert numbers[StatusFilter.CANCELLED] == [gone.number]
    assert set(numbers[StatusFilter.ALL]) == {kept.number, gone.number}


def test_the_to_pay_filter_lists_only_orders_with_something_left_to_pay(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    paid = selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 160)])
    unpaid = selling.sell(ctx, cashier, basket_of(ctx, "cafe", payer="c-martin-lea"),
                          validate_without_paying=True)
    part = selling.sell(ctx, cashier, basket_of(ctx, "balade-poney-1h"),
                        [PaymentRequest("CB", 400)], validate_without_paying=True)
    cancelled = selling.sell(ctx, cashier, basket_of(ctx, "tshirt"),
                             validate_without_paying=True)
    orders.cancel_order(ctx, manager, cancelled.number, "Doublon")
    settled = selling.sell(ctx, cashier, basket_of(ctx, "cafe"), validate_without_paying=True)
    orders.pay_order(ctx, cashier, settled.number, "ESP", 160)
    returned = selling.sell(ctx, cashier, basket_of(ctx, "cafe", "tshirt"),
                            [PaymentRequest("ESP", 160)], validate_without_paying=True)
    orders.return_lines(ctx, manager, returned.number, [(1, 1)], "Mauvaise taille")
    found = orders.search_orders(ctx, "", StatusFilter.TO_PAY)
    assert sorted((s.number, s.left_cents) for s in found) == [(unpaid.number, 160),
                                                               (part.number, 1000)]
    assert [s.number for s in orders.search_orders(ctx, "martin", StatusFilter.TO_PAY)] == [
        unpaid.number]
    assert paid.number in [s.number for s in orders.search_orders(ctx, "")]


def test_orders_are_found_by_number_or_its_digits_newest_first(
        ctx: Context, cashier: StaffMember, clock: FrozenClock) -> None:
    numbers = []
    for _ in range(3):
        numbers.append(selling.sell(ctx, cashier, basket_of(ctx, "cafe", payer="c-martin-lea"),
                                    [PaymentRequest("ESP", 200)]).number)
        clock.advance(timedelta(minutes=5))
    assert [s.number for s in orders.search_orders(ctx, "2")] == [numbers[1]]
    assert [s.number for s in orders.search_orders(ctx, "cd2-000003")] == [numbers[2]]
    assert [s.number for s in orders.search_orders(ctx, "martin")] == numbers[::-1]
    assert orders.search_orders(ctx, "Dupont") == []


def test_a_scanned_barcode_adds_its_product(ctx: Context) -> None:
    basket = Basket()
    product = selling.add_by_barcode(ctx, basket, " 3760123450027\n")
    assert product.id == "balade-poney-1h" and basket.total_cents == 1400
    with pytest.raises(UnknownBarcode) as refused:
        selling.add_by_barcode(ctx, basket, "0000000000000")
    assert refused.value.code == "0000000000000"
    assert len(basket.lines) == 1


def test_unknown_payer_or_method_is_refused(ctx: Context, cashier: StaffMember) -> None:
    with pytest.raises(UnknownCustomer):
        selling.sell(ctx, cashier, basket_of(ctx, "cafe", payer="nobody"),
                     [PaymentRequest("ESP", 160)])
    with pytest.raises(UnknownPaymentMethod):
        selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("BITCOIN", 160)])


def test_customer_search_through_the_store(ctx: Context, cashier: StaffMember) -> None:
    def ids(typed: str) -> list[str]:
        return [customer.id for customer in customers.search_customers(ctx, typed)]

    assert ids("boutique*") == ["c-boutique-grenadine", "c-boutique-sirop"]
    assert ids("*sirop&co") == ["c-boutique-sirop"]
    assert ids("*grenadine") == ["c-boutique-grenadine"]
    assert ids("o'neill") == ["c-oneill"]
    assert ids("*d'auvergne") == ["c-de-la-tour"]
    assert ids("hélène") == ["c-lefevre"]
    assert ids("nguyen") == ["c-nguyen"]
    created = customers.create_customer(ctx, cashier, CustomerKind.PERSON, "Éluard-Śmigły",
                                        "Zoé")
    assert ids("eluard-s*") == [created.id]
    assert ids("100%") == [] and ids("_") == []


def test_favourites_belong_to_the_till(ctx: Context, cashier: StaffMember) -> None:
    assert catalogue.toggle_favourite(ctx, cashier, "creme-glacee") is True
    assert catalogue.toggle_favourite(ctx, cashier, "cafe") is True
    assert [p.id for p in catalogue.favourite_products(ctx)] == ["creme-glacee", "cafe"]
    assert catalogue.toggle_favourite(ctx, cashier, "creme-glacee") is False
    assert [p.id for p in catalogue.favourite_products(ctx)] == ["cafe"]


def test_signing_in_checks_the_secret(ctx: Context) -> None:
    assert sign_in(ctx, "gerant", "4321").role.value == "manager"
    for login, secret in [("gerant", "1234"), ("inconnu", "1234"), ("gerant", "")]:
        with pytest.raises(AuthenticationFailed):
            sign_in(ctx, login, secret)


def test_a_checker_cannot_sell(ctx: Context) -> None:
    checker = sign_in(ctx, "controle", "5678")
    with pytest.raises(NotAllowed):
        selling.sell(ctx, checker, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 160)])
