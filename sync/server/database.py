"""The server's database: SQLite in a data directory by default, PostgreSQL by URL.

SQLite runs in WAL mode with foreign keys, `synchronous=FULL` (a record answered
`stored` is on the disk) and a busy timeout; each write transaction takes the write lock
as it begins (`BEGIN IMMEDIATE`), so two writers never deadlock upgrading a read lock.
PostgreSQL connections give up waiting for a lock or a connection after a bound, so a
busy database is answered "later", never a hung request.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Insert, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

URL_VARIABLE = "CAISSE_SERVER_DATABASE_URL"
BUSY_TIMEOUT_VARIABLE = "CAISSE_SERVER_BUSY_TIMEOUT_MS"
DATABASE_FILE = "caisse-server.sqlite3"
BUSY_TIMEOUT_MS = 5_000
CONNECT_TIMEOUT_S = 5
# PostgreSQL SQLSTATEs that mean "busy, try again": deadlock, serialization failure,
# lock not available (lock_timeout), query cancelled (statement_timeout).
_BUSY_STATES = frozenset({"40P01", "40001", "55P03", "57014"})
_READ_ONLY = "caisse_read_only"  # an execution option: a transaction that only reads


class DatabaseUnavailable(Exception):
    """The database cannot be reached or used now; the request may be tried later."""


class DatabaseBusy(DatabaseUnavailable):
    """Another transaction holds what this one needs (a lock, past the busy timeout)."""


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / DATABASE_FILE}"


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def open_engine(url: str, busy_timeout_ms: int | None = None) -> Engine:
    """An engine for `url`; the process keeps a small pool of connections (nothing the
    server's answers depend on lives in it)."""
    if busy_timeout_ms is None:
        busy_timeout_ms = int(os.environ.get(BUSY_TIMEOUT_VARIABLE) or BUSY_TIMEOUT_MS)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, busy_timeout_ms)
    if parsed.get_backend_name() == "postgresql":
        options = (f"-c lock_timeout={busy_timeout_ms} -c statement_timeout="
                   f"{max(30_000, 4 * busy_timeout_ms)} -c timezone=UTC")
        return create_engine(url, pool_pre_ping=True, pool_timeout=busy_timeout_ms / 1000,
                             connect_args={"connect_timeout": CONNECT_TIMEOUT_S,
                                           "options": options})
    raise ValueError(f"the server stores its data in SQLite or PostgreSQL, not in"
                     f" {parsed.get_backend_name()}")


def _sqlite_engine(url: str, busy_timeout_ms: int) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # The driver's own transaction handling is switched off (isolation_level None): the
    # begin event below says BEGIN itself, IMMEDIATE for writes.
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000,
                                              "isolation_level": None,
                                              "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=FULL",
                       f"busy_timeout={busy_timeout_ms}"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get(_READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back if it raises.
    A database that cannot be used raises DatabaseUnavailable (see `unavailable`)."""
    with _translated(), engine.begin() as connection:
        yield connection


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """One transaction that only reads (on SQLite it takes no write lock)."""
    with _translated(), engine.connect() as plain:
        connection = plain.execution_options(**{_READ_ONLY: True})
        with connection.begin():
            yield connection


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except PoolTimeout as error:  # every pooled connection in use past the busy timeout
        raise DatabaseBusy(str(error).splitlines()[0]) from error
    except DBAPIError as error:
        reason = (str(error.orig or error).splitlines() or ["no reason given"])[0]
        if busy(error):
            raise DatabaseBusy(reason) from error
        if unavailable(error):
            raise DatabaseUnavailable(reason) from error
        raise


def unavailable(error: DBAPIError) -> bool:
    """Whether `error` says the database is down, busy or out of room (try later), not
    that a statement is wrong."""
    return isinstance(error, OperationalError) or error.connection_invalidated


def busy(error: BaseException) -> bool:
    """Whether `error` says the database is only busy: another transaction holds what
    this one needs, and trying again soon may succeed."""
    original = getattr(error, "orig", None)
    if getattr(original, "sqlstate", None) in _BUSY_STATES:
        return True
    return "database is locked" in str(original) or "database table is locked" in str(original)


def now() -> str:
    """The server's time, UTC to the second, as every answer and table says it."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def insert_ignoring(connection: Connection, table: Table) -> Insert:
    """`INSERT … ON CONFLICT DO NOTHING` in the connection's dialect: a row some unique
    constraint already holds is left as it is, and the statement's rowcount says 0."""
    statement: Insert = _dialect_insert(connection, table).on_conflict_do_nothing()
    # An INSERT's rowcount is kept only when asked for (psycopg's is -1 otherwise).
    return statement.execution_options(preserve_rowcount=True)


def upsert(connection: Connection, table: Table, keys: list[str], values: dict[str, Any],
           changes: Callable[[Any], dict[str, Any]], where: Callable[[Any], Any]) -> int:
    """Insert `values`, or, where the row with the same `keys` exists and `where(excluded)`
    holds, apply `changes(excluded)` to it, atomically (`ON CONFLICT … DO UPDATE`). The
    number of rows written: 0 when the existing row failed `where`."""
    statement = _dialect_insert(connection, table).values(**values)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_=changes(excluded), where=where(excluded)
    ).execution_options(preserve_rowcount=True)
    return int(connection.execute(statement).rowcount)


def upsert_many(connection: Connection, table: Table, keys: list[str], replaced: list[str],
                rows: list[dict[str, Any]]) -> None:
    """Insert `rows`, each one that meets a row with the same `keys` replacing that row's
    `replaced` columns instead (`ON CONFLICT … DO UPDATE`), in one executemany."""
    statement = _dialect_insert(connection, table)
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_={name: statement.excluded[name] for name in replaced})
    connection.execute(statement, rows)


def _dialect_insert(connection: Connection, table: Table) -> Any:
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
