"""A SQLAlchemy engine on the store, for migrations and tools; configured like the
units of work's own connections (storage/connection.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection

from pos_app.storage.connection import configure


def open_engine(path: Path) -> Engine:
    """An engine on the store file; every connection gets the durability pragmas."""
    # Whoever uses a connection ends its transaction, so the pool need not roll back one
    # it gets back.
    engine = create_engine(f"sqlite:///{path}", pool_size=4, max_overflow=4,
                           pool_reset_on_return=None)
    event.listen(engine, "connect", _configure_connection)
    event.listen(engine, "begin", _begin)
    return engine


def _configure_connection(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    configure(dbapi_connection)


def _begin(connection: Connection) -> None:
    # SQLAlchemy connections (migrations, tests) begin explicitly too; units of work
    # begin their own transactions on the driver connection.
    connection.exec_driver_sql("BEGIN")
