"""A sale in progress survives a crash: the basket, its payer and every payment tendered
are kept as they change, never in the fiscal journal until the sale is validated, and a
sale that holds payments is given up only once they are handed back."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store, open_store
from pos_app.domain.basket import Basket
from pos_app.domain.errors import (
    BasketBelowPayments,
    DraftHoldsPayments,
    DraftPaid,
    EmptyBasket,
)
from pos_app.domain.journal import Chain
from pos_app.domain.staff import StaffMember
from pos_app.services import closures, drafts, orders, selling
from pos_app.services.context import Context
from tests.integration.test_cli import caisse, error, ok
from tests.support import snapshot

PONEY = 1400
ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("CAISSE_KILL_RUNS", "12"))
CHILD = Path(__file__).with_name("tender_loop.py")


def three_rides(ctx: Context) -> Basket:
    basket = Basket()
    selling.add_product(ctx, basket, "balade-poney-1h", 3)  # 42 €
    basket.assign_payer("c-martin-lea")
    return basket


def journal_chains(ctx: Context) -> dict[str, int]:
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        return {chain: head.number for chain, head in uow.journal.heads(till.id).items()}


def test_two_euros_tendered_then_a_crash_the_sale_comes_back_with_them(
        store: Store, cashier: StaffMember, clock: FrozenClock) -> None:
    ctx = store.context
    basket = three_rides(ctx)
    drafts.keep_basket(ctx, cashier, basket, 1)
    drafts.tender(ctx, cashier, basket, 1, "ESP", 200)
    card = drafts.tender(ctx, cashier, basket, 1, "CB", 1000).payments[-1]
    before = journal_chains(ctx)
    store.close()  # the program dies; it starts again
    restarted = open_store(store.data_dir, clock)
    try:
        again = restarted.context
        draft = drafts.current_draft(again)
        assert draft is not None
        assert ([(line.product_id, line.quantity) for line in draft.basket.lines],
                draft.basket.payer_id) == ([("balade-poney-1h", 3)], "c-martin-lea")
        assert [(p.method_code, p.amount_cents) for p in draft.payments] == [("ESP", 200),
                                                                             ("CB", 1000)]
        assert (draft.paid_cents, draft.left_cents) == (1200, 3 * PONEY - 1200)
        assert journal_chains(again) == before  # a draft is never in the fiscal journal
        order = drafts.validate_draft(again, cashier, draft.basket, draft.version,
                                      validate_without_paying=True)
        assert [(p.id, p.amount_cents) for p in order.payments][1] == (card.id, 1000)
        assert drafts.current_draft(again) is None
        stored = orders.get_order(again, order.number).order
        assert (stored.paid_cents, stored.left_cents) == (1200, 3 * PONEY - 1200)
    finally:
        restarted.close()


def test_the_last_cash_completes_the_sale_with_its_change(store: Store,
                                                          cashier: StaffMember) -> None:
    ctx = store.context
    basket = three_rides(ctx)
    drafts.tender(ctx, cashier, basket, 0, "CB", 4000)
    draft = drafts.tender(ctx, cashier, basket, 0, "ESP", 500)
    assert (draft.left_cents, draft.change_cents) == (0, 300)
    with pytest.raises(DraftPaid):
        drafts.tender(ctx, cashier, basket, 0, "ESP", 100)
    order = drafts.validate_draft(ctx, cashier, basket, 0)
    assert [(p.method_code, p.amount_cents, p.change_cents) for p in order.payments] == [
        ("CB", 4000, 0), ("ESP", 500, 300)]
    assert closures.x_reading(ctx).cash.change_cents == 300


def test_a_late_save_never_replaces_a_newer_basket(store: Store, cashier: StaffMember) -> None:
    ctx = store.context
    newer = three_rides(ctx)
    older = Basket()
    selling.add_product(ctx, older, "cafe")
    drafts.keep_basket(ctx, cashier, newer, 5)
    drafts.keep_basket(ctx, cashier, older, 4)
    draft = drafts.current_draft(ctx)
    assert draft is not None and draft.version == 5 and draft.total_cents == 3 * PONEY


def test_a_basket_never_falls_below_what_was_paid(store: Store, cashier: StaffMember) -> None:
    ctx = store.context
    basket = three_rides(ctx)
    drafts.tender(ctx, cashier, basket, 1, "CB", 2000)
    fewer = Basket()
    selling.add_product(ctx, fewer, "balade-poney-1h")
    before = snapshot(store.engine)
    with pytest.raises(BasketBelowPayments):
        drafts.keep_basket(ctx, cashier, fewer, 2)
    with pytest.raises(BasketBelowPayments):
        drafts.keep_basket(ctx, cashier, Basket(), 2)  # emptied: given back first
    assert snapshot(store.engine) == before
    selling.add_product(ctx, basket, "cafe")  # growing is fine
    assert drafts.keep_basket(ctx, cashier, basket, 2) is not None


def test_a_sale_holding_payments_is_given_up_only_once_they_are_handed_back(
        store: Store, cashier: StaffMember, manager: StaffMember) -> None:
    ctx = store.context
    basket = three_rides(ctx)
    drafts.tender(ctx, cashier, basket, 1, "ESP", 200)
    before = snapshot(store.engine)
    with pytest.raises(DraftHoldsPayments):
        drafts.abandon_draft(ctx, cashier)
    with pytest.raises(DraftHoldsPayments):  # a Z would not count the 2 € in the drawer
        closures.finish_closure(ctx, manager)
    assert snapshot(store.engine) == before
    drafts.abandon_draft(ctx, cashier, given_back=True)
    assert drafts.current_draft(ctx) is None
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        event = uow.journal.last(till.id, Chain.EVENT)
    assert event is not None and event.payload == {
        "event": "draft_abandoned", "jet": 410, "staff_id": cashier.id,
        "total_cents": 3 * PONEY, "lines": 1, "training": False,
        "given_back": [{"method": "ESP", "amount_cents": 200, "change_cents": 0}]}
    assert closures.x_reading(ctx).cash.taken_cents == 0  # never in the takings


def test_an_empty_basket_ends_a_sale_with_nothing_paid(store: Store,
                                                       cashier: StaffMember) -> None:
    ctx = store.context
    drafts.keep_basket(ctx, cashier, three_rides(ctx), 1)
    assert drafts.keep_basket(ctx, cashier, Basket(), 2) is None
    assert drafts.current_draft(ctx) is None
    with pytest.raises(EmptyBasket):
        drafts.tender(ctx, cashier, Basket(), 3, "ESP", 100)


def test_a_sale_in_progress_from_the_command_line(data_dir: Path) -> None:
    till = ("caissier", "1234")
    shown = ok(caisse(data_dir, "draft", "show"))
    assert shown is None
    ok(caisse(data_dir, "draft", "add", "--product", "balade-poney-1h", "--quantity", "3",
              staff=till[0], secret=till[1]))
    ok(caisse(data_dir, "draft", "payer", "c-martin-lea", staff=till[0], secret=till[1]))
    paid = ok(caisse(data_dir, "draft", "pay", "--method", "ESP", "--amount", "2",
                     staff=till[0], secret=till[1]))
    assert (paid["total_cents"], paid["paid_cents"], paid["payer"]) == (4200, 200,
                                                                       "c-martin-lea")
    refused = error(caisse(data_dir, "draft", "abandon", staff=till[0], secret=till[1]))
    assert "holds 2.00 € tendered" in refused["error"]
    assert "needs --product ID or --barcode" in error(caisse(
        data_dir, "draft", "add", staff=till[0], secret=till[1]))["error"]
    ok(caisse(data_dir, "draft", "pay", "--method", "CB", "--amount", "40", staff=till[0],
              secret=till[1]))
    order = ok(caisse(data_dir, "draft", "validate", staff=till[0], secret=till[1]))
    assert (order["left_cents"], len(order["payments"])) == (0, 2)
    assert ok(caisse(data_dir, "draft", "show")) is None


# -- killed while a sale in progress holds payments ---------------------------------------


def tender_and_kill(data_dir: Path, rng: random.Random) -> list[str]:
    """Tender 10-cent payments in a child till, kill it at a random moment; returns the
    payments it reported as kept."""
    child = subprocess.Popen([sys.executable, str(CHILD), str(data_dir)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    reported: list[str] = []
    wanted = rng.randint(1, 6)
    while len(reported) < wanted:
        line = child.stdout.readline().strip()
        assert line, f"the tendering process stopped by itself: {child.poll()}"
        reported.append(line)
    if rng.random() < 0.7:
        time.sleep(rng.uniform(0, 0.004))  # land somewhere inside the next payment
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    reported += [line.strip() for line in child.stdout if line.strip()]
    return reported


def test_sigkill_while_tendering_keeps_each_payment_exactly_once(data_dir: Path) -> None:
    rng = random.Random(1212)
    reported: list[str] = []
    for _ in range(RUNS):
        reported += tender_and_kill(data_dir, rng)
        store = open_store(data_dir)
        try:
            with store.engine.connect() as db:
                assert db.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
            draft = drafts.current_draft(store.context)
        finally:
            store.close()
        assert draft is not None
        kept = [payment.id for payment in draft.payments]
        assert set(reported) <= set(kept), "a payment reported as taken was lost"
        assert len(kept) - len(reported) <= 1, "more than the one in flight"
        reported = kept  # what the next run starts from
    assert len(reported) >= RUNS


def test_a_caisse_command_killed_while_tendering_keeps_the_payment_once(
        data_dir: Path) -> None:
    ok(caisse(data_dir, "draft", "add", "--product", "stage-paques", staff="caissier",
              secret="1234"))
    env = {**os.environ, "CAISSE_SECRET": "1234"}
    command = [sys.executable, "-m", "pos_app", "--data-dir", str(data_dir), "--json",
               "--staff", "caissier", "draft", "pay", "--method", "ESP", "--amount", "0,10"]
    rng = random.Random(7)
    succeeded = 0
    for _ in range(6):
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, env=env)
        time.sleep(rng.uniform(0.2, 1.2))  # somewhere in its start, sign-in or payment
        process.send_signal(signal.SIGKILL)
        out, _err = process.communicate(timeout=30)
        succeeded += process.returncode == 0 and bool(json.loads(out or "null"))
        shown = ok(caisse(data_dir, "draft", "show"))
        assert succeeded <= len(shown["payments"])
    after = ok(caisse(data_dir, "draft", "pay", "--method", "ESP", "--amount", "0,10",
                      staff="caissier", secret="1234"))
    assert after["paid_cents"] == 10 * len(after["payments"])


def test_a_sale_holding_payments_blocks_the_z_before_it_starts_and_sells_past_24_hours(
        store: Store, cashier: StaffMember, manager: StaffMember, clock: FrozenClock) -> None:
    from datetime import timedelta

    from pos_app.domain.till import TillState
    from pos_app.services.staff import till_statuses

    ctx = store.context
    basket = three_rides(ctx)
    drafts.tender(ctx, cashier, basket, 1, "ESP", 2000)
    with pytest.raises(DraftHoldsPayments):
        closures.start_closure(ctx, manager)
    assert till_statuses(ctx)[0].state is TillState.OPEN  # not left "closing"
    clock.advance(timedelta(hours=25))  # the money is in this session's drawer
    order = drafts.validate_draft(ctx, cashier, basket, 1, validate_without_paying=True)
    assert order.paid_cents == 2000
    assert closures.finish_closure(ctx, manager).closure.orders == 1


def test_a_sale_changed_elsewhere_is_not_validated_with_payments_beyond_its_worth(
        store: Store, cashier: StaffMember) -> None:
    ctx = store.context
    ride = Basket()
    selling.add_product(ctx, ride, "balade-poney-1h")
    drafts.keep_basket(ctx, cashier, ride, 1)  # the window's basket
    bigger = three_rides(ctx)
    drafts.tender(ctx, cashier, bigger, 2, "CB", 4200)  # paid in full elsewhere
    before = snapshot(store.engine)
    from pos_app.domain.errors import SaleChanged

    with pytest.raises(SaleChanged):
        drafts.validate_draft(ctx, cashier, ride, 1)
    assert snapshot(store.engine) == before


def test_a_payment_given_back_and_a_payment_asked_twice(store: Store,
                                                       cashier: StaffMember) -> None:
    from pos_app.domain.ids import new_id

    ctx = store.context
    basket = three_rides(ctx)
    named = new_id()
    drafts.tender(ctx, cashier, basket, 1, "ESP", 2000, payment_id=named)
    again = drafts.tender(ctx, cashier, basket, 1, "ESP", 2000, payment_id=named)
    assert [p.id for p in again.payments] == [named]  # the answer was lost, not the money
    drafts.untender(ctx, cashier)
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        event = uow.journal.last(till.id, Chain.EVENT)
    assert event is not None and event.payload == {
        "event": "payment_given_back", "jet": 411, "staff_id": cashier.id, "method": "ESP",
        "amount_cents": 2000, "change_cents": 0, "training": False}
