"""Reading a request's JSON body, bounded, before anything of it is trusted.

A body is refused, with the status docs/sync.md gives, when it is declared or turns out
larger than MAX_BODY_BYTES (413, counted as it streams in: a client may lie about its
length or send none), is not declared JSON (415), or is not UTF-8 JSON the server can
keep (400): nested deeper than 64 levels, holding NaN or an infinite number, a NUL
character or half of a surrogate pair (neither SQLite's nor PostgreSQL's texts hold them
alike). What passes goes to a `sync.contract` parser next.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from starlette.requests import Request

from sync.contract import MAX_BODY_BYTES
from sync.server.errors import Refused

MAX_DEPTH = 64
_UNKEEPABLE = re.compile("[\x00\ud800-\udfff]")


def check_declared(request: Request) -> None:
    """Refuse, before reading anything, a body declared too large or not JSON."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise Refused(400, "Content-Length is not a number")
        if int(declared) > MAX_BODY_BYTES:
            raise Refused(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise Refused(415, "the body must be JSON (Content-Type: application/json)")


async def read_body(request: Request) -> bytes:
    """The body's bytes, counted as they arrive: past MAX_BODY_BYTES, refused (413)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise Refused(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(raw: bytes) -> Any:
    """The JSON value of `raw`; Refused(400) with the reason when it is not one the
    server reads."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refused(400, f"the body is not UTF-8 (byte {error.start})") from error
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError as error:
        raise Refused(400, f"the body is nested deeper than {MAX_DEPTH} levels") from error
    except ValueError as error:  # JSONDecodeError, and an integer of thousands of digits
        raise Refused(400, f"the body is not JSON: {str(error)[:200]}") from error
    _check_values(value)
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _check_values(value: Any) -> None:
    """Walk the value (iteratively: depth is bounded here, not by the stack)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise Refused(400, f"the body is nested deeper than {MAX_DEPTH} levels")
            if isinstance(item, dict):
                for key, inner in item.items():
                    _check_text(key)
                    stack.append((inner, depth + 1))
            else:
                stack.extend((inner, depth + 1) for inner in item)
        elif isinstance(item, str):
            _check_text(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise Refused(400, "the body holds a number too large to read")


def _check_text(text: str) -> None:
    found = _UNKEEPABLE.search(text)
    if found is not None:
        what = "a NUL character" if found.group() == "\x00" else "half of a surrogate pair"
        raise Refused(400, f"the body holds a text with {what}")
