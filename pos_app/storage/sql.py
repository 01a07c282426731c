"""Plain SQL on the unit of work's own sqlite3 connection.

Going through SQLAlchemy costs tens of microseconds a statement and a sale runs a dozen,
so repositories speak plain SQL to the pooled driver connection; SQLAlchemy owns the
schema (typed rows), the migrations (Alembic) and the connection pool.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar

Params = Sequence[Any]
T = TypeVar("T")
# The most values a statement's `IN (?, …)` list takes: under SQLite's smallest limit on
# variables (999 before 3.32), so no statement grows with the number of items asked about.
CHUNK = 500


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """`values` a slice of at most `size` at a time."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


@lru_cache(maxsize=16)  # an action stores the same moment several times
def utc_text(moment: datetime) -> str:
    """How times are stored: ISO 8601 in UTC, which sorts by time."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the till stores offset-aware UTC times only")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_utc_text(text: str) -> datetime:
    return datetime.fromisoformat(text)


def utc_text_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else utc_text(moment)


def from_optional_utc_text(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def like_escape(text: str) -> str:
    """Text to match literally in a LIKE pattern written with `ESCAPE '\\'`."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlRepository:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._sql = connection

    def _all(self, sql: str, params: Params = ()) -> list[Any]:
        return self._sql.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Params = ()) -> Any:
        return self._sql.execute(sql, params).fetchone()

    def _run(self, sql: str, params: Params = ()) -> None:
        self._sql.execute(sql, params)

    def _many(self, sql: str, rows: Iterable[Params]) -> None:
        self._sql.executemany(sql, rows)

    def _upsert(self, table: str, key: str, values: dict[str, Any]) -> None:
        """Insert a row, or update every given column of the row with the same `key`."""
        columns = ", ".join(values)
        marks = ", ".join("?" * len(values))
        updates = ", ".join(f"{column} = excluded.{column}" for column in values
                            if column != key)
        self._run(f"INSERT INTO {table} ({columns}) VALUES ({marks})"
                  f" ON CONFLICT ({key}) DO UPDATE SET {updates}", tuple(values.values()))
