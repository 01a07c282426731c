"""R19: five wrong secrets in a row lock an identifier for a while."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pos_app.domain.lockout import LOCK_DURATION, locked_until

T0 = datetime(2026, 7, 11, 8, 0, tzinfo=UTC)


def minutes(*offsets: int) -> list[datetime]:
    return [T0 + timedelta(minutes=m) for m in offsets]


def test_four_failures_do_not_lock() -> None:
    assert locked_until(minutes(0, 1, 2, 3), T0 + timedelta(minutes=4)) is None


def test_the_fifth_failure_locks_from_its_own_time() -> None:
    assert locked_until(minutes(0, 1, 2, 3, 4), T0 + timedelta(minutes=5)) == (
        T0 + timedelta(minutes=4) + LOCK_DURATION)


def test_a_lock_ends() -> None:
    assert locked_until(minutes(0, 1, 2, 3, 4), T0 + timedelta(minutes=4) + LOCK_DURATION) is None


def test_failures_raced_in_during_a_lock_do_not_extend_it() -> None:
    until = locked_until(minutes(0, 0, 0, 0, 0, 1, 2), T0 + timedelta(minutes=3))
    assert until == T0 + LOCK_DURATION


def test_five_more_after_a_lock_lock_again() -> None:
    later = [T0 + LOCK_DURATION + timedelta(minutes=m) for m in range(5)]
    now = later[-1] + timedelta(seconds=1)
    assert locked_until(minutes(0, 0, 0, 0, 0) + later[:4], now) is None
    assert locked_until(minutes(0, 0, 0, 0, 0) + later, now) == later[-1] + LOCK_DURATION
