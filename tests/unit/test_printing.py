"""When a job the printer refused is tried again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pos_app.domain.printing import next_attempt

NOW = datetime(2026, 7, 11, 8, 0, tzinfo=UTC)


def test_the_pause_doubles_up_to_a_minute() -> None:
    pauses = [next_attempt(NOW, attempts) - NOW for attempts in (1, 2, 3, 4, 10, 50)]
    assert pauses == [timedelta(seconds=s) for s in (0.5, 1, 2, 4, 60, 60)]
