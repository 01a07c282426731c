"""Opening the till's SQLite store: WAL, synchronous=FULL, foreign keys, explicit BEGINs."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection

STORE_FILE = "caisse.sqlite3"
BEGIN_IMMEDIATE = "begin_immediate"


def store_path(data_dir: Path) -> Path:
    return data_dir / STORE_FILE


def open_engine(path: Path) -> Engine:
    """An engine on the store file; every connection gets the durability pragmas."""
    engine = create_engine(f"sqlite:///{path}", pool_size=4, max_overflow=4)
    event.listen(engine, "connect", _configure_connection)
    event.listen(engine, "begin", _begin)
    return engine


def _configure_connection(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's begin event decide how a transaction starts (the pysqlite
    # driver would otherwise start it lazily, and never as IMMEDIATE).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _begin(connection: Connection) -> None:
    # A writer takes the write lock up front: no deadlock when two writers upgrade.
    immediate = connection.info.pop(BEGIN_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
