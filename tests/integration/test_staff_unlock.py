"""A manager lifts a staff member's lock (R19): journaled, the member signs in again at
once; a cashier cannot, and neither a member not locked nor an unknown one is unlocked."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store, open_store
from pos_app.domain.errors import (
    AccountLocked,
    NotAllowed,
    StaffNotLocked,
    UnknownStaff,
)
from pos_app.domain.journal import Event, journal_time
from pos_app.domain.lockout import LOCK_DURATION, MAX_FAILURES
from pos_app.domain.staff import StaffMember
from pos_app.services.context import Context
from pos_app.services.staff import locked_staff, sign_in, unlock_staff
from tests.integration.test_cli import caisse, error, ok
from tests.integration.test_events import new_events, only
from tests.integration.test_staff_services import attempts, fail


def test_a_manager_unlocks_a_locked_cashier_who_signs_in_at_once(
        ctx: Context, store: Store, clock: FrozenClock, manager: StaffMember) -> None:
    fail(ctx, "caissier", MAX_FAILURES)
    locked_at = clock.now()
    with pytest.raises(AccountLocked):
        sign_in(ctx, "caissier", "1234")
    clock.advance(timedelta(minutes=2))
    [locked] = locked_staff(ctx, manager)
    assert locked.member.login == "caissier" and locked.until == locked_at + LOCK_DURATION
    written = new_events(ctx, lambda: unlock_staff(ctx, manager, " caissier "))
    body = only(written, Event.STAFF_UNLOCKED)
    assert body["jet"] == 205
    assert body["staff_id"] == manager.id  # who unlocked
    assert body["login"] == "caissier"
    assert body["until"] == journal_time(locked_at + LOCK_DURATION)
    assert locked_staff(ctx, manager) == []
    assert sign_in(ctx, "caissier", "1234").login == "caissier"  # at once
    assert attempts(store)[-2:] == [("caissier", "unlocked"), ("caissier", "success")]


def test_after_an_unlock_five_new_failures_are_needed_to_lock_again(
        ctx: Context, manager: StaffMember) -> None:
    fail(ctx, "caissier", MAX_FAILURES)
    unlock_staff(ctx, manager, "caissier")
    fail(ctx, "caissier", MAX_FAILURES - 1)
    assert locked_staff(ctx, manager) == []
    fail(ctx, "caissier", 1)
    assert [locked.member.login for locked in locked_staff(ctx, manager)] == ["caissier"]


def test_a_cashier_cannot_unlock_nor_list_the_locked(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    fail(ctx, "gerant", MAX_FAILURES)
    with pytest.raises(NotAllowed):
        unlock_staff(ctx, cashier, "gerant")
    with pytest.raises(NotAllowed):
        locked_staff(ctx, cashier)
    with pytest.raises(AccountLocked):
        sign_in(ctx, "gerant", "4321")


def test_only_a_locked_member_is_unlocked(ctx: Context, manager: StaffMember) -> None:
    fail(ctx, "caissier", MAX_FAILURES - 1)

    def refused() -> None:
        with pytest.raises(StaffNotLocked):
            unlock_staff(ctx, manager, "caissier")
        with pytest.raises(UnknownStaff):
            unlock_staff(ctx, manager, "personne")

    assert new_events(ctx, refused) == []
    fail(ctx, "caissier", 1)  # the earlier failures still count: nothing was unlocked
    assert [locked.member.login for locked in locked_staff(ctx, manager)] == ["caissier"]


def test_caisse_staff_unlock(store: Store, data_dir: Path) -> None:
    store.close()  # the commands run on the system's clock: the lock is taken on it
    now = open_store(data_dir)
    try:
        fail(now.context, "caissier", MAX_FAILURES)
    finally:
        now.close()
    refused = error(caisse(data_dir, "staff", "unlock", "caissier", secret="1234",
                           staff="caissier"))
    assert "locked" in refused["error"]  # the cashier's own sign-in is still refused
    done = ok(caisse(data_dir, "staff", "unlock", "caissier", secret="4321", staff="gerant"))
    assert done["login"] == "caissier" and done["unlocked"] is True
    signed = error(caisse(data_dir, "staff", "unlock", "gerant", secret="1234",
                          staff="caissier"))
    assert "manager" in signed["error"]  # signed in now, but a cashier may not unlock
