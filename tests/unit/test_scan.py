"""A code held before a camera is read once; shown again after a pause, read again."""

from __future__ import annotations

from pos_app.domain import scan
from pos_app.domain.scan import RepeatFilter


def test_a_code_held_in_view_is_read_once() -> None:
    repeats = RepeatFilter(window_s=1.0)
    sightings = [repeats.fresh("TKT-1", frame / 30) for frame in range(90)]  # 3 s at 30 fps
    assert sightings == [True] + [False] * 89


def test_a_code_shown_again_after_the_window_is_read_again() -> None:
    repeats = RepeatFilter(window_s=1.0)
    assert repeats.fresh("TKT-1", 0.0)
    assert not repeats.fresh("TKT-1", 0.9)
    assert not repeats.fresh("TKT-1", 1.8)  # still in sight: 0.9 s after the last sighting
    assert repeats.fresh("TKT-1", 3.0)
    assert repeats.fresh("TKT-2", 3.0)  # another code is its own read


def test_old_codes_are_forgotten_but_recent_ones_kept() -> None:
    repeats = RepeatFilter(window_s=1.0)
    for index in range(scan.MAX_REMEMBERED + 10):
        assert repeats.fresh(f"C{index}", index * 2.0)
    assert len(repeats._last_seen) < scan.MAX_REMEMBERED
    last = f"C{scan.MAX_REMEMBERED + 9}"
    assert not repeats.fresh(last, (scan.MAX_REMEMBERED + 9) * 2.0 + 0.5)
