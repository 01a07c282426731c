"""When the till tries its server again: 1 s, 2 s, 4 s… up to 5 minutes, ±50 %; a wait
the server asks for, within reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pos_app.domain.sync import (
    HEARTBEAT,
    LONGEST_RETRY,
    LONGEST_RETRY_AFTER,
    retry_after,
    retry_delay,
)


def test_the_wait_doubles_up_to_five_minutes() -> None:
    waits = [retry_delay(failures, 0.5).total_seconds() for failures in range(1, 13)]
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    assert retry_delay(10**6, 0.5) == LONGEST_RETRY  # no overflow, however long it lasts
    assert retry_delay(0, 0.5) == HEARTBEAT  # no failure: the heartbeat


@pytest.mark.parametrize("failures", [1, 4, 9, 30])
def test_the_jitter_spreads_each_wait_by_half(failures: int) -> None:
    middle = retry_delay(failures, 0.5)
    assert retry_delay(failures, 0.0) == middle / 2
    assert retry_delay(failures, 0.999999) <= middle * 1.5
    assert retry_delay(failures, 7.0) == middle * 1.5  # a draw out of [0, 1) is bounded


def test_a_wait_the_server_asks_for_is_believed_within_reason() -> None:
    assert retry_after(7) == timedelta(seconds=7)
    assert retry_after(-3) == timedelta(0)
    assert retry_after(10**7) == LONGEST_RETRY_AFTER
