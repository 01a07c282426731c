"""Orders of every till, on a real `caisse-server` process, on SQLite and on PostgreSQL:
a payment from any till counts on the order, a correction only from the till that sold
it, an order paid twice by two tills is kept and reported as a conflict, and orders come
down to every till in the changes feed (docs/sync.md, "Orders of other tills")."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import Engine, select

from pos_app.domain.ids import new_id
from sync.server.reports import list_orders
from sync.server.schema import sync_conflicts
from tests.server.support import Till, count, enrol
from tests.server.test_records import answers_of, push
from tests.server.test_reference import newest, pull_all


def sale(till: Till, number: str = "CD1-000041", total: int = 2800,
         **payload: Any) -> tuple[str, dict[str, Any]]:
    order = new_id()
    return order, till.record("order.validated", id=order, number=number, total_cents=total,
                              **payload)


def payment(till: Till, order: str, amount: int, change: int = 0, method: str = "CB",
            number: str = "CD1-000041") -> dict[str, Any]:
    return till.record("payment.taken", order_id=order, order_number=number, method=method,
                       amount_cents=amount, change_cents=change,
                       taken_at="2026-07-11T08:10:00+00:00")


def paid_cents(engine: Engine, till: Till, order: str) -> int:
    return next(int(o["paid_cents"]) for o in list_orders(engine, till.name)
                if o["id"] == order)


def conflicts_of(engine: Engine, order: str) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(select(sync_conflicts).where(
            sync_conflicts.c.subject_id == order)).mappings().all()
    return [{**row, "detail": json.loads(row["detail"])} for row in rows]


def reason(answer: httpx.Response, index: int = 0) -> str:
    found: str = answer.json()["answers"][index]["reason"]
    return found


def test_a_payment_from_another_till_counts_and_corrections_stay_with_the_selling_till(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    seller, other = enrol(client, database_url), enrol(client, database_url)
    order, sold = sale(seller, total=4200)
    assert answers_of(push(client, seller, [sold, payment(seller, order, 1000)])) == [
        "stored"] * 2
    paid = push(client, other, [payment(other, order, 5000, change=1800, method="ESP")])
    assert answers_of(paid) == ["stored"]
    assert paid_cents(engine, seller, order) == 4200  # 1000 + (5000 - 1800)
    assert conflicts_of(engine, order) == []

    # Refunds, cancellations and returns are the selling till's: refused, with why.
    refused = push(client, other, [
        other.record("refund.given", order_id=order, amount_cents=700),
        other.record("order.cancelled", order_id=order, order_number="CD1-000041"),
        other.record("order.returned", order_id=order, total_cents=-700)])
    assert answers_of(refused) == ["rejected"] * 3
    sold_by = f"payload.order_id: the order {order} was sold by till {seller.name!r}:"
    assert [reason(refused, n) for n in range(3)] == [
        f"{sold_by} only the till that sold an order refunds it",
        f"{sold_by} only the till that sold an order cancels it",
        f"{sold_by} only the till that sold an order takes returns on it"]
    # A payment on an order the server does not hold yet is stored all the same (a
    # till's record is never refused for another's), and counts once the order comes.
    early_order, early_sale = sale(seller, number="CD1-000042", total=2800)
    early = push(client, other, [payment(other, early_order, 500)])
    assert answers_of(early) == ["stored"]
    assert count(engine, "records", other) == 2
    assert answers_of(push(client, seller, [early_sale])) == ["stored"]
    assert paid_cents(engine, seller, early_order) == 500
    assert paid_cents(engine, seller, order) == 4200
    assert [o["status"] for o in list_orders(engine, seller.name)] == ["active"] * 2


def test_an_order_paid_in_full_by_two_tills_keeps_both_payments_and_one_conflict(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    seller, other = enrol(client, database_url), enrol(client, database_url)
    order, sold = sale(seller, total=2800)
    assert answers_of(push(client, seller, [sold])) == ["stored"]
    # Both tills offline take the whole amount; the other till's reaches the server first.
    theirs = payment(other, order, 3000, change=200, method="ESP")
    mine = payment(seller, order, 2800)
    assert answers_of(push(client, other, [theirs])) == ["stored"]
    assert conflicts_of(engine, order) == []
    assert answers_of(push(client, seller, [mine])) == ["stored"]
    # Delivered again: already had, counted and reported once.
    assert answers_of(push(client, seller, [mine])) == ["already_had"]
    assert answers_of(push(client, other, [theirs])) == ["already_had"]
    assert paid_cents(engine, seller, order) == 5600
    [conflict] = conflicts_of(engine, order)
    assert (conflict["kind"], conflict["till_id"], conflict["other_till_id"],
            conflict["resolved_at"]) == ("order.paid_twice", seller.id, other.id, None)
    detail = conflict["detail"]
    assert (detail["order_number"], detail["total_cents"], detail["due_cents"],
            detail["paid_cents"], detail["record_id"]) == (
        "CD1-000041", 2800, 2800, 5600, mine["record_id"])
    # Received in the same second, maybe: in the order of their tills' ids then.
    assert sorted(detail["payments"], key=lambda p: p["record_id"]) == sorted([
        {"record_id": theirs["record_id"], "till_id": other.id, "till_name": other.name,
         "method": "ESP", "amount_cents": 3000, "change_cents": 200,
         "taken_at": "2026-07-11T08:10:00+00:00"},
        {"record_id": mine["record_id"], "till_id": seller.id, "till_name": seller.name,
         "method": "CB", "amount_cents": 2800, "change_cents": 0,
         "taken_at": "2026-07-11T08:10:00+00:00"}], key=lambda p: p["record_id"])
    assert count(engine, "records", seller) == 2 and count(engine, "records", other) == 1


def test_a_till_paying_its_own_order_twice_or_a_cancelled_one_is_no_conflict_alone(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    seller, other = enrol(client, database_url), enrol(client, database_url)
    order, sold = sale(seller, total=1000)
    cancelled = seller.record("order.cancelled", order_id=order, order_number="CD1-000041")
    assert answers_of(push(client, seller, [sold, payment(seller, order, 1000), cancelled,
                                            payment(seller, order, 1000)])) == ["stored"] * 4
    assert conflicts_of(engine, order) == []  # one till: its own business
    # Another till pays the cancelled order: worth nothing now, paid by two tills.
    assert answers_of(push(client, other, [payment(other, order, 500)])) == ["stored"]
    [conflict] = conflicts_of(engine, order)
    assert (conflict["detail"]["due_cents"], conflict["detail"]["paid_cents"]) == (0, 2500)


def document_of(changes: list[Any], order: str) -> list[tuple[int, Any]]:
    return [(change.cursor, change.data) for change in changes
            if change.kind == "order" and change.id == order]


def test_orders_come_down_to_every_till_with_the_payments_of_each(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    seller, other = enrol(client, database_url), enrol(client, database_url)
    since = newest(engine)
    payer = {"id": "c-17", "kind": "person", "name": "Martin", "first_name": "Léa"}
    lines = [{"product_id": "p-kayak", "name": "Kayak", "quantity": 2,
              "unit_price_cents": 1400, "total_cents": 2800}]
    vat = [{"rate": "10", "base_cents": 2545, "vat_cents": 255}]
    order, sold = sale(seller, number="CD1-000041", total=2800, staff_id="cam",
                       payer=payer, lines=lines, vat=vat,
                       created_at="2026-07-11T08:05:00+00:00")
    mine = payment(seller, order, 1000)
    assert answers_of(push(client, seller, [sold, mine])) == ["stored"] * 2
    [(first, data)] = document_of(pull_all(client, other.auth, since), order)
    assert data == {
        "id": order, "number": "CD1-000041", "created_at": "2026-07-11T08:05:00+00:00",
        "staff_id": "cam", "payer": payer, "lines": lines, "vat": vat, "total_cents": 2800,
        "sequence": 41,
        "till": {"id": seller.id, "name": seller.name, "code": "CD1", "point_of_sale": "",
                 "order_prefix": "CD1-"},
        "payments": [{**mine["payload"], "till_id": seller.id}],
        "returns": [], "refunds": [], "cancellation": None}

    # Another till takes the rest: the order comes again, at a new cursor, with both.
    theirs = payment(other, order, 1800, method="ESP")
    assert answers_of(push(client, other, [theirs])) == ["stored"]
    [(second, data)] = document_of(pull_all(client, seller.auth, first), order)
    assert second > first
    assert sorted((p["till_id"], p["amount_cents"]) for p in data["payments"]) == sorted([
        (seller.id, 1000), (other.id, 1800)])
    assert {**theirs["payload"], "till_id": other.id} in data["payments"]
    # Each order once, in its latest state, from the start.
    assert [cursor for cursor, _ in document_of(pull_all(client, other.auth, since),
                                                order)] == [second]


def test_an_order_is_published_once_its_validation_is_held_and_says_its_till(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    seller = enrol(client, database_url)
    since = newest(engine)
    order = new_id()
    returned = seller.record("order.returned", order_id=order, total_cents=-700,
                             number="AV2-000003")
    refunded = seller.record("refund.given", order_id=order, amount_cents=700)
    assert answers_of(push(client, seller, [returned, refunded])) == ["stored"] * 2
    assert document_of(pull_all(client, seller.auth, since), order) == []
    said = {"code": "T2", "name": "Terrasse", "point_of_sale": "Lac",
            "order_prefix": "T2-2026-"}
    sold = seller.record("order.validated", id=order, number="T2-2026-000012",
                         total_cents=1400, till=said, sequence=12)
    cancelled = seller.record("order.cancelled", order_id=order, order_number="T2-2026-12")
    assert answers_of(push(client, seller, [sold, cancelled])) == ["stored"] * 2
    [(_, data)] = document_of(pull_all(client, seller.auth, since), order)
    assert data["sequence"] == 12
    assert data["till"] == {"id": seller.id, "name": seller.name, "code": "T2",
                            "point_of_sale": "Lac", "order_prefix": "T2-2026-"}
    assert data["returns"] == [{**returned["payload"], "till_id": seller.id}]
    assert data["refunds"] == [{**refunded["payload"], "till_id": seller.id}]
    assert data["cancellation"] == {**cancelled["payload"], "till_id": seller.id}
    assert data["payments"] == []


def test_many_orders_come_down_by_pages(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    seller, other = enrol(client, database_url), enrol(client, database_url)
    since = newest(engine)
    sales = [sale(seller, number=f"CD1-{n:06d}", total=100 + n) for n in range(1, 31)]
    assert answers_of(push(client, seller, [record for _, record in sales])) == [
        "stored"] * 30
    changes = [change for change in pull_all(client, other.auth, since, limit=7)
               if change.kind == "order"]
    ids = {order for order, _ in sales}
    mine = [change for change in changes if change.id in ids]
    assert sorted(change.id for change in mine) == sorted(ids)
    assert [change.data["sequence"] for change in mine] == list(range(1, 31))
    cursors = [change.cursor for change in changes]
    assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors)


def test_a_discounted_order_comes_down_with_its_discount(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    seller, other = enrol(client, database_url), enrol(client, database_url)
    since = newest(engine)
    lines = [{"product_id": "p-kayak", "quantity": 2, "unit_price_cents": 1400,
              "discount_cents": 300, "discount_reason": "Fidélité", "discount_by": "gerant",
              "basket_discount_cents": 250, "total_cents": 2250}]
    discount = {"cents": 250, "percent": None, "reason": "Geste", "by": "gerant"}
    order, sold = sale(seller, total=2250, lines=lines, order_discount=discount)
    plain, undiscounted = sale(seller, number="CD1-000042")
    assert answers_of(push(client, seller, [sold, undiscounted])) == ["stored"] * 2
    changes = pull_all(client, other.auth, since)
    [(_, data)] = document_of(changes, order)
    assert data["lines"] == lines and data["order_discount"] == discount
    [(_, data)] = document_of(changes, plain)
    assert "order_discount" not in data  # documents without one are as they were


def test_the_visitors_postal_code_comes_down_with_the_order(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    seller, other = enrol(client, database_url), enrol(client, database_url)
    since = newest(engine)
    asked, sold = sale(seller, postal_code="abroad")
    unasked, plain = sale(seller, number="CD1-000042")
    assert answers_of(push(client, seller, [sold, plain])) == ["stored"] * 2
    changes = pull_all(client, other.auth, since)
    [(_, data)] = document_of(changes, asked)
    assert data["postal_code"] == "abroad"
    [(_, data)] = document_of(changes, unasked)
    assert "postal_code" not in data  # documents of orders not asked are as they were
