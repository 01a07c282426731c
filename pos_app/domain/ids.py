"""UUIDv7 identifiers: unique without a server, and sortable by creation time."""

from __future__ import annotations

import os
import random
import threading
import time

_lock = threading.Lock()
# Ids need to be unique, not secret: a generator seeded from the OS is enough and much
# cheaper than asking the OS for every id.
_random = random.Random(os.urandom(32))
_last = (0, 0)  # (milliseconds, 12-bit counter) of the previous id


def new_id(now_ms: int | None = None) -> str:
    """A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, a 12-bit counter, 62 random bits.

    Within one process, ids made in the same millisecond still sort in creation order
    (the counter goes up), so lists ordered by id follow the order things happened.
    """
    global _last  # noqa: PLW0603 - one sequence per process, guarded by the lock
    millis = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    with _lock:
        last_ms, counter = _last
        if millis <= last_ms:
            millis, counter = last_ms, counter + 1
            if counter > 0xFFF:  # counter exhausted: borrow the next millisecond
                millis, counter = last_ms + 1, 0
        else:
            counter = _random.getrandbits(10)  # leaves room to count up
        _last = (millis, counter)
        tail = _random.getrandbits(62)
    value = (millis & (2**48 - 1)) << 80
    value |= 0x7 << 76  # version
    value |= counter << 64  # rand_a, used as a counter
    value |= 0b10 << 62  # variant
    value |= tail  # rand_b
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
