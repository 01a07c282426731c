"""Opening the till's SQLite store: WAL, synchronous=FULL, foreign keys, explicit BEGINs."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection

STORE_FILE = "caisse.sqlite3"


def store_path(data_dir: Path) -> Path:
    return data_dir / STORE_FILE


def open_engine(path: Path) -> Engine:
    """An engine on the store file; every connection gets the durability pragmas."""
    # Units of work always end their own transaction, so the pool need not roll back
    # a connection it gets back.
    engine = create_engine(f"sqlite:///{path}", pool_size=4, max_overflow=4,
                           pool_reset_on_return=None)
    event.listen(engine, "connect", _configure_connection)
    event.listen(engine, "begin", _begin)
    return engine


def _configure_connection(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Transactions are begun explicitly (units of work take BEGIN IMMEDIATE to write);
    # the pysqlite driver would otherwise begin them lazily, and never as IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _begin(connection: Connection) -> None:
    # SQLAlchemy connections (migrations, tests) begin explicitly too; units of work
    # begin their own transactions on the driver connection.
    connection.exec_driver_sql("BEGIN")
