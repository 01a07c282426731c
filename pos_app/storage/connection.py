"""Plain sqlite3 connections to the store, configured as every connection must be.

Units of work use these directly: starting the till must not wait for SQLAlchemy and
Alembic to import (a third of a second), which only migrations and tools need.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

STORE_FILE = "caisse.sqlite3"
BUSY_TIMEOUT_MS = 10_000


def store_path(data_dir: Path) -> Path:
    return data_dir / STORE_FILE


def configure(connection: sqlite3.Connection) -> None:
    """WAL, synchronous=FULL, foreign keys on; transactions begun explicitly.

    Units of work take BEGIN IMMEDIATE to write; the sqlite3 module would otherwise
    begin transactions lazily, and never as IMMEDIATE.
    """
    connection.isolation_level = None
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def connect(path: Path) -> sqlite3.Connection:
    """A configured connection; it may move between threads (one at a time)."""
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    try:
        configure(connection)
    except BaseException:
        connection.close()
        raise
    return connection
