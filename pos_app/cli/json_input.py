"""Reading the JSON files the command line is given (an import, an order), or standard
input: UTF-8 text of bounded size, refused with a sentence naming the file otherwise.

An order is read whole. An import file's top-level object is read member by member,
and each list item by item as the import checks it (`JsonMembers`,
pos_app/domain/json_stream.py, which the server's import uses too).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from pos_app.cli.parser import UsageError
from pos_app.domain import json_stream
from pos_app.domain.json_stream import JsonMembers, JsonReader, too_large

MAX_ORDER_BYTES = 20_000_000  # an order file is a few kB
# An import file: 300,000 products and 50,000 customers take some 100 MB.
MAX_IMPORT_BYTES = 200_000_000


CHUNK_BYTES = json_stream.CHUNK_BYTES  # read at a time (tests make it a few bytes)


def _JsonReader(file: BinaryIO, name: str, limit: int) -> JsonReader:  # noqa: N802
    """The domain's reader, saying its problems as the command line's usage errors."""
    return JsonReader(file, name, limit, UsageError, CHUNK_BYTES)


def read_json(path: str | Path, limit: int = MAX_ORDER_BYTES) -> Any:
    """The JSON document in the file (`-`: standard input), read whole."""
    with _opened(path, limit) as (file, name):
        reader = _JsonReader(file, name, limit)
        value = reader.value()
        reader.end()
    return value


@contextmanager
def import_document(path: str | Path) -> Iterator[Any]:
    """The import file's document: a `JsonMembers` when it is an object (its members
    read as the import asks for them, while the block runs), else the value read whole
    (which the import refuses)."""
    with _opened(path, MAX_IMPORT_BYTES) as (file, name):
        reader = _JsonReader(file, name, MAX_IMPORT_BYTES)
        if reader.next_char() == "{":
            yield JsonMembers(reader)
        else:
            value = reader.value()
            reader.end()
            yield value


@contextmanager
def _opened(path: str | Path, limit: int) -> Iterator[tuple[BinaryIO, str]]:
    """The file (or standard input) and its name; a file larger than `limit` is refused
    before a byte of it is read (standard input, once `limit` bytes are read)."""
    if str(path) == "-":
        yield sys.stdin.buffer, "standard input"
        return
    try:
        file = Path(path).open("rb")  # noqa: SIM115 - closed below, after the block
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from error
    with file:
        status = os.fstat(file.fileno())
        if stat.S_ISREG(status.st_mode) and status.st_size > limit:
            raise _too_large(str(path), limit)
        yield file, str(path)


def _too_large(name: str, limit: int) -> UsageError:
    return UsageError(too_large(name, limit))


__all__ = ["JsonMembers", "import_document", "read_json"]
