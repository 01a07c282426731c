"""Locking an identifier after repeated wrong secrets (R19): five failures in a row lock
it for a quarter of an hour, so a lost badge or a guessed PIN cannot be tried for ever."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from pos_app.domain.clock import BACK_TOLERANCE

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)


class SignInOutcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"  # a wrong secret, an unknown identifier or an inactive member
    LOCKED = "locked"  # refused without checking the secret: the identifier was locked
    # A manager lifted the lock: the failures before it count no more, as after a success.
    UNLOCKED = "unlocked"


def locked_until(failures: Iterable[datetime], now: datetime,
                 max_failures: int = MAX_FAILURES,
                 duration: timedelta = LOCK_DURATION) -> datetime | None:
    """When the lock ends, if the identifier is locked at `now`; else None.

    `failures` are the times of the wrong secrets since the last successful sign-in,
    oldest first. Every `max_failures`-th failure starts a lock; attempts refused while
    locked are not failures, so once a lock ends the identifier gets fresh tries.
    """
    streak = 0
    until: datetime | None = None
    for at in failures:
        if until is not None and at < until:
            continue  # checked before the lock was recorded: a race of two screens
        streak += 1
        if streak == max_failures:
            until, streak = at + duration, 0
    if until is None or not until - duration - BACK_TOLERANCE <= now < until:
        # A lock that would start after `now` (beyond a clock's drift) was recorded
        # before the clock went back: it does not hold the identifier for the hours the
        # clock lost.
        return None
    return until
