"""Refunds and returns as records (R5, R6, R7): cancelling a paid order gives its money
back per method, a return of some lines makes a credit note, and the X and Z readings show
sales, returns and refunds apart and net per method."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pos_app.bootstrap import Store, open_store
from pos_app.domain.basket import Basket
from pos_app.domain.closure import CashMovementKind
from pos_app.domain.errors import (
    NotAllowed,
    NothingReturned,
    OrderCancelled,
    ReasonMissing,
    RefundExceedsPaid,
    RefundIncomplete,
    ReturnExceedsSold,
    UnknownOrderLine,
    UnknownPaymentMethod,
)
from pos_app.domain.journal import Chain
from pos_app.domain.order import Order, RefundRequest
from pos_app.domain.staff import StaffMember
from pos_app.services import closures, orders, selling
from pos_app.services.context import Context
from pos_app.services.journal_check import verify_journal
from pos_app.services.selling import PaymentRequest
from tests.integration.test_cli import SIGN_INS, caisse, error, ok
from tests.support import snapshot

FLOAT = 15000
PONEY, KAYAK_DUO, TSHIRT = 1400, 2800, 1990


def sell_61_90(ctx: Context, cashier: StaffMember) -> Order:
    """A pony ride, a two-seat kayak and a T-shirt: 61,90 €, 20 € in cash and the rest
    by card."""
    basket = Basket()
    selling.add_product(ctx, basket, "balade-poney-1h")
    selling.add_product(ctx, basket, "kayak-2h", price="duo")
    selling.add_product(ctx, basket, "tshirt")
    assert basket.total_cents == 6190
    return selling.sell(ctx, cashier, basket, [PaymentRequest("ESP", 2000),
                                               PaymentRequest("CB", 4190)])


@pytest.fixture
def opened(ctx: Context, cashier: StaffMember) -> Context:
    closures.record_cash_movement(ctx, cashier, CashMovementKind.FLOAT, FLOAT)
    return ctx


def methods(ctx: Context) -> dict[str, tuple[int, int, int]]:
    return {m.method_code: (m.taken_cents, m.refunded_cents, m.net_cents)
            for m in closures.x_reading(ctx).methods}


def order_entries(ctx: Context) -> list[dict[str, object]]:
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        return [json.loads(row[5]) | {"amount": row[4]}
                for row in uow.journal.rows(till.id, Chain.ORDER)]


def outbox(store: Store) -> list[tuple[str, dict[str, object]]]:
    with store.engine.connect() as connection:
        return [(kind, json.loads(payload)) for kind, payload in connection.exec_driver_sql(
            "SELECT kind, payload FROM outbox ORDER BY seq")]


def test_a_paid_order_cancelled_gives_its_money_back_and_the_z_has_no_gap(
        opened: Context, store: Store, cashier: StaffMember, manager: StaffMember) -> None:
    order = sell_61_90(opened, cashier)
    taken_back = orders.cancel_order(opened, manager, order.number, "Client parti")
    assert [(r.method_code, r.amount_cents) for r in taken_back.refunds] == [
        ("CB", 4190), ("ESP", 2000)]  # the latest payment first
    assert (taken_back.order.left_cents, taken_back.order.net_paid_cents) == (0, 0)
    reading = closures.x_reading(opened)
    assert (reading.takings.sales_cents, reading.takings.cancelled_cents,
            reading.takings_cents) == (6190, 6190, 0)
    assert methods(opened) == {"CB": (4190, 4190, 0), "ESP": (2000, 2000, 0)}
    assert reading.expected_cash_cents == FLOAT  # the 20 € went back to the customer
    assert reading.vat == ()  # every rate nets to nothing
    z = closures.finish_closure(opened, manager).closure
    assert (z.expected_cash_cents, z.counted_cash_cents, z.gap_cents) == (FLOAT, FLOAT, 0)
    assert closures.closure_methods(opened, z.id) == [("CB", 0, 0), ("ESP", FLOAT, FLOAT)]
    entries = order_entries(opened)
    assert [(e["kind"], e["amount"]) for e in entries] == [
        ("sale", 6190), ("cancellation", -6190), ("refund", 0), ("refund", 0)]
    assert [(e["method"], e["amount_cents"]) for e in entries[2:]] == [("CB", -4190),
                                                                       ("ESP", -2000)]
    assert verify_journal(opened, every_signature=True).ok
    kinds = [kind for kind, _payload in outbox(store)]
    # The cancellation and its refunds, then the Z's closure.
    assert kinds[-4:] == ["order.cancelled", "refund.given", "refund.given", "closure.made"]


def test_the_manager_chooses_how_each_amount_goes_back(
        opened: Context, cashier: StaffMember, manager: StaffMember) -> None:
    order = sell_61_90(opened, cashier)
    orders.cancel_order(opened, manager, order.number, "Erreur",
                        [RefundRequest("ESP", 4190), RefundRequest("BON", 2000)])
    assert methods(opened) == {"BON": (0, 2000, -2000), "CB": (4190, 0, 4190),
                               "ESP": (2000, 4190, -2190)}
    assert closures.x_reading(opened).expected_cash_cents == FLOAT + 2000 - 4190


@pytest.mark.parametrize(("plan", "refused"), [
    ([RefundRequest("ESP", 6190), RefundRequest("CB", 1)], RefundExceedsPaid),
    ([RefundRequest("ESP", 2000)], RefundIncomplete),
    ([RefundRequest("ESP", 6190), RefundRequest("CB", 0)], Exception),
    ([RefundRequest("XX", 6190)], UnknownPaymentMethod),
])
def test_refunding_more_or_less_than_was_paid_is_refused_and_writes_nothing(
        opened: Context, store: Store, cashier: StaffMember, manager: StaffMember,
        plan: list[RefundRequest], refused: type[Exception]) -> None:
    order = sell_61_90(opened, cashier)
    before = snapshot(store.engine)
    with pytest.raises(refused):
        orders.cancel_order(opened, manager, order.number, "Erreur", plan)
    assert snapshot(store.engine) == before


def test_a_return_of_one_line_makes_a_credit_note_and_refunds_it(
        opened: Context, store: Store, cashier: StaffMember, manager: StaffMember) -> None:
    order = sell_61_90(opened, cashier)
    back = orders.return_lines(opened, manager, order.number, [(2, 1)], "Mauvaise taille",
                               [RefundRequest("ESP", TSHIRT)])
    note = back.credit_note
    assert note is not None
    assert (note.number, note.order_id, note.total_cents) == ("AV2-000001", order.id, TSHIRT)
    assert [(item.position, item.line.product_id, item.line.quantity)
            for item in note.lines] == [(2, "tshirt", 1)]
    stored = orders.get_order(opened, order.number).order
    assert (stored.due_cents, stored.left_cents, stored.returned_cents) == (
        6190 - TSHIRT, 0, TSHIRT)
    reading = closures.x_reading(opened)
    assert (reading.takings.sales_cents, reading.takings.returns,
            reading.takings.returned_cents, reading.takings_cents) == (
        6190, 1, TSHIRT, 6190 - TSHIRT)
    assert {v.rate_bp: v.total_cents for v in reading.vat} == {1000: PONEY + KAYAK_DUO}
    assert methods(opened) == {"CB": (4190, 0, 4190), "ESP": (2000, TSHIRT, 10)}
    assert reading.expected_cash_cents == FLOAT + 2000 - TSHIRT
    entry = order_entries(opened)[1]
    assert (entry["kind"], entry["amount"], entry["number"]) == ("return", -TSHIRT,
                                                                 "AV2-000001")
    assert entry["lines"] == [{"order_line": 2, "label": "T-shirt « Les Écuries du Lac »",
                               "price_label": "Taille unique", "quantity": -1,
                               "unit_price_cents": TSHIRT, "vat_rate_bp": 2000,
                               "total_cents": -TSHIRT, "total_excl_cents": -1658}]
    returned = [payload for kind, payload in outbox(store) if kind == "order.returned"]
    assert returned[0]["number"] == "AV2-000001"
    with pytest.raises(ReturnExceedsSold):  # the one T-shirt is back already
        orders.return_lines(opened, manager, order.number, [(2, 1)], "encore")
    z = closures.finish_closure(opened, manager)
    assert z.closure.gap_cents == 0
    assert verify_journal(opened, every_signature=True).ok


def test_part_of_a_quantity_back_on_an_order_not_yet_paid_refunds_nothing(
        opened: Context, cashier: StaffMember, manager: StaffMember) -> None:
    basket = Basket()
    selling.add_product(opened, basket, "balade-poney-1h", quantity=3)
    order = selling.sell(opened, cashier, basket, [PaymentRequest("ESP", 200)],
                         validate_without_paying=True)
    with pytest.raises(RefundExceedsPaid):  # the customer still owes more than that
        orders.return_lines(opened, manager, order.number, [(0, 1)], "un absent",
                            [RefundRequest("ESP", 200)])
    back = orders.return_lines(opened, manager, order.number, [(0, 1)], "un absent")
    assert back.refunds == () and back.order.left_cents == 2 * PONEY - 200
    assert back.order.returnable(0) == 2
    orders.pay_order(opened, cashier, order.number, "CB", 2 * PONEY - 200)
    # Then everything left is cancelled: the 28 € paid go back, the takings come to 0.
    cancelled = orders.cancel_order(opened, manager, order.number, "annulé")
    assert sum(r.amount_cents for r in cancelled.refunds) == 2 * PONEY
    reading = closures.x_reading(opened)
    assert (reading.takings_cents, reading.takings.cancelled_cents) == (0, 2 * PONEY)
    assert sum(m.net_cents for m in reading.methods) == 0
    assert sum(e["amount"] for e in order_entries(opened)) == 0  # type: ignore[misc]


@pytest.mark.parametrize(("quantities", "refused"), [
    ([(0, 2)], ReturnExceedsSold),
    ([(0, 1), (0, 1)], ReturnExceedsSold),
    ([(5, 1)], UnknownOrderLine),
    ([(0, 0)], NothingReturned),
    ([], NothingReturned),
])
def test_a_line_is_never_returned_more_times_than_it_was_sold(
        opened: Context, store: Store, cashier: StaffMember, manager: StaffMember,
        quantities: list[tuple[int, int]], refused: type[Exception]) -> None:
    order = sell_61_90(opened, cashier)
    before = snapshot(store.engine)
    with pytest.raises(refused):
        orders.return_lines(opened, manager, order.number, quantities, "retour")
    assert snapshot(store.engine) == before


def test_returns_need_a_manager_a_reason_and_a_live_order(
        opened: Context, cashier: StaffMember, manager: StaffMember) -> None:
    order = sell_61_90(opened, cashier)
    with pytest.raises(NotAllowed):
        orders.return_lines(opened, cashier, order.number, [(0, 1)], "retour")
    with pytest.raises(ReasonMissing):
        orders.return_lines(opened, manager, order.number, [(0, 1)], "  ")
    orders.cancel_order(opened, manager, order.number, "annulée")
    with pytest.raises(OrderCancelled):
        orders.return_lines(opened, manager, order.number, [(0, 1)], "retour")


def stored(data_dir: Path) -> dict[str, list[tuple[object, ...]]]:
    store = open_store(data_dir)
    try:
        return snapshot(store.engine, SIGN_INS)  # signing in is recorded
    finally:
        store.close()


def test_refund_and_return_from_the_command_line(data_dir: Path) -> None:
    sale = {"lines": [{"product": "balade-poney-1h"},
                      {"product": "kayak-2h", "price": "duo"}, {"product": "tshirt"}],
            "payments": [{"method": "ESP", "amount": "20"}, {"method": "CB", "amount": "41,90"}]}
    number = ok(caisse(data_dir, "order", "create", stdin=json.dumps(sale), staff="caissier",
                       secret="1234"))["number"]
    before = stored(data_dir)
    refused = error(caisse(data_dir, "order", "return", number, "--line", "3x2", "--reason",
                           "taille", staff="gerant", secret="4321"))
    assert "only 1 can still be returned" in refused["error"]
    refused = error(caisse(data_dir, "order", "return", number, "--line", "3", "--reason",
                           "taille", "--refund", "ESP:25", staff="gerant", secret="4321"))
    assert "more than the 19.90 € owed" in refused["error"]
    assert "--refund" in error(caisse(data_dir, "order", "cancel", number, "--reason", "x",
                                      "--refund", "ESP", staff="gerant",
                                      secret="4321"))["error"]
    assert stored(data_dir) == before  # refused: nothing written
    returned = ok(caisse(data_dir, "order", "return", number, "--line", "3", "--reason",
                         "taille", "--refund", "ESP:19,90", staff="gerant", secret="4321"))
    assert (returned["returned_cents"], returned["due_cents"], returned["left_cents"]) == (
        TSHIRT, 6190 - TSHIRT, 0)
    assert returned["returns"][0]["lines"][0]["order_line"] == 2
    cancelled = ok(caisse(data_dir, "order", "cancel", number, "--reason", "client parti",
                          staff="gerant", secret="4321"))
    assert cancelled["status"] == "cancelled" and cancelled["left_cents"] == 0
    assert [(r["method"], r["amount_cents"]) for r in cancelled["refunds"]] == [
        ("ESP", TSHIRT), ("CB", 4190), ("ESP", 10)]
    x = ok(caisse(data_dir, "close", "x"))
    assert (x["takings_cents"], x["returned_cents"], x["cancelled_cents"]) == (
        0, TSHIRT, 6190 - TSHIRT)
    assert {m["method"]: m["net_cents"] for m in x["methods"]} == {"CB": 0, "ESP": 0}


def test_cash_never_goes_back_beyond_what_the_drawer_holds(
        store: Store, ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    from pos_app.domain.errors import NotInTheDrawer

    order = sell_61_90(ctx, cashier)  # 20 € in the drawer, no float
    before = snapshot(store.engine)
    with pytest.raises(NotInTheDrawer, match=r"drawer holds \(20\.00 €\)"):
        orders.cancel_order(ctx, manager, order.number, "Erreur",
                            [RefundRequest("ESP", 6190)])
    with pytest.raises(NotInTheDrawer):
        closures.record_cash_movement(ctx, manager, CashMovementKind.OUT, 2001, "banque")
    assert snapshot(store.engine) == before
    orders.cancel_order(ctx, manager, order.number, "Erreur",
                        [RefundRequest("ESP", 2000), RefundRequest("CB", 4190)])
    assert closures.x_reading(ctx).expected_cash_cents == 0


def test_a_cancellations_slip_lists_what_it_took_back(
        opened: Context, cashier: StaffMember, manager: StaffMember) -> None:
    from pos_app.domain.errors import NoRefundSlip
    from pos_app.services.receipts import refund_receipt

    order = sell_61_90(opened, cashier)
    with pytest.raises(NoRefundSlip):
        refund_receipt(opened, order.number)
    orders.return_lines(opened, manager, order.number, [(2, 1)], "taille")
    orders.cancel_order(opened, manager, order.number, "parti")
    slip = refund_receipt(opened, order.number)
    assert [(line.label, line.quantity, line.total_cents) for line in slip.lines] == [
        ("Balade à poney – 1 h", -1, -PONEY), ("Location kayak – 2 h", -1, -KAYAK_DUO)]
    assert slip.total_cents == -(PONEY + KAYAK_DUO)
    assert sum(-refund.amount_cents for refund in slip.refunds) == PONEY + KAYAK_DUO
