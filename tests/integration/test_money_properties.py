"""Random days at the till, checked against an independent tally: sales, partial payments,
payments later, cancellations, returns and refunds, cash movements, clocks that jump, and
Zs. For every Z the expected cash is float + cash in − cash out + cash taken − change −
cash refunded; each method's payments net of refunds are the journal's; no order ever
gives back more than it was paid."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    precondition,
    rule,
)

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import open_store
from pos_app.domain.basket import Basket
from pos_app.domain.closure import CashMovementKind
from pos_app.domain.errors import ClosureRequired, DomainError, NotInTheDrawer
from pos_app.domain.journal import Chain
from pos_app.domain.order import Order, RefundRequest, StatusFilter
from pos_app.services import closures, orders, selling
from pos_app.services.journal_check import verify_journal
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in
from tests.conftest import START

PRODUCTS = ["cafe", "balade-poney-1h", "kayak-2h", "tshirt", "crepe", "visite-guidee"]
METHODS = ["ESP", "CB", "CHQ", "BON"]  # ESP gives change; the others never exceed what is left
EXERCISED: Counter[str] = Counter()  # what the runs did, so that they cannot pass idle


class TillDays(RuleBasedStateMachine):
    """One till's store; the tally since the last Z is kept apart from it."""

    template: Path  # set by the test: the demo store to start from

    numbers = Bundle("numbers")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="caisse-days-"))
        shutil.copytree(self.template, self.folder / "store")
        self.clock = FrozenClock(START)
        self.store = open_store(self.folder / "store", self.clock)
        self.ctx = self.store.context
        self.cashier = sign_in(self.ctx, "caissier", "1234")
        self.manager = sign_in(self.ctx, "gerant", "4321")
        self.tally: Counter[str] = Counter()  # cash since the last Z, by what moved it
        self.zs = 0
        self.move_cash(CashMovementKind.FLOAT, 20000)  # change in the drawer to refund from

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- what happens at the till ------------------------------------------------------------

    @rule(target=numbers, products=st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=4),
          quantity=st.integers(1, 3), share=st.integers(0, 100),
          methods=st.lists(st.sampled_from(METHODS), min_size=1, max_size=2),
          over=st.integers(0, 2000))
    def sell(self, products: list[str], quantity: int, share: int, methods: list[str],
             over: int) -> str:
        basket = Basket()
        for product in products:
            selling.add_product(self.ctx, basket, product, quantity)
        total = basket.total_cents
        first = total * share // 100
        payments = [PaymentRequest(methods[0], first)] if first else []
        if len(methods) > 1 and total - first > 0:
            rest = total - first + (over if methods[1] == "ESP" else 0)
            payments.append(PaymentRequest(methods[1], rest))
        order = self._do(lambda: selling.sell(self.ctx, self.cashier, basket, payments,
                                              validate_without_paying=True))
        if order is None:
            return ""
        EXERCISED["sale"] += 1
        self._count_payments(order.payments)
        return order.number

    @rule(number=numbers, method=st.sampled_from(METHODS), share=st.integers(1, 100),
          over=st.integers(0, 1000))
    def pay_later(self, number: str, method: str, share: int, over: int) -> None:
        order = self._order(number)
        if order is None or order.cancellation is not None or order.left_cents <= 0:
            return
        amount = max(1, order.left_cents * share // 100)
        if method == "ESP" and share == 100:
            amount += over  # handed a note: change back
        paid = self._do(lambda: orders.pay_order(self.ctx, self.cashier, number, method,
                                                 amount))
        if paid is not None:
            EXERCISED["payment later"] += 1
            self._count_payments([paid[1]])

    @rule(number=consumes(numbers), split=st.lists(st.sampled_from(METHODS), max_size=3),
          default=st.booleans())
    def cancel(self, number: str, split: list[str], default: bool) -> None:
        order = self._order(number)
        if order is None or order.cancellation is not None:
            return
        plan = None if default else _split(order.net_paid_cents, split)
        done = self._do(lambda: orders.cancel_order(self.ctx, self.manager, number,
                                                    "annulée", plan))
        if done is not None:
            EXERCISED["cancellation"] += 1
            self._count_refunds(done.refunds)

    @rule(number=numbers, line=st.integers(0, 3), quantity=st.integers(1, 3),
          split=st.lists(st.sampled_from(METHODS), max_size=3), default=st.booleans())
    def give_back_lines(self, number: str, line: int, quantity: int, split: list[str],
                        default: bool) -> None:
        order = self._order(number)
        if order is None or order.cancellation is not None:
            return
        line %= len(order.lines)
        quantity = min(quantity, order.returnable(line))
        if quantity == 0:
            return
        worth_after = order.due_cents - order.lines[line].unit_price_cents * quantity
        owed = max(0, order.net_paid_cents - worth_after)
        plan = None if default else _split(owed, split)
        done = self._do(lambda: orders.return_lines(self.ctx, self.manager, number,
                                                    [(line, quantity)], "retour", plan))
        if done is not None:
            EXERCISED["return"] += 1
            self._count_refunds(done.refunds)

    @rule(number=numbers, extra=st.integers(1, 5000))
    def refund_too_much(self, number: str, extra: int) -> None:
        """Giving back more than was paid is refused, and changes nothing."""
        order = self._order(number)
        if order is None or order.cancellation is not None:
            return
        before = closures.x_reading(self.ctx)
        plan = [RefundRequest("ESP", order.net_paid_cents + extra)]
        with pytest.raises(DomainError):
            orders.cancel_order(self.ctx, self.manager, number, "trop", plan)
        assert closures.x_reading(self.ctx) == before
        EXERCISED["refund refused"] += 1

    @rule(kind=st.sampled_from(list(CashMovementKind)), amount=st.integers(1, 20000))
    def move_cash(self, kind: CashMovementKind, amount: int) -> None:
        if self._do(lambda: closures.record_cash_movement(self.ctx, self.cashier, kind,
                                                          amount, "raison"), done=True):
            self.tally[kind.value] += amount

    @rule(minutes=st.integers(1, 600))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(timedelta(minutes=minutes))

    @rule(hours=st.sampled_from([-1, -3, -48, 49]))
    def clock_jumps(self, hours: int) -> None:
        self.clock.current += timedelta(hours=hours)

    @precondition(lambda self: self.zs < 4)
    @rule(gap=st.integers(-500, 500))
    def close_z(self, gap: int) -> None:
        reading = closures.x_reading(self.ctx)
        cash = reading.cash
        expected = (self.tally["float"] + self.tally["in"] - self.tally["out"]
                    + self.tally["taken"] - self.tally["change"] - self.tally["refunded"])
        assert (cash.float_cents, cash.in_cents, cash.out_cents, cash.taken_cents,
                cash.change_cents, cash.refunded_cents) == (
            self.tally["float"], self.tally["in"], self.tally["out"], self.tally["taken"],
            self.tally["change"], self.tally["refunded"])
        assert reading.expected_cash_cents == expected
        try:
            result = closures.finish_closure(self.ctx, self.manager,
                                             max(0, expected + gap),
                                             reason="Comptage de test")
        except DomainError as error:  # a closed till has nothing to close
            assert "nothing to close" in str(error)
            assert not any(self.tally.values())
            return
        assert result.closure.expected_cash_cents == expected
        self._check_methods_against_journal(result.closure.journal_number)
        EXERCISED["z"] += 1
        EXERCISED["cash refunded"] += self.tally["refunded"] > 0
        self.tally.clear()
        self.zs += 1

    # -- what must always hold -----------------------------------------------------------------

    @invariant()
    def nothing_given_back_beyond_what_was_paid(self) -> None:
        for summary in orders.search_orders(self.ctx, "", StatusFilter.ALL, limit=1000):
            order = orders.get_order(self.ctx, summary.number).order
            assert order.refunded_cents <= order.paid_cents
            assert order.left_cents >= 0 and order.owed_cents == 0, order.number
            assert summary.left_cents == order.left_cents

    def _check_methods_against_journal(self, closure_number: int) -> None:
        """The Z's payments per method, net of refunds (from the tables), against the
        payments and refunds its order entries say."""
        with self.ctx.uow(write=False) as uow:
            till = uow.tills.local()
            assert till is not None
            z = next(json.loads(row[5]) for row in uow.journal.rows(till.id, Chain.CLOSURE)
                     if row[0] == closure_number)
            first, last = z["order_entries"]["first"], z["order_entries"]["last"]
            journal: Counter[str] = Counter()
            for row in uow.journal.rows(till.id, Chain.ORDER):
                if first <= row[0] <= last:
                    _add_money(journal, json.loads(row[5]))
        tables = {p["method"]: p["net_cents"] for p in z["payments"]}
        assert {k: v for k, v in tables.items() if v} == {k: v for k, v in journal.items() if v}
        report = verify_journal(self.ctx)
        assert report.ok, report.problems

    # -- helpers ---------------------------------------------------------------------------

    def _do(self, action: Any, done: bool = False) -> Any:
        """Run an action; a till open for a day closes first (as a manager would). Cash
        beyond what the drawer holds is refused, and changes nothing."""
        try:
            try:
                result = action()
            except ClosureRequired:
                self.close_z(0)
                result = action()
        except NotInTheDrawer:
            EXERCISED["drawer too short"] += 1
            return False if done else None
        return True if done else result

    def _order(self, number: str) -> Order | None:
        if not number:
            return None
        return orders.get_order(self.ctx, number).order

    def _count_payments(self, payments: Any) -> None:
        for payment in payments:
            if payment.method_code == "ESP":
                self.tally["taken"] += payment.amount_cents
                self.tally["change"] += payment.change_cents

    def _count_refunds(self, refunds: Any) -> None:
        self.tally["refunded"] += sum(r.amount_cents for r in refunds if r.method_code == "ESP")


def _split(owed: int, methods: list[str]) -> list[RefundRequest]:
    """`owed` spread over `methods` (the last takes the rest); nothing when owed is 0."""
    if owed <= 0:
        return []
    methods = methods or ["ESP"]
    share, plan, left = owed // len(methods), [], owed
    for method in methods[:-1]:
        if share > 0:
            plan.append(RefundRequest(method, share))
            left -= share
    plan.append(RefundRequest(methods[-1], left))
    return plan


def _add_money(journal: Counter[str], body: dict[str, Any]) -> None:
    if body["kind"] == "sale":
        for payment in body["payments"]:
            journal[payment["method"]] += payment["amount_cents"] - payment["change_cents"]
    elif body["kind"] == "payment":
        journal[body["method"]] += body["amount_cents"] - body["change_cents"]
    elif body["kind"] == "refund":
        journal[body["method"]] += body["amount_cents"]  # negative


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_random_days_keep_the_money_right(demo_template: Path) -> None:
    TillDays.template = demo_template
    run = TillDays.TestCase
    # The same runs every time, so that CI never turns red by chance; the long mode
    # (CAISSE_PROPERTY_EXAMPLES=2000) explores new ones at each run.
    more = int(os.environ.get("CAISSE_PROPERTY_EXAMPLES", "0"))
    run.settings = settings(max_examples=more or 40, stateful_step_count=40, deadline=None,
                            derandomize=not more, database=None,
                            suppress_health_check=[HealthCheck.too_slow])
    run().runTest()
    assert min(EXERCISED[what] for what in ("sale", "payment later", "cancellation", "return",
                                            "refund refused", "z")) >= 5, EXERCISED
    # A Z after a cash refund needs a refund the drawer can pay, drawn after a sale in
    # cash and before the Z: rarer, and its count moves with the draw (3 to 20 in 40
    # runs); test_refunds checks that Z's figures case by case.
    assert EXERCISED["cash refunded"] >= 1, EXERCISED
