"""The visitor's postal code (R12): kept on the order, in its order.validated record and
its summary, counted per answer over a period, and given on the command line."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from pos_app.adapters.clock import FrozenClock
from pos_app.documents import order_lines
from pos_app.domain.basket import Basket
from pos_app.domain.postal_code import InvalidPostalCode
from pos_app.domain.staff import StaffMember
from pos_app.services import drafts, orders, selling
from pos_app.services.context import Context
from pos_app.services.journal import set_training
from pos_app.services.postal_codes import counts_csv, postal_code_counts
from pos_app.services.selling import PaymentRequest
from tests.integration.test_cli import caisse, error, ok

DAY = date(2026, 7, 11)  # the tests' clock: a Saturday in Paris


def ride(ctx: Context) -> Basket:
    basket = Basket()
    selling.add_product(ctx, basket, "balade-poney-1h")  # 14 €
    return basket


def sell(ctx: Context, staff: StaffMember, postal_code: str | None,
         training: bool = False) -> str:
    return selling.sell(ctx, staff, ride(ctx), [PaymentRequest("ESP", 1400)],
                        postal_code=postal_code, training=training).number


def validated_payload(ctx: Context, order_id: str) -> dict[str, object]:
    with ctx.uow(write=False) as uow:
        records = [record for record in uow.outbox.waiting(1000)
                   if record.kind == "order.validated" and record.aggregate_id == order_id]
    assert len(records) == 1
    payload: dict[str, object] = json.loads(records[0].payload)
    return payload


def test_the_answer_is_kept_on_the_order_and_in_its_record(
        ctx: Context, cashier: StaffMember) -> None:
    order = selling.sell(ctx, cashier, ride(ctx), [PaymentRequest("CB", 1400)],
                         postal_code="69 003")
    stored = orders.get_order(ctx, order.number).order
    assert stored.postal_code == "69003"
    assert validated_payload(ctx, order.id)["postal_code"] == "69003"
    assert "Code postal : 69003" in order_lines(stored, None)
    abroad = orders.get_order(ctx, sell(ctx, cashier, "abroad")).order
    assert "Code postal : Étranger" in order_lines(abroad, None)


def test_an_order_not_asked_has_no_answer_and_its_record_none(
        ctx: Context, cashier: StaffMember) -> None:
    order = selling.sell(ctx, cashier, ride(ctx), [PaymentRequest("CB", 1400)])
    assert orders.get_order(ctx, order.number).order.postal_code is None
    assert "postal_code" not in validated_payload(ctx, order.id)  # its record as before


def test_a_bad_postal_code_refuses_the_sale_before_anything_is_written(
        ctx: Context, cashier: StaffMember) -> None:
    with pytest.raises(InvalidPostalCode):
        sell(ctx, cashier, "2A004")
    # The number the refused sale would have had goes to the next one: nothing was kept.
    assert sell(ctx, cashier, "abroad") == "CD2-000001"


def test_the_sale_in_progress_is_validated_with_its_answer(
        ctx: Context, cashier: StaffMember) -> None:
    basket = ride(ctx)
    drafts.keep_basket(ctx, cashier, basket, 1)
    drafts.tender(ctx, cashier, basket, 1, "ESP", 2000)
    order = drafts.validate_draft(ctx, cashier, basket, 1, postal_code="declined")
    assert orders.get_order(ctx, order.number).order.postal_code == "declined"
    assert validated_payload(ctx, order.id)["postal_code"] == "declined"


def test_orders_counted_per_answer_over_the_period(
        ctx: Context, cashier: StaffMember, manager: StaffMember, clock: FrozenClock) -> None:
    for answer in ("75011", "69003", "75011", "abroad", "declined", "75011", None):
        sell(ctx, cashier, answer)
    cancelled = sell(ctx, cashier, "69003")
    orders.cancel_order(ctx, manager, cancelled, "Erreur de produit")
    set_training(ctx, manager, True)
    sell(ctx, manager, "13001", training=True)
    set_training(ctx, manager, False)
    clock.advance(timedelta(days=1))
    sell(ctx, cashier, "33000")  # the next day

    counts = postal_code_counts(ctx, DAY, DAY)
    assert counts.per_answer == (("75011", 3), ("69003", 1), ("abroad", 1), ("declined", 1))
    assert (counts.answered, counts.not_asked) == (6, 1)
    assert counts_csv(counts) == ("postal_code,orders\n75011,3\n69003,1\nabroad,1\n"
                                  "declined,1\n,1\n")
    both_days = postal_code_counts(ctx, DAY, DAY + timedelta(days=1))
    assert ("33000", 1) in both_days.per_answer and both_days.answered == 7


def test_the_command_line_sells_with_an_answer_and_counts_them(data_dir: Path) -> None:
    till = {"staff": "caissier", "secret": "1234"}
    sale = json.dumps({"lines": [{"product": "balade-poney-1h"}],
                       "payments": [{"method": "ESP", "amount": "14"}]})
    created = ok(caisse(data_dir, "order", "create", "--postal-code", "20090", stdin=sale,
                        **till))
    assert created["postal_code"] == "20090"
    refused = error(caisse(data_dir, "order", "create", "--postal-code", "7501", stdin=sale,
                           **till))
    assert "not a French postal code: '7501'" in refused["error"]
    ok(caisse(data_dir, "draft", "add", "--product", "balade-poney-1h", **till))
    ok(caisse(data_dir, "draft", "pay", "--method", "CB", "--amount", "14", **till))
    validated = ok(caisse(data_dir, "draft", "validate", "--postal-code", "abroad", **till))
    assert validated["postal_code"] == "abroad"
    assert ok(caisse(data_dir, "order", "show", validated["number"]))["postal_code"] == "abroad"
    counted = ok(caisse(data_dir, "orders", "postal-codes", "--from", "2000-01-01", "--to",
                        "2100-01-01"))
    assert counted["per_postal_code"] == [{"postal_code": "20090", "orders": 1},
                                          {"postal_code": "abroad", "orders": 1}]
    assert (counted["orders"], counted["not_asked"]) == (2, 0)
    as_csv = ok(caisse(data_dir, "orders", "postal-codes", "--from", "2000-01-01", "--to",
                       "2100-01-01", "--csv"))
    assert as_csv == "postal_code,orders\n20090,1\nabroad,1\n"
