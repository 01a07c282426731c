"""Closures (R6) with a French venue's day: the float, sales in cash and by card, an
apport and a retrait, the X reading, the Z with a gap typed by the manager, the grand
totals carried on, the monthly and yearly closures, and a closure interrupted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store, open_store
from pos_app.domain.closure import CashCount, CashMovementKind, ClosureKind
from pos_app.domain.errors import (
    ClosureInProgress,
    ClosureRequired,
    InvalidCashCount,
    NotAllowed,
    NothingToClose,
)
from pos_app.domain.journal import Chain
from pos_app.domain.staff import StaffMember
from pos_app.domain.till import TillState
from pos_app.services import closures, orders, selling
from pos_app.services.context import Context
from pos_app.services.journal_check import verify_journal
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in, till_statuses
from tests.integration.tamper_store import opened_raw
from tests.integration.test_cli import caisse, ok
from tests.integration.test_journal_heads import re_sign
from tests.integration.test_selling_services import basket_of

CAFE, PONEY = 160, 1400


def a_day(ctx: Context, cashier: StaffMember, clock: FrozenClock) -> None:
    """Fond de caisse 150 €; a pony ride and a coffee paid with a 50 € note (34,40 €
    back); a coffee by card; an order cancelled; 20 € of change brought in; 100 € taken
    to the bank."""
    closures.record_cash_movement(ctx, cashier, CashMovementKind.FLOAT, 15000)
    clock.advance(timedelta(minutes=30))
    selling.sell(ctx, cashier, basket_of(ctx, "balade-poney-1h", "cafe"),
                 [PaymentRequest("ESP", 5000)])
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("CB", CAFE)])
    closures.record_cash_movement(ctx, cashier, CashMovementKind.IN, 2000, "monnaie")
    closures.record_cash_movement(ctx, cashier, CashMovementKind.OUT, 10000, "dépôt banque")
    clock.advance(timedelta(hours=2))


def test_expected_cash_is_float_plus_taken_less_change_and_movements(
        ctx: Context, cashier: StaffMember, clock: FrozenClock) -> None:
    a_day(ctx, cashier, clock)
    reading = closures.x_reading(ctx)
    cash = reading.cash
    assert (cash.float_cents, cash.taken_cents, cash.change_cents, cash.in_cents,
            cash.out_cents) == (15000, 5000, 5000 - PONEY - CAFE, 2000, 10000)
    assert reading.expected_cash_cents == 15000 + 5000 - 3440 + 2000 - 10000 == 8560
    assert {m.method_code: m.net_cents for m in reading.methods} == {"ESP": PONEY + CAFE,
                                                                 "CB": CAFE}
    assert (reading.orders, reading.takings_cents) == (2, PONEY + 2 * CAFE)
    assert {v.rate_bp: v.total_cents for v in reading.vat} == {2000: 2 * CAFE, 1000: PONEY}
    assert closures.x_reading(ctx) == reading  # an X changes nothing


def test_a_z_records_the_gap_the_manager_typed(ctx: Context, cashier: StaffMember,
                                               manager: StaffMember,
                                               clock: FrozenClock) -> None:
    a_day(ctx, cashier, clock)
    with pytest.raises(NotAllowed):
        closures.finish_closure(ctx, cashier)
    started = closures.start_closure(ctx, manager)
    assert till_statuses(ctx)[0].state is TillState.CLOSING
    with pytest.raises(ClosureInProgress):
        selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("CB", CAFE)])
    result = closures.finish_closure(ctx, manager, counted_cents=8500)
    z = result.closure
    assert (z.kind, z.number, z.expected_cash_cents, z.counted_cash_cents, z.gap_cents) == (
        ClosureKind.Z, 1, started.expected_cash_cents, 8500, -60)
    assert (z.staff_id, z.period_end) == (manager.id, clock.now())
    assert till_statuses(ctx)[0].state is TillState.CLOSED
    methods = closures.closure_methods(ctx, z.id)
    assert methods == [("CB", CAFE, CAFE), ("ESP", 8560, 8500)]
    with pytest.raises(NothingToClose):
        closures.finish_closure(ctx, manager)


def test_counted_by_note_and_coin(ctx: Context, cashier: StaffMember, manager: StaffMember,
                                  clock: FrozenClock) -> None:
    a_day(ctx, cashier, clock)
    count = CashCount.of({5000: 1, 2000: 1, 1000: 1, 500: 1, 50: 1, 10: 1})  # 85,60 €
    with pytest.raises(InvalidCashCount, match="adds up to 8560"):
        closures.finish_closure(ctx, manager, counted_cents=9000, count=count)
    with pytest.raises(InvalidCashCount, match="not a euro note"):
        CashCount.of({300: 1})
    z = closures.finish_closure(ctx, manager, count=count).closure
    assert (z.counted_cash_cents, z.gap_cents) == (8560, 0)


def test_grand_totals_carry_on_and_the_journal_verifies_them(
        ctx: Context, cashier: StaffMember, manager: StaffMember, clock: FrozenClock) -> None:
    a_day(ctx, cashier, clock)
    first = closures.finish_closure(ctx, manager).closure
    clock.advance(timedelta(hours=14))  # the next morning: the first sale opens the till
    order = selling.sell(ctx, cashier, basket_of(ctx, "balade-poney-1h"),
                         [PaymentRequest("CB", PONEY)])
    orders.cancel_order(ctx, manager, order.number, "erreur")  # and refunded by card
    second = closures.finish_closure(ctx, manager).closure
    assert first.totals.perpetual_cents == PONEY + 2 * CAFE
    assert (second.totals.period_cents, second.totals.perpetual_cents,
            second.totals.perpetual_absolute_cents) == (
        0, PONEY + 2 * CAFE, PONEY + 2 * CAFE + 2 * PONEY)
    assert (second.first_entry, second.last_entry) == (first.last_entry + 1,
                                                       first.last_entry + 3)
    report = verify_journal(ctx, every_signature=True)
    assert report.ok, report.problems
    assert report.entries[Chain.CLOSURE] == 2


def test_a_day_without_a_z_asks_for_one(ctx: Context, cashier: StaffMember,
                                        clock: FrozenClock) -> None:
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("CB", CAFE)])
    clock.advance(timedelta(hours=23))  # the next morning
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("CB", CAFE)])
    clock.advance(timedelta(hours=2))
    with pytest.raises(ClosureRequired):
        selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("CB", CAFE)])


def three_days(ctx: Context, cashier: StaffMember, manager: StaffMember, clock: FrozenClock
               ) -> tuple[closures.ClosureResult, closures.ClosureResult]:
    """Two days of December, each with its Z, then one of January, whose Z closes the
    month and the year first: the closure chain holds Z 1, Z 2, the month, the year, Z 3.
    December's last Z and January's come back."""
    def day(at: datetime, *products: str) -> closures.ClosureResult:
        clock.current = at
        for product in products:
            selling.sell(ctx, cashier, basket_of(ctx, product), validate_without_paying=True)
        clock.advance(timedelta(hours=8))
        return closures.finish_closure(ctx, manager)

    day(datetime(2026, 12, 30, 8, tzinfo=UTC), "cafe")
    december = day(datetime(2026, 12, 31, 8, tzinfo=UTC), "balade-poney-1h", "cafe")
    return december, day(datetime(2027, 1, 2, 8, tzinfo=UTC), "cafe")


def test_months_and_years_close_at_their_first_z(ctx: Context, cashier: StaffMember,
                                                 manager: StaffMember,
                                                 clock: FrozenClock) -> None:
    december, january = three_days(ctx, cashier, manager, clock)
    assert december.made_alongside == ()
    month, year = january.made_alongside
    assert (month.kind, month.number, month.totals.period_cents, month.orders) == (
        ClosureKind.MONTH, 1, PONEY + 2 * CAFE, 3)
    assert month.totals.perpetual_cents == december.closure.totals.perpetual_cents
    assert (year.kind, year.totals.period_cents) == (ClosureKind.YEAR, PONEY + 2 * CAFE)
    with ctx.uow(write=False) as uow:
        bodies = [uow.journal.entry(month.till_id, Chain.CLOSURE, item.journal_number)
                  for item in (month, year)]
    for body in (entry.payload for entry in bodies if entry is not None):
        assert [(line["rate_bp"], line["total_cents"]) for line in body["vat"]] == [
            (2000, 2 * CAFE), (1000, PONEY)]
        assert (body["sales_cents"], body["takings_absolute_cents"], body["payments"]) == (
            PONEY + 2 * CAFE, PONEY + 2 * CAFE, [])
    assert january.closure.totals.perpetual_cents == PONEY + 3 * CAFE
    assert verify_journal(ctx).ok
    # January's Z records the closure chain's head after the month and year it brought.
    heads = {head.chain: head.number for head in january.reading.heads}
    assert heads["closure"] == year.journal_number == january.closure.journal_number - 1


def edit_month(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "orders": body["orders"] + 1}


def edit_cash(body: dict[str, Any]) -> dict[str, Any]:
    cash = body["cash"]
    return {**body, "cash": {**cash, "counted_cents": cash["counted_cents"] + 100,
                             "gap_cents": cash["gap_cents"] + 100}}


def edit_takings(body: dict[str, Any]) -> dict[str, Any]:
    totals = body["grand_totals"]
    return {**body, "grand_totals": {**totals, "period_cents": totals["period_cents"] + 100}}


def edit_vat(body: dict[str, Any]) -> dict[str, Any]:
    first, *rest = body["vat"]
    return {**body, "vat": [{**first, "vat_cents": first["vat_cents"] + 1}, *rest]}


def edit_label(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "label": "2026-11"}


@pytest.mark.parametrize(("closure", "edit", "named"), [
    ("month", edit_month, "orders = 4, but its z closures 1 to 2 make 3"),
    ("month", edit_cash, "cash.counted_cents"),
    ("month", edit_label, "label = '2026-11'"),
    ("month", edit_vat, "the monthly closure 1 records vat = [{'excl_cents'"),
    ("year", edit_vat, "the yearly closure 1 records vat ="),
    ("month", edit_takings, "grand totals are not those of its z closures"),
    ("year", edit_month, "orders = 4, but its month closures 1 to 1 make 3"),
], ids=["month orders", "month cash", "month label", "month VAT", "year VAT", "month takings",
        "year orders"])
def test_a_period_closure_edited_and_re_signed_with_the_till_s_key_is_found(
        store: Store, ctx: Context, cashier: StaffMember, manager: StaffMember,
        clock: FrozenClock, closure: str, edit: Callable[[dict[str, Any]], dict[str, Any]],
        named: str) -> None:
    _december, january = three_days(ctx, cashier, manager, clock)
    made = {item.kind.value: item for item in january.made_alongside}[closure]
    with opened_raw(store.data_dir) as raw:
        re_sign(raw, ctx.signer, "closure", made.journal_number, edit)
    found = verify_journal(ctx, every_signature=True).problems
    assert [(problem.chain, problem.number) for problem in found] == [
        ("closure", made.journal_number)]
    assert named in found[0].reason


def test_closures_are_listed_by_period(ctx: Context, cashier: StaffMember,
                                       manager: StaffMember, clock: FrozenClock) -> None:
    a_day(ctx, cashier, clock)
    closures.finish_closure(ctx, manager)
    now = clock.now()
    assert len(closures.closures_between(ctx, now - timedelta(days=1),
                                         now + timedelta(seconds=1))) == 1
    assert closures.closures_between(ctx, now + timedelta(seconds=1),
                                     now + timedelta(days=1)) == []


INTERRUPTED = """
import sys, time
from pathlib import Path
from typing import Any
from pos_app.bootstrap import Store, open_store
from pos_app.services import closures
from pos_app.services.staff import sign_in
store = open_store(Path(sys.argv[1]))
manager = sign_in(store.context, "gerant", "4321")
closures.start_closure(store.context, manager)
print("closing", flush=True)
time.sleep(60)  # counting the cash when the power goes
"""


def test_a_closure_killed_midway_is_closing_at_the_next_start(data_dir: Path) -> None:
    store = open_store(data_dir)
    try:
        cashier_ctx = store.context
        cashier = sign_in(cashier_ctx, "caissier", "1234")
        selling.sell(cashier_ctx, cashier, basket_of(cashier_ctx, "cafe"),
                     [PaymentRequest("ESP", 500)])
    finally:
        store.close()
    child = subprocess.Popen([sys.executable, "-c", INTERRUPTED, str(data_dir)],
                             stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "closing"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    store = open_store(data_dir)
    try:
        ctx = store.context
        assert till_statuses(ctx)[0].state is TillState.CLOSING
        manager = sign_in(ctx, "gerant", "4321")
        z = closures.finish_closure(ctx, manager).closure
        assert (z.orders, z.expected_cash_cents) == (1, CAFE)
        assert till_statuses(ctx)[0].state is TillState.CLOSED
    finally:
        store.close()


def test_close_and_list_on_the_command_line(data_dir: Path) -> None:
    caisse(data_dir, "cash", "float", "150", staff="caissier", secret="1234")
    ok(caisse(data_dir, "order", "create", staff="caissier", secret="1234",
              stdin=json.dumps({"lines": [{"product": "cafe"}],
                                "payments": [{"method": "ESP", "amount": "2"}]})))
    x = ok(caisse(data_dir, "close", "x"))
    assert x["cash"]["expected_cents"] == 15000 + CAFE
    refused = caisse(data_dir, "close", "z", staff="caissier", secret="1234")
    assert refused.returncode == 1
    z = ok(caisse(data_dir, "close", "z", "--counted", "151,50", staff="gerant",
                  secret="4321"))
    assert (z["expected_cash_cents"], z["counted_cash_cents"], z["gap_cents"]) == (
        15160, 15150, -10)
    today = datetime.now(ZoneInfo("Europe/Paris")).strftime("%Y-%m-%d")  # the till's day
    listed = ok(caisse(data_dir, "closures", "list", "--from", today, "--to", today))
    assert [item["number"] for item in listed] == [1]
    assert caisse(data_dir, "journal", "verify").returncode == 0
