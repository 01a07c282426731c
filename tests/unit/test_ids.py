"""UUIDv7 ids sort in creation order, even within one millisecond."""

from __future__ import annotations

import uuid

from pos_app.domain.ids import new_id


def test_ids_are_version_7_and_unique() -> None:
    ids = [new_id() for _ in range(5000)]
    assert len(set(ids)) == 5000
    assert all(uuid.UUID(value).version == 7 for value in ids)


def test_ids_made_in_the_same_millisecond_keep_their_order() -> None:
    ids = [new_id(now_ms=1_780_000_000_000) for _ in range(5000)]
    assert ids == sorted(ids)


def test_ids_carry_their_time() -> None:
    value = new_id(now_ms=1_780_000_000_123)
    assert uuid.UUID(value).int >> 80 >= 1_780_000_000_123
