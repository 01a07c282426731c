"""Orders of other tills merged into the store as a pull brings them (docs/sync.md,
"Orders"): read strictly, held once, settled by other tills' payments without touching
this till's takings, payable here, never corrected here."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from pos_app.domain.basket import Basket
from pos_app.domain.errors import DomainError, NothingOwed, RefundIncomplete, SoldAtAnotherTill
from pos_app.domain.order import RefundRequest, StatusFilter
from pos_app.domain.pulled_order import read_pulled_order
from pos_app.domain.reference_data import InvalidImport
from pos_app.domain.staff import StaffMember
from pos_app.services import closures, orders, selling
from pos_app.services.context import Context, local_till
from pos_app.services.receipts import refund_receipt
from tests.pulled_orders import ORDER, OTHER, document, merge


@pytest.mark.parametrize(("change", "where"), [
    ({"till": None}, "changes[0].till"),
    ({"sequence": 0}, "changes[0].sequence"),
    ({"total_cents": 2900}, "changes[0].total_cents"),
    ({"lines": []}, "changes[0].lines"),
    ({"created_at": "yesterday"}, "changes[0].created_at"),
    ({"payer": {"id": "x", "kind": "robot", "name": "R2"}}, "changes[0].payer.kind"),
])
def test_a_document_that_does_not_read_is_refused_naming_its_field(
        change: dict[str, Any], where: str) -> None:
    with pytest.raises(InvalidImport) as refused:
        read_pulled_order(ORDER, document(**change), "changes[0]")
    assert refused.value.problems[0].where == where


def test_line_vat_rate_and_id_are_checked() -> None:
    bad = document()
    bad["lines"][0]["vat_rate_bp"] = 1900  # no such rate
    with pytest.raises(InvalidImport, match=r"lines\[0\]\.vat_rate_bp"):
        read_pulled_order(ORDER, bad, "changes[0]")
    with pytest.raises(InvalidImport, match="change's"):
        read_pulled_order("another-id", document(), "changes[0]")


def test_an_order_of_another_till_is_found_payable_here_and_never_in_our_takings(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    assert merge(ctx, document()) == 1
    found = orders.search_orders(ctx, "ribeiro", StatusFilter.ACTIVE)
    assert [(r.number, r.total_cents, r.left_cents, r.payer_name) for r in found] == [
        ("CD1-000007", 2800, 1800, "RIBEIRO Ana")]
    before = closures.x_reading(ctx)
    order, _payment = orders.pay_order(ctx, cashier, "CD1-000007", "CB", 1800)
    assert order.left_cents == 0
    after = closures.x_reading(ctx)
    assert (after.takings_cents, after.orders) == (before.takings_cents, before.orders)
    assert {m.method_code: m.taken_cents for m in after.methods}["CB"] == 1800
    assert "ESP" not in {m.method_code for m in after.methods}  # the other till's cash
    with pytest.raises(SoldAtAnotherTill, match="Caisse ponton"):
        orders.cancel_order(ctx, manager, "CD1-000007", "Erreur")
    with pytest.raises(SoldAtAnotherTill):
        orders.return_lines(ctx, manager, "CD1-000007", [(0, 1)], "Pluie")


def test_the_same_document_twice_is_held_once_and_a_later_one_adds_what_is_new(
        ctx: Context) -> None:
    assert merge(ctx, document()) == merge(ctx, document()) == 1
    later = document()
    later["payments"].append({**later["payments"][0], "id": "p-2", "amount_cents": 1800,
                              "method": "CB"})
    later["cancellation"] = None
    merge(ctx, later)
    order = orders.get_order(ctx, "CD1-000007").order
    assert ([p.id for p in order.payments], order.left_cents) == (["p-1", "p-2"], 0)


def test_our_own_order_takes_only_what_other_tills_did(
        ctx: Context, cashier: StaffMember) -> None:
    mine = document()
    merge(ctx, mine)  # another till's order first, to pay it, then one of ours
    basket = Basket()
    selling.add_product(ctx, basket, "balade-poney-1h")
    own = selling.sell(ctx, cashier, basket, validate_without_paying=True)
    with ctx.uow(write=False) as uow:
        till = local_till(uow)
    echoed = document(
        id=own.id, number=own.number, sequence=own.sequence, payer=None,
        till={"id": till.id, "name": till.name, "code": till.code,
              "point_of_sale": till.point_of_sale, "order_prefix": till.order_prefix},
        lines=[{**document()["lines"][0], "quantity": 1, "total_cents": 1400}],
        total_cents=1400,
        payments=[{**document()["payments"][0], "id": "p-there", "order_id": own.id,
                   "amount_cents": 1400, "method": "CB", "till_id": OTHER}])
    assert merge(ctx, echoed) == 1
    assert orders.get_order(ctx, own.number).order.left_cents == 0
    assert {m.method_code for m in closures.x_reading(ctx).methods} == set()


def test_an_order_this_till_cannot_hold_faithfully_is_left_out(ctx: Context) -> None:
    unknown = copy.deepcopy(document())
    unknown["payments"][0]["method"] = "BITCOIN"
    assert merge(ctx, unknown) == 0
    assert orders.search_orders(ctx, "CD1") == []
    taken = document(id="0192f0c4-2222-7000-8000-00000000cccc")
    merge(ctx, document())
    assert merge(ctx, taken) == 0  # its number is another order's here


def test_an_order_paid_twice_gives_back_its_excess_at_either_till_and_nothing_else(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    twice = document()
    twice["payments"].append({**twice["payments"][0], "id": "p-2", "amount_cents": 2800,
                              "method": "CB"})
    merge(ctx, twice)  # 3,800 paid for 2,800: 1,000 owed back
    with pytest.raises(DomainError):  # a manager's act
        orders.refund_overpayment(ctx, cashier, "CD1-000007")
    with pytest.raises(RefundIncomplete):
        orders.refund_overpayment(ctx, manager, "CD1-000007", [RefundRequest("CB", 500)])
    before = closures.x_reading(ctx)
    done = orders.refund_overpayment(ctx, manager, "CD1-000007", [RefundRequest("CB", 1000)])
    assert ([(r.method_code, r.amount_cents) for r in done.refunds], done.order.left_cents) \
        == ([("CB", 1000)], 0)
    after = closures.x_reading(ctx)
    assert after.takings_cents == before.takings_cents  # nothing was taken back
    assert {m.method_code: m.refunded_cents for m in after.methods}["CB"] == 1000
    with pytest.raises(NothingOwed):
        orders.refund_overpayment(ctx, manager, "CD1-000007")
    slip = refund_receipt(ctx, "CD1-000007")
    assert slip.overpayment and [p.amount_cents for p in slip.refunds] == [-1000]
    with ctx.uow(write=False) as uow:
        kinds = [record.kind for record in uow.outbox.waiting(1000)]
    assert kinds.count("refund.given") == 1
