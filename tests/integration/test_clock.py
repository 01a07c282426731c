"""Time that cannot lock the till: a clock set back an hour, three hours or two days, or
ahead two days, before or after a Z. Every sale goes through, every Z is possible and
exact, and each jump is journaled once, through the services and at the command line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pos_app.adapters.clock import FrozenClock
from pos_app.domain.closure import CashMovementKind, ClosureKind
from pos_app.domain.errors import ClosureRequired
from pos_app.domain.journal import Chain
from pos_app.domain.staff import StaffMember
from pos_app.domain.till import TillState
from pos_app.services import closures, selling
from pos_app.services.context import Context
from pos_app.services.journal import latest_clock_jump
from pos_app.services.journal_check import verify_journal
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import till_statuses
from tests.integration.test_cli import ok
from tests.integration.test_selling_services import basket_of

CAFE, PONEY = 160, 1400
JUMPS = {"1 h back": timedelta(hours=-1), "3 h back": timedelta(hours=-3),
         "2 days back": timedelta(days=-2), "2 days ahead": timedelta(days=2)}


def all_events(ctx: Context) -> list[dict[str, Any]]:
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        return [json.loads(row[5]) for row in uow.journal.rows(till.id, Chain.EVENT)]


def events(ctx: Context, name: str) -> list[dict[str, Any]]:
    return [body for body in all_events(ctx) if body["event"] == name]


def sell(ctx: Context, cashier: StaffMember, clock: FrozenClock, product: str, cents: int,
         method: str = "ESP") -> None:
    clock.advance(timedelta(minutes=5))
    selling.sell(ctx, cashier, basket_of(ctx, product), [PaymentRequest(method, cents)])


@pytest.mark.parametrize("after_z", [False, True], ids=["before a Z", "after a Z"])
@pytest.mark.parametrize("jump", JUMPS.values(), ids=JUMPS.keys())
def test_a_clock_jump_never_stops_a_sale_or_a_z(ctx: Context, cashier: StaffMember,
                                                manager: StaffMember, clock: FrozenClock,
                                                jump: timedelta, after_z: bool) -> None:
    closures.record_cash_movement(ctx, cashier, CashMovementKind.FLOAT, 10000)
    sell(ctx, cashier, clock, "balade-poney-1h", PONEY)
    if after_z:
        closures.finish_closure(ctx, manager)
    clock.current += jump
    sell(ctx, cashier, clock, "cafe", CAFE)
    assert till_statuses(ctx)[0].state is TillState.OPEN
    sell(ctx, cashier, clock, "cafe", 500)  # 3,40 € back
    closures.record_cash_movement(ctx, cashier, CashMovementKind.OUT, 200, "banque")
    sell(ctx, cashier, clock, "cafe", CAFE, "CB")
    reading = closures.x_reading(ctx)
    result = closures.finish_closure(ctx, manager)
    z = result.closure
    # Exactly what was recorded since the previous Z, whatever the clock said.
    float_cents = 0 if after_z else 10000
    poney = 0 if after_z else PONEY
    assert (z.orders, z.totals.period_cents) == (3 + (not after_z), poney + 3 * CAFE)
    assert z.expected_cash_cents == reading.cash.expected_cents == (
        float_cents + poney + 2 * CAFE - 200)
    assert {m.method_code: m.net_cents for m in reading.methods} == {"ESP": poney + 2 * CAFE,
                                                                     "CB": CAFE}
    assert result.made_alongside == ()  # no month closed by a clock gone wrong
    jumps = events(ctx, "clock_jump")
    assert len(jumps) == 1, "journaled once per jump"
    assert jumps[0]["way"] == ("back" if jump < timedelta(0) else "ahead")
    assert jumps[0]["offset_seconds"] == pytest.approx(jump.total_seconds(), abs=600)
    seen = latest_clock_jump(ctx)
    assert seen is not None and seen.direction.value == jumps[0]["way"]
    # One session for everything since the Z: the clock never opened another.
    assert [body["number"] for body in events(ctx, "session_opened")] == (
        [1, 2] if after_z else [1])
    sell(ctx, cashier, clock, "cafe", CAFE)  # and the till opens again after it
    assert closures.finish_closure(ctx, manager).closure.number == (3 if after_z else 2)
    report = verify_journal(ctx, every_signature=True)
    assert report.ok, report.problems


def test_the_24_hours_count_from_the_opening_as_journaled(
        ctx: Context, cashier: StaffMember, clock: FrozenClock) -> None:
    sell(ctx, cashier, clock, "cafe", CAFE)  # opens the till
    clock.advance(timedelta(hours=2))
    sell(ctx, cashier, clock, "cafe", CAFE)
    clock.current -= timedelta(hours=3)  # the clock loses three hours
    sell(ctx, cashier, clock, "cafe", CAFE)
    clock.advance(timedelta(hours=21))  # 23 h 15 min after the opening, 20 h 20 by the clock
    sell(ctx, cashier, clock, "cafe", CAFE)
    clock.advance(timedelta(hours=1))  # 24 h 20 min after the opening, 21 h 25 by the clock
    with pytest.raises(ClosureRequired):
        sell(ctx, cashier, clock, "cafe", CAFE)


def test_a_clock_two_days_ahead_does_not_count_in_the_24_hours(
        ctx: Context, cashier: StaffMember, clock: FrozenClock) -> None:
    sell(ctx, cashier, clock, "cafe", CAFE)
    clock.advance(timedelta(days=2, hours=1))
    sell(ctx, cashier, clock, "cafe", CAFE)
    clock.advance(timedelta(hours=20))
    sell(ctx, cashier, clock, "cafe", CAFE)
    clock.advance(timedelta(hours=4))  # 24 h of the journal's time since the opening
    with pytest.raises(ClosureRequired):
        sell(ctx, cashier, clock, "cafe", CAFE)


def test_a_clock_set_back_to_the_month_before_closes_no_month(
        ctx: Context, cashier: StaffMember, manager: StaffMember, clock: FrozenClock) -> None:
    clock.current = datetime(2026, 8, 1, 8, tzinfo=UTC)
    sell(ctx, cashier, clock, "cafe", CAFE)
    closures.finish_closure(ctx, manager)
    clock.current = datetime(2026, 7, 30, 8, tzinfo=UTC)  # two days back: July again
    sell(ctx, cashier, clock, "cafe", CAFE)
    assert closures.finish_closure(ctx, manager).made_alongside == ()
    clock.current = datetime(2026, 9, 1, 8, tzinfo=UTC)  # set right, a month later
    sell(ctx, cashier, clock, "cafe", CAFE)
    month, = closures.finish_closure(ctx, manager).made_alongside
    assert (month.kind, month.first_part, month.last_part) == (ClosureKind.MONTH, 1, 2)
    assert month.totals.period_cents == 2 * CAFE
    assert verify_journal(ctx, every_signature=True).ok


def test_a_lock_recorded_before_the_clock_went_back_does_not_hold(
        ctx: Context, clock: FrozenClock) -> None:
    from pos_app.domain.errors import AccountLocked, AuthenticationFailed
    from pos_app.services.staff import sign_in

    for _attempt in range(5):
        with pytest.raises(AuthenticationFailed):
            sign_in(ctx, "caissier", "0000")
    with pytest.raises(AccountLocked):
        sign_in(ctx, "caissier", "1234")
    clock.current -= timedelta(days=2)  # the lock would last two days by this clock
    assert sign_in(ctx, "caissier", "1234").login == "caissier"


# -- at the command line, with the system clock moved by libfaketime -----------------------

needs_faketime = pytest.mark.skipif(shutil.which("faketime") is None,
                                    reason="libfaketime is installed by `python3 dev.py test`")


def caisse_at(offset: str | None, data_dir: Path, *args: str,
              staff: tuple[str, str] | None = None, stdin: str = ""
              ) -> subprocess.CompletedProcess[str]:
    """`caisse` with the system clock moved by `offset` (`-3h`, `+2d`), as a till whose
    clock was set wrong."""
    env = dict(os.environ)
    command = [sys.executable, "-m", "pos_app", "--data-dir", str(data_dir), "--json"]
    if staff is not None:
        command += ["--staff", staff[0]]
        env["CAISSE_SECRET"] = staff[1]
    if offset is not None:
        command = ["faketime", "-f", offset, *command]
        env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
    return subprocess.run([*command, *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120, check=False)


CASHIER, MANAGER = ("caissier", "1234"), ("gerant", "4321")
CAFE_ORDER = json.dumps({"lines": [{"product": "cafe"}],
                         "payments": [{"method": "ESP", "amount": "1,60"}]})


@needs_faketime
@pytest.mark.parametrize("offset", ["-1h", "-3h", "-2d", "+2d"])
def test_the_command_line_keeps_the_same_rules(data_dir: Path, offset: str) -> None:
    ok(caisse_at(None, data_dir, "order", "create", staff=CASHIER, stdin=CAFE_ORDER))
    ok(caisse_at(None, data_dir, "close", "z", staff=MANAGER))
    ok(caisse_at(None, data_dir, "order", "create", staff=CASHIER, stdin=CAFE_ORDER))
    first = caisse_at(offset, data_dir, "order", "create", staff=CASHIER, stdin=CAFE_ORDER)
    assert ok(first)["status"] == "active"
    assert "warning: the clock says" in first.stderr, first.stderr
    assert ("behind" if offset.startswith("-") else "ahead of") in first.stderr
    again = caisse_at(offset, data_dir, "order", "create", staff=CASHIER, stdin=CAFE_ORDER)
    assert ok(again) and "warning" not in again.stderr  # once per jump
    z = ok(caisse_at(offset, data_dir, "close", "z", staff=MANAGER))
    assert (z["orders"], z["takings_cents"]) == (3, 3 * CAFE)
    assert ok(caisse_at(offset, data_dir, "journal", "verify", "--full"))["ok"]
    journal = events_of(data_dir)
    # (The store's template was made on the tests' day: the first command, at the real
    # time, journals that jump first.)
    first_run = next(index for index, e in enumerate(journal) if e["event"] == "command")
    assert [e["event"] for e in journal[first_run:]].count("clock_jump") == 1
    commands = [e["name"] for e in journal if e["event"] == "command"]
    assert commands == ["order create", "close z", "order create", "order create",
                        "order create", "close z"]


def events_of(data_dir: Path) -> list[dict[str, Any]]:
    from pos_app.bootstrap import open_store

    store = open_store(data_dir)
    try:
        return all_events(store.context)
    finally:
        store.close()


def test_a_day_off_after_the_till_stopped_still_counts_in_the_24_hours(
        ctx: Context, cashier: StaffMember, clock: FrozenClock) -> None:
    """Friday's session left open, the till switched off, Monday's first sale: the time
    off may be real, so the Z is asked for; the gap is still journaled and said."""
    from pos_app.services.journal import record_stop

    sell(ctx, cashier, clock, "cafe", CAFE)
    clock.advance(timedelta(hours=9))
    record_stop(ctx)
    clock.advance(timedelta(days=2, hours=15))
    with pytest.raises(ClosureRequired):  # refused: nothing of it written
        sell(ctx, cashier, clock, "cafe", CAFE)
    seen = latest_clock_jump(ctx)  # as the sale screen (or a command) asks
    assert seen is not None and seen.after_stop
    jump, = events(ctx, "clock_jump")
    assert (jump["way"], jump["till_stopped"]) == ("ahead", True)


def test_the_months_are_closed_once_when_the_clock_ran_ahead_over_new_year(
        ctx: Context, cashier: StaffMember, manager: StaffMember, clock: FrozenClock) -> None:
    clock.current = datetime(2026, 12, 30, 8, tzinfo=UTC)
    sell(ctx, cashier, clock, "cafe", CAFE)
    closures.finish_closure(ctx, manager)
    clock.current = datetime(2027, 1, 1, 9, tzinfo=UTC)  # two days ahead
    sell(ctx, cashier, clock, "cafe", CAFE)
    made = closures.finish_closure(ctx, manager).made_alongside
    assert [c.kind for c in made] == [ClosureKind.MONTH, ClosureKind.YEAR]
    clock.current = datetime(2026, 12, 31, 9, tzinfo=UTC)  # set right
    sell(ctx, cashier, clock, "cafe", CAFE)
    assert closures.finish_closure(ctx, manager).made_alongside == ()
    clock.current = datetime(2027, 1, 2, 9, tzinfo=UTC)
    sell(ctx, cashier, clock, "cafe", CAFE)
    assert closures.finish_closure(ctx, manager).made_alongside == ()  # December is closed
    clock.current = datetime(2027, 2, 1, 9, tzinfo=UTC)
    sell(ctx, cashier, clock, "cafe", CAFE)
    month, = closures.finish_closure(ctx, manager).made_alongside
    assert (month.number, month.first_part, month.last_part) == (2, 2, 4)
    assert verify_journal(ctx, every_signature=True).ok


def test_a_lock_holds_through_a_clock_corrected_by_a_minute(
        ctx: Context, clock: FrozenClock) -> None:
    from pos_app.domain.errors import AccountLocked, AuthenticationFailed
    from pos_app.services.staff import sign_in

    for _attempt in range(5):
        with pytest.raises(AuthenticationFailed):
            sign_in(ctx, "caissier", "0000")
    clock.current -= timedelta(minutes=1)  # a drift corrected: not a way round the lock
    with pytest.raises(AccountLocked):
        sign_in(ctx, "caissier", "1234")
