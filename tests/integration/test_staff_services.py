"""Signing in (R19): lockout after five wrong secrets, recorded attempts, till states."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store
from pos_app.domain.errors import AccountLocked, AuthenticationFailed
from pos_app.domain.lockout import LOCK_DURATION
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.till import TillState
from pos_app.services.context import Context
from pos_app.services.staff import (
    UnknownTill,
    open_till,
    sign_in,
    signable_staff,
    till_statuses,
)
from pos_app.storage.connection import store_path


def attempts(store: Store) -> list[tuple[str, str]]:
    with sqlite3.connect(store_path(store.data_dir)) as db:
        return db.execute("SELECT login, outcome FROM sign_in_attempts ORDER BY seq").fetchall()


def fail(ctx: Context, login: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationFailed):
            sign_in(ctx, login, "0000")


def test_five_wrong_pins_lock_the_identifier_even_with_the_right_one(
        ctx: Context, store: Store, clock: FrozenClock) -> None:
    fail(ctx, "caissier", 5)
    with pytest.raises(AccountLocked) as locked:
        sign_in(ctx, "caissier", "1234")
    assert locked.value.until == clock.now() + LOCK_DURATION
    assert sign_in(ctx, "gerant", "4321").login == "gerant"  # others are not locked
    assert attempts(store)[-2:] == [("caissier", "locked"), ("gerant", "success")]
    assert [outcome for login, outcome in attempts(store) if login == "caissier"] == [
        "failure"] * 5 + ["locked"]


def test_the_lock_ends_and_a_success_starts_the_count_again(
        ctx: Context, clock: FrozenClock) -> None:
    fail(ctx, "caissier", 5)
    clock.advance(LOCK_DURATION + timedelta(seconds=1))
    assert sign_in(ctx, "caissier", "1234").login == "caissier"
    fail(ctx, "caissier", 4)
    assert sign_in(ctx, "caissier", "1234").login == "caissier"


def test_after_a_lock_ends_five_new_failures_lock_again(
        ctx: Context, clock: FrozenClock) -> None:
    fail(ctx, "caissier", 5)
    clock.advance(LOCK_DURATION)
    fail(ctx, "caissier", 4)  # fresh tries: not locked by the fourth
    fail(ctx, "caissier", 1)
    with pytest.raises(AccountLocked):
        sign_in(ctx, "caissier", "1234")


def test_unknown_identifiers_are_locked_alike(ctx: Context, store: Store) -> None:
    """Locking only real logins would tell an intruder which ones exist."""
    fail(ctx, "inconnu", 5)
    with pytest.raises(AccountLocked):
        sign_in(ctx, "inconnu", "1234")


def test_attempts_cannot_be_rewritten(ctx: Context, store: Store) -> None:
    fail(ctx, "caissier", 1)
    with sqlite3.connect(store_path(store.data_dir)) as db:
        for statement in ("DELETE FROM sign_in_attempts",
                          "UPDATE sign_in_attempts SET outcome = 'success'"):
            with pytest.raises(sqlite3.IntegrityError, match="never changed"):
                db.execute(statement)


def test_a_new_till_is_closed_and_signing_in_opens_it(ctx: Context, cashier: StaffMember,
                                                      store: Store) -> None:
    [status] = till_statuses(ctx)
    assert (status.till.name, status.till.point_of_sale, status.state) == (
        "Caisse accueil", "Accueil", TillState.CLOSED)
    assert open_till(ctx, cashier, status.till.id).state is TillState.OPEN
    assert open_till(ctx, cashier, status.till.id).state is TillState.OPEN
    assert [s.state for s in till_statuses(ctx)] == [TillState.OPEN]
    with sqlite3.connect(store_path(store.data_dir)) as db:
        assert db.execute("SELECT count(*), opened_by FROM till_sessions").fetchone() == (
            1, cashier.id)


def test_a_closing_till_stays_closing_at_sign_in(ctx: Context, cashier: StaffMember,
                                                 store: Store) -> None:
    """R6: a closure started and not finished is finished before anything else."""
    till = till_statuses(ctx)[0].till
    open_till(ctx, cashier, till.id)
    with sqlite3.connect(store_path(store.data_dir)) as db:
        db.execute("UPDATE till_sessions SET closing_started_at = opened_at")
    assert till_statuses(ctx)[0].state is TillState.CLOSING
    assert open_till(ctx, cashier, till.id).state is TillState.CLOSING


def test_a_till_of_another_store_cannot_be_opened(ctx: Context, cashier: StaffMember) -> None:
    with pytest.raises(UnknownTill):
        open_till(ctx, cashier, "0190b5a0-0000-7000-8000-000000000000")


def test_the_sign_in_tiles_are_the_active_members_by_name(ctx: Context) -> None:
    with ctx.uow() as uow:
        uow.staff.save(StaffMember("staff:ancien", "ancien", "Aline Ancienne", Role.CASHIER,
                                   active=False), ctx.hasher.hash("1111"))
        uow.staff.save(StaffMember("staff:anne", "anne", "anne Nouvelle", Role.CASHIER),
                       ctx.hasher.hash("2222"))
        uow.commit()
    shown = signable_staff(ctx)
    assert "ancien" not in [member.login for member in shown]
    names = [member.display_name for member in shown]
    assert "anne Nouvelle" in names and names == sorted(names, key=str.lower)
