"""UUIDv7 identifiers: unique without a server, and sortable by creation time."""

from __future__ import annotations

import os
import time
import uuid


def new_id(now_ms: int | None = None) -> str:
    """A UUIDv7 (RFC 9562) string: 48-bit Unix milliseconds, then 74 random bits."""
    millis = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    random_bits = int.from_bytes(os.urandom(10), "big")
    value = (millis & (2**48 - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((random_bits >> 62) & 0xFFF) << 64  # rand_a
    value |= 0b10 << 62  # variant
    value |= random_bits & (2**62 - 1)  # rand_b
    return str(uuid.UUID(int=value))
