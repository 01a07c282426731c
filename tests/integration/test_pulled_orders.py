"""Orders of other tills merged into the store as a pull brings them (docs/sync.md,
"Orders"): read strictly, held once, settled by other tills' payments without touching
this till's takings, drawer, journal or outbox, payable here, corrected only at the till
that sold; one that cannot be held yet waits, kept, and is tried again."""

from __future__ import annotations

import copy
import sqlite3
from typing import Any

import pytest

from pos_app.bootstrap import Store
from pos_app.domain.basket import Basket
from pos_app.domain.errors import DomainError, NothingOwed, RefundIncomplete, SoldAtAnotherTill
from pos_app.domain.order import Order, RefundRequest, StatusFilter
from pos_app.domain.pulled_order import read_pulled_order
from pos_app.domain.reference_fields import InvalidImport
from pos_app.domain.staff import StaffMember
from pos_app.services import closures, importing, orders, selling
from pos_app.services.context import Context
from pos_app.services.pulled_orders import retry_held
from pos_app.services.receipts import receipt, refund_receipt
from pos_app.storage.connection import store_path
from tests.pulled_orders import ORDER, OTHER, document, echoed, merge


def payment(pid: str, method: str, amount: int, change: int = 0) -> dict[str, Any]:
    return {"id": pid, "order_id": ORDER, "order_number": "CD1-000007", "method": method,
            "amount_cents": amount, "change_cents": change,
            "taken_at": "2026-07-11T07:40:00+00:00", "staff_id": "caissier", "till_id": OTHER}


def credit_note(note_id: str, quantity: int, position: int = 0,
                number: str = "AV1-000001") -> dict[str, Any]:
    line = {**document()["lines"][0], "order_line": position, "quantity": quantity,
            "total_cents": 1400 * quantity}
    return {"id": note_id, "number": number, "order_id": ORDER, "order_number": "CD1-000007",
            "till_id": OTHER, "created_at": "2026-07-11T07:50:00+00:00",
            "staff_id": "gerant", "reason": "Pluie", "lines": [line],
            "vat": [], "total_cents": 1400 * quantity}


def unpaid_sale(ctx: Context, cashier: StaffMember, quantity: int = 2) -> Order:
    basket = Basket()
    selling.add_product(ctx, basket, "balade-poney-1h", quantity)
    return selling.sell(ctx, cashier, basket, validate_without_paying=True)


@pytest.mark.parametrize(("change", "where"), [
    ({"till": None}, "changes[0].till"),
    ({"sequence": 0}, "changes[0].sequence"),
    ({"sequence": 10**30}, "changes[0].sequence"),
    ({"total_cents": 2900}, "changes[0].total_cents"),
    ({"lines": []}, "changes[0].lines"),
    ({"lines": ["x"]}, "changes[0].lines[0]"),
    ({"created_at": "yesterday"}, "changes[0].created_at"),
    ({"created_at": "2026-07-11T07:30:00"}, "changes[0].created_at"),  # no offset
    ({"payer": {"id": "x", "kind": "robot", "name": "R2"}}, "changes[0].payer.kind"),
    ({"payer": {"id": "x", "kind": "person", "name": "R", "first_name": 2}},
     "changes[0].payer.first_name"),
    ({"payments": ["x"]}, "changes[0].payments[0]"),
    ({"payments": [payment("p-9", "CB", 0)]}, "changes[0].payments[0].amount_cents"),
    ({"payments": [payment("p-9", "ESP", 500, 900)]}, "changes[0].payments[0].change_cents"),
    ({"payments": [payment("p-9", "CB", 10**19)]}, "changes[0].payments[0].amount_cents"),
    ({"payments": [payment("p-9", "CB", 100), payment("p-9", "CB", 100)]},
     "changes[0].payments[1].id"),
    ({"refunds": [{"id": "r-1", "method": "CB", "amount_cents": 100, "staff_id": "g",
                   "at": "2026-07-11T08:00:00+00:00", "till_id": OTHER,
                   "credit_note_id": "nowhere"}]}, "changes[0].refunds[0].credit_note_id"),
    ({"refunds": [{"id": "p-1", "method": "CB", "amount_cents": 100, "staff_id": "g",
                   "at": "2026-07-11T08:00:00+00:00", "till_id": OTHER}]},
     "changes[0].refunds[0].id"),  # the payment's id
    ({"returns": [credit_note("n-1", 3)]}, "changes[0].returns[0].lines[0].quantity"),
    ({"returns": [credit_note("n-1", 2), credit_note("n-2", 1, number="AV1-000002")]},
     "changes[0].returns[1].lines[0].quantity"),  # more than sold, with the first
    ({"returns": [credit_note("n-1", 1, position=4)]},
     "changes[0].returns[0].lines[0].order_line"),
    ({"returns": [{**credit_note("n-1", 1), "lines": [7]}]}, "changes[0].returns[0].lines[0]"),
    ({"returns": [{**credit_note("n-1", 1), "total_cents": 99}]},
     "changes[0].returns[0].total_cents"),
    ({"cancellation": "yes"}, "changes[0].cancellation"),
    ({"postal_code": "7501"}, "changes[0].postal_code"),
    ({"postal_code": 75011}, "changes[0].postal_code"),
])
def test_a_document_that_does_not_read_is_refused_naming_its_field(
        change: dict[str, Any], where: str) -> None:
    with pytest.raises(InvalidImport) as refused:
        read_pulled_order(ORDER, document(**change), "changes[0]")
    assert refused.value.problems[0].where == where


def test_a_return_is_read_from_the_orders_own_lines() -> None:
    lying = credit_note("n-1", 1)
    lying["lines"][0]["unit_price_cents"] = 99_999  # the order's price counts, not this
    lying["total_cents"] = 1400
    pulled = read_pulled_order(ORDER, document(returns=[lying]), "changes[0]")
    assert pulled.order.returned_cents == 1400
    with pytest.raises(InvalidImport, match=r"lines\[0\]\.vat_rate_bp"):
        bad = document()
        bad["lines"][0]["vat_rate_bp"] = 1900  # no such rate
        read_pulled_order(ORDER, bad, "changes[0]")
    with pytest.raises(InvalidImport, match="change's"):
        read_pulled_order("another-id", document(), "changes[0]")


def test_an_order_of_another_till_is_found_payable_here_and_never_in_our_takings(
        ctx: Context, store: Store, cashier: StaffMember, manager: StaffMember) -> None:
    assert merge(ctx, document()) == 1
    found = orders.search_orders(ctx, "ribeiro", StatusFilter.ACTIVE)
    assert [(r.number, r.total_cents, r.left_cents, r.payer_name) for r in found] == [
        ("CD1-000007", 2800, 1800, "RIBEIRO Ana")]
    with sqlite3.connect(store_path(store.data_dir)) as db:
        assert db.execute("SELECT count(*) FROM journal_entries").fetchone()[0] > 0
        assert db.execute("SELECT session_id, till_id FROM payments").fetchall() == [
            (None, OTHER)]
        assert db.execute("SELECT count(*) FROM outbox WHERE payload LIKE '%CD1-000007%'"
                          ).fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM journal_entries WHERE body LIKE"
                          " '%CD1-000007%'").fetchone()[0] == 0
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
    assert orders.get_order(ctx, "CD1-000007").sold_at is not None


def test_the_same_document_twice_is_held_once_and_a_later_one_adds_what_is_new(
        ctx: Context) -> None:
    assert merge(ctx, document()) == merge(ctx, document()) == 1
    later = document(returns=[credit_note("n-1", 1)],
                     cancellation={"order_id": ORDER, "order_number": "CD1-000007",
                                   "by_staff_id": "gerant", "at": "2026-07-11T08:10:00+00:00",
                                   "reason": "Fermeture", "cancelled_cents": 1400,
                                   "till_id": OTHER})
    later["payments"].append(payment("p-2", "CB", 1800))
    later["refunds"] = [
        {"id": "r-1", "method": "CB", "amount_cents": 1400, "at": "2026-07-11T07:50:00+00:00",
         "staff_id": "gerant", "credit_note_id": "n-1", "till_id": OTHER},
        {"id": "r-2", "method": "CB", "amount_cents": 400, "at": "2026-07-11T08:10:00+00:00",
         "staff_id": "gerant", "credit_note_id": None, "till_id": OTHER},
        {"id": "r-3", "method": "ESP", "amount_cents": 1000, "at": "2026-07-11T08:10:00+00:00",
         "staff_id": "gerant", "credit_note_id": None, "till_id": OTHER}]
    for _twice in range(2):
        assert merge(ctx, later) == 1
    order = orders.get_order(ctx, "CD1-000007").order
    assert ([p.id for p in order.payments], [n.number for n in order.returns],
            [r.id for r in order.refunds]) == (["p-1", "p-2"], ["AV1-000001"],
                                               ["r-1", "r-2", "r-3"])
    assert order.cancellation is not None and order.cancellation.reason == "Fermeture"
    assert (order.returned_cents, order.left_cents) == (1400, 0)
    # Nothing of it is this till's: its takings and its Z do not move.
    reading = closures.x_reading(ctx)
    assert (reading.takings_cents, reading.cancellations, reading.returns) == (0, 0, 0)
    # The slips name the till that did it, and tell its refunds apart.
    slip = refund_receipt(ctx, "CD1-000007")
    assert (slip.till_name, [p.amount_cents for p in slip.refunds]) == (
        "Caisse ponton", [-400, -1000])
    note = refund_receipt(ctx, "CD1-000007", "AV1-000001")
    assert (note.till_name, [p.amount_cents for p in note.refunds]) == ("Caisse ponton",
                                                                         [-1400])


def test_our_own_order_takes_only_what_other_tills_did(
        ctx: Context, cashier: StaffMember) -> None:
    own = unpaid_sale(ctx, cashier, 1)
    assert merge(ctx, echoed(ctx, own.number, ("CB", 1400))) == 1
    assert orders.get_order(ctx, own.number).order.left_cents == 0
    assert {m.method_code for m in closures.x_reading(ctx).methods} == set()
    # Its receipt, made from this till's journal, shows the payment taken there too.
    made = receipt(ctx, own.number)
    assert ([(p.label, p.amount_cents) for p in made.payments], made.left_cents) == (
        [("Carte bancaire", 1400)], 0)


def test_our_own_order_cancelled_at_another_till_has_a_receipt_that_says_so(
        ctx: Context, cashier: StaffMember) -> None:
    own = unpaid_sale(ctx, cashier, 1)
    # Paid there, cancelled there, its money given back there.
    cancelled = echoed(ctx, own.number, ("CB", 1400))
    cancelled["cancellation"] = {
        "order_id": own.id, "order_number": own.number, "by_staff_id": "gerant",
        "at": "2026-07-11T08:10:00+00:00", "reason": "Fermeture", "cancelled_cents": 1400,
        "till_id": OTHER}
    cancelled["refunds"] = [
        {"id": "r-there", "method": "CB", "amount_cents": 1400,
         "at": "2026-07-11T08:10:00+00:00", "staff_id": "gerant", "credit_note_id": None,
         "till_id": OTHER}]
    assert merge(ctx, cancelled) == 1
    made = receipt(ctx, own.number)
    assert (made.cancelled, made.left_cents, made.total_cents) == (True, 0, 1400)


def test_an_order_this_till_cannot_hold_yet_waits_and_is_tried_again(
        ctx: Context, manager: StaffMember) -> None:
    unknown = copy.deepcopy(document())
    unknown["payments"][0]["method"] = "BITCOIN"
    assert merge(ctx, unknown) == 0
    assert orders.search_orders(ctx, "CD1") == []
    with ctx.uow(write=False) as uow:
        held = uow.sync.held_pulled(10)
    assert [(h.number, h.reason) for h in held] == [
        ("CD1-000007", "payment method(s) BITCOIN unknown at this till")]
    assert retry_held(ctx) == 0  # still unknown
    importing.import_data(ctx, manager, {"payment_methods": [
        {"code": "BITCOIN", "label": "Bitcoin", "position": 9}]})
    assert retry_held(ctx) == 1
    with ctx.uow(write=False) as uow:
        assert uow.sync.count_held() == 0
    assert orders.get_order(ctx, "CD1-000007").order.left_cents == 1800


def test_a_document_that_does_not_read_waits_and_stops_nothing(ctx: Context) -> None:
    assert merge(ctx, document(lines=[{"label": "?"}])) == 0
    with ctx.uow(write=False) as uow:
        held = uow.sync.held_pulled(10)
    assert [h.number for h in held] == ["CD1-000007"]
    assert held[0].reason.startswith("it does not read: changes[0].lines[0].vat_rate_bp")
    assert retry_held(ctx) == 0  # still kept, as it came
    assert merge(ctx, document()) == 1  # a newer document of it reads: it is held now
    with ctx.uow(write=False) as uow:
        assert uow.sync.count_held() == 0


@pytest.mark.parametrize("clash", ["number", "payment id", "credit note number"])
def test_a_document_the_store_would_refuse_waits_whole(
        ctx: Context, cashier: StaffMember, clash: str) -> None:
    own = unpaid_sale(ctx, cashier)
    orders.pay_order(ctx, cashier, own.number, "CB", 100)
    with ctx.uow(write=False) as uow:
        own_payment = uow.orders.get_by_number(own.number).payments[0].id  # type: ignore
    data = document()
    if clash == "number":
        data["number"] = own.number
    elif clash == "payment id":
        data["payments"][0]["id"] = own_payment
    else:
        merge(ctx, document(returns=[credit_note("n-1", 1)]))
        data = document(id="0192f0c4-3333-7000-8000-00000000dddd", number="CD1-000008",
                        sequence=8, returns=[{**credit_note("n-other", 1), "order_id": "x"}])
        data["payments"][0]["id"] = "p-other"
    assert merge(ctx, data) == 0
    with ctx.uow(write=False) as uow:
        reason = uow.sync.held_pulled(10)[-1].reason
    assert reason, reason
    assert orders.get_order(ctx, own.number).order.payments[0].id == own_payment


def test_an_excess_goes_back_only_at_the_till_that_sold(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    own = unpaid_sale(ctx, cashier)
    orders.pay_order(ctx, cashier, own.number, "CB", 2800)
    merge(ctx, echoed(ctx, own.number, ("ESP", 1000)))  # paid there too, while offline
    assert orders.get_order(ctx, own.number).order.owed_cents == 1000
    with pytest.raises(DomainError):  # a manager's act
        orders.refund_overpayment(ctx, cashier, own.number)
    with pytest.raises(RefundIncomplete):
        orders.refund_overpayment(ctx, manager, own.number, [RefundRequest("CB", 500)])
    before = closures.x_reading(ctx)
    # By default in what this till took (its terminal holds it), not the other's cash.
    done = orders.refund_overpayment(ctx, manager, own.number)
    assert ([(r.method_code, r.amount_cents) for r in done.refunds], done.order.left_cents) \
        == ([("CB", 1000)], 0)
    after = closures.x_reading(ctx)
    assert after.takings_cents == before.takings_cents  # nothing was taken back
    assert {m.method_code: m.refunded_cents for m in after.methods}["CB"] == 1000
    with pytest.raises(NothingOwed):
        orders.refund_overpayment(ctx, manager, own.number)
    slip = refund_receipt(ctx, own.number, overpayment=True)
    assert slip.overpayment and [p.amount_cents for p in slip.refunds] == [-1000]
    with ctx.uow(write=False) as uow:
        kinds = [record.kind for record in uow.outbox.waiting(1000)]
    assert kinds.count("refund.given") == 1
    # Of another till's order, the excess goes back there (one till decides).
    twice = document()
    twice["payments"].append(payment("p-2", "CB", 2800))
    merge(ctx, twice)
    with pytest.raises(SoldAtAnotherTill):
        orders.refund_overpayment(ctx, manager, "CD1-000007")


def test_money_paid_here_on_an_order_cancelled_there_goes_back_there(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    own = unpaid_sale(ctx, cashier)
    orders.cancel_order(ctx, manager, own.number, "Annulée", [])  # nothing paid here…
    merge(ctx, echoed(ctx, own.number, ("CB", 2800)))  # …but at the other till, offline
    order = orders.get_order(ctx, own.number).order
    assert (order.status.value, order.owed_cents) == ("cancelled", 2800)
    done = orders.refund_overpayment(ctx, manager, own.number, [RefundRequest("CB", 2800)])
    assert done.order.owed_cents == 0
    cancellation = refund_receipt(ctx, own.number)
    assert not cancellation.overpayment and cancellation.refunds == ()
    assert [p.amount_cents for p in refund_receipt(ctx, own.number,
                                                   overpayment=True).refunds] == [-2800]


@pytest.mark.parametrize("field", ["number", "credit note"])
def test_another_tills_number_with_our_prefix_waits_and_never_stops_a_sale(
        ctx: Context, cashier: StaffMember, manager: StaffMember, field: str) -> None:
    """Two tills of the venue numbering alike (one prefix, CD2-): held here, the other
    till's order would take the number of this till's next sale."""
    data = (document(number="CD2-000001", sequence=1) if field == "number"
            else document(returns=[credit_note("n-1", 1, number="AV2-000001")]))
    assert merge(ctx, data) == 0
    with ctx.uow(write=False) as uow:
        assert "prefix of its own" in uow.sync.held_pulled(10)[0].reason
    sold = unpaid_sale(ctx, cashier, 1)
    assert sold.number == "CD2-000001"
    orders.return_lines(ctx, manager, sold.number, [(0, 1)], "Pluie", [])
    assert orders.get_order(ctx, sold.number).order.returns[0].number == "AV2-000001"


def test_the_visitors_postal_code_comes_with_another_tills_order(ctx: Context) -> None:
    assert merge(ctx, document(postal_code="20090")) == 1
    with ctx.uow(write=False) as uow:
        held = uow.orders.get_by_number("CD1-000007")
    assert held is not None and held.postal_code == "20090"
    assert read_pulled_order(ORDER, document(), "changes[0]").order.postal_code is None

