"""The fault campaign's tills (test_campaign.py): each sells through the services on a
thread of its own and syncs on another through `sync.sync_once`, as the window and its
sync thread do, until all it recorded is with the server.

Selling is paced by the sync rounds (a burst of actions, then a round) so that it lasts
as long as the campaign's faults and every round has records to carry; the pace only
drives the test, the till itself never waits for its server. A till sells up to its
share of records, but past each gate only a trickle while the campaign's next fault is
not done yet (a server is killed in the middle of a batch: batches must keep coming).

The rounds are driven here rather than by `SyncWorker`: its waits are those of a real
till (1 s, 2 s, 4 s… after a failure, the server's Retry-After of 10 s), which would
stretch the campaign to many minutes. Its own timing is tested in test_sync_worker.py.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from pos_app.bootstrap import Store
from pos_app.domain.basket import Basket
from pos_app.domain.closure import CashMovementKind
from pos_app.domain.errors import DomainError
from pos_app.domain.staff import StaffMember
from pos_app.services import closures, orders, selling, sync
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in, sign_out
from pos_app.services.sync import SyncPorts
from tests.sync.faults import Proxy

PRODUCTS = ("balade-poney-1h", "kayak-2h", "paddle-1h", "barque-1h", "escalade-seance",
            "visite-guidee", "accrobranche", "nocturne")
Z_EVERY = 150  # actions between two Z closures: a few days of a small venue
SIGN_OUT_EVERY = 70  # actions between two changes of cashier
HEARTBEAT_S = 0.5  # between rounds when nothing woke the syncer
LONGEST_BACKOFF_S = 0.4  # after failures in a row (the real till waits up to 5 minutes)


class Pace:
    """The campaign's faults as gates: a till sells freely up to the gate of the next
    fault to come (its share of records cut in equal parts), then a trickle until that
    fault is done."""

    def __init__(self, faults: int) -> None:
        self.faults = faults
        self._done = 0
        self._lock = threading.Lock()

    def gate(self, share: int) -> int | None:
        """How many records a till of `share` may make freely now; None: no fault left."""
        with self._lock:
            if self._done >= self.faults:
                return None
            return share * (self._done + 1) // (self.faults + 1)

    def one_done(self) -> None:
        with self._lock:
            self._done += 1


@dataclass
class Driver:
    """One till of the campaign: its store, its way to the server (a fault proxy), the
    staff signed in, and what it did."""

    name: str
    store: Store
    ports: SyncPorts
    proxy: Proxy
    share: int  # records to make
    pace: Pace
    seed: int
    stopping: threading.Event
    actions: Counter[str] = field(default_factory=Counter)
    rounds: int = 0
    failed_rounds: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # failed rounds by error type
    error: BaseException | None = None  # what broke a thread, raised by the test

    def __post_init__(self) -> None:
        self.ctx = self.store.context
        self.rng = random.Random(self.seed)
        self.cashier: StaffMember = sign_in(self.ctx, "caissier", "1234")
        self.manager: StaffMember = sign_in(self.ctx, "gerant", "4321")
        self.unpaid: list[str] = []  # numbers of orders validated without payment
        self.paid: list[str] = []  # numbers of orders paid in full, not taken back yet
        self.selling_done = threading.Event()
        self.synced = threading.Event()  # the last round found nothing waiting
        self._wake = threading.Event()
        self._round_ended = threading.Condition()
        self._threads = [threading.Thread(target=self._guarded, args=(work,), daemon=True,
                                          name=f"{self.name} {work.__name__}")
                         for work in (self._sell, self._sync)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def join(self, timeout_s: float) -> None:
        for thread in self._threads:
            thread.join(timeout_s)

    def records(self) -> int:
        with self.ctx.uow(write=False) as uow:
            counts = uow.outbox.counts()
        return counts.waiting + counts.sent + counts.rejected

    # -- selling ------------------------------------------------------------------------

    def _sell(self) -> None:
        self._act(self._float)
        while not self.stopping.is_set():
            made = self.records()
            gate = self.pace.gate(self.share)
            if gate is None and made >= self.share:
                break
            burst = self.rng.randint(1, 12) if gate is None or made < gate else 1
            for _action in range(burst):
                self._act(self._next_action())
            self._after_a_round()
        self.selling_done.set()
        self._wake.set()

    def _after_a_round(self) -> None:
        """Wake the syncer and wait for a round to end (each round then has a batch)."""
        with self._round_ended:
            target = self.rounds + 1
            self._wake.set()
            self._round_ended.wait_for(
                lambda: self.rounds >= target or self.stopping.is_set() or self.synced.is_set(),
                timeout=60)

    def _next_action(self) -> Callable[[], None]:
        count = sum(self.actions.values()) + 1
        if count % Z_EVERY == 0:
            return self._close_the_day
        if count % SIGN_OUT_EVERY == 0:
            return self._change_cashier
        roll = self.rng.random()
        if roll < 0.08:
            return self._sell_without_paying
        if roll < 0.16 and self.unpaid:
            return self._pay_later
        if roll < 0.20 and self.paid:
            return self._cancel
        if roll < 0.24 and self.paid:
            return self._take_back
        if roll < 0.27:
            return self._cash_in
        return self._sale

    def _act(self, action: Callable[[], None]) -> None:
        try:
            action()
        except DomainError as refused:  # a rule of the till, not sync: counted, not hidden
            self.actions[f"refused ({type(refused).__name__})"] += 1
        else:
            self.actions[action.__name__.strip("_").replace("_", " ")] += 1

    def _basket(self) -> Basket:
        basket = Basket()
        for product in self.rng.sample(PRODUCTS, self.rng.randint(1, 3)):
            selling.add_product(self.ctx, basket, product, self.rng.randint(1, 2))
        return basket

    def _sale(self) -> None:
        basket = self._basket()
        total = basket.total_cents
        roll = self.rng.random()
        if roll < 0.5:
            payments = [PaymentRequest("CB", total)]
        elif roll < 0.85 or total <= 500:  # cash, a note of 10 € or more: change given
            payments = [PaymentRequest("ESP", (total // 1000 + 1) * 1000)]
        else:
            payments = [PaymentRequest("ESP", 500), PaymentRequest("CB", total - 500)]
        order = selling.sell(self.ctx, self.cashier, basket, payments)
        self.paid.append(order.number)

    def _sell_without_paying(self) -> None:
        order = selling.sell(self.ctx, self.cashier, self._basket(),
                             validate_without_paying=True)
        self.unpaid.append(order.number)

    def _pay_later(self) -> None:
        number = self.unpaid.pop(0)
        order = orders.get_order(self.ctx, number).order
        orders.pay_order(self.ctx, self.cashier, number, "CHQ", order.total_cents)
        self.paid.append(number)

    def _cancel(self) -> None:
        orders.cancel_order(self.ctx, self.manager, self.paid.pop(), "Erreur de saisie")

    def _take_back(self) -> None:
        orders.return_lines(self.ctx, self.manager, self.paid.pop(), [(0, 1)],
                            "Retour client")

    def _cash_in(self) -> None:
        closures.record_cash_movement(self.ctx, self.cashier, CashMovementKind.IN, 2000,
                                      "Monnaie")

    def _float(self) -> None:
        closures.record_cash_movement(self.ctx, self.cashier, CashMovementKind.FLOAT, 15000)

    def _close_the_day(self) -> None:
        closures.finish_closure(self.ctx, self.manager)
        self._act(self._float)  # the next day opens with its float

    def _change_cashier(self) -> None:
        sign_out(self.ctx, self.cashier)
        self.cashier = sign_in(self.ctx, "caissier", "1234")

    # -- syncing ------------------------------------------------------------------------

    def _sync(self) -> None:
        failures_in_a_row = 0
        while not self.stopping.is_set():
            run = sync.sync_once(self.ctx, self.ports,
                                 keep_going=lambda: not self.stopping.is_set())
            finished = False
            if run.failure is None:
                failures_in_a_row = 0
                finished = self.selling_done.is_set() and self._nothing_waits()
            else:
                failures_in_a_row += 1
                self.failed_rounds += 1
                self.failures[type(run.failure).__name__] += 1
            with self._round_ended:
                self.rounds += 1
                if finished:
                    self.synced.set()
                self._round_ended.notify_all()
            if finished:
                return
            if failures_in_a_row:
                wait = min(LONGEST_BACKOFF_S, 0.02 * 2 ** failures_in_a_row)
                self.stopping.wait(wait * self.rng.uniform(0.5, 1.5))
            elif self._wake.wait(HEARTBEAT_S):
                self._wake.clear()

    def _nothing_waits(self) -> bool:
        status = sync.sync_status(self.ctx)
        return status.counts.waiting == 0 and status.journal_waiting == 0

    def _guarded(self, work: Callable[[], None]) -> None:
        try:
            work()
        except BaseException as error:
            self.error = error
            self.stopping.set()
            raise
